// Browser benchmark: the built site in headless Chromium, a generated trail
// folder picked through the folder input, then queries typed into the
// search box. Prints a Markdown table.
//   node scripts/browser-bench.mjs [EVENTS]        (default 100000; needs dist/ and target/release/trailglass)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, serveDist, launch, openPage } from '../tests/e2e/harness.mjs';

const events = Number(process.argv[2] ?? 100000);
const folder = path.join(ROOT, 'target', `bench-trail-${events}`);
if (!fs.existsSync(`${folder}.complete`)) {
  fs.rmSync(folder, { recursive: true, force: true });
  execFileSync(path.join(ROOT, 'target', 'release', 'trailglass'), ['gen', '--events', String(events), '--out', folder], { stdio: 'inherit' });
  fs.writeFileSync(`${folder}.complete`, '');
}

const served = await serveDist();
const browser = await launch();
const { page, errors } = await openPage(browser, served.url);
const rows = [];
const row = (what, value) => { rows.push(`| ${what} | ${value} |`); };

await page.evaluate(() => document.querySelector('[data-testid=folder-input]')
  .addEventListener('change', () => { window.__handedOver = performance.now(); }, true));
const started = Date.now();
await page.setInputFiles('[data-testid=folder-input]', folder);
await page.waitForSelector('[data-testid=load-status][data-state=done]', { timeout: 30 * 60_000 });
const wall = (Date.now() - started) / 1000;
const summary = await page.locator('[data-testid=load-summary]').evaluate((el) => ({ ...el.dataset }));
const loadS = Number(summary.loadMs) / 1000;
const textMB = Number(summary.textBytes) / 1e6;
const longTasks = await page.evaluate(() => window.__longTasks.filter(([start]) => start >= window.__handedOver).map(([, d]) => d));
row('events', Number(summary.events).toLocaleString('en'));
row('JSON (uncompressed)', `${textMB.toFixed(0)} MB`);
row('load in the worker (first file read to last event stored)', `${loadS.toFixed(2)} s, ${(textMB / loadS).toFixed(0)} MB/s, ${(Number(summary.events) / loadS / 1000).toFixed(0)}k events/s`);
row('wall time from picking the folder to done (includes Playwright handing the files over)', `${wall.toFixed(1)} s`);
row('store, bytes per event', (Number(summary.storeBytes) / Number(summary.events)).toFixed(0));
row('worker wasm memory, bytes per event', (Number(summary.wasmBytes) / Number(summary.events)).toFixed(0));
row('longest main-thread task during the load', `${Math.max(0, ...longTasks).toFixed(0)} ms (${longTasks.length} tasks over 50 ms)`);

for (const query of ['eventName:ConsoleLogin', 'eventName:Delete* OR eventName:Put*', 'AccessDenied', '"198.51.100.77"', '']) {
  const before = await page.getAttribute('[data-testid=event-count]', 'data-shown');
  const t0 = Date.now();
  await page.fill('[data-testid=search]', query);
  if (query !== '' || before !== await page.getAttribute('[data-testid=event-count]', 'data-total')) {
    await page.waitForFunction((b) => document.querySelector('[data-testid=event-count]').dataset.shown !== b, before, { timeout: 120_000 });
  }
  const typed = Date.now() - t0;
  const worker = await page.getAttribute('[data-testid=event-count]', 'data-elapsed-ms');
  const shown = await page.getAttribute('[data-testid=event-count]', 'data-shown');
  row(`query \`${query || '(none)'}\`: ${Number(shown).toLocaleString('en')} events`, `${worker} ms in the worker (filter + count + timeline + facets + principals + first rows); ${typed} ms from typing to the updated count (150 ms of it is the typing debounce)`);
}
await browser.close();
served.server.close();
if (errors.length) console.error(errors);
console.log(`\n| headless Chromium, ${events.toLocaleString('en')} generated events | |\n|---|---|\n${rows.join('\n')}`);
