// Sigma's figures alone in headless Chromium (make bench-sigma), quicker
// than the whole side-by-side benchmark: on one generated trail folder, a
// load with only the built-in rules, then the corpus's 850 rule files added
// after a load, then a load with them on. Each figure is printed beside its
// target (issue 14), ratios within this one run.
//   node scripts/bench/sigma-browser.mjs [EVENTS]   (default 100000; needs dist/ and target/release/trailglass)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, serveDist, launch } from '../../tests/e2e/harness.mjs';
import { loadOnly, sigmaCorpus, warmFileCache } from './trailglass.mjs';

const events = Number(process.argv[2] ?? 100000);
const binary = path.join(ROOT, 'target', 'release', 'trailglass');
const folder = path.join(ROOT, 'target', `bench-trail-${events}`);
if (!fs.existsSync(`${folder}.complete`)) {
  fs.rmSync(folder, { recursive: true, force: true });
  execFileSync(binary, ['gen', '--events', String(events), '--out', folder], { stdio: 'inherit' });
  fs.writeFileSync(`${folder}.complete`, '');
}
const realFolder = fs.realpathSync(folder);
const served = await serveDist();
const browser = await launch();
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
try {
  warmFileCache(realFolder);
  const plain = await loadOnly(browser, served.url, realFolder);
  const sigma = await sigmaCorpus(browser, served.url, realFolder);
  const perMillion = (ms) => (ms * 1e6) / plain.events;
  const rows = [
    ['a load with the built-in rules only: files picked → rows on screen', seconds(plain.dropToQueryableMs), ''],
    [`the corpus's ${sigma.files} rule files added after the load, until every rule ran`,
      `${seconds(sigma.added.addedToRanMs)} (the run: ${seconds(sigma.added.runMs)} for ${sigma.added.rules} rules, ${sigma.added.hits} with hits; main-thread tasks over 50 ms: ${sigma.added.longTasks.join(', ') || 'none'} ms); ≈ ${seconds(perMillion(sigma.added.addedToRanMs))} per 1M events at this rate`,
      'all 850 rules over 1M events ≤ 5 s'],
    ['a load with them on: files picked → rows on screen / → every rule\'s findings',
      `${seconds(sigma.reload.pickToRowsMs)} / ${seconds(sigma.reload.pickToFindingsMs)}: ${(sigma.reload.pickToFindingsMs / plain.dropToQueryableMs).toFixed(2)}× the load without (the run: ${seconds(sigma.reload.runMs)})`,
      '≤ 1.5× the load without'],
  ];
  console.log(`\n| Sigma in headless Chromium: ${plain.events.toLocaleString('en')} events | measured | target |`);
  console.log('|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  if (plain.foreign.length) throw new Error(`requests beyond the page's origin: ${plain.foreign.join(', ')}`);
} finally {
  await browser.close();
  served.server.close();
}
