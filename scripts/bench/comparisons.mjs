// The in-browser comparisons, in the same headless Chromium as Trailglass and
// on the same folder picked the same way: DuckDB-Wasm (read_json and the
// per-principal GROUP BY, or the proof that it cannot run offline), and the
// plain JavaScript loader (DecompressionStream + JSON.parse in 1 and N workers,
// and DecompressionStream alone). Every request is recorded; any that leaves
// 127.0.0.1 is blocked, and only DuckDB's own extension download is tolerated.
import { launch } from '../../tests/e2e/harness.mjs';
import { serveBenchPages } from './server.mjs';

const EXTENSION_DOWNLOAD = /^https:\/\/extensions\.duckdb\.org\/.*\.duckdb_extension\.wasm$/;

async function openBenchPage(context, origin, name, folder) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${origin}/${name}`);
  await page.waitForFunction(() => window.bench);
  await page.setInputFiles('[data-testid=folder-input]', folder);
  return { page, errors };
}

async function duckdbWasm(context, origin, folder) {
  const { page, errors } = await openBenchPage(context, origin, 'duckdb.html', folder);
  const init = await page.evaluate(() => window.bench.init());
  const json = await page.evaluate(() => window.bench.loadJson());
  const run = json.ok ? await page.evaluate(() => window.bench.run()) : null;
  await page.close();
  return { init, json, run, errors };
}

async function jsLoader(context, origin, folder) {
  const { page, errors } = await openBenchPage(context, origin, 'js-loader.html', folder);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const runs = [];
  for (const mode of ['summary', 'inflate']) {
    for (const workers of [...new Set([1, cores])]) {
      await page.evaluate((n) => window.bench.prepare(n), workers);
      await page.evaluate(([m, n]) => window.bench.run(m, n, 50 * n), [mode, workers]);
      runs.push({ mode, workers, ...await page.evaluate(([m, n]) => window.bench.run(m, n), [mode, workers]) });
    }
  }
  await page.close();
  return { cores, runs, errors };
}

export async function measureComparisons(folder) {
  const served = await serveBenchPages();
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const requests = [];
    context.on('request', (request) => requests.push(request.url()));
    await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort('blockedbyclient'));
    const duckdb = await duckdbWasm(context, served.origin, folder);
    const js = await jsLoader(context, served.origin, folder);
    const foreign = requests.filter((url) => !url.startsWith(`${served.origin}/`) && !url.startsWith('blob:'));
    const unexpected = foreign.filter((url) => !EXTENSION_DOWNLOAD.test(url));
    if (unexpected.length) throw new Error(`the comparison pages requested something outside localhost: ${unexpected.join(', ')}`);
    return { duckdb: { ...duckdb, blockedDownloads: foreign }, js };
  } finally {
    await browser.close();
    served.server.close();
  }
}
