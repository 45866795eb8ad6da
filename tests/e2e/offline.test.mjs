// End to end: the one offline file (dist-offline/trailglass.html, written by
// scripts/offline.mjs from the release build) opened from file:// in headless
// Chromium, as on an air-gapped machine: real fixtures through the file and
// folder inputs and dropped on the page, the parse pool of nested workers, the built-in sample, a
// query, an export, an event; and nothing fetched but the file itself and its own
// blob: workers, with no Content-Security-Policy violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ROOT, FIXTURES, launch, openPage, waitLoaded, eventCounts, screenshot, fixtureFiles, dropFiles,
} from './harness.mjs';

const OFFLINE = path.join(ROOT, 'dist-offline', 'trailglass.html');
const URL_ = pathToFileURL(OFFLINE).href;

let browser;
const pages = [];
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function fresh(options) {
  const opened = await openPage(browser, URL_, options);
  pages.push(opened);
  return opened;
}
const cspViolations = (page) => page.evaluate(() => window.__cspViolations);

test('the offline build is one file that names nothing outside itself', () => {
  assert.ok(fs.existsSync(OFFLINE), `${OFFLINE} is missing: run \`make offline\` (scripts/test.sh writes it)`);
  assert.deepEqual(fs.readdirSync(path.dirname(OFFLINE)), ['trailglass.html']);
  const html = fs.readFileSync(OFFLINE, 'utf8');
  // Every src/href is a data: URL; no executed script is loaded from anywhere.
  const refs = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map(([, url]) => url.slice(0, 30));
  assert.deepEqual(refs.filter((url) => !url.startsWith('data:')), []);
  const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)[1];
  const policy = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(policy['default-src'], ["'none'"]);
  assert.deepEqual(policy['connect-src'], ["'none'"]);
  assert.deepEqual(policy['worker-src'], ['blob:']);
  assert.deepEqual(policy['script-src'].filter((s) => !s.startsWith("'sha256-")), ["'wasm-unsafe-eval'"]);
  assert.equal(policy['script-src'].length, 2, 'one inline script, pinned by its hash');
  const size = fs.statSync(OFFLINE).size;
  console.log(`offline file: ${(size / 1e6).toFixed(2)} MB`);
  assert.ok(size < 3e6, `${size} bytes`);
});

test('from file://, the invictus-ir folder loads on the parse pool: 2,900 events', async () => {
  const { page, errors } = await fresh();
  assert.ok(page.url().startsWith('file:///'), page.url());
  assert.equal(await page.getAttribute('[data-testid=load-status]', 'data-state'), 'idle');
  const started = Date.now();
  await page.setInputFiles('[data-testid=folder-input]', path.join(FIXTURES, 'invictus-ir'));
  await waitLoaded(page);
  const wall = Date.now() - started;
  const counts = await eventCounts(page);
  assert.equal(counts.total, 2900);
  assert.equal(counts.shown, 2900);
  const summary = page.locator('[data-testid=load-summary]');
  const parsers = Number(await summary.getAttribute('data-parsers'));
  const loadMs = Number(await summary.getAttribute('data-load-ms'));
  console.log(`offline folder load: 2,900 events in ${loadMs} ms on ${parsers} parsers (${wall} ms from picking)`);
  // Nested workers work from a file:// page: the store worker starts its
  // parsers from a blob: URL of its own source.
  assert.ok(parsers >= 2, `parsers: ${parsers}`);
  // A query, answered by the worker.
  await page.fill('[data-testid=search]', 'eventName:DeleteParameter');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=event-count]').dataset.shown) < 2900);
  assert.equal((await eventCounts(page)).shown, 78);
  const names = await page.locator('[data-testid=event-row] .c-eventName').allTextContents();
  assert.ok(names.length > 0 && names.every((n) => n === 'DeleteParameter'), names.join(','));
  // The answer taken away: exports are downloads of blob: URLs, which a file:// page may make.
  await page.click('[data-testid=export-menu] summary');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
  const lines = fs.readFileSync(await csv.path(), 'utf8').trim().split('\r\n');
  assert.equal(lines.length, 78 + 1);
  assert.match(lines[0], /^eventTime,eventSource,eventName/);
  assert.deepEqual(errors, []);
  assert.deepEqual(await cspViolations(page), []);
});

test('from file://, dropped files load', async () => {
  const { page, errors } = await fresh();
  await dropFiles(page, fixtureFiles('seeds'));
  await waitLoaded(page);
  // Every valid record of the seed files; the broken ones are reported.
  assert.equal((await eventCounts(page)).total, 16);
  await page.click('[data-testid=tab-report]');
  const broken = await page.locator('[data-testid=diagnostic]').evaluateAll((els) => new Set(els.map((e) => e.dataset.file)).size);
  assert.equal(broken, 4);
  assert.deepEqual(errors, []);
  assert.deepEqual(await cspViolations(page), []);
});

test('from file://, picked files load through the file input', async () => {
  const { page, errors } = await fresh();
  await page.setInputFiles('[data-testid=file-input]', fixtureFiles('trailscraper'));
  await waitLoaded(page);
  const counts = await eventCounts(page);
  // The .json and .json.gz are the same delivery: its events count once.
  assert.equal(counts.total, 3);
  assert.equal(await page.textContent('[data-testid=duplicate-count]'), '4');
  assert.ok(Number(await page.getAttribute('[data-testid=load-summary]', 'data-parsers')) >= 2);
  assert.deepEqual(errors, []);
  assert.deepEqual(await cspViolations(page), []);
});

test('from file://, the built-in sample, a query and an event', async () => {
  const { page, errors } = await fresh();
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.click('[data-testid=sample-data]');
  await waitLoaded(page);
  assert.equal((await eventCounts(page)).total, 20000);
  await page.fill('[data-testid=search]', 'errorCode:AccessDenied');
  await page.waitForFunction(() => {
    const shown = Number(document.querySelector('[data-testid=event-count]').dataset.shown);
    return shown > 0 && shown < 20000;
  });
  await page.locator('[data-testid=event-row][data-position="0"]').click();
  await page.waitForSelector('[data-testid=event-detail]');
  assert.match(await page.textContent('[data-testid=event-detail]'), /AccessDenied/);
  fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  fs.copyFileSync(await screenshot(page, 'offline'), path.join(ROOT, 'docs', 'offline.png'));
  assert.deepEqual(errors, []);
  assert.deepEqual(await cspViolations(page), []);
});

test('nothing was requested but the file itself and its own blob: workers', () => {
  const all = pages.flatMap((p) => p.requests);
  assert.ok(all.includes(URL_), 'the page itself was recorded');
  assert.ok(all.some((url) => url.startsWith('blob:')), 'the workers were recorded');
  assert.deepEqual(all.filter((url) => url !== URL_ && !url.startsWith('blob:') && !url.startsWith('data:')), []);
});
