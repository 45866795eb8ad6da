// One offline file: turns a release build (dist/) into dist-offline/trailglass.html,
// a single self-contained page that works when opened from file:// on a machine
// with no network: the stylesheet, the favicon, the page's JavaScript and
// WebAssembly and the worker's are all inlined.
//
// What file:// changes, and how this page copes:
// - A page opened from a file can neither fetch a file nor start a worker
//   from one. The site's one wasm binary (page, store worker and parse
//   workers alike) is inlined (gzipped, base64) in a data block
//   (<script type="application/octet-stream">, never executed) and
//   instantiated from bytes; the worker is started from a blob: URL the page
//   makes, named to the app through the `trailglassWorkerUrl` global
//   (src/lib.rs).
// - Its origin is opaque, so a worker cannot start another worker from the
//   page's blob: URL. The store worker's source is one function that makes a
//   blob: URL of its own text (Function.prototype.toString) and names it in
//   its own `trailglassWorkerUrl`: the parse pool starts its parsers from it.
// - The Content-Security-Policy is rewritten for the file: no 'self' (a file
//   has no site), connect-src 'none', worker-src blob: only, and the one
//   inline script pinned by its SHA-256.
//
// Usage: node scripts/offline.mjs [DIST] [OUT]   (defaults: dist, dist-offline/trailglass.html)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist'));
const out = path.resolve(process.argv[3] ?? path.join(ROOT, 'dist-offline', 'trailglass.html'));

function fail(message) {
  console.error(`offline.mjs: ${message}`);
  process.exit(1);
}
function read(name, encoding) {
  const file = path.join(dist, name);
  if (!fs.existsSync(file)) fail(`${file} is missing: run \`trunk build --release\` first`);
  return fs.readFileSync(file, encoding);
}
function one(text, pattern, what) {
  const found = [...text.matchAll(pattern)];
  if (found.length !== 1) fail(`expected one ${what} in ${dist}/index.html, found ${found.length}`);
  return found[0];
}
const gzipBase64 = (bytes) => zlib.gzipSync(bytes, { level: 9 }).toString('base64');
/** Text that goes inside an executed <script> or a <style> must not close it early. */
function safeInside(text, tag, what) {
  const closing = new RegExp(`</${tag}`, 'gi');
  if (tag === 'style') {
    if (closing.test(text)) fail(`${what} contains </style`);
    return text;
  }
  // In a module script these can only occur inside strings, regular expressions,
  // templates or comments, where the escaped form means the same.
  return text.replace(closing, `<\\/${tag}`).replace(/<!--/g, '<\\!--');
}

const index = read('index.html', 'utf8');

// The one binary: wasm-bindgen "no-modules" glue (defines `wasm_bindgen`), its wasm,
// and the loader shim workers start it with; the page starts it from its body.
const loader = read('app_loader.js', 'utf8').trim();
if (loader !== 'importScripts("./app.js");wasm_bindgen("./app_bg.wasm");') {
  fail(`app_loader.js is not the loader this script knows: ${loader}`);
}
one(index, /<script>wasm_bindgen\(\{ module_or_path: '\.\/app_bg\.wasm' \}\);<\/script>/g, 'page initializer');
const appJs = read('app.js', 'utf8');
if (!/^let wasm_bindgen = /m.test(appJs)) fail('app.js does not define wasm_bindgen');
const appWasm = read('app_bg.wasm');

const css = read(one(index, /<link rel="stylesheet" href="\.\/(style-[0-9a-f]+\.css)"/g, 'stylesheet')[1], 'utf8');
const favicon = read('favicon.svg');

// Gzipped base64 back to bytes, in the page and in every worker (DecompressionStream, no fetch).
const GUNZIP = `function trailglassGunzip(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
}`;

// The worker's whole source is this one function, called with the gzipped wasm.
const workerFunction = `function trailglassWorker(wasmGzip) {
${appJs}
${GUNZIP}
// The store worker starts its parsers from a blob: URL of this same source:
// from a file:// page, a worker may not use the page's blob: URL.
if (self.name !== 'trailglass-parser') {
  self.trailglassWorkerUrl = URL.createObjectURL(new Blob(
    ['(', trailglassWorker.toString(), ')(', JSON.stringify(wasmGzip), ');'],
    { type: 'text/javascript' },
  ));
}
trailglassGunzip(wasmGzip).then((wasm) => wasm_bindgen({ module_or_path: wasm }));
}`;

const script = `
${safeInside(appJs, 'script', 'app.js')}
{ // A block of its own, beside the glue's top-level names.
${GUNZIP}
const block = (id) => document.getElementById(id).textContent;
const wasmGzip = block('trailglass-app-wasm');
const workerSource = new TextDecoder().decode(await trailglassGunzip(block('trailglass-worker-js')));
window.trailglassWorkerUrl = URL.createObjectURL(new Blob(
  ['(', workerSource, ')(', JSON.stringify(wasmGzip), ');'],
  { type: 'text/javascript' },
));
const wasm = await wasm_bindgen({ module_or_path: await trailglassGunzip(wasmGzip) });
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
}
`;
const hash = crypto.createHash('sha256').update(script, 'utf8').digest('base64');

const csp = [
  "default-src 'none'",
  `script-src 'wasm-unsafe-eval' 'sha256-${hash}'`,
  'worker-src blob:',
  "connect-src 'none'",
  'img-src data: blob:',
  "style-src 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const title = one(index, /<title>([^<]*)<\/title>/g, 'title')[1];
const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="color-scheme" content="light dark" />
<!-- Trailglass in one file (scripts/offline.mjs): nothing is fetched, nothing connects anywhere. -->
<meta http-equiv="Content-Security-Policy" content="${csp}" />
<title>${title}</title>
<link rel="icon" type="image/svg+xml" href="data:image/svg+xml;base64,${favicon.toString('base64')}" />
<style>
${safeInside(css, 'style', 'the stylesheet')}
</style>
<script type="application/octet-stream" id="trailglass-app-wasm">${gzipBase64(appWasm)}</script>
<script type="application/octet-stream" id="trailglass-worker-js">${gzipBase64(Buffer.from(workerFunction, 'utf8'))}</script>
<script type="module">${script}</script>
</head>
<body></body>
</html>
`;

fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, html);
const size = fs.statSync(out).size;
console.log(`offline.mjs: wrote ${path.relative(process.cwd(), out) || out}: ${size} bytes (${(size / 1e6).toFixed(2)} MB)`);
