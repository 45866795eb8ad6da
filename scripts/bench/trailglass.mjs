// Trailglass's own figures in headless Chromium: what the app downloads,
// first render of the empty app, loading a folder (or one zip) through the
// page's inputs (files picked to count and first rows on screen, throughput,
// wasm memory of every instance, long main-thread tasks), the per-principal
// view, and typing queries (field filter and free text).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DIST, openPage, foreignRequests, launch } from '../../tests/e2e/harness.mjs';
import { watchWasmMemory } from './memory.mjs';
import { pickAndRead } from './pickread.mjs';
import { serveBenchPages } from './server.mjs';

const gzipSize = (bytes) => zlib.gzipSync(bytes, { level: 9 }).length;

/** Bytes of the release wasm and JavaScript in dist/, raw and gzipped (level 9, as a host would). */
export function distSize() {
  let raw = 0;
  let gzipped = 0;
  for (const name of fs.readdirSync(DIST).filter((n) => /\.(wasm|js)$/.test(n))) {
    const bytes = fs.readFileSync(path.join(DIST, name));
    raw += bytes.length;
    gzipped += gzipSize(bytes);
  }
  return { raw, gzipped };
}

/**
 * Everything the app downloaded: each distinct file of dist/ that the page or
 * its workers requested (`urls`, under `origin`), raw and gzipped (level 9).
 */
export function downloadSize(origin, urls) {
  const names = [...new Set(urls.filter((u) => u.startsWith(`${origin}/`)).map((u) => decodeURIComponent(new URL(u).pathname.slice(1)) || 'index.html'))].sort();
  const files = names.filter((name) => fs.existsSync(path.join(DIST, name))).map((name) => {
    const bytes = fs.readFileSync(path.join(DIST, name));
    return { name, raw: bytes.length, gzipped: gzipSize(bytes) };
  });
  const notInDist = fs.readdirSync(DIST).filter((name) => !names.includes(name));
  return {
    files,
    raw: files.reduce((s, f) => s + f.raw, 0),
    gzipped: files.reduce((s, f) => s + f.gzipped, 0),
    notRequested: notInDist,
  };
}

/**
 * Navigation start to the empty app's drop zone in the page, in fresh
 * contexts (nothing cached); the median of `runs`.
 */
export async function firstRender(browser, url, runs = 3) {
  const times = [];
  const requests = [];
  for (let i = 0; i < runs; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    context.on('request', (request) => requests.push(request.url()));
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
  return { ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)], times, requests };
}

/**
 * Picks `target` through the page's folder input (or, with `input:
 * 'file-input'`, one file through its file input); a pick that yields no file
 * is an error, not a hang. Returns the files picked and `pickMs`, from
 * Playwright's setInputFiles call to the input's change event (Playwright
 * listing the folder and Chromium making the File objects, before the page
 * sees any file).
 */
export async function pickFolder(page, target, { input = 'folder-input' } = {}) {
  // Counted on the document, in the capture phase, before the page's own handler runs (Trailglass
  // empties the input once it has taken the files); the clock starts there too.
  await page.evaluate(() => document.addEventListener('change', (event) => {
    window.__picked = event.target.files.length;
    window.__handedOver = performance.now();
    window.__handedOverWall = Date.now();
  }, { capture: true, once: true }));
  const calledAt = Date.now();
  // No time limit: Playwright lists a folder of hundreds of thousands of files for minutes.
  await page.setInputFiles(`[data-testid=${input}]`, target, { timeout: 0 });
  const { picked, at } = await page.evaluate(() => ({ picked: window.__picked ?? 0, at: window.__handedOverWall }));
  if (picked === 0) throw new Error(`no file picked from ${target}`);
  return { picked, pickMs: at - calledAt };
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

/**
 * A fresh page picks `target` and waits until the load is done and its first
 * view (count and first rows) is on screen: the time from the change event to
 * then, the load report's figures, and the main-thread tasks over 50 ms in
 * between.
 */
export async function pickAndLoad(browser, url, target, { input, profile = false } = {}) {
  const opened = await openPage(browser, url);
  const { page } = opened;
  const memory = await watchWasmMemory(page);
  const profiler = profile ? await startProfiler(page) : null;
  const { picked, pickMs } = await pickFolder(page, target, { input });
  // Loaded and queryable: the load is done and the first view (count, table) is on screen.
  const queryable = await page.waitForFunction(() => {
    if (!document.querySelector('[data-testid=load-status][data-state=done]')) return false;
    const count = document.querySelector('[data-testid=event-count]');
    const loaded = document.querySelector('[data-testid=load-summary]')?.dataset.events;
    if (!count || count.dataset.total !== loaded || !document.querySelector('[data-testid=event-row]')) return false;
    return performance.now();
  }, null, { polling: 'raf', timeout: 60 * 60_000 });
  const queryableAt = await queryable.jsonValue();
  const summary = await page.locator('[data-testid=load-summary]').evaluate((el) => ({ ...el.dataset }));
  const refused = await page.locator('[data-testid=files-refused]').count()
    ? await page.locator('[data-testid=files-refused]').innerText() : '';
  const handedOver = await page.evaluate(() => window.__handedOver);
  // Every task overlapping the load. The one that dispatched the change event began earlier, with the
  // browser making the file list for Playwright's pick (tens of seconds for 100,000 files, on any page):
  // its part from the change event on is counted on its own, as `pickTaskMs` (see pickTaskOnBarePage).
  const { loadTaskTimes, pickTaskMs } = await page.evaluate(([from, to]) => {
    const overlapping = window.__longTasks.filter(([start, duration]) => start + duration >= from && start <= to);
    const pick = overlapping.find(([start]) => start <= from);
    return {
      pickTaskMs: pick ? pick[0] + pick[1] - from : 0,
      loadTaskTimes: overlapping.filter((task) => task !== pick && task[1] > 50).map(([start, duration]) => [start - from, duration]),
    };
  }, [handedOver, queryableAt]);
  const loadTasks = loadTaskTimes.map(([, duration]) => duration);
  return {
    opened,
    memory,
    profile: profiler ? await profiler.stop() : null,
    load: {
      picked,
      pickMs,
      events: Number(summary.events),
      files: Number(summary.files),
      textBytes: Number(summary.textBytes),
      storeBytes: Number(summary.storeBytes),
      wasmBytes: Number(summary.wasmBytes),
      workerLoadMs: Number(summary.loadMs),
      dropToQueryableMs: queryableAt - handedOver,
      loadTasks,
      /** [ms from the change event, duration] of each, after the pick's own task. */
      loadTaskTimes,
      /** How long the task that dispatched the change event ran from the event on (0: under 50 ms in all). */
      pickTaskMs,
      refused,
    },
  };
}

/**
 * The page's CPU profiler (CDP, every 200 µs), started now; `stop()` gives the
 * profile with `pageNowUs`, the page's `performance.now()` at the profile's
 * start in µs, to place samples against the page's own task times.
 */
async function startProfiler(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  // The profile's clock is not the page's: a function that spins 20 ms from a
  // known page time marks the place where the two are aligned.
  const markedAt = await page.evaluate(() => {
    const from = performance.now();
    (function trailglassProfileMark() { while (performance.now() - from < 20) {} }());
    return from;
  });
  return {
    async stop() {
      const { profile } = await cdp.send('Profiler.stop');
      const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
      let at = profile.startTime;
      let markUs = profile.startTime;
      for (let i = 0; i < profile.samples.length; i += 1) {
        at += profile.timeDeltas[i];
        if (frames.get(profile.samples[i]) === 'trailglassProfileMark') { markUs = at; break; }
      }
      return { ...profile, pageNowUs: markedAt * 1000 - (markUs - profile.startTime) };
    },
  };
}

/** Picks `target` in a fresh page, waits for count and first rows, and closes the page. */
export async function loadOnly(browser, url, target, options) {
  const { opened, memory: watch, load } = await pickAndLoad(browser, url, target, options);
  const memory = await watch.stop().catch((error) => ({ error: String(error) }));
  await opened.context.close();
  const origin = new URL(url).origin;
  return { ...load, memory, foreign: foreignRequests(origin, opened.requests), errors: opened.errors };
}

export async function loadAndQuery(browser, url, folder, step) {
  step('picking the folder and loading');
  const { opened, memory: watch, load } = await pickAndLoad(browser, url, folder);
  const { page, requests, errors } = opened;
  await page.evaluate(() => document.addEventListener('input', () => { window.__typedAt = performance.now(); }, true));

  step('per-principal view');
  // The per-principal summary is part of the view the worker sends; showing it is one click.
  const tabAt = await page.evaluate(() => performance.now());
  await page.click('[data-testid=tab-principals]');
  // The whole table: it fills a part per frame.
  const principalsAt = await (await page.waitForFunction(() => document.querySelector('[data-testid=principals][data-complete=true] [data-testid=principal-row]') && performance.now(), null, { polling: 'raf', timeout: 5 * 60_000 })).jsonValue();
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

  step('Sigma rules over the load');
  // The rules run after each load, beside the queries; the lab says when they are done and how long they took.
  await page.click('[data-testid=tab-rules]');
  await page.waitForSelector('[data-testid=rule-lab][data-ran=true]', { timeout: 60 * 60_000 });
  const sigma = await page.locator('[data-testid=rule-lab]').evaluate((el) => ({
    runMs: Number(el.dataset.runMs),
    rules: Number(el.dataset.rules),
    hits: Number(document.querySelector('[data-testid=rule-show][data-show=hits]').dataset.count),
  }));
  await page.click('[data-testid=tab-events]');
  // Every instance's peak over the load and the queries (see memory.mjs).
  const memory = await watch.stop().catch((error) => ({ error: String(error) }));
  const origin = new URL(url).origin;
  return {
    ...load,
    memory,
    principalsShownMs: principalsAt - tabAt,
    sigma,
    principalRows,
    queries,
    queryTasks,
    requests,
    foreign: foreignRequests(origin, requests),
    errors,
  };
}

/**
 * Reads every file under `target` (a folder or one file) once, so Chromium's
 * own pick-and-read and Trailglass's load that follows it both find the
 * files in the OS file cache: whichever ran first on a cold cache paid for
 * the disk (measured: 91.6 s cold against 14.0 s warm for the same 36,019
 * files), which made their ratio say nothing.
 */
export function warmFileCache(target) {
  const chunk = Buffer.alloc(1 << 20);
  const readAll = (file) => {
    const fd = fs.openSync(file, 'r');
    try {
      while (fs.readSync(fd, chunk, 0, chunk.length, null) > 0) { /* the cache keeps it */ }
    } finally {
      fs.closeSync(fd);
    }
  };
  const stack = [target];
  while (stack.length) {
    const at = stack.pop();
    if (fs.statSync(at).isDirectory()) {
      for (const name of fs.readdirSync(at)) stack.push(path.join(at, name));
    } else {
      readAll(at);
    }
  }
}

/** The corpus's rule files beside the built-in ones: suzaku's 738 and its 55 copies of SigmaHQ rules. */
export function corpusRuleFiles() {
  const root = path.join(path.dirname(DIST), 'tests', 'fixtures', 'sigma');
  return ['suzaku', 'suzaku-sigma'].flatMap((folder) => fs.readdirSync(path.join(root, folder))
    .filter((name) => name.endsWith('.yml')).sort().map((name) => path.join(root, folder, name)));
}

/** The rule lab's figures once the rules ran (`[data-ran=true]`), read when it says so. */
async function sigmaRan(page) {
  await page.click('[data-testid=tab-rules]');
  await page.waitForSelector('[data-testid=rule-lab][data-ran=true]', { timeout: 60 * 60_000 });
  return page.locator('[data-testid=rule-lab]').evaluate((el) => ({
    runMs: Number(el.dataset.runMs),
    rules: Number(el.dataset.rules),
    hits: Number(document.querySelector('[data-testid=rule-show][data-show=hits]').dataset.count),
    at: performance.now(),
  }));
}

/**
 * Every rule of the corpus (850 files: the built-in 57 and the 793 in
 * tests/fixtures/sigma) over `folder`: added after a load (the run they
 * start), then kept (IndexedDB) for a second load in the same tab, timed from
 * picking the files to rows on screen and to the findings of every rule.
 */
export async function sigmaCorpus(browser, url, folder) {
  const opened = await openPage(browser, url);
  const { page } = opened;
  try {
    await pickFolder(page, folder);
    await page.waitForSelector('[data-testid=load-status][data-state=done]', { timeout: 60 * 60_000 });
    await sigmaRan(page);
    const files = corpusRuleFiles();
    // Timed from the input's change event, as loads are: the pick itself (Chromium making 793 File objects) is not the app's.
    await page.evaluate(() => document.addEventListener('change', (event) => {
      if (event.target?.dataset?.testid === 'rules-input') window.__rulesPickedAt = performance.now();
    }, true));
    await page.setInputFiles('[data-testid=rules-input]', files, { timeout: 0 });
    const addedAt = await page.evaluate(() => window.__rulesPickedAt);
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=rule-lab]')?.dataset.rules) >= n, 57 + files.length, { timeout: 10 * 60_000 });
    const added = await sigmaRan(page);
    added.longTasks = await page.evaluate(([from, to]) => window.__longTasks
      .filter(([start]) => start >= from && start <= to).map(([, duration]) => Math.round(duration)), [addedAt, added.at]);
    // Kept in IndexedDB before the page goes: a reload while they are written would lose them.
    const kept = () => page.evaluate(() => new Promise((resolve) => {
      const open = indexedDB.open('trailglass');
      open.onerror = () => resolve(0);
      open.onsuccess = () => {
        const db = open.result;
        try {
          const count = db.transaction('rule-files').objectStore('rule-files').count();
          count.onsuccess = () => { db.close(); resolve(count.result); };
          count.onerror = () => { db.close(); resolve(0); };
        } catch {
          db.close();
          resolve(0);
        }
      };
    }));
    for (let tries = 0; (await kept()) < files.length; tries += 1) {
      if (tries > 600) throw new Error('the rule files were not kept');
      await page.waitForTimeout(250);
    }
    // The same tab again: the rule files are kept, so this load runs all of them.
    // (The Events tab, so its rows show: the tab is kept in the address.)
    await page.click('[data-testid=tab-events]');
    await page.reload();
    await page.waitForSelector('[data-testid=load-status]');
    await pickFolder(page, folder);
    const rowsAt = await (await page.waitForFunction(() => document.querySelector('[data-testid=load-status][data-state=done]')
      && document.querySelector('[data-testid=event-row]') && performance.now(), null, { polling: 'raf', timeout: 60 * 60_000 })).jsonValue();
    const handedOver = await page.evaluate(() => window.__handedOver);
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=tab-rules]')?.textContent.match(/\d+/)?.[0]) >= n, 57 + files.length, { timeout: 10 * 60_000 });
    const withRules = await sigmaRan(page);
    return {
      files: files.length + 57,
      added: { ...added, addedToRanMs: added.at - addedAt },
      reload: { pickToRowsMs: rowsAt - handedOver, pickToFindingsMs: withRules.at - handedOver, runMs: withRules.runMs, rules: withRules.rules, hits: withRules.hits },
    };
  } finally {
    await opened.context.close();
  }
}

/**
 * Everything above, in one browser: on the trail folder, then on each of
 * `extra` ({ key, path, input }: the one zip, the public corpus folders),
 * each in a fresh page. Right before each load, Chromium's own pick-and-read
 * of the same input runs in the same browser (a plain page from the
 * benchmark's server), so the two are timed under the same conditions.
 */
export async function measureTrailglass(url, folder, step, extra = []) {
  const browser = await launch();
  const bench = await serveBenchPages();
  const benchRequests = [];
  try {
    step('first render of the empty app');
    const render = await firstRender(browser, url);
    const pickRead = {};
    step('Chromium\'s own pick-and-read of the trail folder (after reading it once into the file cache)');
    warmFileCache(folder);
    pickRead.trail = await pickAndRead(browser, bench.origin, folder, { requests: benchRequests });
    const load = await loadAndQuery(browser, url, folder, step);
    step('Sigma: the corpus\'s 850 rule files over the trail');
    const sigmaRules = await sigmaCorpus(browser, url, folder);
    const others = {};
    for (const { key, path: target, input } of extra) {
      step(`Chromium's own pick-and-read of ${key}`);
      warmFileCache(target);
      pickRead[key] = await pickAndRead(browser, bench.origin, target, { input, requests: benchRequests });
      step(`loading ${key}`);
      others[key] = await loadOnly(browser, url, target, { input });
    }
    const downloads = downloadSize(new URL(url).origin, [...render.requests, ...load.requests]);
    const benchForeign = foreignRequests(bench.origin, benchRequests);
    return { size: distSize(), downloads, render, ...load, sigmaRules, others, pickRead, benchForeign };
  } finally {
    await browser.close();
    bench.server.close();
  }
}
