// End to end: hostile files at every door besides log files — a digest
// naming a million log files, key files with a huge or a malformed key, rule
// files built to explode (an alias bomb, a hundred thousand rules, regular
// expressions built for catastrophic backtracking, script in titles), and
// case files with millions of entries. Each is reported with its reason,
// the page keeps answering, and everything loaded beside it keeps working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OUTPUT, browserSuite, waitLoaded, eventCounts, fixtureFiles, foreignRequests, screenshot } from './harness.mjs';

const suite = browserSuite({ before, after });
// The files written here are hundreds of MB: gone once the tests are.
after(() => fs.rmSync(DIR, { recursive: true, force: true }));
const DIR = path.join(OUTPUT, 'hostile-doors');
let page;

function write(name, text) {
  fs.mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A digest naming `count` log files, written in pieces (it is tens of MB). */
function digestNaming(name, count) {
  fs.mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, name);
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, '{"awsAccountId":"111122223333","digestStartTime":"2024-05-01T00:00:00Z","digestEndTime":"2024-05-01T01:00:00Z",'
    + '"digestS3Bucket":"b","digestS3Object":"d/huge.json.gz","digestPublicKeyFingerprint":"f","digestSignatureAlgorithm":"SHA256withRSA","logFiles":[');
  const entry = (n) => `{"s3Bucket":"b","s3Object":"l/${String(n).padStart(7, '0')}.json.gz","hashValue":"00","hashAlgorithm":"SHA-256"}`;
  for (let start = 0; start < count; start += 50_000) {
    const chunk = [];
    for (let n = start; n < Math.min(count, start + 50_000); n++) chunk.push(entry(n));
    fs.writeSync(fd, (start ? ',' : '') + chunk.join(','));
  }
  fs.writeSync(fd, ']}');
  fs.closeSync(fd);
  return file;
}

/** A case file of `count` entries, written in pieces. */
function caseOf(name, count) {
  fs.mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, name);
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, '{"format":"trailglass-case","version":1,"events":[');
  const block = Array(100_000).fill('{"key":"k"}').join(',');
  for (let written = 0; written < count; written += 100_000) fs.writeSync(fd, (written ? ',' : '') + block);
  fs.writeSync(fd, ']}');
  fs.closeSync(fd);
  return file;
}

async function longestTaskSince(mark) {
  return page.evaluate((since) => Math.max(0, ...window.__longTasks.filter(([start]) => start >= since).map(([, d]) => d)), mark);
}

const now = () => page.evaluate(() => performance.now());
const diagnostic = (file) => page.locator(`[data-testid=diagnostic][data-file$="${file}"]`);

test('a digest naming a million log files and key files with a huge or malformed key are reported; the logs beside them load', async () => {
  const digest = digestNaming('million-files-digest.json', 1_000_000);
  const huge = write('huge-key.json', JSON.stringify({ PublicKeyList: [{ Value: 'A'.repeat(100_000), Fingerprint: 'ab', ValidityStartTime: '2024-01-01T00:00:00Z' }] }));
  const malformed = write('malformed-key.json', JSON.stringify({ PublicKeyList: [{ Value: '!!not base64!!', Fingerprint: 'cd', ValidityStartTime: '2024-01-01T00:00:00Z' }] }));
  ({ page } = await suite.fresh());
  const started = await now();
  await page.setInputFiles('[data-testid=file-input]', [...fixtureFiles('stratus-red-team'), digest, huge, malformed]);
  await waitLoaded(page);
  console.log(`digest of ${(fs.statSync(digest).size / 1e6).toFixed(0)} MB: loaded in ${((await now()) - started).toFixed(0)} ms, longest main-thread task ${(await longestTaskSince(started)).toFixed(0)} ms`);
  assert.equal((await eventCounts(page)).total, 310, 'every event beside them loaded');
  await page.click('[data-testid=tab-report]');
  assert.match(await diagnostic('million-files-digest.json').textContent(), /more than 100000 log files/);
  assert.match(await diagnostic('huge-key.json').textContent(), /key/i);
  assert.match(await diagnostic('malformed-key.json').textContent(), /key/i);
  await screenshot(page, 'hostile-doors-report');
  // The page still answers: a field query over what loaded.
  await page.click('[data-testid=tab-events]');
  await page.fill('[data-testid=search]', 'eventName:StopLogging');
  await page.waitForFunction(() => document.querySelector('[data-testid=event-count]')?.dataset.query === 'eventName:StopLogging');
  assert.ok((await eventCounts(page)).shown > 0);
  await page.fill('[data-testid=search]', '');
});

test('rule files built to explode are refused or cut with their reason, and a fair rule beside them still fires', async () => {
  const bomb = 'title: Bomb\nid: bomb-1\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
    + 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\ndetection:\n  s:\n    eventName: StopLogging\n  condition: s\n';
  let many = '';
  for (let n = 0; n < 100_000; n++) many += `title: R${n}\nid: many-${n}\ndetection:\n  s:\n    eventName: E${n}\n  condition: s\n---\n`;
  const redos = ['^(a+)+$', '^(a|a)*$', '^(a*)*b$', '^(([a-z])+.)+[A-Z]([a-z])+$']
    .map((pattern, n) => `title: ReDoS ${n}\nid: redos-${n}\ndetection:\n  s:\n    userAgent|re: '${pattern}'\n  condition: s\n`).join('---\n');
  const script = 'title: <script>window.__pwned=1</script>\nid: script-1\ntags:\n  - <img src=x onerror=window.__pwned=2>\ndetection:\n  s:\n    eventName: StopLogging\n  condition: s\n';
  const fair = 'title: Fair\nid: fair-1\ndetection:\n  s:\n    eventName: StopLogging\n  condition: s\n';
  await page.click('[data-testid=tab-rules]');
  const started = await now();
  await page.setInputFiles('[data-testid=rules-input]', [
    write('fair.yml', fair), write('bomb.yml', bomb), write('redos.yml', redos), write('script.yml', script), write('many.yml', many),
  ]);
  // The lab draws a hundred rows at a time: each rule is found through its search.
  const status = async (words, rule = words) => {
    await page.fill('[data-testid=rule-search]', words);
    const row = page.locator(`[data-testid=rule-status][data-rule="${rule}"]`);
    await row.waitFor({ timeout: 120_000 });
    return row;
  };
  const fairRow = await status('fair-1');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=rule-status][data-rule="fair-1"]')?.dataset.hits) > 0, null, { timeout: 120_000 });
  console.log(`rule files (${(many.length / 1e6).toFixed(1)} MB of rules among them) added to findings in ${((await now()) - started).toFixed(0)} ms, longest main-thread task ${(await longestTaskSince(started)).toFixed(0)} ms`);
  const fairHits = await fairRow.getAttribute('data-hits');
  const bombRow = await status('bomb.yml', 'bomb.yml:4');
  assert.equal(await bombRow.getAttribute('data-status'), 'error');
  assert.match(await bombRow.textContent(), /aliases/);
  for (let n = 0; n < 4; n++) {
    const row = await status(`redos-${n}`);
    assert.notEqual(await row.getAttribute('data-status'), 'error', `redos-${n} compiles`);
    assert.match(await row.getAttribute('data-hits'), /^\d+$/, `redos-${n} ran`);
  }
  const scriptRow = await status('script-1');
  assert.equal(await scriptRow.getAttribute('data-hits'), fairHits);
  assert.match(await scriptRow.textContent(), /<script>window.__pwned=1<\/script>/);
  // The hundred thousand fill the set (20,000 rules at most, the built-in
  // ones included): the rest of the file is said to be cut.
  await page.fill('[data-testid=rule-search]', 'many.yml');
  await page.click('[data-testid=rule-show][data-show=error]');
  const errors = await page.locator('[data-testid=rule-status][data-status=error]').allTextContents();
  assert.ok(errors.some((text) => /more than 20000 rules; the rest of this file is not read/.test(text)), errors.join('\n').slice(0, 500));
  await screenshot(page, 'hostile-doors-rules');
  await page.click('[data-testid=rule-show][data-show=all]');
  await page.fill('[data-testid=rule-search]', '');
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no payload ran');
  // Still answering.
  await page.click('[data-testid=tab-events]');
  await page.fill('[data-testid=search]', 'eventName:StopLogging');
  await page.waitForFunction(() => document.querySelector('[data-testid=event-count]')?.dataset.query === 'eventName:StopLogging');
  assert.ok((await eventCounts(page)).shown > 0);
  await page.fill('[data-testid=search]', '');
});

test('case files with ten million and a million entries are refused with their reason, and the case is kept', async () => {
  await page.click('[data-testid=tab-events]');
  await page.locator('[data-testid=event-row][data-position="0"]').click();
  await page.waitForSelector('[data-testid=event-detail][data-id]');
  await page.click('[data-testid=star]');
  await page.locator('[data-testid=close-detail]').click();
  await page.click('[data-testid=tab-case]');
  await page.waitForSelector('[data-testid=case-event]');
  const refused = async (file, reason) => {
    const started = await now();
    await page.setInputFiles('[data-testid=import-case]', file);
    await page.waitForFunction((name) => document.querySelector('[data-testid=case-notice]')?.textContent.includes(`refused: ${name}`), path.basename(file), { timeout: 60_000 });
    const notice = await page.textContent('[data-testid=case-notice]');
    assert.match(notice, reason);
    console.log(`${path.basename(file)} (${(fs.statSync(file).size / 1e6).toFixed(0)} MB): refused in ${((await now()) - started).toFixed(0)} ms, longest main-thread task ${(await longestTaskSince(started)).toFixed(0)} ms`);
  };
  await refused(caseOf('ten-million-entries.case.json', 10_000_000), /at most 64 MB/);
  await refused(caseOf('one-million-entries.case.json', 1_000_000), /more than 20000 events/);
  assert.equal(await page.locator('[data-testid=case-event]').count(), 1, 'the case is as it was');
});

test('every request stayed on the page origin', () => {
  assert.deepEqual(foreignRequests(suite.served.origin, suite.requests()), []);
});
