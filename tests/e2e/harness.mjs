// Shared end-to-end plumbing: a static server for dist/ on 127.0.0.1, a
// headless Debian Chromium driven by Playwright, and a record of every
// request the page makes (the zero-network promise is checked on it).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = path.join(ROOT, 'dist');
export const FIXTURES = path.join(ROOT, 'tests', 'fixtures');
export const OUTPUT = path.join(ROOT, 'tests', 'e2e', 'output');
/** A generated trail folder (scripts/test.sh writes it with `trailglass gen`). */
export const GENERATED_TRAIL = path.join(ROOT, 'target', 'e2e-trail');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
};

/** Serves dist/ (optionally under a sub-path) on an ephemeral loopback port. */
export function serveDist(prefix = '/') {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (!url.pathname.startsWith(prefix)) { res.writeHead(404).end(); return; }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html';
    const file = path.join(DIST, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(DIST) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end(); return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    resolve({ server, origin: `http://127.0.0.1:${port}`, url: `http://127.0.0.1:${port}${prefix}` });
  }));
}

export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** A page with every request and console error recorded. */
export async function openPage(browser, url, { colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme });
  // Every Content-Security-Policy violation is recorded for the tests to check.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    // Main-thread tasks over 50 ms ([start, duration]), to show the page stays responsive while loading.
    window.__longTasks = [];
    try {
      new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push([e.startTime, e.duration])))
        .observe({ entryTypes: ['longtask'] });
    } catch { /* not supported: the list stays empty */ }
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  context.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  await page.goto(url);
  await page.waitForSelector('[data-testid=load-status]');
  return { context, page, requests, errors };
}

export async function waitLoaded(page) {
  await page.waitForSelector('[data-testid=load-status][data-state=done]', { timeout: 120_000 });
}

export async function eventCounts(page) {
  const el = page.locator('[data-testid=event-count]');
  return {
    total: Number(await el.getAttribute('data-total')),
    shown: Number(await el.getAttribute('data-shown')),
  };
}

export async function screenshot(page, name, { fullPage = false } = {}) {
  fs.mkdirSync(OUTPUT, { recursive: true });
  const file = path.join(OUTPUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Drops files on the drop zone the way a browser does: a DataTransfer in the page. */
export async function dropFiles(page, files) {
  const payload = files.map((f) => ({ name: path.basename(f), data: fs.readFileSync(f).toString('base64') }));
  await page.evaluate(async (items) => {
    const transfer = new DataTransfer();
    for (const { name, data } of items) {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], name));
    }
    const zone = document.querySelector('[data-testid=drop-zone]');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
  }, payload);
}

export function fixtureFiles(folder, filter = () => true) {
  const dir = path.join(FIXTURES, folder);
  return fs.readdirSync(dir).filter(filter).sort().map((name) => path.join(dir, name));
}

/** Requests that went anywhere but the page's origin (blob: and data: are in-page). */
export function foreignRequests(origin, requests) {
  return requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:'));
}

/**
 * One test file's browser and server: started before its tests, closed after.
 * `suite.fresh(options)` opens a new page; `suite.requests()` is every request
 * of every page it opened.
 */
export function browserSuite({ before, after }) {
  const suite = { served: null, browser: null, pages: [] };
  before(async () => {
    suite.served = await serveDist();
    suite.browser = await launch();
  });
  after(async () => {
    await suite.browser?.close();
    suite.served?.server.close();
  });
  suite.fresh = async (options = {}) => {
    const opened = await openPage(suite.browser, suite.served.url + (options.query ?? ''), options);
    suite.pages.push(opened);
    return opened;
  };
  suite.requests = () => suite.pages.flatMap((p) => p.requests);
  return suite;
}
