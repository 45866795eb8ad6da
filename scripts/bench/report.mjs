// The benchmark's printed tables: Trailglass's own figures against the
// targets of issue 6, then every tool side by side with its time, throughput,
// ratio to Trailglass and the event total of its per-principal summary.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../tests/e2e/harness.mjs';

/** The page's typing debounce, read from the source so the table stays right if it changes. */
function debounceMs() {
  const app = fs.readFileSync(path.join(ROOT, 'src', 'web', 'app.rs'), 'utf8');
  return Number(/const DEBOUNCE_MS: u32 = (\d+);/.exec(app)?.[1] ?? 0);
}

const int = (n) => Math.round(n).toLocaleString('en');
const seconds = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const rate = (bytes, ms) => `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;
const eventRate = (events, ms) => `${int(events / (ms / 1000) / 1000)}k/s`;
const longest = (tasks) => `${int(Math.max(0, ...tasks))} ms (${tasks.length} tasks over 50 ms)`;

export function trailglassTable(events, files, t) {
  const debounce = debounceMs();
  const rows = [
    ['release wasm + JS in dist/, gzipped', `${int(t.size.gzipped / 1024)} KB (${int(t.size.raw / 1024)} KB raw)`, '≤ 500 KB'],
    ['first render of the empty app (navigation start to the drop zone; median of 3 fresh pages)', `${int(t.render.ms)} ms (${t.render.times.map(int).join(', ')})`, '≤ 500 ms'],
    ['drop to loaded and queryable (files handed over to count and first rows on screen)', `${seconds(t.dropToQueryableMs)}, ${rate(t.textBytes, t.dropToQueryableMs)}, ${eventRate(t.events, t.dropToQueryableMs)} events`, '1M events ≤ 5 s'],
    ['load in the worker (first file read to last event stored)', `${seconds(t.workerLoadMs)}, ${rate(t.textBytes, t.workerLoadMs)}, ${eventRate(t.events, t.workerLoadMs)} events`, ''],
    ['per-principal view on screen after clicking its tab', `${int(t.principalsShownMs)} ms (${int(t.principalRows)} rows)`, ''],
    ['worker wasm memory', `${int(t.wasmBytes / t.events)} bytes/event, ${(100 * t.wasmBytes / t.textBytes).toFixed(1)}% of the JSON`, '≤ 25% of the JSON'],
    ['event store alone', `${int(t.storeBytes / t.events)} bytes/event, ${(100 * t.storeBytes / t.textBytes).toFixed(1)}% of the JSON`, ''],
    ['longest main-thread task during the load', longest(t.loadTasks), '≤ 50 ms'],
    ['longest main-thread task during the queries below', longest(t.queryTasks), '≤ 50 ms'],
    ...t.queries.map((q) => [
      `query \`${q.query || '(cleared)'}\` (${q.kind}): ${int(q.shown)} events`,
      `${int(q.typedToShownMs)} ms from typing to count and table (${int(q.typedToShownMs - debounce)} ms after the ${debounce} ms debounce); ${q.workerMs} ms in the worker`,
      { 'field filter': '≤ 100 ms after debounce', 'free text': '≤ 400 ms after debounce' }[q.kind] ?? '',
    ]),
  ];
  return [
    `\n| Trailglass in headless Chromium: ${int(events)} events, ${int(files)} gzipped files, ${int(t.textBytes / 1e6)} MB of JSON | measured | target |`,
    '|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function sideBySideTable(t, browser, native) {
  const problems = [];
  const events = t.events;
  const counted = (tool, n) => {
    if (n === undefined) return '—';
    if (n === events) return `${int(n)} ✓`;
    // The generated trails have no repeated deliveries, so a tool that cannot dedupe must still agree.
    problems.push(`${tool} counted ${int(n)} events, Trailglass ${int(events)}`);
    return `${int(n)} ✗ (Trailglass: ${int(events)})`;
  };
  const rows = [];
  const row = (tool, where, ms, base, baseName, principals, eventTotal, bytes = t.textBytes) => rows.push([
    tool.replaceAll('|', '\\|'), where, ms === null ? 'n/a' : seconds(ms), ms === null ? '' : rate(bytes, ms),
    ms === null || eventTotal === undefined ? '' : eventRate(eventTotal, ms),
    ms === null || ms === base ? '' : `${(ms / base).toFixed(1)}x ${baseName}`,
    principals === undefined ? '' : int(principals), counted(tool, eventTotal),
  ]);

  const inBrowser = t.dropToQueryableMs + t.principalsShownMs;
  row('**Trailglass**: load, then the per-principal view', 'Chromium', inBrowser, inBrowser, '', undefined, t.events);
  const d = browser.duckdb;
  if (d.run) {
    row(`DuckDB-Wasm ${d.init.version}: register files, read_json_objects + GROUP BY principal`, 'Chromium', d.run.ms, inBrowser, 'Trailglass', d.run.principals, d.run.principalEvents);
  } else {
    const fetched = d.blockedDownloads.length ? `LOAD json fetches ${d.blockedDownloads[0]} (blocked)` : d.json.error;
    rows.push([`DuckDB-Wasm ${d.init.version}: **cannot read JSON offline**: json is not built into the npm bundle; ${fetched}`, 'Chromium', 'n/a', '', '', '', '', '']);
  }
  for (const r of browser.js.runs) {
    const label = r.mode === 'summary'
      ? `plain JS: DecompressionStream + JSON.parse, per-principal summary, ${r.workers} worker${r.workers > 1 ? 's' : ''}`
      : `DecompressionStream alone (MB/s of inflated output), ${r.workers} worker${r.workers > 1 ? 's' : ''}`;
    row(label, 'Chromium', r.ms, inBrowser, 'Trailglass', r.mode === 'summary' ? r.principals : undefined, r.mode === 'summary' ? r.principalEvents : undefined, r.bytes);
  }
  const n = native;
  row('**trailglass summary** (every core: batches parsed in parallel, then merged)', 'native', n.trailglass.ms, n.trailglass.ms, '', n.trailglass.principals, n.trailglass.events);
  row('jq: find, xargs zcat, jq (one core each)', 'native', n.jq.ms, n.trailglass.ms, 'trailglass summary', n.jq.principals, n.jq.principalEvents);
  row(`DuckDB (Python) read_json_objects + GROUP BY, ${n.duckdb.threads} threads`, 'native', n.duckdb.ms, n.trailglass.ms, 'trailglass summary', n.duckdb.principals, n.duckdb.principalEvents);

  const notes = [
    `Times: browser rows from the files in hand (picked through the page's folder input) to the answer; native rows are whole processes (wall clock).`,
    `DuckDB-Wasm (${d.init.bundle}) instantiation, not counted above: ${int(d.init.ms)} ms; its duckdb_extensions(): ${d.init.extensions.join(', ')}${d.json.ok ? '' : `; LOAD json: ${d.json.error.replace(/\.$/, '')}`}.`,
    `Principals differ by design: Trailglass groups role sessions under their role and names Identity Center users; the others key on the ARN (or principal id, invoking service, identity type). Event totals must agree: the generated trail has no repeated deliveries.`,
    `navigator.hardwareConcurrency = ${browser.js.cores}. Each browser run is in a fresh page that picks the files anew (a second pass over the same files is much faster than the first).`,
  ];
  const table = [
    '\n| tool | where | time | JSON MB/s | events/s | ratio | principals | events in the per-principal totals |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    ...notes.map((note) => `- ${note}`),
  ].join('\n');
  return { table, problems };
}
