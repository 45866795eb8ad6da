// End to end: the viewer on the built-in sample — search, timeline zoom,
// the virtual table with keyboard, event detail, facets, principals and
// exports — in headless Chromium, with every request recorded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  foreignRequests, serveDist, launch, openPage, waitLoaded, eventCounts, screenshot,
} from './harness.mjs';

let served;
let browser;
let page;
let opened;
const requests = [];

before(async () => {
  served = await serveDist();
  browser = await launch();
  opened = await openPage(browser, served.url);
  page = opened.page;
  await page.click('[data-testid=sample-data]');
  await waitLoaded(page);
});

after(async () => {
  requests.push(...opened.requests);
  await browser?.close();
  served?.server.close();
});

/** Waits until the shown count differs from `before` (the debounced view arrived). */
async function shownChange(before) {
  await page.waitForFunction(
    (b) => Number(document.querySelector('[data-testid=event-count]')?.dataset.shown) !== b,
    before,
    { timeout: 30_000 },
  );
  return eventCounts(page);
}

async function setQuery(text) {
  const before = (await eventCounts(page)).shown;
  await page.fill('[data-testid=search]', text);
  return before;
}

test('a field query narrows every view, and clearing it restores them', async () => {
  const all = await eventCounts(page);
  assert.equal(all.total, 20000);
  const before = await setQuery('eventName:ConsoleLogin');
  const counts = await shownChange(before);
  assert.ok(counts.shown > 0 && counts.shown < all.total, JSON.stringify(counts));
  const names = await page.locator('[data-testid=event-row] .c-eventName').allTextContents();
  assert.ok(names.length > 0);
  assert.ok(names.every((n) => n === 'ConsoleLogin'), names.join(','));
  // The facet for event names now has one value, with the same count.
  const facet = page.locator('[data-testid=facet][data-field=eventName] [data-testid=facet-value]');
  assert.equal(await facet.count(), 1);
  assert.equal(Number(await facet.first().getAttribute('data-count')), counts.shown);
  await setQuery('');
  assert.equal((await shownChange(counts.shown)).shown, all.total);
});

test('free text, OR, negation and wildcards combine', async () => {
  const before = await setQuery('AccessDenied -eventSource:s3* (eventName:Get* OR eventName:List*)');
  const counts = await shownChange(before);
  assert.ok(counts.shown > 0 && counts.shown < 20000, JSON.stringify(counts));
  const rows = page.locator('[data-testid=event-row]');
  const sources = await rows.locator('.c-eventSource').allTextContents();
  assert.ok(sources.every((s) => s !== 's3'), sources.join(','));
  const names = await rows.locator('.c-eventName').allTextContents();
  assert.ok(names.every((n) => n.startsWith('Get') || n.startsWith('List')), names.join(','));
  await setQuery('');
  await shownChange(counts.shown);
});

test('a syntax error is shown inline and the previous results stay', async () => {
  const before = await eventCounts(page);
  await page.fill('[data-testid=search]', 'eventName:(Get');
  await page.waitForSelector('[data-testid=query-error]');
  assert.match(await page.textContent('[data-testid=query-error]'), /column \d+/);
  assert.deepEqual(await eventCounts(page), before);
  await screenshot(page, 'query-error');
  await page.fill('[data-testid=search]', '');
  await page.waitForSelector('[data-testid=query-error]', { state: 'detached' });
});

test('the timeline zooms into a dragged range and back out', async () => {
  const timeline = page.locator('[data-testid=timeline]');
  assert.ok(Number(await timeline.getAttribute('data-buckets')) >= 20);
  const chart = await page.locator('[data-testid=timeline-chart]').boundingBox();
  const before = await eventCounts(page);
  await page.mouse.move(chart.x + chart.width * 0.30, chart.y + chart.height / 2);
  assert.match(await page.textContent('[data-testid=timeline-hover]'), /ok, \d+ errors, \d+ AccessDenied/);
  await page.mouse.down();
  await page.mouse.move(chart.x + chart.width * 0.45, chart.y + chart.height / 2, { steps: 5 });
  await page.mouse.up();
  const zoomed = await shownChange(before.shown);
  assert.ok(zoomed.shown < before.shown && zoomed.shown > 0, JSON.stringify(zoomed));
  assert.ok(Number(await timeline.getAttribute('data-bucket-ms')) < 300_000, 'finer buckets after zooming');
  await screenshot(page, 'timeline-zoomed');
  await page.click('[data-testid=zoom-reset]');
  assert.equal((await shownChange(zoomed.shown)).shown, before.shown);
});

test('the table is virtual, keyboard-driven, and opens an event in full', async () => {
  const rendered = await page.locator('[data-testid=event-row]').count();
  assert.ok(rendered > 10 && rendered < 120, `only rows in sight exist in the DOM (${rendered})`);
  await page.focus('[data-testid=event-table]');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector('[data-testid=event-row][data-position="2"].cursor');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=event-detail]');
  const json = await page.textContent('[data-testid=event-json]');
  const id = await page.getAttribute('[data-testid=event-detail]', 'data-id');
  assert.equal(id, await page.getAttribute('[data-testid=event-row][data-position="2"]', 'data-id'));
  assert.match(json, /"eventVersion"/);
  assert.match(json, /"userIdentity"/);
  assert.ok((await page.locator('[data-testid=event-detail] dt').allTextContents()).includes('Credential'));
  await screenshot(page, 'event-detail');
  // Scroll far down: new rows arrive for the new position.
  await page.locator('[data-testid=event-table]').evaluate((el) => { el.scrollTop = 28 * 15000; });
  await page.waitForSelector('[data-testid=event-row][data-position="15000"]');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=event-detail]', { state: 'detached' });
});

test('newest-first sorting reverses the table', async () => {
  await page.locator('[data-testid=event-table]').evaluate((el) => { el.scrollTop = 0; });
  const first = await page.locator('[data-testid=event-row][data-position="0"] .c-time').textContent();
  await page.click('[data-testid=sort-time]');
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid=event-row][data-position="0"] .c-time')?.textContent !== t, first);
  const newest = await page.locator('[data-testid=event-row][data-position="0"] .c-time').textContent();
  assert.ok(newest > first, `${newest} after ${first}`);
  await page.click('[data-testid=sort-time]');
});

test('a facet click filters to that value and writes it into the query', async () => {
  const value = page.locator('[data-testid=facet][data-field=eventSource] [data-testid=facet-value]').first();
  const name = await value.getAttribute('data-value');
  const count = Number(await value.getAttribute('data-count'));
  const before = (await eventCounts(page)).shown;
  await value.locator('.facet-include').click();
  const counts = await shownChange(before);
  assert.equal(counts.shown, count);
  assert.equal(await page.inputValue('[data-testid=search]'), `eventSource:"${name}"`);
  // Exclude it instead: the rest.
  await page.fill('[data-testid=search]', '');
  await shownChange(count);
  await page.locator(`[data-testid=facet][data-field=eventSource] [data-testid=facet-value][data-value="${name}"] [data-testid=facet-exclude]`).click();
  assert.equal((await shownChange(20000)).shown, 20000 - count);
  await page.fill('[data-testid=search]', '');
  await shownChange(20000 - count);
});

test('who did what: every kind, sortable, a click opens the principal', async () => {
  await page.click('[data-testid=tab-principals]');
  // The table fills a part per frame.
  await page.waitForSelector('[data-testid=principals][data-complete=true]');
  const kinds = new Set(await page.locator('[data-testid=principal-row], [data-testid=role-group]').evaluateAll(
    (rows) => rows.map((r) => r.dataset.kind ?? 'AssumedRole')));
  for (const kind of ['Root', 'IAMUser', 'AssumedRole', 'AWSService']) assert.ok(kinds.has(kind), `${kind} in ${[...kinds]}`);
  await page.click('[data-testid=sort-errors]');
  // A new order fills again from the top.
  await page.waitForFunction(() => document.querySelector('[data-testid=sort-errors]')?.textContent.includes('↓')
    && document.querySelector('[data-testid=principals]')?.dataset.complete === 'true');
  const errors = await page.locator('.principals tbody tr').evaluateAll(
    (rows) => rows.map((r) => Number(r.children[4].textContent.replace(/,/g, ''))));
  assert.deepEqual(errors, [...errors].sort((a, b) => b - a));
  await screenshot(page, 'principals');
  // Downloads are made in the page (a blob), never fetched.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-principals-csv]')]);
  const text = fs.readFileSync(await csv.path(), 'utf8');
  assert.match(text.split('\r\n')[0], /^kind,principal,group,account,events,errors,access_denied/);
  assert.ok(text.split('\r\n').length > 20);
  const root = page.locator('[data-testid=principal-row][data-kind=Root]').first();
  const rootEvents = Number((await root.locator('td').nth(3).textContent()).replace(/,/g, ''));
  await root.click();
  await page.waitForSelector('[data-testid=principal-page]');
  const counts = await shownChange(20000);
  assert.equal(counts.shown, rootEvents);
  await screenshot(page, 'principal-page');
  await page.click('[data-testid=clear-principal]');
  await shownChange(rootEvents);
});

test('dark mode is readable', async () => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.click('[data-testid=tab-events]');
  const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const text = await page.evaluate(() => getComputedStyle(document.querySelector('.page')).color);
  assert.notEqual(background, text);
  assert.match(background, /rgb\(\s*1[0-9],/);
  await screenshot(page, 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('the filtered events export as a CloudTrail file that loads back, and as CSV', async () => {
  await page.click('[data-testid=tab-events]');
  const before = await setQuery('eventName:ConsoleLogin');
  const filtered = await shownChange(before);
  await page.click('[data-testid=export-menu] summary');
  const [gz] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json-gz]')]);
  assert.equal(gz.suggestedFilename(), 'trailglass-events.json.gz');
  const gzPath = await gz.path();
  const bytes = fs.readFileSync(gzPath);
  assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b]);
  await page.click('[data-testid=export-menu] summary');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
  const lines = fs.readFileSync(await csv.path(), 'utf8').trim().split('\r\n');
  assert.equal(lines.length, filtered.shown + 1);
  assert.match(lines[0], /^eventTime,eventSource,eventName/);
  // The same question as SQL, on the clipboard.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.origin });
  await page.click('[data-testid=export-menu] summary');
  await page.click('[data-testid=copy-sql-athena]');
  const sql = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(sql, /FROM cloudtrail_logs/);
  assert.match(sql, /eventname/i);
  assert.match(sql, /'consolelogin'|'ConsoleLogin'/);
  // Load the exported file in a fresh page: the same events come back.
  const fresh = await openPage(browser, served.url);
  const named = `${gzPath}.json.gz`;
  fs.copyFileSync(gzPath, named);
  await fresh.page.setInputFiles('[data-testid=file-input]', named);
  await waitLoaded(fresh.page);
  assert.equal((await eventCounts(fresh.page)).total, filtered.shown);
  requests.push(...fresh.requests);
  await fresh.context.close();
  await setQuery('');
  await shownChange(filtered.shown);
});

test('the view lives in the URL fragment and survives a reload with the same data', async () => {
  await page.click('[data-testid=tab-events]');
  const before = await setQuery('eventName:ConsoleLogin');
  const filtered = await shownChange(before);
  await page.waitForFunction(() => location.hash.includes('q=eventName%3AConsoleLogin'));
  const url = page.url();
  assert.ok(!/AKIA|ASIA|arn%3A/.test(url), `no event data in the URL: ${url}`);
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForSelector('[data-testid=load-status]');
  await page.click('[data-testid=sample-data]');
  await waitLoaded(page);
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=event-count]')?.dataset.shown) === n, filtered.shown);
  assert.equal(await page.inputValue('[data-testid=search]'), 'eventName:ConsoleLogin');
  await setQuery('');
  await shownChange(filtered.shown);
});

test('every request stayed on the page origin', () => {
  const all = [...opened.requests, ...requests];
  assert.ok(all.length > 0);
  const foreign = foreignRequests(served.origin, all);
  assert.deepEqual(foreign, []);
});
