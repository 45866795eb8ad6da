// End to end: the Coverage tab on tests/fixtures/coverage (a trail with a
// deleted stretch, a quiet region, a copied delivery and a digest file):
// heat-map cells, the gap, the duplicate and each digest check's status
// after "Verify"; the screen is copied to docs/coverage.png for the README.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, FIXTURES, browserSuite, foreignRequests, waitLoaded, eventCounts, screenshot } from './harness.mjs';

const suite = browserSuite({ before, after });

const cell = (page, region, hour) =>
  page.locator(`[data-testid=coverage-cell][data-region="${region}"][data-hour="2024-05-01 ${hour}"]`);

async function loadFixture(options) {
  const opened = await suite.fresh(options);
  const { page } = opened;
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.setInputFiles('[data-testid=folder-input]', path.join(FIXTURES, 'coverage'));
  await waitLoaded(page);
  return opened;
}

test('the coverage tab shows the heat map, the gap, the duplicate and the digest checks', async () => {
  const { page, errors } = await loadFixture();
  // 19 us-east-1 and 4 eu-west-1 deliveries of two events; the copy adds none.
  assert.equal((await eventCounts(page)).total, 46);
  await page.click('[data-testid=tab-coverage]');
  await page.waitForSelector('[data-testid=coverage-heatmap]');
  assert.match(page.url(), /tab=coverage/);

  assert.equal(await page.locator('[data-testid=coverage-cell]').count(), 6, 'two streams × three hours');
  const us10 = cell(page, 'us-east-1', '10:00');
  assert.equal(await us10.getAttribute('data-events'), '16');
  assert.equal(await us10.getAttribute('data-files'), '8');
  assert.equal(await cell(page, 'us-east-1', '11:00').getAttribute('data-events'), '22');
  assert.equal(await cell(page, 'us-east-1', '12:00').getAttribute('data-state'), 'outside');
  assert.equal(await cell(page, 'eu-west-1', '11:00').getAttribute('data-state'), 'no-delivery');
  assert.match(await cell(page, 'eu-west-1', '11:00').locator('title').textContent(), /no delivery/);

  const gaps = page.locator('[data-testid=coverage-gap]');
  assert.equal(await gaps.count(), 2);
  const usGap = page.locator('[data-testid=coverage-gap][data-region="us-east-1"]');
  assert.equal(await usGap.getAttribute('data-first'), '2024-05-01T10:45:00Z');
  assert.equal(await usGap.getAttribute('data-last'), '2024-05-01T11:00:00Z');
  assert.equal(await usGap.getAttribute('data-slots'), '4');
  assert.match(await usGap.textContent(), /no delivery 2024-05-01 10:45 → 11:00 UTC, 4 five-minute slots/);

  const duplicates = page.locator('[data-testid=duplicate-file]');
  assert.equal(await duplicates.count(), 1);
  // Whichever of the copy and the 10:10 delivery the picker handed over second is the duplicate.
  assert.match(await duplicates.textContent(),
    /(delivery-copy\.json\.gz|T1010Z_1010useast1\.json\.gz): all 2 events already loaded — the same events as .*(T1010Z_1010useast1|delivery-copy)\.json\.gz$/);

  const status = (stamp) => page.locator(`[data-testid=digest-check][data-object*="${stamp}"]`).getAttribute('data-status');
  assert.equal(await page.locator('[data-testid=digest-check]').count(), 4);
  assert.equal(await status('T1005Z'), 'unchecked', 'nothing is hashed until asked');
  assert.equal(await status('T1045Z'), 'missing');
  await page.click('[data-testid=verify-digests]');
  await page.waitForSelector('[data-testid=digest-check][data-status=match]');
  assert.equal(await status('T1005Z'), 'match');
  assert.equal(await status('T1010Z'), 'match');
  assert.equal(await status('T1015Z'), 'mismatch');
  assert.equal(await status('T1045Z'), 'missing');
  assert.equal(await page.locator('[data-testid=verify-digests]').count(), 0);
  assert.match(await page.textContent('[data-testid=coverage-report]'), /RSA signature/);

  await page.evaluate(() => document.querySelector('[data-testid=coverage-report]').scrollIntoView());
  const docs = path.join(ROOT, 'docs');
  fs.mkdirSync(docs, { recursive: true });
  fs.copyFileSync(await screenshot(page, 'coverage'), path.join(docs, 'coverage.png'));
  assert.deepEqual(errors, []);
});

test('coverage in dark mode, and a new load brings a new report', async () => {
  const { page, errors } = await loadFixture({ colorScheme: 'dark' });
  await page.click('[data-testid=tab-coverage]');
  await page.waitForSelector('[data-testid=coverage-heatmap]');
  await page.click('[data-testid=verify-digests]');
  await page.waitForSelector('[data-testid=digest-check][data-status=mismatch]');
  await screenshot(page, 'coverage-dark');
  // Clearing and loading again asks for a new report.
  await page.click('[data-testid=clear]');
  await page.waitForSelector('[data-testid=load-status][data-state=idle]');
  await page.setInputFiles('[data-testid=folder-input]', path.join(FIXTURES, 'coverage'));
  await waitLoaded(page);
  // Still on the Coverage tab: the report of the new load replaces the verified one.
  await page.waitForSelector('[data-testid=digest-check][data-status=unchecked]');
  assert.equal(await page.locator('[data-testid=digest-check][data-status=match]').count(), 0);
  assert.deepEqual(errors, []);
});

test('no request left the page origin', () => {
  const all = suite.requests();
  assert.ok(all.length > 0);
  assert.deepEqual(foreignRequests(suite.served.origin, all), []);
});
