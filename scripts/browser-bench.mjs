// The side-by-side benchmark (make bench-browser): on one generated trail
// folder, Trailglass in headless Chromium against Chromium's own
// pick-and-read of the same files, DuckDB-Wasm and a plain JavaScript loader
// in the same Chromium, and natively `trailglass summary` against jq and
// DuckDB; then the same trail packed as one zip and as one JSON Lines file, and the public corpus's real
// trail folders, each beside Chromium's pick-and-read of it. Prints Markdown
// tables with absolute times, ratios and every figure beside its target
// (ratios within one run are what to compare: the machine is noisy). Exits
// non-zero if a page reached beyond localhost or a tool's event count
// disagrees.
//   node scripts/browser-bench.mjs [EVENTS]     (default 100000; needs dist/, target/release/trailglass,
//                                                jq and target/bench-venv: scripts/setup.sh --bench)
// Above 1,000,000 events (EVENTS=10000000 for the ten-million target) the slow
// peers (jq, the plain JavaScript loader) and the one-zip and one-file runs are left out, and
// the run says so.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, FIXTURES, serveDist } from '../tests/e2e/harness.mjs';
import { measureTrailglass } from './bench/trailglass.mjs';
import { measureComparisons } from './bench/comparisons.mjs';
import { trailglassSummary, jqSummary, duckdbSummary, VENV_PYTHON } from './bench/native.mjs';
import { trailglassTable, pickReadTable, sideBySideTable } from './bench/report.mjs';

/** Above this many events the slow peers and the one-zip run are skipped. */
const SLOW_PEERS_UP_TO = 1_000_000;
/** Real many-small-files trails from the public corpus (tests/fixtures/README.md). */
const CORPUS = {
  'invictus-ir': '55 CloudTrail delivery files of one account and day, and a licence file',
  'stratus-red-team': '35 JSON arrays of events recorded while detonating attack techniques',
};

const events = Number(process.argv[2] ?? 100000);
const large = events > SLOW_PEERS_UP_TO;
const binary = process.env.TRAILGLASS ?? path.join(ROOT, 'target', 'release', 'trailglass');
// Above a million events the organisation gets busier rather than the trail longer: ten million
// events come as a million do, about 36,000 delivery files, each ten times fuller (Chromium's
// own pick-and-read of the 360,000 files of a ten times longer trail did not finish in 26 minutes).
const pace = Math.max(1, Math.round(events / SLOW_PEERS_UP_TO));
const folder = path.join(ROOT, 'target', pace > 1 ? `bench-trail-${events}-pace${pace}` : `bench-trail-${events}`);
const started = Date.now();
const step = (what) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
// `trailglass gen` writes file by file as it generates: no trail size sits in memory, here or there.
if (!fs.existsSync(`${folder}.complete`)) {
  step(`generating ${events} events into ${folder}`);
  fs.rmSync(folder, { recursive: true, force: true });
  execFileSync(binary, ['gen', '--events', String(events), '--pace', String(pace), '--out', folder], { stdio: 'inherit' });
  fs.writeFileSync(`${folder}.complete`, '');
}
// Playwright does not follow a symlinked folder: hand every tool the real path.
const realFolder = fs.realpathSync(folder);
let files = 0;
for (const entry of fs.readdirSync(realFolder, { recursive: true })) if (entry.endsWith('.json.gz')) files += 1;

// The same trail as one zip (deflated JSON members), packed once and kept beside the folder.
const zip = `${folder}.zip`;
if (!large && !fs.existsSync(`${zip}.complete`)) {
  step(`packing the trail as one zip: ${zip}`);
  execFileSync(VENV_PYTHON, [path.join(ROOT, 'scripts', 'bench', 'zip_trail.py'), realFolder, `${zip}.partial`], { stdio: 'inherit' });
  fs.renameSync(`${zip}.partial`, zip);
  fs.writeFileSync(`${zip}.complete`, '');
}
// The same trail as one JSON Lines file (an export's shape), cut into a part per parser.
const jsonl = `${folder}.jsonl`;
if (!large && !fs.existsSync(`${jsonl}.complete`)) {
  step(`writing the trail as one JSON Lines file: ${jsonl}`);
  execFileSync(VENV_PYTHON, [path.join(ROOT, 'scripts', 'bench', 'jsonl_trail.py'), realFolder, `${jsonl}.partial`], { stdio: 'inherit' });
  fs.renameSync(`${jsonl}.partial`, jsonl);
  fs.writeFileSync(`${jsonl}.complete`, '');
}
const extra = [
  ...(large ? [] : [
    { key: 'zip', path: zip, input: 'file-input' },
    { key: 'jsonl', path: jsonl, input: 'file-input' },
  ]),
  ...Object.entries(CORPUS).map(([name, what]) => ({ key: name, what, path: path.join(FIXTURES, name), input: 'folder-input' })),
];
const above = `Left out above ${SLOW_PEERS_UP_TO.toLocaleString('en')} events`;
const skipped = large
  ? [`${above}: jq, the plain JavaScript loader and DecompressionStream alone (each would take many minutes at ${events.toLocaleString('en')} events)`,
    `${above}: the one-zip and one-JSON-Lines-file runs (the zip's target is for 1,000,000 events; at this size either file alone would be over a gigabyte and take minutes to write)`]
  : [];
for (const what of skipped) step(what);

step(`Trailglass in headless Chromium, ${files} files`);
const served = await serveDist();
const trailglass = await measureTrailglass(served.url, realFolder, (what) => step(`Trailglass: ${what}`), extra)
  .finally(() => served.server.close());
step('DuckDB-Wasm and the plain JavaScript loader in headless Chromium');
const browser = await measureComparisons(realFolder, { slow: !large, step: (what) => step(`comparisons: ${what}`) });
browser.pickRead = trailglass.pickRead;
step('native: trailglass summary');
const native = { trailglass: trailglassSummary(binary, realFolder) };
native.corpus = Object.fromEntries(Object.keys(CORPUS).map((name) => [name, trailglassSummary(binary, path.join(FIXTURES, name))]));
if (large) {
  native.jq = null;
} else {
  step('native: jq');
  native.jq = jqSummary(realFolder);
}
step('native: DuckDB (Python)');
native.duckdb = duckdbSummary(realFolder);

const problems = [];
console.log(trailglassTable(events, files, trailglass));
const picks = pickReadTable(events, trailglass, browser, native, extra);
console.log(picks.table);
problems.push(...picks.problems);
const side = sideBySideTable(events, trailglass, browser, native, skipped);
console.log(side.table);
problems.push(...side.problems);
for (const [name, run] of [['the trail folder', trailglass], ...Object.entries(trailglass.others)]) {
  if (run.foreign.length) problems.push(`Trailglass requested something outside its origin (${name}): ${run.foreign.join(', ')}`);
  if (run.errors.length) problems.push(`errors in the Trailglass page (${name}): ${run.errors.join('; ')}`);
}
if (trailglass.benchForeign.length) problems.push(`the pick-and-read page requested something outside localhost: ${trailglass.benchForeign.join(', ')}`);
const pageErrors = [...browser.duckdb.errors, ...browser.js.errors, ...Object.values(browser.pickRead).flatMap((r) => r.errors)];
if (pageErrors.length) problems.push(`errors in the comparison pages: ${pageErrors.join('; ')}`);
if (problems.length) {
  console.error(problems.map((p) => `FAILED: ${p}`).join('\n'));
  process.exit(1);
}
