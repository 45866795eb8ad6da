// Every wasm instance's memory, second by second, while a tab loads a folder
// and answers the benchmark's queries, with each page error at the moment it
// happens: where a big load's memory goes, and which step fails first.
//   node scripts/bench/memory-steps.mjs FOLDER   (needs dist/: trunk build --release)
import { serveDist, launch } from '../../tests/e2e/harness.mjs';
import { pickAndLoad } from './trailglass.mjs';

const folder = process.argv[2];
if (!folder) throw new Error('usage: node scripts/bench/memory-steps.mjs FOLDER');
const served = await serveDist();
const browser = await launch();
const started = Date.now();
const at = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const { opened, memory, load } = await pickAndLoad(browser, served.url, folder);
const { page } = opened;
page.on('pageerror', (error) => console.log(at(), 'page error:', String(error)));
page.on('console', (message) => console.log(at(), `console ${message.type()}:`, message.text().slice(0, 300)));
console.log(at(), `loaded ${load.events} events; errors so far: ${opened.errors.length}`);
const account = () => console.log(at(), memory.snapshot().join(' | '));
account();
const ticking = setInterval(account, 1000);
for (const query of ['AccessDenied', 'eventName:ConsoleLogin', 'eventName:Delete* OR eventName:Put*', '"198.51.100.77"', '']) {
  await page.fill('[data-testid=search]', query);
  await page.waitForFunction((query) => document.querySelector('[data-testid=event-count]')?.dataset.query === query, query, { timeout: 0 });
  console.log(at(), `answered ${JSON.stringify(query)}: ${await page.getAttribute('[data-testid=event-count]', 'data-shown')} events`);
}
await page.waitForTimeout(3000);
clearInterval(ticking);
account();
await memory.stop().catch(() => {});
await browser.close();
served.server.close();
