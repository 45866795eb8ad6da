// Trailglass's own figures in headless Chromium: release size of dist/, first
// render of the empty app, loading a folder through the folder input (drop to
// loaded and queryable, throughput, memory, long main-thread tasks), the
// per-principal view, and typing queries (field filter and free text).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DIST, openPage, foreignRequests, launch } from '../../tests/e2e/harness.mjs';

/** Bytes of the release wasm and JavaScript in dist/, raw and gzipped (level 9, as a host would). */
export function distSize() {
  let raw = 0;
  let gzipped = 0;
  for (const name of fs.readdirSync(DIST).filter((n) => /\.(wasm|js)$/.test(n))) {
    const bytes = fs.readFileSync(path.join(DIST, name));
    raw += bytes.length;
    gzipped += zlib.gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzipped };
}

/**
 * Navigation start to the empty app's drop zone in the page, in fresh
 * contexts (nothing cached); the median of `runs`.
 */
export async function firstRender(browser, url, runs = 3) {
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // performance.now() counts from navigation start; the observer sees the drop zone the moment Yew inserts it.
    await context.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.querySelector('[data-testid=drop-zone] .drop-hint')) {
          window.__dropZoneAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('[data-testid=drop-zone] .drop-hint');
    times.push(await page.evaluate(() => window.__dropZoneAt));
    await context.close();
  }
  return { ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)], times };
}

/** Picks `folder` through the page's folder input; a folder that yields no file is an error, not a hang. */
export async function pickFolder(page, folder) {
  // Counted on the document, in the capture phase, before the page's own handler runs (Trailglass
  // empties the input once it has taken the files); the clock starts there too.
  await page.evaluate(() => document.addEventListener('change', (event) => {
    window.__picked = event.target.files.length;
    window.__handedOver = performance.now();
  }, { capture: true, once: true }));
  await page.setInputFiles('[data-testid=folder-input]', folder);
  const picked = await page.evaluate(() => window.__picked ?? 0);
  if (picked === 0) throw new Error(`no file picked from ${folder}`);
  return picked;
}

const QUERIES = [
  { query: 'eventName:ConsoleLogin', kind: 'field filter' },
  { query: 'eventName:Delete* OR eventName:Put*', kind: 'wildcards' },
  { query: 'AccessDenied', kind: 'free text' },
  { query: '"198.51.100.77"', kind: 'free-text phrase' },
  { query: '', kind: 'cleared' },
];

/** Page time when a new answer is on screen: a new count (or a new worker time), and the table's rows. */
function untilShown(page, previous) {
  return page.waitForFunction((previous) => {
    const count = document.querySelector('[data-testid=event-count]');
    if (!count || (count.dataset.shown === previous.shown && count.dataset.elapsedMs === previous.elapsed)) return false;
    if (count.dataset.shown !== '0' && !document.querySelector('[data-testid=event-row]')) return false;
    return performance.now();
  }, previous, { polling: 'raf', timeout: 5 * 60_000 });
}

export async function loadAndQuery(browser, url, folder, step) {
  const { page, requests, errors } = await openPage(browser, url);
  await page.evaluate(() => document.addEventListener('input', () => { window.__typedAt = performance.now(); }, true));
  step('picking the folder');
  await pickFolder(page, folder);
  step('loading');
  // Loaded and queryable: the load is done and the first view (count, table) is on screen.
  const queryable = await page.waitForFunction(() => {
    if (!document.querySelector('[data-testid=load-status][data-state=done]')) return false;
    const count = document.querySelector('[data-testid=event-count]');
    const loaded = document.querySelector('[data-testid=load-summary]')?.dataset.events;
    if (!count || count.dataset.total !== loaded || !document.querySelector('[data-testid=event-row]')) return false;
    return performance.now();
  }, null, { polling: 'raf', timeout: 30 * 60_000 });
  const queryableAt = await queryable.jsonValue();
  const summary = await page.locator('[data-testid=load-summary]').evaluate((el) => ({ ...el.dataset }));
  const handedOver = await page.evaluate(() => window.__handedOver);
  // Every task overlapping the load. The one that dispatched the change event began earlier, with the
  // browser listing the folder for Playwright's pick: only its part from the change event on is the page's.
  const loadTasks = await page.evaluate(([from, to]) => window.__longTasks
    .filter(([start, duration]) => start + duration >= from && start <= to)
    .map(([start, duration]) => start + duration - Math.max(start, from))
    .filter((duration) => duration > 50), [handedOver, queryableAt]);

  step('per-principal view');
  // The per-principal summary is part of the view the worker sends; showing it is one click.
  const tabAt = await page.evaluate(() => performance.now());
  await page.click('[data-testid=tab-principals]');
  const principalsAt = await (await page.waitForFunction(() => document.querySelector('[data-testid=principal-row]') && performance.now(), null, { polling: 'raf' })).jsonValue();
  const principalRows = await page.locator('[data-testid=principal-row]').count();
  await page.click('[data-testid=tab-events]');

  const queries = [];
  const queriesFrom = await page.evaluate(() => performance.now());
  for (const { query, kind } of QUERIES) {
    step(`query ${query || '(cleared)'}`);
    const before = await page.locator('[data-testid=event-count]').evaluate((el) => ({ shown: el.dataset.shown, elapsed: el.dataset.elapsedMs }));
    await page.fill('[data-testid=search]', query);
    const updatedAt = await (await untilShown(page, before)).jsonValue();
    const typedAt = await page.evaluate(() => window.__typedAt);
    queries.push({
      query, kind,
      typedToShownMs: updatedAt - typedAt,
      workerMs: Number(await page.getAttribute('[data-testid=event-count]', 'data-elapsed-ms')),
      shown: Number(await page.getAttribute('[data-testid=event-count]', 'data-shown')),
    });
  }
  const queryTasks = await page.evaluate((from) => window.__longTasks.filter(([start]) => start >= from).map(([, d]) => d), queriesFrom);
  const origin = new URL(url).origin;
  return {
    events: Number(summary.events),
    textBytes: Number(summary.textBytes),
    storeBytes: Number(summary.storeBytes),
    wasmBytes: Number(summary.wasmBytes),
    workerLoadMs: Number(summary.loadMs),
    dropToQueryableMs: queryableAt - handedOver,
    principalsShownMs: principalsAt - tabAt,
    principalRows,
    loadTasks,
    queries,
    queryTasks,
    foreign: foreignRequests(origin, requests),
    errors,
  };
}

/** Everything above, in one browser. */
export async function measureTrailglass(url, folder, step) {
  const browser = await launch();
  try {
    const size = distSize();
    step('first render of the empty app');
    const render = await firstRender(browser, url);
    const load = await loadAndQuery(browser, url, folder, step);
    return { size, render, ...load };
  } finally {
    await browser.close();
  }
}
