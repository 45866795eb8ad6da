// The side-by-side benchmark (make bench-browser): on one generated trail
// folder, Trailglass in headless Chromium against DuckDB-Wasm and a plain
// JavaScript loader in the same Chromium, and natively `trailglass summary`
// against jq and DuckDB. Prints Markdown tables with absolute times and
// ratios to Trailglass (ratios within one run are what to compare: the
// machine is noisy). Exits non-zero if a page reached beyond localhost or a
// tool's per-principal totals disagree with Trailglass's event count.
//   node scripts/browser-bench.mjs [EVENTS]     (default 100000; needs dist/, target/release/trailglass,
//                                                jq and target/bench-venv: scripts/setup.sh --bench)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, serveDist } from '../tests/e2e/harness.mjs';
import { measureTrailglass } from './bench/trailglass.mjs';
import { measureComparisons } from './bench/comparisons.mjs';
import { trailglassSummary, jqSummary, duckdbSummary } from './bench/native.mjs';
import { trailglassTable, sideBySideTable } from './bench/report.mjs';

const events = Number(process.argv[2] ?? 100000);
const binary = process.env.TRAILGLASS ?? path.join(ROOT, 'target', 'release', 'trailglass');
const folder = path.join(ROOT, 'target', `bench-trail-${events}`);
if (!fs.existsSync(`${folder}.complete`)) {
  fs.rmSync(folder, { recursive: true, force: true });
  execFileSync(binary, ['gen', '--events', String(events), '--out', folder], { stdio: 'inherit' });
  fs.writeFileSync(`${folder}.complete`, '');
}
// Playwright does not follow a symlinked folder: hand every tool the real path.
const realFolder = fs.realpathSync(folder);
const files = fs.readdirSync(realFolder, { recursive: true }).filter((name) => name.endsWith('.json.gz')).length;
const step = (what) => console.error(`[bench] ${what}`);

step(`Trailglass in headless Chromium, ${files} files`);
const served = await serveDist();
const trailglass = await measureTrailglass(served.url, realFolder, (what) => step(`Trailglass: ${what}`)).finally(() => served.server.close());
step('DuckDB-Wasm and the plain JavaScript loader in headless Chromium');
const browser = await measureComparisons(realFolder);
step('native: trailglass summary');
const native = { trailglass: trailglassSummary(binary, realFolder) };
step('native: jq');
native.jq = jqSummary(realFolder);
step('native: DuckDB (Python)');
native.duckdb = duckdbSummary(realFolder);

console.log(trailglassTable(events, files, trailglass));
const { table, problems } = sideBySideTable(trailglass, browser, native);
console.log(table);
if (trailglass.foreign.length) problems.push(`Trailglass requested something outside its origin: ${trailglass.foreign.join(', ')}`);
if (trailglass.errors.length) problems.push(`errors in the Trailglass page: ${trailglass.errors.join('; ')}`);
const pageErrors = [...browser.duckdb.errors, ...browser.js.errors];
if (pageErrors.length) problems.push(`errors in the comparison pages: ${pageErrors.join('; ')}`);
if (problems.length) {
  console.error(problems.map((p) => `FAILED: ${p}`).join('\n'));
  process.exit(1);
}
