// Trunk post-build hook: pins the page's one inline script (Trunk's wasm
// initializer, whose text changes with every build's file hashes) in the
// Content-Security-Policy by its SHA-256, so no 'unsafe-inline' is needed.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('csp.mjs runs as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}
const file = path.join(dir, 'index.html');
let html = fs.readFileSync(file, 'utf8');
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
  .map(([, body]) => `'sha256-${crypto.createHash('sha256').update(body, 'utf8').digest('base64')}'`);
if (!html.includes('INLINE_SCRIPT_HASHES')) {
  console.error('index.html has no INLINE_SCRIPT_HASHES placeholder in its Content-Security-Policy');
  process.exit(1);
}
html = html.replace('INLINE_SCRIPT_HASHES', hashes.join(' '));
fs.writeFileSync(file, html);
console.log(`csp.mjs: pinned ${hashes.length} inline script(s)`);
