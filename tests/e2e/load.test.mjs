// End to end: the built site in headless Chromium, loading real fixtures
// through the file input and through a real drop, with the network watched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  browserSuite, foreignRequests, waitLoaded, eventCounts, screenshot, dropFiles, fixtureFiles,
} from './harness.mjs';

const suite = browserSuite({ before, after });
const freshPage = (options) => suite.fresh(options);

test('picking the trailscraper files through the input loads their events once', async () => {
  const { page, errors } = await freshPage();
  assert.equal(await page.getAttribute('[data-testid=load-status]', 'data-state'), 'idle');
  await page.setInputFiles('[data-testid=file-input]', fixtureFiles('trailscraper'));
  await waitLoaded(page);
  const counts = await eventCounts(page);
  // The .json and .json.gz are the same delivery: its events count once.
  assert.equal(counts.total, 3);
  assert.equal(counts.shown, 3);
  assert.equal(await page.getAttribute('[data-testid=file-count]', 'data-total'), '3');
  assert.equal(await page.textContent('[data-testid=duplicate-count]'), '4');
  assert.match(await page.textContent('[data-testid=time-span]'), /2017-12-11[T ]\d\d:\d\d:\d\d/);
  assert.equal(await page.locator('[data-testid=diagnostic]').count(), 0);
  assert.deepEqual(errors, []);
  await screenshot(page, 'trailscraper-loaded');
});

test('dropping the seed files loads every valid record and names each broken file', async () => {
  const { page, errors } = await freshPage();
  await dropFiles(page, fixtureFiles('seeds'));
  await waitLoaded(page);
  const counts = await eventCounts(page);
  assert.equal(counts.total, 16);
  assert.equal(counts.shown, 16);
  await page.click('[data-testid=tab-report]');
  const diagnostics = page.locator('[data-testid=diagnostic]');
  const files = (await diagnostics.evaluateAll((els) => els.map((e) => e.dataset.file))).sort();
  assert.deepEqual(files, [
    'cloudwatch-01.json', 'launch-wizard-01.json', 'marketplace-deployment-01.json', 'opsworks-01.json',
  ]);
  // Each names where: file:line:column.
  for (const text of await diagnostics.allTextContents()) {
    assert.match(text, /\.json:\d+:\d+/);
  }
  assert.deepEqual(errors, []);
  await screenshot(page, 'seeds-dropped');
});

test('the built-in sample loads with one click and shows who did what', async () => {
  const { page, errors } = await freshPage();
  await page.click('[data-testid=sample-data]');
  await waitLoaded(page);
  const counts = await eventCounts(page);
  assert.equal(counts.total, 20000);
  assert.ok(await page.locator('[data-testid=event-row]').count() > 10);
  await screenshot(page, 'sample-loaded');
  await page.click('[data-testid=tab-principals]');
  await page.waitForSelector('[data-testid=principals][data-complete=true]');
  assert.ok(await page.locator('[data-testid=principal-row], [data-testid=role-group]').count() > 20);
  assert.ok(await page.locator('[data-testid=principal-row][data-kind=Root]').count() >= 1);
  assert.deepEqual(errors, []);
  await screenshot(page, 'sample-principals');
});

test('every request of every page stayed on the page origin', () => {
  const all = suite.requests();
  assert.ok(all.length > 0, 'requests were recorded');
  assert.deepEqual(foreignRequests(suite.served.origin, all), []);
});
