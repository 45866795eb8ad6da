// End to end: a parser that fails on one file (a panic inside a promise, a
// WebAssembly trap, never answering, or answering with damaged bytes) costs
// only that file. The page is
// opened with the fault switch (`?fault=MODE:NAME`, src/fault.rs), which
// makes its parsers fail on the file whose name ends with NAME.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, browserSuite, waitLoaded, eventCounts, foreignRequests, screenshot } from './harness.mjs';

const suite = browserSuite({ before, after });
const FOLDER = path.join(FIXTURES, 'stratus-red-team');
const VICTIM = 'aws.defense-evasion.cloudtrail-stop.json';
const ALL_EVENTS = 310;

function eventsIn(file) {
  const json = JSON.parse(fs.readFileSync(path.join(FOLDER, file), 'utf8'));
  return (Array.isArray(json) ? json : json.Records).length;
}

for (const mode of ['panic', 'trap', 'hang']) {
  test(`a parser that fails by ${mode} on one file loses only that file`, async () => {
    const lost = eventsIn(VICTIM);
    assert.ok(lost > 0 && lost < ALL_EVENTS);
    // Small batches: the parser that fails has parsed others before, whose raw JSON it kept.
    const { page } = await suite.fresh({ query: `?fault=${mode}:${VICTIM}&watchdog=1500&batch=3` });
    const started = Date.now();
    await page.setInputFiles('[data-testid=folder-input]', FOLDER);
    await waitLoaded(page);
    const waited = Date.now() - started;
    assert.equal((await eventCounts(page)).total, ALL_EVENTS - lost, 'every other file loaded');
    await page.click('[data-testid=tab-report]');
    const problem = page.locator(`[data-testid=diagnostic][data-file$="${VICTIM}"]`);
    assert.equal(await problem.count(), 1, 'the file at fault is reported');
    const why = await problem.textContent();
    assert.match(why, /parser (stopped|did not)/, why);
    // The failed parser's earlier batches were parsed again by another:
    // every event loaded still has its JSON (free text reads it).
    await page.click('[data-testid=tab-events]');
    await page.fill('[data-testid=search]', '"eventVersion"');
    await page.waitForFunction(() => document.querySelector('[data-testid=event-count]')?.dataset.query === '"eventVersion"');
    assert.equal((await eventCounts(page)).shown, ALL_EVENTS - lost, 'every loaded event kept its JSON');
    assert.equal(await page.locator('[data-testid=diagnostic][data-file^="(events kept by parser"]').count(), 0);
    const reparsed = Number(await page.locator('[data-testid=load-summary]').getAttribute('data-parsed-again'));
    assert.ok(reparsed > 0, `the failed parser's earlier batches were parsed again: ${reparsed}`);
    console.log(`${mode}: ${VICTIM} reported (${why.trim().slice(0, 120)}), the load ended after ${waited} ms`);
    if (mode === 'hang') await screenshot(page, 'parser-fault');
  });
}

test('a parser that answers with damaged bytes for one file loses only that file', async () => {
  const lost = eventsIn(VICTIM);
  const { page } = await suite.fresh({ query: `?fault=damage:${VICTIM}&watchdog=1500&batch=3` });
  await page.setInputFiles('[data-testid=folder-input]', FOLDER);
  await waitLoaded(page);
  // The batch it was in is parsed again a file at a time: only it is lost.
  assert.equal((await eventCounts(page)).total, ALL_EVENTS - lost, 'every other file loaded');
  await page.click('[data-testid=tab-report]');
  const problem = page.locator(`[data-testid=diagnostic][data-file$="${VICTIM}"]`);
  assert.equal(await problem.count(), 1, 'the file at fault is reported');
  const why = await problem.textContent();
  assert.match(why, /unreadable: the segment was damaged on its way/, why);
  assert.equal(await page.locator('[data-testid=diagnostic]').count(), 1, 'nothing else is reported');
  await page.click('[data-testid=tab-events]');
  await page.fill('[data-testid=search]', '"eventVersion"');
  await page.waitForFunction(() => document.querySelector('[data-testid=event-count]')?.dataset.query === '"eventVersion"');
  assert.equal((await eventCounts(page)).shown, ALL_EVENTS - lost, 'every loaded event has its JSON');
});

test('a page without the switch loads every file', async () => {
  const { page } = await suite.fresh();
  await page.setInputFiles('[data-testid=folder-input]', FOLDER);
  await waitLoaded(page);
  assert.equal((await eventCounts(page)).total, ALL_EVENTS);
});

test('every request stayed on the page origin', () => {
  assert.deepEqual(foreignRequests(suite.served.origin, suite.requests()), []);
});
