// What the page's heap holds part way through a load: picks FOLDER in a
// fresh page, waits SECONDS (25 by default), takes a heap snapshot through
// the DevTools protocol and prints the kinds of object it holds most of (count,
// bytes), with the load's status at that moment. Finds what the page's
// garbage collections trace during a load (see make profile-load).
//   node scripts/bench/heap-mid-load.mjs FOLDER [SECONDS]   (needs dist/)
import { serveDist, launch, openPage } from '../../tests/e2e/harness.mjs';
import { pickFolder } from './trailglass.mjs';
const [folder, waitS = '25'] = process.argv.slice(2);
const served = await serveDist();
const browser = await launch();
try {
  const { page } = await openPage(browser, served.url);
  await pickFolder(page, folder);
  await page.waitForTimeout(Number(waitS) * 1000);
  const cdp = await page.context().newCDPSession(page);
  const chunks = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  const snap = JSON.parse(chunks.join(''));
  const f = snap.snapshot.meta.node_fields; const types = snap.snapshot.meta.node_types[0];
  const n = f.length; const nodes = snap.nodes; const strings = snap.strings;
  const iType = f.indexOf('type'), iName = f.indexOf('name'), iSize = f.indexOf('self_size');
  const agg = new Map();
  for (let i = 0; i < nodes.length; i += n) {
    const key = `${types[nodes[i + iType]]}:${strings[nodes[i + iName]].slice(0, 60)}`;
    const a = agg.get(key) ?? [0, 0]; a[0] += 1; a[1] += nodes[i + iSize]; agg.set(key, a);
  }
  const status = await page.locator('[data-testid=load-status]').innerText().catch(() => '');
  console.log(`after ${waitS} s: ${nodes.length / n} nodes; status: ${status.replace(/\s+/g, ' ').slice(0, 100)}`);
  for (const [key, [count, size]] of [...agg].sort((a, b) => b[1][0] - a[1][0]).slice(0, 25)) console.log(`${String(count).padStart(9)} ${String(size).padStart(11)}  ${key}`);
} finally {
  await browser.close();
  served.server.close();
}
