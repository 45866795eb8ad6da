// Inputs built to blow up the view (make bench-limits), in headless Chromium:
// a million distinct principals, a million distinct event names, a 10 MB user
// agent, a folder of 100,000 files and a 500 MB record (scripts/bench/
// hostile_limits.py writes them, scaled by SCALE). For each, a fresh page picks
// the folder and the run prints: the time to count and rows on screen, the
// main-thread tasks over 50 ms during the load (target: none; the pick's own
// task, the browser making the file list, is shown apart, beside the same
// figure on a bare page picking the same folder in the same run), what the event
// table, the facets and the principals table hold (bounded whatever the input),
// the longest cell, the load report's messages, and whether the page still
// answers a query afterwards.
//   node scripts/bench/limits.mjs [SCALE [INPUT...]]   (default 1 and every input; needs dist/)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, serveDist, launch } from '../../tests/e2e/harness.mjs';
import { pickAndLoad } from './trailglass.mjs';
import { pickTaskOnBarePage } from './pickread.mjs';

const scale = Number(process.argv[2] ?? 1);
const out = path.join(ROOT, 'target', `hostile-limits-${scale}`);
execFileSync('python3', [path.join(ROOT, 'scripts', 'bench', 'hostile_limits.py'), out, String(scale)], { stdio: 'inherit' });
const served = await serveDist();
const browser = await launch();
const rows = [];
try {
  const inputs = process.argv.slice(3);
  for (const input of inputs.length ? inputs : ['principals', 'event-names', 'user-agent', 'many-files', 'big-record']) {
    const folder = path.join(out, input);
    const files = fs.readdirSync(folder).length;
    console.error(`${input}: ${files} files`);
    const barePickTaskMs = await pickTaskOnBarePage(browser, folder);
    const { opened, memory, load } = await pickAndLoad(browser, served.url, folder);
    await memory.stop().catch(() => {});
    const { page } = opened;
    const view = await page.evaluate(() => ({
      tableRows: document.querySelectorAll('[data-testid=event-row]').length,
      facetValues: document.querySelectorAll('[data-testid=facet-value]').length,
      longestCell: Math.max(0, ...[...document.querySelectorAll('[data-testid=event-row] > *')].map((cell) => cell.textContent.length)),
      elements: document.querySelectorAll('*').length,
    }));
    await page.click('[data-testid=tab-principals]');
    await page.waitForSelector('[data-testid=principals][data-complete=true] [data-testid=principal-row]', { timeout: 5 * 60_000 });
    const principalRows = await page.locator('[data-testid=principal-row]').count();
    await page.click('[data-testid=tab-report]');
    const messages = await page.locator('[data-testid=diagnostic]').allTextContents();
    await page.click('[data-testid=tab-events]');
    const asked = await page.evaluate(() => performance.now());
    await page.fill('[data-testid=search]', 'eventName:GetObject');
    await page.waitForFunction(() => document.querySelector('[data-testid=event-count]')?.dataset.query === 'eventName:GetObject', null, { timeout: 5 * 60_000 });
    const answeredMs = (await page.evaluate(() => performance.now())) - asked;
    rows.push([
      input,
      `${files.toLocaleString('en')} files, ${(load.textBytes / 1e6).toFixed(0)} MB of JSON, ${load.events.toLocaleString('en')} events`,
      `${(load.dropToQueryableMs / 1000).toFixed(2)} s`,
      load.loadTasks.length ? `${load.loadTasks.length}: ${load.loadTaskTimes.map(([at, ms]) => `${ms.toFixed(0)} ms at ${(at / 1000).toFixed(2)} s`).join(', ')}` : 'none',
      `${load.pickTaskMs.toFixed(0)} ms / ${barePickTaskMs.toFixed(0)} ms`,
      `${view.tableRows} table rows, ${view.facetValues} facet values, ${principalRows} principal rows, longest cell ${view.longestCell.toLocaleString('en')} characters, ${view.elements.toLocaleString('en')} elements`,
      messages.length ? `${messages.length}: ${messages.slice(0, 2).map((m) => m.replace(/\s+/g, ' ').slice(0, 140)).join(' / ')}` : 'none',
      `${answeredMs.toFixed(0)} ms`,
    ]);
    await opened.context.close();
  }
} finally {
  await browser.close();
  served.server.close();
}
console.log(`\n| input (scale ${scale}) | size | files picked → rows on screen | main-thread tasks over 50 ms during the load, and when after the pick (target: none) | the pick's own task past the change event: Trailglass / a bare page (0: under 50 ms in all) | what the view holds | load report | a field query after |`);
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
