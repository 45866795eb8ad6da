// End to end: a parser that fails on one file (a panic inside a promise, a
// WebAssembly trap, never answering, or answering with damaged bytes) costs
// only that file. The page is
// opened with the fault switch (`?fault=MODE:NAME`, src/fault.rs), which
// makes its parsers fail on the file whose name ends with NAME.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, GENERATED_TRAIL, browserSuite, waitLoaded, eventCounts, foreignRequests, screenshot } from './harness.mjs';

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

/** Free text over every event's JSON: how many show. */
async function withJson(page) {
  await page.click('[data-testid=tab-events]');
  await page.fill('[data-testid=search]', '"eventVersion"');
  await page.waitForFunction(() => document.querySelector('[data-testid=event-count]')?.dataset.query === '"eventVersion"');
  return (await eventCounts(page)).shown;
}

test('an answer to a scan, fetch or rule check that arrives damaged is asked again, and nothing is lost', async () => {
  // The parser that parsed the victim damages its next answer (the rule check after the load, or the scan).
  const { page } = await suite.fresh({ query: `?fault=damage-answer:${VICTIM}&batch=3` });
  await page.setInputFiles('[data-testid=folder-input]', FOLDER);
  await waitLoaded(page);
  assert.equal((await eventCounts(page)).total, ALL_EVENTS);
  assert.equal(await withJson(page), ALL_EVENTS, 'every event kept its JSON');
  // An event's detail fetches its block from the parser.
  await page.locator('[data-testid=event-row][data-position="0"]').click();
  const json = JSON.parse(await page.locator('[data-testid=event-json]').textContent());
  assert.match(json.eventID ?? '', /\S/);
  await page.click('[data-testid=tab-report]');
  assert.equal(await page.locator('[data-testid=diagnostic]').count(), 0, 'nothing is reported lost');
});

test('a parser whose every answer arrives damaged loses only the JSON it kept, and says why', async () => {
  const { page } = await suite.fresh({ query: `?fault=damage-answers:${VICTIM}&batch=3` });
  await page.setInputFiles('[data-testid=folder-input]', FOLDER);
  await waitLoaded(page);
  assert.equal((await eventCounts(page)).total, ALL_EVENTS, 'every event loaded: the damage is in the answers');
  const shown = await withJson(page);
  assert.ok(shown < ALL_EVENTS, `the JSON that parser kept reads as empty: ${shown} of ${ALL_EVENTS} show`);
  console.log(`every answer damaged: ${shown} of ${ALL_EVENTS} events kept their JSON`);
  await page.click('[data-testid=tab-report]');
  const lost = page.locator('[data-testid=diagnostic][data-file^="(events kept by parser"]');
  assert.equal(await lost.count(), 1, 'the loss is reported once');
  assert.match(await lost.textContent(), /answers arrived damaged twice/);
  // Fields stay: a field query still finds the victim's events.
  await page.click('[data-testid=tab-events]');
  await page.fill('[data-testid=search]', 'eventName:StopLogging');
  await page.waitForFunction(() => document.querySelector('[data-testid=event-count]')?.dataset.query === 'eventName:StopLogging');
  assert.ok((await eventCounts(page)).shown >= 1);
});

test('a store that reaches its memory ceiling stops taking files, says what was and was not loaded, and what loaded stays usable', async () => {
  assert.ok(fs.existsSync(GENERATED_TRAIL), `run scripts/test.sh to generate ${GENERATED_TRAIL}`);
  // 90,000 generated events need tens of MB: a 6 MB ceiling is reached part way.
  const { page } = await suite.fresh({ query: '?storelimit=6' });
  await page.setInputFiles('[data-testid=folder-input]', GENERATED_TRAIL);
  await waitLoaded(page);
  const { total } = await eventCounts(page);
  assert.ok(total > 0 && total < 90_000, `part of the trail loaded: ${total}`);
  const refused = await page.textContent('[data-testid=files-refused]');
  assert.match(refused, /\d/, refused);
  await page.click('[data-testid=tab-report]');
  const said = await page.locator('[data-testid=diagnostic]').allTextContents();
  const limit = said.find((text) => /memory limit \(6 MB\)/.test(text));
  assert.ok(limit, said.join('\n').slice(0, 400));
  assert.match(limit, new RegExp(`not loaded, nor any file after it: .* with [\\d,]+ events loaded`));
  // What loaded answers: a field query, free text (the parsers' raw JSON) and an event's detail.
  await page.click('[data-testid=tab-events]');
  await page.fill('[data-testid=search]', 'AccessDenied');
  await page.waitForFunction(() => document.querySelector('[data-testid=event-count]')?.dataset.query === 'AccessDenied');
  const denied = (await eventCounts(page)).shown;
  assert.ok(denied > 0 && denied < total, `free text over what loaded: ${denied}`);
  await page.locator('[data-testid=event-row]').first().click();
  await page.waitForSelector('[data-testid=event-detail][data-id]');
  assert.match(await page.textContent('[data-testid=event-json]'), /AccessDenied/);
  await screenshot(page, 'memory-ceiling');
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
