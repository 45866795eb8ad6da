// End to end: hostile and broken files beside good ones — each gets a clear
// message for that file, everything else loads, the app stays usable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { browserSuite, foreignRequests, waitLoaded, eventCounts, screenshot } from './harness.mjs';

const suite = browserSuite({ before, after });
const fresh = (options) => suite.fresh(options);
let dir;

const event = (id, extra = '') => `{"eventVersion":"1.08","eventID":"${id}","eventTime":"2024-05-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","userIdentity":{"type":"IAMUser","userName":"alice","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333"}${extra}}`;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trailglass-files-'));
});

after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test('10,000 tiny files in one pick all load', async () => {
  const tiny = path.join(dir, 'tiny');
  fs.mkdirSync(tiny);
  const files = [];
  for (let i = 0; i < 10000; i += 1) {
    const file = path.join(tiny, `t${i}.json`);
    fs.writeFileSync(file, `{"Records":[${event(`tiny-${i}`)}]}`);
    files.push(file);
  }
  const { page, errors } = await fresh();
  await page.setInputFiles('[data-testid=file-input]', files);
  await waitLoaded(page);
  assert.equal((await eventCounts(page)).total, 10000);
  assert.equal(await page.getAttribute('[data-testid=file-count]', 'data-total'), '10000');
  assert.deepEqual(errors, []);
});

test('a gzip bomb, truncated gzip, binary junk and a 5 MB value beside a good file', async () => {
  const good = path.join(dir, 'good.json');
  fs.writeFileSync(good, `{"Records":[${event('good-1')},${event('good-2')}]}`);
  const bomb = path.join(dir, 'bomb.json.gz');
  fs.writeFileSync(bomb, zlib.gzipSync(Buffer.alloc(600 * 1024 * 1024, 0x20), { level: 1 }));
  const records = Array.from({ length: 300 }, (_, i) => event(`cut-${i}`)).join(',');
  const whole = zlib.gzipSync(Buffer.from(`{"Records":[${records}]}`));
  const truncated = path.join(dir, 'truncated.json.gz');
  fs.writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const junk = path.join(dir, 'junk.json.gz');
  fs.writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  const huge = path.join(dir, 'huge-parameter.json');
  fs.writeFileSync(huge, `{"Records":[${event('huge-1', `,"requestParameters":{"policy":"${'A'.repeat(5 * 1024 * 1024)}"}`)}]}`);
  const { page, errors } = await fresh();
  await page.evaluate(() => document.querySelector('[data-testid=file-input]')
    .addEventListener('change', () => { window.__handedOver = performance.now(); }, true));
  await page.setInputFiles('[data-testid=file-input]', [good, bomb, truncated, junk, huge]);
  await waitLoaded(page);
  const counts = await eventCounts(page);
  // 2 good + the records before the cut + the 5 MB one.
  assert.ok(counts.total > 3 && counts.total < 300 + 3, JSON.stringify(counts));
  await page.click('[data-testid=tab-report]');
  const byFile = Object.fromEntries(await page.locator('[data-testid=diagnostic]').evaluateAll(
    (els) => els.map((e) => [e.dataset.file, e.textContent])));
  assert.match(byFile['bomb.json.gz'], /refused: inflates past the \d+ MB limit/);
  assert.match(byFile['truncated.json.gz'], /truncated/);
  assert.match(byFile['junk.json.gz'], /not CloudTrail/);
  assert.equal(byFile['good.json'], undefined);
  assert.equal(byFile['huge-parameter.json'], undefined);
  // The 5 MB event opens; its view is cut, the page stays responsive.
  await page.click('[data-testid=tab-events]');
  await page.fill('[data-testid=search]', 'requestParameters.policy:*');
  await page.waitForFunction(() => document.querySelector('[data-testid=event-count]').dataset.shown === '1');
  await page.locator('[data-testid=event-row]').first().click();
  await page.waitForSelector('[data-testid=event-detail]');
  assert.match(await page.textContent('[data-testid=event-json]'), /more characters: copy the event to see all of it/);
  const longest = await page.evaluate(() => Math.max(0, ...window.__longTasks.filter(([s]) => s >= window.__handedOver).map(([, d]) => d)));
  assert.ok(longest < 500, `longest main-thread task ${longest} ms`);
  await screenshot(page, 'broken-files');
  assert.deepEqual(errors, []);
});

test('no request left the page origin', () => {
  const all = suite.requests();
  assert.ok(all.length > 0);
  assert.deepEqual(foreignRequests(suite.served.origin, all), []);
});
