// End to end: the parsers keep the raw JSON they parsed and answer for it
// (free text and JSON paths fan out to them; an event's detail, the
// detections and exports fetch what they read). The same folder loaded with
// parsers and with none (`?parsers=0`: the store worker parses and holds
// everything) answers every question the same, in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, browserSuite, waitLoaded, eventCounts, foreignRequests } from './harness.mjs';

const suite = browserSuite({ before, after });
const FOLDER = path.join(FIXTURES, 'invictus-ir');
const QUERIES = [
  'AccessDenied',
  '"amazonaws.com"',
  'zzz-nowhere-in-these-logs',
  'requestParameters.bucketName:*',
  'userIdentity.type:AssumedRole -s3',
  'eventName:Describe* (ec2 OR iam)',
  'userIdentity.sessionContext.sessionIssuer.userName:*',
];

/** One event of the folder, as it is in its file. */
function someEvent() {
  const file = fs.readdirSync(FOLDER).filter((name) => name.endsWith('.json')).sort()[7];
  const records = JSON.parse(fs.readFileSync(path.join(FOLDER, file), 'utf8')).Records;
  return records[Math.floor(records.length / 2)];
}

async function countOf(page, query) {
  await page.fill('[data-testid=search]', query);
  await page.waitForFunction(
    (q) => document.querySelector('[data-testid=event-count]')?.dataset.query === q,
    query,
    { timeout: 30_000 },
  );
  return (await eventCounts(page)).shown;
}

/** Everything a person asks of the folder, from one page. */
async function answers(query) {
  const { page } = await suite.fresh({ query });
  await page.setInputFiles('[data-testid=folder-input]', FOLDER);
  await waitLoaded(page);
  const summary = page.locator('[data-testid=load-summary]');
  const loaded = {
    total: (await eventCounts(page)).total,
    parsers: Number(await summary.getAttribute('data-parsers')),
    rawKept: Number(await summary.getAttribute('data-raw-kept-bytes')),
  };
  const counts = {};
  for (const q of QUERIES) counts[q] = await countOf(page, q);
  // One event's full JSON, found by its id (a JSON path term).
  const event = someEvent();
  assert.equal(await countOf(page, `eventID:${event.eventID}`), 1);
  await page.locator('[data-testid=event-row]').first().click();
  const json = JSON.parse(await page.locator('[data-testid=event-detail] [data-testid=event-json]').textContent());
  await page.keyboard.press('Escape');
  // The events a free-text search shows, exported.
  await countOf(page, 'AccessDenied');
  await page.click('[data-testid=export-menu] summary');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')]);
  const exported = JSON.parse(fs.readFileSync(await download.path(), 'utf8')).Records.map((r) => r.eventID).sort();
  await page.click('[data-testid=tab-findings]');
  await page.waitForSelector('[data-testid=finding]');
  const findings = await page.locator('[data-testid=finding]').evaluateAll(
    (all) => all.map((f) => `${f.dataset.rule}=${f.dataset.count}`).sort(),
  );
  return { loaded, counts, event, json, exported, findings };
}

test('the parsers answer for the raw JSON they keep exactly as one store would', async () => {
  const spread = await answers('');
  const whole = await answers('?parsers=0');
  assert.equal(whole.loaded.parsers, 0);
  assert.equal(whole.loaded.rawKept, 0);
  assert.ok(spread.loaded.parsers >= 2, JSON.stringify(spread.loaded));
  assert.ok(spread.loaded.rawKept > 100_000, `the parsers keep the raw JSON: ${JSON.stringify(spread.loaded)}`);
  assert.equal(spread.loaded.total, whole.loaded.total);
  assert.deepEqual(spread.counts, whole.counts);
  const selective = Object.values(whole.counts).filter((n) => n > 0 && n < whole.loaded.total);
  assert.ok(selective.length >= 4, JSON.stringify(whole.counts));
  assert.deepEqual(spread.json, spread.event, 'the detail shows the event as it is in its file');
  assert.deepEqual(whole.json, whole.event);
  assert.equal(spread.exported.length, whole.counts.AccessDenied);
  assert.ok(spread.exported.length > 0);
  assert.deepEqual(spread.exported, whole.exported);
  assert.ok(whole.findings.length > 0);
  assert.deepEqual(spread.findings, whole.findings);
  console.log(`${spread.loaded.total} events; raw JSON kept by ${spread.loaded.parsers} parsers: ${spread.loaded.rawKept} bytes; counts ${JSON.stringify(spread.counts)}`);
});

test('a free-text view and the detections waiting on the parsers at once both get their answers', async () => {
  const folder = path.join(FIXTURES, 'stratus-red-team');
  const run = async (query) => {
    const { page, errors } = await suite.fresh({ query });
    await page.setInputFiles('[data-testid=folder-input]', folder);
    await waitLoaded(page);
    // Typed at once: with every parser answer held back 1.5 s, the detections are still
    // fetching the JSON their conditions read while this view waits on its scan.
    const count = await countOf(page, 'AccessDenied');
    await page.click('[data-testid=tab-findings]');
    await page.waitForSelector('[data-testid=finding]');
    // The built-in rules' findings come first, the Sigma rules' when their run is done.
    await page.waitForSelector('[data-testid=findings][data-sigma-ran=true]');
    const findings = await page.locator('[data-testid=finding]').evaluateAll(
      (all) => all.map((f) => `${f.dataset.rule}=${f.dataset.count}`).sort(),
    );
    return { count, findings, errors };
  };
  const raced = await run('?answerdelay=1500');
  const whole = await run('?parsers=0');
  assert.deepEqual(raced.errors, [], 'no worker stopped');
  assert.ok(whole.count > 0);
  assert.equal(raced.count, whole.count);
  assert.ok(
    whole.findings.some((f) => f.startsWith('TG-010=') || f.startsWith('TG-014=')),
    `a rule whose condition reads the JSON fires: ${whole.findings}`,
  );
  assert.deepEqual(raced.findings, whole.findings);
});

test('every request stayed on the page origin', () => {
  assert.deepEqual(foreignRequests(suite.served.origin, suite.requests()), []);
});
