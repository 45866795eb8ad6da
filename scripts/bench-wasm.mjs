// Per-core ingest, native against wasm (make bench-wasm): what one browser
// parse worker does with its batches (crates/core/src/load/batch.rs: load every file of the
// batch, run the detection rules, encode the segment), on one thread, over
// the same generated trail folder, natively (crates/core/benches/percore.rs) and
// compiled to wasm32 and run in Node's V8 (crates/core/examples/percore_wasm.rs through
// wasm-bindgen --target nodejs, then wasm-opt as the release site is built).
// Files are read into memory first on both sides; the wasm side copies each
// file into wasm memory and each segment out of it, as a parse worker does.
// Both sides must write the same segments (checked by SHA-256, with their raw
// blocks inflated: LZ4 chooses other matches on wasm32 than on 64-bit targets).
// Then free text, as a parser answers it, over the store the segments make:
// its steps timed on both sides (crates/core/benches/scan_steps.rs).
//   node scripts/bench-wasm.mjs [EVENTS] [ROUNDS]   (default 100000 events, 5 rounds;
//                                                  needs wasm-bindgen: scripts/setup.sh)
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const events = Number(process.argv[2] ?? 100000);
const runs = Number(process.argv[3] ?? 5);
const step = (what) => console.error(`[bench-wasm] ${what}`);
const run = (command, args, options = {}) =>
  execFileSync(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options });

// The same folder `make bench-browser` uses.
const folder = path.join(ROOT, 'target', `bench-trail-${events}`);
if (!fs.existsSync(`${folder}.complete`)) {
  step(`generating ${events} events`);
  run('cargo', ['build', '--quiet', '--release', '--bin', 'trailglass']);
  fs.rmSync(folder, { recursive: true, force: true });
  run(path.join(ROOT, 'target', 'release', 'trailglass'), ['gen', '--events', String(events), '--out', folder]);
  fs.writeFileSync(`${folder}.complete`, '');
}

step('native build (cargo bench --bench percore)');
run('cargo', ['bench', '--quiet', '--bench', 'percore', '--no-run']);
const nativeRound = () => JSON.parse(run('cargo', ['bench', '--quiet', '--bench', 'percore', '--', folder, '2']).trim().split('\n').pop());

step('wasm32 build, wasm-bindgen --target nodejs, wasm-opt');
run('cargo', ['build', '--quiet', '--release', '--target', 'wasm32-unknown-unknown', '--example', 'percore_wasm']);
const out = path.join(ROOT, 'target', 'bench-wasm');
fs.rmSync(out, { recursive: true, force: true });
run('wasm-bindgen', ['--target', 'nodejs', '--out-dir', out,
  path.join(ROOT, 'target', 'wasm32-unknown-unknown', 'release', 'examples', 'percore_wasm.wasm')]);
const wasmFile = path.join(out, 'percore_wasm_bg.wasm');
// The flags of index.html's data-wasm-opt, so the module is what the site ships.
const wasmOpt = path.join(ROOT, 'node_modules', '.bin', 'wasm-opt');
const optimised = fs.existsSync(wasmOpt);
if (optimised) {
  run(wasmOpt, ['-O3', '--enable-simd', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
    '--enable-sign-ext', wasmFile, '-o', wasmFile]);
} else {
  step('node_modules/.bin/wasm-opt is missing (npm ci): measuring the module without wasm-opt');
}
const { Batch, Merged, canonical } = createRequire(import.meta.url)(path.join(out, 'percore_wasm.js'));

// Every file, in sorted path order per folder (as crates/core/benches/percore.rs lists them).
function filesUnder(dir, into) {
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isDirectory()) filesUnder(full, into);
    else into.push({ name: path.relative(folder, full), bytes: fs.readFileSync(full) });
  }
  return into;
}
const files = filesUnder(folder, []);
// crates/core/src/load/batch.rs `batches`: a batch ends at 1,000,000 bytes of files or 256 files.
const batches = [];
for (let start = 0; start < files.length;) {
  let end = start;
  let bytes = 0;
  while (end < files.length && bytes < 1_000_000 && end - start < 256) bytes += files[end++].bytes.length;
  batches.push(files.slice(start, end));
  start = end;
}

// Rounds alternate the two sides (native: a process timing two passes; wasm:
// one pass in this process), so both see the same load on a shared machine;
// each side's best pass counts.
step(`${runs} rounds: native one thread, then wasm in Node ${process.version} one thread`);
let native = null;
let best = Infinity;
let segments = [];
let jsonBytes = 0;
for (let i = 0; i < runs; i++) {
  const round = nativeRound();
  if (native === null || round.seconds < native.seconds) native = round;
  segments = [];
  jsonBytes = 0;
  const started = performance.now();
  for (const batch of batches) {
    const parse = new Batch();
    for (const file of batch) parse.load(file.name, file.bytes);
    segments.push(parse.finish());
    jsonBytes += parse.text_bytes;
    parse.free();
  }
  const seconds = (performance.now() - started) / 1000;
  step(`round ${i + 1}: native ${round.seconds.toFixed(3)} s, wasm ${seconds.toFixed(3)} s`);
  best = Math.min(best, seconds);
}
const sha = crypto.createHash('sha256');
// Raw blocks inflated: LZ4 picks other matches on wasm32 than on 64-bit targets.
for (const segment of segments) sha.update(canonical(segment));
const merged = new Merged();
for (const segment of segments) if (!merged.add(segment)) throw new Error('a segment from wasm does not decode');
const wasmStore = merged.store_bytes_per_event();
const wasmEvents = merged.events();
// The steps of a free-text scan over the merged store (crates/core/benches/scan_steps.rs), best of 3.
const timed = (work) => {
  let best = { seconds: Infinity };
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const answer = work();
    const seconds = (performance.now() - started) / 1000;
    if (seconds < best.seconds) best = { seconds, answer };
  }
  return best;
};
const inflated = timed(() => merged.inflate());
const lowered = timed(() => merged.inflate_and_lower());
const wasmScan = {
  inflated: inflated.answer,
  inflate_s: inflated.seconds,
  inflate_and_lower_s: lowered.seconds,
  queries: native.scan.queries.map(({ text }) => {
    const { seconds, answer } = timed(() => merged.scan(text));
    return { text, matched: answer, seconds };
  }),
};
merged.free();
const wasm = { seconds: best, mb_s: jsonBytes / 1e6 / best, json_bytes: jsonBytes, segments_sha256: sha.digest('hex') };

const same = wasm.segments_sha256 === native.segments_sha256 && wasm.json_bytes === native.json_bytes
  && wasmEvents === native.events && wasmScan.inflated === native.scan.inflated
  && wasmScan.queries.every((q, i) => q.matched === native.scan.queries[i].matched);
const wasmKb = Math.round(fs.statSync(wasmFile).size / 1024);
console.log(`| per core: ${native.events.toLocaleString('en')} events, ${native.files.toLocaleString('en')} gzipped files, ` +
  `${native.batches} batches, ${(native.json_bytes / 1e6).toFixed(0)} MB of JSON | seconds | MB/s of JSON | events/s |`);
console.log('|---|---:|---:|---:|');
for (const [label, side] of [['native, one thread', native], [`wasm in Node ${process.version} (V8), one thread${optimised ? '' : ', no wasm-opt'}`, wasm]]) {
  console.log(`| ${label} | ${side.seconds.toFixed(3)} | ${side.mb_s.toFixed(0)} | ${Math.round(native.events / side.seconds / 1000)}k |`);
}
console.log();
console.log(`- wasm / native: **${(100 * wasm.mb_s / native.mb_s).toFixed(0)}%** per core`);
console.log(`- store after merging the segments: ${native.store_bytes_per_event.toFixed(0)} bytes/event natively, ` +
  `${wasmStore.toFixed(0)} in wasm (LZ4 finds other matches there)`);
console.log(`- segments equal in wasm and natively (SHA-256 with raw blocks inflated), and the same free-text matches: ${same ? 'yes' : 'NO'}; wasm module ${wasmKb} KB`);
console.log();
// Free text as a parser answers it for the blocks it keeps: where the time goes, per core.
const gbs = (seconds) => (native.scan.inflated / 1e9 / seconds).toFixed(2);
const ms = (seconds) => (seconds * 1000).toFixed(1);
console.log(`| free text per core, over the merged store (${(native.scan.inflated / 1e6).toFixed(0)} MB of raw JSON in LZ4 blocks) | native ms | GB/s | wasm ms | GB/s | wasm / native |`);
console.log('|---|---:|---:|---:|---:|---:|');
const scanRow = (label, n, w) => console.log(`| ${label} | ${ms(n)} | ${gbs(n)} | ${ms(w)} | ${gbs(w)} | ${(100 * n / w).toFixed(0)}% |`);
scanRow('inflate every block', native.scan.inflate_s, wasmScan.inflate_s);
scanRow('inflate and lower-case every block', native.scan.inflate_and_lower_s, wasmScan.inflate_and_lower_s);
native.scan.queries.forEach((q, i) => scanRow(`the whole scan for \`${q.text}\` (${q.matched.toLocaleString('en')} events)`, q.seconds, wasmScan.queries[i].seconds));
if (!same) {
  console.error(`segments differ: native ${native.segments_sha256} (${native.json_bytes} bytes of JSON), wasm ${wasm.segments_sha256} (${wasm.json_bytes})`);
  process.exit(1);
}
