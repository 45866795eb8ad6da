// The in-browser comparisons, in the same headless Chromium as Trailglass and
// on the same folder picked the same way: DuckDB-Wasm (read_json and the
// per-principal GROUP BY, or the proof that it cannot run offline), and the
// plain JavaScript loader (DecompressionStream + JSON.parse in 1 and N workers,
// and DecompressionStream alone). Each run gets a fresh page and picks the
// files anew, as Trailglass does: a second pass over the same File objects is
// much faster than the first, which would flatter whoever runs second. Every
// request is recorded; any that leaves 127.0.0.1 is blocked, and only
// DuckDB's own extension download is tolerated.
import { launch } from '../../tests/e2e/harness.mjs';
import { serveBenchPages } from './server.mjs';
import { pickFolder } from './trailglass.mjs';

const EXTENSION_DOWNLOAD = /^https:\/\/extensions\.duckdb\.org\/.*\.duckdb_extension\.wasm$/;

async function openBenchPage(browser, origin, name, folder, requests) {
  const context = await browser.newContext();
  context.on('request', (request) => requests.push(request.url()));
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${origin}/${name}`);
  await page.waitForFunction(() => window.bench);
  await pickFolder(page, folder);
  return { page, errors, close: () => context.close() };
}

async function duckdbWasm(browser, origin, folder, requests) {
  const { page, errors, close } = await openBenchPage(browser, origin, 'duckdb.html', folder, requests);
  const init = await page.evaluate(() => window.bench.init());
  const json = await page.evaluate(() => window.bench.loadJson());
  const run = json.ok ? await page.evaluate(() => window.bench.run()) : null;
  await close();
  return { init, json, run, errors };
}

async function jsLoader(browser, origin, folder, requests) {
  const runs = [];
  const errors = [];
  let cores = 1;
  for (const mode of ['summary', 'inflate']) {
    for (const workers of ['one', 'all']) {
      const opened = await openBenchPage(browser, origin, 'js-loader.html', folder, requests);
      cores = await opened.page.evaluate(() => navigator.hardwareConcurrency);
      if (workers === 'all' && cores === 1) { await opened.close(); continue; }
      const size = workers === 'one' ? 1 : cores;
      // The pool starts before the clock, as Trailglass's worker starts with its page.
      await opened.page.evaluate((n) => window.bench.prepare(n), size);
      runs.push({ mode, workers: size, ...await opened.page.evaluate(([m, n]) => window.bench.run(m, n), [mode, size]) });
      errors.push(...opened.errors);
      await opened.close();
    }
  }
  return { cores, runs, errors };
}

async function hardwareConcurrency(browser) {
  const page = await browser.newPage();
  try {
    return await page.evaluate(() => navigator.hardwareConcurrency);
  } finally {
    await page.close();
  }
}

/**
 * DuckDB-Wasm and the plain JavaScript loader on `folder`. `slow: false`
 * leaves out the plain JavaScript loader (the run says so), for trails too
 * large to wait for it. (Chromium's own pick-and-read runs beside each
 * Trailglass load instead: see pickread.mjs and trailglass.mjs.)
 */
export async function measureComparisons(folder, { slow = true, step = () => {} } = {}) {
  const served = await serveBenchPages();
  const browser = await launch();
  try {
    const requests = [];
    step('DuckDB-Wasm');
    const duckdb = await duckdbWasm(browser, served.origin, folder, requests);
    step(slow ? 'the plain JavaScript loader' : 'the plain JavaScript loader: skipped at this size');
    const js = slow ? await jsLoader(browser, served.origin, folder, requests) : { cores: await hardwareConcurrency(browser), runs: [], errors: [], skipped: true };
    const foreign = requests.filter((url) => !url.startsWith(`${served.origin}/`) && !url.startsWith('blob:'));
    const unexpected = foreign.filter((url) => !EXTENSION_DOWNLOAD.test(url));
    if (unexpected.length) throw new Error(`the comparison pages requested something outside localhost: ${unexpected.join(', ')}`);
    return { duckdb: { ...duckdb, blockedDownloads: foreign }, js };
  } finally {
    await browser.close();
    served.server.close();
  }
}
