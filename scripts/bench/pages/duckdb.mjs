// DuckDB-Wasm in the page, from the npm package served by the benchmark's
// own server (no CDN): window.bench.init() instantiates it, loadJson() tries
// to load the json extension, run() registers the picked files and runs
// principal-summary.sql over them.
import * as duckdb from '/node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser.mjs';

const DIST = '/node_modules/@duckdb/duckdb-wasm/dist/';
const BUNDLES = {
  mvp: { mainModule: `${DIST}duckdb-mvp.wasm`, mainWorker: `${DIST}duckdb-browser-mvp.worker.js` },
  eh: { mainModule: `${DIST}duckdb-eh.wasm`, mainWorker: `${DIST}duckdb-browser-eh.worker.js` },
};
const input = document.querySelector('[data-testid=folder-input]');
let db;

window.bench = {
  async init() {
    const started = performance.now();
    const bundle = await duckdb.selectBundle(BUNDLES);
    db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), new Worker(bundle.mainWorker));
    await db.instantiate(bundle.mainModule);
    const connection = await db.connect();
    const version = (await connection.query('SELECT version() AS v')).getChild('v').get(0);
    // Which extensions the bundle carries built in (json is the one read_json needs).
    const extensions = (await connection.query(
      "SELECT extension_name, loaded, installed FROM duckdb_extensions() WHERE extension_name IN ('json', 'parquet')"))
      .toArray().map((row) => `${row.extension_name}: loaded=${row.loaded} installed=${row.installed}`);
    await connection.close();
    return { ms: performance.now() - started, version, bundle: bundle.mainModule.split('/').pop(), extensions };
  },
  // read_json needs the json extension: LOAD says whether this bundle has it or
  // must fetch it (from extensions.duckdb.org, which the benchmark blocks).
  async loadJson() {
    const connection = await db.connect();
    try {
      await connection.query('LOAD json');
      return { ok: true };
    } catch (error) {
      return { ok: false, error: String(error).split('\n')[0] };
    } finally {
      await connection.close();
    }
  },
  async run() {
    const files = [...input.files];
    const sql = await (await fetch('principal-summary.sql')).text();
    const started = performance.now();
    const names = files.map((_, i) => `f${i}.json.gz`);
    await Promise.all(files.map((file, i) => db.registerFileHandle(names[i], file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true)));
    const registered = performance.now();
    const connection = await db.connect();
    try {
      const table = await connection.query(sql.replaceAll('{files}', () => `[${names.map((n) => `'${n}'`).join(',')}]`));
      const rows = table.toArray();
      return {
        ms: performance.now() - started,
        registerMs: registered - started,
        principals: rows.length,
        principalEvents: rows.reduce((s, row) => s + Number(row.events), 0),
      };
    } finally {
      await connection.close();
      await Promise.all(names.map((name) => db.dropFile(name)));
    }
  },
};
