import { serveDist, launch } from '../../tests/e2e/harness.mjs';
import { pickAndLoad } from './trailglass.mjs';
const served = await serveDist();
const browser = await launch();
const { opened, memory } = await pickAndLoad(browser, served.url, process.argv[2]);
await memory.stop().catch(() => {});
await opened.page.waitForTimeout(3000);
const r = await opened.page.evaluate(() => {
  const relayout = () => {
    const times = [];
    for (let i = 0; i < 5; i++) {
      document.body.style.width = i % 2 ? '1399px' : '1398px';
      const t = performance.now(); void document.body.offsetHeight; times.push(performance.now() - t);
    }
    document.body.style.width = '';
    return times.sort((a, b) => a - b)[2].toFixed(1);
  };
  const out = { all: relayout() };
  for (const id of ['timeline', 'facets', 'event-table', 'toolbar', 'topbar']) {
    const el = document.querySelector(`[data-testid=${id}]`);
    if (!el) { out[id] = 'missing'; continue; }
    const was = el.style.display; el.style.display = 'none';
    out[`without ${id}`] = relayout();
    el.style.display = was;
  }
  return out;
});
console.log(r);
await opened.context.close(); await browser.close(); served.server.close();
