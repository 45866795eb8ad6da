// The comparison pages' static server on 127.0.0.1: the pages of
// scripts/bench/pages, the shared principal-summary.sql, and from
// node_modules only the packages the DuckDB-Wasm page loads. Nothing comes
// from a CDN; the benchmark checks that no request leaves localhost.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const PAGES = path.join(HERE, 'pages');
const PACKAGES = ['@duckdb/duckdb-wasm/dist', 'apache-arrow', 'flatbuffers', 'tslib'];
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.sql': 'text/plain; charset=utf-8',
};

function resolve(pathname) {
  if (pathname === '/principal-summary.sql') return path.join(HERE, 'principal-summary.sql');
  if (pathname.startsWith('/node_modules/')) {
    const rel = pathname.slice('/node_modules/'.length);
    if (!PACKAGES.some((p) => rel.startsWith(`${p}/`))) return null;
    return path.join(ROOT, 'node_modules', rel);
  }
  return path.join(PAGES, pathname);
}

export function serveBenchPages() {
  const server = http.createServer((req, res) => {
    const pathname = path.posix.normalize(decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname));
    const file = resolve(pathname);
    if (!file || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, origin: `http://127.0.0.1:${server.address().port}` });
  }));
}
