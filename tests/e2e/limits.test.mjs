// End to end: inputs built to blow up the view stay bounded on screen — more
// principals than the table shows (it says how many and which), and a 10 MB
// user agent (cut in every cell, facet and line that shows it, and still
// filterable from its facet). The full-size inputs (a million principals, a
// million event names, 100,000 files, a 500 MB record) are `make bench-limits`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OUTPUT, browserSuite, waitLoaded, eventCounts, foreignRequests, screenshot } from './harness.mjs';

const suite = browserSuite({ before, after });
const DIR = path.join(OUTPUT, 'limits');
after(() => fs.rmSync(DIR, { recursive: true, force: true }));
const AGENT = `Mozilla/5.0 ${'A'.repeat(10 << 20)}`;
let page;

function event(n, { user = `user-${String(n).padStart(5, '0')}`, agent = 'aws-cli/2.15.0' } = {}) {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', principalId: `AIDA${n}`, arn: `arn:aws:iam::111122223333:user/${user}`, accountId: '111122223333', userName: user },
    eventTime: `2024-05-01T00:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z`,
    eventSource: 's3.amazonaws.com', eventName: 'GetObject', awsRegion: 'us-east-1', sourceIPAddress: '192.0.2.10',
    userAgent: agent, requestParameters: { bucketName: 'b' }, eventID: `e-${n}`, eventType: 'AwsApiCall', recipientAccountId: '111122223333',
  };
}

test('more principals than the table shows, and a 10 MB user agent: bounded on screen, said, and still usable', async () => {
  fs.mkdirSync(DIR, { recursive: true });
  const many = Array.from({ length: 2000 }, (_, n) => event(n));
  fs.writeFileSync(path.join(DIR, 'principals.json'), JSON.stringify({ Records: many }));
  fs.writeFileSync(path.join(DIR, 'agent.json'), JSON.stringify({ Records: [event(5000, { user: 'mallory', agent: AGENT })] }));
  ({ page } = await suite.fresh());
  await page.setInputFiles('[data-testid=file-input]', [path.join(DIR, 'principals.json'), path.join(DIR, 'agent.json')]);
  await waitLoaded(page);
  assert.equal((await eventCounts(page)).total, 2001);
  // No cell, facet or title carries the 10 MB.
  const longest = await page.evaluate(() => Math.max(...[...document.querySelectorAll('main *')].flatMap((el) => [
    el.childElementCount ? 0 : el.textContent.length, ...[...el.attributes].map((a) => a.value.length)])));
  assert.ok(longest < 2_200, `the longest text or attribute on screen: ${longest} characters`);
  const agentFacet = page.locator('[data-testid=facet][data-field=userAgent] [data-testid=facet-value]').filter({ hasText: 'Mozilla' });
  assert.match(await agentFacet.textContent(), /^Mozilla\/5\.0 A+…/);
  // Its facet still filters to it (by the start it shows).
  await agentFacet.locator('.facet-include').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=event-count]')?.dataset.shown) === 1);
  assert.match(await page.inputValue('[data-testid=search]'), /^userAgent:\/\(\?-i\)\^Mozilla/);
  await page.locator('[data-testid=event-row]').first().click();
  await page.waitForSelector('[data-testid=event-detail][data-id]');
  const detail = await page.textContent('[data-testid=event-detail]');
  assert.match(detail, /… \(104\d{5} more characters: copy the event to see all of it\)/);
  assert.ok(detail.length < 100_000, `the detail holds ${detail.length} characters`);
  await screenshot(page, 'limits-agent');
  await page.fill('[data-testid=search]', '');
  // The view of every event, not the filtered one, before the principals are counted.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=event-count]')?.dataset.shown) === 2001);
  // 2,001 principals: the 500 with the most events are listed, and the page says so.
  await page.click('[data-testid=tab-principals]');
  // The table fills a part per frame: count it once complete.
  await page.waitForSelector('[data-testid=principals][data-complete=true] [data-testid=principal-row]');
  assert.equal(await page.locator('[data-testid=principal-row]').count(), 500);
  assert.match(await page.textContent('[data-testid=principals-cut]'), /Showing the 500 with the most events of 2,001/);
});

test('every request stayed on the page origin', () => {
  assert.deepEqual(foreignRequests(suite.served.origin, suite.requests()), []);
});
