// End to end: a real trail folder of thousands of gzipped deliveries through
// the folder picker, with progress, a responsive page and the load report;
// cancelling a long load; the small controls (time zone, columns, chips);
// and the screens at laptop size, copied to docs/ for the README.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  ROOT, GENERATED_TRAIL, browserSuite, foreignRequests, waitLoaded, eventCounts, screenshot,
} from './harness.mjs';

const suite = browserSuite({ before, after });
const fresh = (options) => suite.fresh(options);

function countFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true })
    .reduce((n, e) => n + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : e.name.endsWith('.json.gz') ? 1 : 0), 0);
}

test('a folder of 3,000+ gzipped deliveries loads with progress and the page stays responsive', async () => {
  assert.ok(fs.existsSync(GENERATED_TRAIL), `run scripts/test.sh to generate ${GENERATED_TRAIL}`);
  const files = countFiles(GENERATED_TRAIL);
  assert.ok(files >= 3000, `${files} files`);
  const { page, errors } = await fresh();
  const states = [];
  await page.exposeFunction('__state', (s) => states.push(s));
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid=load-status]');
    new MutationObserver(() => window.__state(el.dataset.state)).observe(el, { attributes: true });
    // Our work starts when the input reports its files; before that, the test
    // harness itself is creating 3,000 File objects on the main thread.
    document.querySelector('[data-testid=folder-input]')
      .addEventListener('change', () => { window.__handedOver = performance.now(); }, true);
  });
  await page.setInputFiles('[data-testid=folder-input]', GENERATED_TRAIL);
  await page.waitForSelector('[data-testid=progress]');
  await screenshot(page, 'folder-progress');
  await waitLoaded(page);
  assert.ok(states.includes('loading') && states.at(-1) === 'done', states.join(','));
  assert.equal((await eventCounts(page)).total, 90000);
  assert.equal(await page.getAttribute('[data-testid=file-count]', 'data-total'), String(files));
  const longTasks = await page.evaluate(() => window.__longTasks.filter(([start]) => start >= window.__handedOver).map(([, d]) => d));
  const longest = Math.max(0, ...longTasks);
  console.log(`folder load: ${files} files, longest main-thread task ${longest.toFixed(0)} ms (${longTasks.length} over 50 ms)`);
  assert.ok(longest < 250, `the page stayed responsive (longest task ${longest} ms)`);
  await page.click('[data-testid=tab-report]');
  const rows = await page.locator('[data-testid=file-row]').count();
  assert.ok(rows >= 1000, `${rows} file rows`);
  assert.deepEqual(errors, []);
});

/**
 * Loads one big file of the generated trail through the file input: all
 * 90,000 events, on at least two parsers, the file split across them.
 */
async function loadOneBigFile(filePath, what) {
  const size = fs.statSync(filePath).size;
  assert.ok(size > 8_000_000, `${what} is big enough to be split (${size} bytes)`);
  const { page, errors } = await fresh();
  await page.setInputFiles('[data-testid=file-input]', filePath);
  await waitLoaded(page);
  assert.equal((await eventCounts(page)).total, 90000);
  const summary = page.locator('[data-testid=load-summary]');
  const parsers = Number(await summary.getAttribute('data-parsers'));
  assert.ok(parsers >= 2, `parsers: ${parsers}`);
  assert.equal(await summary.getAttribute('data-split-files'), '1');
  assert.equal(await page.getAttribute('[data-testid=file-count]', 'data-total'), '1');
  console.log(`${what} (${(size / 1e6).toFixed(1)} MB): 90,000 events in ${await summary.getAttribute('data-load-ms')} ms on ${parsers} parsers`);
  return { page, errors };
}

test('the same trail as one zip is spread over every parser and loads the same events', async () => {
  const zipPath = path.join(ROOT, 'target', 'e2e-trail.zip');
  if (!fs.existsSync(zipPath)) {
    // Stored members: they are gzipped deliveries already.
    execFileSync('python3', ['-c', `
import os, sys, zipfile
root, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out + '.part', 'w', zipfile.ZIP_STORED) as z:
    for folder, _, names in sorted(os.walk(root)):
        for name in sorted(names):
            full = os.path.join(folder, name)
            z.write(full, os.path.relpath(full, root))
os.replace(out + '.part', out)
`, GENERATED_TRAIL, zipPath]);
  }
  const { page, errors } = await loadOneBigFile(zipPath, 'one zip');
  assert.equal(await page.textContent('[data-testid=diagnostic-count]'), '0 problems');
  await screenshot(page, 'one-zip');
  assert.deepEqual(errors, []);
});

test('the same trail as one JSON Lines file is cut into a part per parser and loads the same events', async () => {
  const jsonlPath = path.join(ROOT, 'target', 'e2e-trail.jsonl');
  // One record cut off, past the middle: the file is cut into parts before
  // it, and the report must still name its line in the whole file.
  const brokenAfter = 70_000;
  if (!fs.existsSync(`${jsonlPath}.complete`)) {
    execFileSync('python3', [path.join(ROOT, 'scripts', 'bench', 'jsonl_trail.py'), GENERATED_TRAIL, jsonlPath,
      '--broken-after', String(brokenAfter)]);
    fs.writeFileSync(`${jsonlPath}.complete`, '');
  }
  // Counted as split only when its parts were joined, not loaded again whole.
  const { page, errors } = await loadOneBigFile(jsonlPath, 'one JSON Lines file');
  assert.equal(await page.textContent('[data-testid=diagnostic-count]'), '1 problem');
  await page.click('[data-testid=tab-report]');
  const cutOff = '{"eventVersion":"1.08","eventName":"CutOff","eventTime":';
  assert.equal(await page.textContent('[data-testid=diagnostic] .where'),
    `e2e-trail.jsonl:${brokenAfter + 1}:${cutOff.length + 1}`);
  assert.deepEqual(errors, []);
});

test('a long load can be cancelled and keeps what was read', async () => {
  const { page } = await fresh();
  await page.selectOption('[data-testid=sample-size]', '1000000');
  await page.click('[data-testid=sample-data]');
  await page.waitForFunction(() => {
    const bar = document.querySelector('[data-testid=progress]');
    return bar && Number(bar.value) > 0.02;
  }, null, { timeout: 60_000 });
  await page.click('[data-testid=cancel]');
  await waitLoaded(page);
  const counts = await eventCounts(page);
  assert.ok(counts.total > 0 && counts.total < 1_000_000, JSON.stringify(counts));
  assert.match(await page.textContent('[data-testid=load-status]'), /cancelled/);
});

test('time zone, column chooser and query chips', async () => {
  const { page } = await fresh({ viewport: { width: 1280, height: 720 } });
  await page.click('[data-testid=sample-data]');
  await waitLoaded(page);
  const utcFirst = await page.locator('[data-testid=event-row][data-position="0"] .c-time').textContent();
  await page.click('[data-testid=time-zone]');
  assert.equal(await page.textContent('[data-testid=time-zone]'), 'Local time');
  await page.click('[data-testid=time-zone]');
  assert.equal(await page.textContent('[data-testid=time-zone]'), 'UTC');
  assert.match(utcFirst, /Z$/);
  // Columns: hide the user agent.
  assert.equal(await page.locator('[data-testid=event-row] .c-userAgent').count() > 0, true);
  await page.click('[data-testid=columns]');
  await page.locator('[data-testid=column-chooser] label', { hasText: 'User agent' }).locator('input').uncheck();
  assert.equal(await page.locator('[data-testid=event-row] .c-userAgent').count(), 0);
  await page.click('[data-testid=columns]');
  // Chips: two facet picks make two chips; removing one leaves the other.
  const facet = (field) => page.locator(`[data-testid=facet][data-field=${field}] [data-testid=facet-value] .facet-include`).first();
  await facet('eventSource').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=event-count]').dataset.shown) < 20000);
  await facet('awsRegion').click();
  await page.waitForSelector('[data-testid=query-chip] >> nth=1');
  assert.equal(await page.locator('[data-testid=query-chip]').count(), 2);
  const both = Number(await page.getAttribute('[data-testid=event-count]', 'data-shown'));
  await screenshot(page, 'laptop-1280x720');
  await page.locator('[data-testid=query-chip]').first().locator('button').click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=event-count]').dataset.shown) !== n, both);
  assert.equal(await page.locator('[data-testid=query-chip]').count(), 1);
  assert.match(await page.inputValue('[data-testid=search]'), /^awsRegion:/);
});

test('screens for the README', async () => {
  const { page } = await fresh();
  await page.click('[data-testid=sample-data]');
  await waitLoaded(page);
  const docs = path.join(ROOT, 'docs');
  fs.mkdirSync(docs, { recursive: true });
  const keep = async (name) => fs.copyFileSync(await screenshot(page, name), path.join(docs, `${name}.png`));
  await keep('screenshot');
  await page.locator('[data-testid=event-row][data-position="3"]').click();
  await page.waitForSelector('[data-testid=event-detail]');
  await keep('detail');
  await page.keyboard.press('Escape');
  await page.click('[data-testid=tab-principals]');
  await page.waitForSelector('[data-testid=principals][data-complete=true]');
  await keep('principals');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.click('[data-testid=tab-events]');
  await keep('dark');
});

test('no request left the page origin', () => {
  const all = suite.requests();
  assert.ok(all.length > 0);
  assert.deepEqual(foreignRequests(suite.served.origin, all), []);
});
