// How files cross from a picked folder to parse workers, measured on a bare
// page (no Trailglass): Chromium's read alone ('floor'), asking every File its
// size ('size', no read), File handles through
// two hops (page → store worker → parser, as Trailglass did), and the page
// reading bytes itself and sending them (copied, or transferred).
// Usage: node scripts/bench/handover/run.mjs FOLDER
import { chromium } from 'playwright-core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const HERE = path.dirname(fileURLToPath(import.meta.url));
import { spawn } from 'node:child_process';
const server = spawn('python3', ['-m', 'http.server', '8765', '--bind', '127.0.0.1'], { cwd: HERE, stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const folder = process.argv[2];
if (!folder) { console.error('usage: node scripts/bench/handover/run.mjs FOLDER'); process.exit(2); }
for (const round of [1, 2]) for (const mode of ['floor', 'size', 'handles', 'bytes-copy', 'bytes-transfer']) {
  const page = await browser.newPage();
  await page.goto('http://127.0.0.1:8765/index.html');
  const result = page.evaluate((m) => window.run(m), mode);
  const t = Date.now();
  await page.setInputFiles('#in', folder);
  const r = await result;
  console.log(JSON.stringify({ round, ...r, pickToDoneWall: Date.now() - t, long: `${r.long.length} over 50ms, max ${Math.max(0, ...r.long)}` }));
  await page.close();
}
await browser.close(); server.kill();
