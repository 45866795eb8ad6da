// End to end: the case. A starred event with its tags and note, and a note
// on a principal, survive a new tab that loads the same files; the case
// exports, clears and imports; the report opens from file:// with nothing
// but its own text, hostile notes and log text included, and no script; the
// Timesketch and ATT&CK Navigator files carry the fields their tools
// document. Writes docs/case.png and docs/report.png for the README.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ROOT, FIXTURES, OUTPUT, browserSuite, fixtureFiles, waitLoaded, dropFiles, screenshot, foreignRequests,
} from './harness.mjs';

const suite = browserSuite({ before, after });
const stratus = () => fixtureFiles('stratus-red-team', (n) => n.endsWith('.json'));
const NOTE = 'The intruder deleted the trail.\nSecond line: after the snapshot share.';

async function load(page, files) {
  await page.setInputFiles('[data-testid=file-input]', files);
  await waitLoaded(page);
}

/** Opens the first event the search shows. */
async function openFirst(page, query) {
  await page.fill('[data-testid=search]', query);
  await page.waitForFunction((q) => document.querySelector('[data-testid=event-count]')?.dataset.query === q, query, { timeout: 30_000 });
  await page.locator('[data-testid=event-row][data-position="0"]').click();
  await page.waitForSelector('[data-testid=event-detail][data-id]');
}

async function saved(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: download.suggestedFilename(), file: await download.path() };
}

let context;
let eventId;

test('a starred event, its tags and note, and a principal note survive a new tab with the same files', async () => {
  const opened = await suite.fresh();
  ({ context } = opened);
  const { page } = opened;
  await load(page, stratus());
  await openFirst(page, 'eventName:DeleteTrail');
  const json = JSON.parse(await page.locator('[data-testid=event-json]').textContent());
  eventId = json.eventID;
  assert.match(eventId, /^[0-9a-f-]{36}$/);
  assert.equal(await page.getAttribute('[data-testid=star]', 'aria-pressed'), 'false');
  await page.click('[data-testid=star]');
  assert.equal(await page.getAttribute('[data-testid=star]', 'aria-pressed'), 'true');
  await page.fill('[data-testid=tag-input]', 'defense-evasion, trail ,defense-evasion');
  await page.fill('[data-testid=note-input]', NOTE);
  await page.locator('[data-testid=note-input]').press('Tab');
  assert.match(await page.textContent('[data-testid=tab-case]'), /Case \(1\)/);
  // "s" on the open event stars it too (here: a second event).
  await page.locator('[data-testid=close-detail]').click();
  await openFirst(page, 'eventName:GetPasswordData');
  await page.locator('body').press('s');
  await page.waitForSelector('[data-testid=star][aria-pressed=true]');
  assert.match(await page.textContent('[data-testid=tab-case]'), /Case \(2\)/);
  // A note on the principal, from its page.
  await page.click('[data-testid=tab-principals]');
  await page.waitForSelector('[data-testid=principals]');
  // The detonations ran as role sessions: their rows sit under their role.
  if (await page.locator('[data-testid=role-group]').count()) await page.locator('[data-testid=role-group]').first().click();
  await page.locator('[data-testid=principal-row]').first().click();
  await page.waitForSelector('[data-testid=principal-page]');
  await page.fill('[data-testid=principal-note-input]', 'Stratus detonation role');
  await page.locator('[data-testid=principal-note-input]').press('Tab');
  // IndexedDB writes are asynchronous: wait until the case is kept. Polled
  // through evaluate, which awaits the read (a predicate's promise is only truthy).
  const kept = () => page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('trailglass');
    open.onsuccess = () => {
      const get = open.result.transaction('case').objectStore('case').get('current');
      get.onsuccess = () => resolve(typeof get.result === 'string' && get.result.includes('Stratus detonation role'));
      get.onerror = () => resolve(false);
    };
    open.onerror = () => resolve(false);
  }));
  let isKept = false;
  for (let tries = 0; tries < 300 && !isKept; tries += 1) {
    isKept = await kept();
    if (!isKept) await page.waitForTimeout(100);
  }
  assert.ok(isKept, 'the principal note is kept in IndexedDB');

  // A new tab of the same browser, the same files: the case is back.
  const again = await context.newPage();
  await again.goto(suite.served.url);
  await load(again, stratus());
  await again.click('[data-testid=tab-case]');
  await again.waitForSelector('[data-testid=case][data-events="2"]');
  const entry = again.locator(`[data-testid=case-event][data-event-id="${eventId}"]`);
  assert.equal(await entry.getAttribute('data-starred'), 'true');
  assert.equal(await entry.locator('[data-testid=case-note]').textContent(), NOTE);
  assert.deepEqual(await entry.locator('[data-testid=case-tag]').allTextContents(), ['defense-evasion', 'trail']);
  // Time order.
  const times = await again.locator('[data-testid=case-event]').evaluateAll((els) => els.map((e) => e.dataset.time));
  assert.equal(times.length, 2);
  assert.ok(times[0] < times[1], times.join(' | '));
  assert.ok((await again.textContent('[data-testid=case]')).includes('Stratus detonation role'));
  // Opening it opens its event, with its marks.
  await entry.locator('.case-open').click();
  await again.waitForSelector('[data-testid=event-detail][data-id]');
  assert.equal(JSON.parse(await again.locator('[data-testid=event-json]').textContent()).eventID, eventId);
  assert.equal(await again.getAttribute('[data-testid=star]', 'aria-pressed'), 'true');
  assert.equal(await again.inputValue('[data-testid=note-input]'), NOTE);
  assert.equal(await again.inputValue('[data-testid=tag-input]'), 'defense-evasion, trail');
  await again.locator('[data-testid=close-detail]').click();
  await screenshot(again, 'case');
  fs.copyFileSync(path.join(OUTPUT, 'case.png'), path.join(ROOT, 'docs', 'case.png'));
  assert.deepEqual(foreignRequests(new URL(suite.served.url).origin, opened.requests), []);
  await again.close();
});

test('the case exports, clears, imports, and refuses a file that is not a case', async () => {
  const page = await context.newPage();
  await page.goto(suite.served.url);
  await load(page, stratus());
  await page.click('[data-testid=tab-case]');
  await page.waitForSelector('[data-testid=case][data-events="2"]');
  const exported = await saved(page, () => page.click('[data-testid=export-case]'));
  assert.equal(exported.name, 'trailglass-case.json');
  const file = JSON.parse(fs.readFileSync(exported.file, 'utf8'));
  assert.equal(file.format, 'trailglass-case');
  assert.equal(file.events.length, 2);
  assert.equal(file.events.find((e) => e.key === eventId).note, NOTE);
  assert.equal(JSON.parse(file.events.find((e) => e.key === eventId).json).eventID, eventId, 'the event JSON goes with it');
  page.once('dialog', (dialog) => dialog.accept());
  await page.click('[data-testid=clear-case]');
  await page.waitForSelector('[data-testid=case-empty]');
  assert.match(await page.textContent('[data-testid=tab-case]'), /Case \(0\)/);
  const copy = path.join(OUTPUT, 'case-import.json');
  fs.copyFileSync(exported.file, copy);
  await page.setInputFiles('[data-testid=import-case]', copy);
  await page.waitForSelector('[data-testid=case][data-events="2"]');
  assert.match(await page.textContent('[data-testid=case-notice]'), /Imported a case file of 2 events/);
  // A log file is not a case: said, and the case is untouched.
  await page.setInputFiles('[data-testid=import-case]', stratus()[0]);
  await page.waitForFunction(() => document.querySelector('[data-testid=case-notice]')?.textContent.includes('refused'));
  assert.match(await page.textContent('[data-testid=case-notice]'), /Case file refused: .*not a Trailglass case file/);
  assert.equal(await page.getAttribute('[data-testid=case]', 'data-events'), '2');
  await page.close();
  // Where the case's events are not loaded, opening one says so.
  const other = await context.newPage();
  await other.goto(suite.served.url);
  await load(other, [path.join(FIXTURES, 'hostile', 'hostile-events.json')]);
  await other.click('[data-testid=tab-case]');
  await other.locator(`[data-testid=case-event][data-event-id="${eventId}"] .case-open`).click();
  await other.waitForSelector('[data-testid=case-notice]');
  assert.match(await other.textContent('[data-testid=case-notice]'), /is not in what is loaded/);
  assert.equal(await other.locator('[data-testid=event-detail]').count(), 0);
  await other.close();
});

test('the Timesketch and Navigator files carry what their tools require', async () => {
  const page = await context.newPage();
  await page.goto(suite.served.url);
  await load(page, stratus());
  // The events in view.
  await page.click('[data-testid=export-menu] summary');
  const view = await saved(page, () => page.click('[data-testid=export-timesketch]'));
  const lines = fs.readFileSync(view.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 310);
  for (const line of lines) {
    assert.equal(typeof line.message, 'string');
    assert.ok(line.message.length > 0);
    assert.match(line.datetime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
    assert.equal(typeof line.timestamp_desc, 'string');
    assert.equal(line.timestamp, Date.parse(line.datetime) * 1000);
    for (const [key, value] of Object.entries(line)) assert.ok(typeof value !== 'object' || value === null, key);
  }
  // The case, with its tags and notes.
  await page.click('[data-testid=tab-case]');
  await page.waitForSelector('[data-testid=case][data-events="2"]');
  const caseLines = fs.readFileSync((await saved(page, () => page.click('[data-testid=export-case-timesketch]'))).file, 'utf8')
    .trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(caseLines.length, 2);
  const deleted = caseLines.find((l) => l.eventID === eventId);
  assert.deepEqual(deleted.tag, ['defense-evasion', 'trail']);
  assert.equal(deleted.trailglass_note, NOTE);
  // The findings as an ATT&CK Navigator layer (format 4.5).
  await page.click('[data-testid=tab-findings]');
  await page.waitForSelector('[data-testid=findings][data-sigma-ran=true]');
  const layer = JSON.parse(fs.readFileSync((await saved(page, () => page.click('[data-testid=export-navigator]'))).file, 'utf8'));
  assert.equal(layer.versions.layer, '4.5');
  assert.equal(layer.domain, 'enterprise-attack');
  assert.equal(typeof layer.name, 'string');
  assert.ok(layer.techniques.length >= 5, `${layer.techniques.length} techniques`);
  for (const t of layer.techniques) {
    assert.match(t.techniqueID, /^T\d{4}(\.\d{3})?$/);
    assert.ok(Number.isInteger(t.score) && t.score > 0);
    assert.equal(typeof t.comment, 'string');
  }
  const evasion = layer.techniques.find((t) => t.techniqueID === 'T1562.008');
  assert.match(evasion.comment, /TG-004 .*TG-005 /);
  await page.close();
});

test('the report opens from file:// with no network and no script, hostile text shown as text', async () => {
  const { page, requests } = await suite.fresh();
  const hostile = path.join(FIXTURES, 'hostile', 'hostile-events.json');
  await dropFiles(page, [hostile]);
  await waitLoaded(page);
  await page.locator('[data-testid=event-row][data-position="0"]').click();
  await page.waitForSelector('[data-testid=event-detail][data-id]');
  await page.click('[data-testid=star]');
  const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  await page.fill('[data-testid=note-input]', payload);
  await page.fill('[data-testid=tag-input]', '<b>bold</b>');
  await page.locator('[data-testid=note-input]').press('Tab');
  await page.click('[data-testid=tab-case]');
  await page.fill('[data-testid=case-title]', 'Incident <i>42</i>');
  await page.locator('[data-testid=case-title]').press('Tab');
  const report = await saved(page, () => page.click('[data-testid=export-report]'));
  assert.equal(report.name, 'trailglass-case-report.html');
  const html = fs.readFileSync(report.file, 'utf8');
  assert.ok(html.includes('hostile-events.json'), 'the files loaded are listed');
  assert.match(html, /[0-9a-f]{64}/, 'with their SHA-256');
  const sha = (await import('node:crypto')).createHash('sha256').update(fs.readFileSync(hostile)).digest('hex');
  assert.ok(html.includes(sha), 'the SHA-256 of the file as it is on disk');
  const copy = path.join(OUTPUT, 'report.html');
  fs.writeFileSync(copy, html);
  // Opened as a colleague would: from the file, in a browser with nothing else.
  const reader = await suite.browser.newContext({ viewport: { width: 1200, height: 900 } });
  const seen = [];
  reader.on('request', (request) => seen.push(request.url()));
  const view = await reader.newPage();
  let dialogs = 0;
  view.on('dialog', (dialog) => { dialogs += 1; dialog.dismiss(); });
  await view.goto(pathToFileURL(copy).href);
  await view.waitForLoadState('load');
  assert.equal(await view.evaluate(() => window.__pwned), undefined, 'no payload ran');
  assert.equal(dialogs, 0);
  assert.equal(await view.locator('script, img, iframe, object, embed, svg, form, b, i').count(), 0, 'no element from log or case text');
  assert.ok(seen.every((url) => url.startsWith('file://')), seen.join('\n'));
  const text = await view.textContent('body');
  assert.ok(text.includes(payload), 'the note, as text');
  assert.ok(text.includes('<b>bold</b>'), 'the tag, as text');
  assert.ok(text.includes('window.__pwned="script"'), 'the event JSON, as text');
  assert.equal(await view.textContent('h1'), 'Incident <i>42</i>');
  await view.screenshot({ path: path.join(OUTPUT, 'report.png') });
  await reader.close();
  // The README's picture: the report of the Stratus case (a readable one).
  assert.deepEqual(foreignRequests(new URL(suite.served.url).origin, requests), []);
});

test('the README report picture: the Stratus case report', async () => {
  const page = await context.newPage();
  await page.goto(suite.served.url);
  await load(page, stratus());
  await page.click('[data-testid=tab-case]');
  await page.waitForSelector('[data-testid=case][data-events="2"]');
  const report = await saved(page, () => page.click('[data-testid=export-report]'));
  const html = fs.readFileSync(report.file, 'utf8');
  // The report is written: the button works again and the busy line is gone.
  await page.waitForSelector('[data-testid=export-report]:not([disabled])');
  assert.equal(await page.locator('[data-testid=report-progress]').count(), 0);
  assert.ok(html.includes(NOTE.split('\n')[0]));
  assert.ok(html.includes('Stratus detonation role'));
  assert.ok(html.includes('T1562.008'), 'the findings');
  const copy = path.join(OUTPUT, 'stratus-report.html');
  fs.writeFileSync(copy, html);
  const view = await context.newPage();
  await view.goto(pathToFileURL(copy).href);
  await view.screenshot({ path: path.join(ROOT, 'docs', 'report.png') });
  await view.close();
  await page.close();
});
