// End to end: Sigma rules in the browser on the invictus-ir trail. The
// built-in SigmaHQ rules fire (with their authors shown), a Sigma finding
// opens exactly its events, an event's detail says which rule matched and on
// which values; the user adds rule files (a broken rule, a rule for another
// log source, a rule, a correlation and a filter), the rule lab shows each
// status, the filter says what it silenced, the files come back after a
// reload (IndexedDB) and go when removed; searches save as Sigma (or say why
// not) and the TG rules download as Sigma. Nothing leaves the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ROOT, browserSuite, fixtureFiles, waitLoaded, eventCounts, screenshot, foreignRequests, dropFiles,
} from './harness.mjs';

const suite = browserSuite({ before, after });
let page;

const ASSUME_ROLE_MISUSE = '905d389b-b853-46d0-9d3d-dea0d3a3cd49';
const BUCKET_DELETED = '39c9f26d-6e3b-4dbb-9c7a-4154b0281112';

async function loaded() {
  if (!page) {
    ({ page } = await suite.fresh());
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.setInputFiles('[data-testid=file-input]', fixtureFiles('invictus-ir', (n) => n.endsWith('.json')));
    await waitLoaded(page);
  }
  return page;
}

const finding = (rule) => page.locator(`[data-testid=finding][data-rule="${rule}"]`);
const ruleStatus = (rule) => page.locator(`[data-testid=rule-status][data-rule="${rule}"]`);

async function shownBecomes(count) {
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid=event-count]')?.dataset.shown) === n,
    count,
    { timeout: 30_000 },
  );
}

/** Rule files written to a temporary folder, for the file input. */
function ruleFiles(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trailglass-rules-'));
  return Object.entries(files).map(([name, text]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  });
}

test('rules can be added before any log is loaded', async () => {
  const { page: empty } = await suite.fresh();
  await empty.waitForFunction(() => /57 Sigma rules ready, 0 of them/.test(document.querySelector('[data-testid=rules-ready]')?.textContent ?? ''));
  await empty.setInputFiles('[data-testid=rules-input-empty]', ruleFiles({ 'early.yml': 'title: Early\nid: early-1\ndetection:\n  s:\n    eventName: DeleteBucket\n  condition: s\n' }));
  await empty.waitForFunction(() => /58 Sigma rules ready, 1 of them/.test(document.querySelector('[data-testid=rules-ready]')?.textContent ?? ''));
  await empty.setInputFiles('[data-testid=file-input]', fixtureFiles('invictus-ir', (n) => n.endsWith('.json')));
  await waitLoaded(empty);
  await empty.click('[data-testid=tab-rules]');
  await empty.waitForFunction(() => document.querySelector('[data-testid=rule-status][data-rule="early-1"]')?.dataset.hits === '8');
  await empty.context().close();
});

test('the built-in Sigma rules fire on the trail, with their authors, and open exactly their events', async () => {
  await loaded();
  assert.equal((await eventCounts(page)).total, 2900);
  await page.click('[data-testid=tab-findings]');
  await finding(ASSUME_ROLE_MISUSE).waitFor({ timeout: 30_000 });
  assert.equal(await finding(ASSUME_ROLE_MISUSE).getAttribute('data-count'), '76');
  assert.equal(await finding(BUCKET_DELETED).getAttribute('data-count'), '5');
  assert.match(await finding(ASSUME_ROLE_MISUSE).textContent(), /AWS STS AssumeRole Misuse.*Sigma rule by Austin Songer.*Detection Rule License 1\.1/);
  await finding(BUCKET_DELETED).click();
  await shownBecomes(5);
  assert.match(await page.inputValue('[data-testid=search]'), new RegExp(`rule:${BUCKET_DELETED}`));
  const names = await page.locator('[data-testid=event-row] .c-eventName').allTextContents();
  assert.deepEqual([...new Set(names)], ['DeleteBucket']);
});

test('an event\'s detail says which Sigma rule matched it, and on which fields and values', async () => {
  await loaded();
  await page.fill('[data-testid=search]', `rule:${BUCKET_DELETED}`);
  await shownBecomes(5);
  await page.locator('[data-testid=event-row]').first().click();
  const match = page.locator(`[data-testid=event-detail] [data-testid=rule-match][data-rule="${BUCKET_DELETED}"]`);
  await match.waitFor();
  assert.match(await match.textContent(), /AWS Bucket Deleted/);
  const values = await match.locator('[data-testid=why-value]').evaluateAll((els) => els.map((e) => [e.dataset.field, e.textContent]));
  // The rule asks for DeleteBucket that did not fail: errorCode Success or null (here: absent).
  assert.deepEqual(values, [['eventName', 'DeleteBucket'], ['errorCode', '(absent)']]);
  await match.evaluate((el) => el.scrollIntoView());
  await screenshot(page, 'sigma-detail');
  await page.click('[data-testid=close-detail]');
});

const OWN_RULES = {
  'broken.yml': 'title: Broken on purpose\nid: broken-1\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  selection:\n    eventName|nonsense: x\n  condition: selection\n',
  'windows.yml': 'title: A Windows rule\nid: windows-1\nlogsource: {product: windows, service: security}\ndetection:\n  selection:\n    EventID: 4625\n  condition: selection\n',
  'mine.yaml': [
    'title: Buckets listed by the attacker\'s key',
    'id: mine-1',
    'author: The responder',
    'level: high',
    'logsource: {product: aws, service: cloudtrail}',
    'detection:',
    '  selection:',
    '    eventName: ListBuckets',
    '  condition: selection',
    '---',
    'title: Many bucket listings from one address',
    'id: mine-2',
    'level: critical',
    'correlation:',
    '  type: event_count',
    '  rules: [mine-1]',
    '  group-by: [sourceIPAddress]',
    '  timespan: 1h',
    '  condition: {gte: 2}',
    '',
  ].join('\n'),
  'quiet.yml': [
    'title: Quiet the service roles',
    'id: quiet-1',
    'logsource: {product: aws, service: cloudtrail}',
    'filter:',
    `  rules: [${ASSUME_ROLE_MISUSE}]`,
    '  selection:',
    '    userIdentity.arn|contains: AWSServiceRole',
    '  condition: not selection',
    '',
  ].join('\n'),
};

test('rule files added by the user: statuses, a filter that says what it silenced, findings', async () => {
  await loaded();
  await page.click('[data-testid=tab-rules]');
  await page.waitForSelector('[data-testid=rule-lab][data-ran=true]');
  // Built in: 57 rules, each with its author; many cannot fire on this trail.
  assert.equal(await page.locator('[data-testid=rule-status]').count(), 57);
  assert.equal(await ruleStatus(ASSUME_ROLE_MISUSE).getAttribute('data-status'), 'ok');
  // No Bedrock in this trail.
  assert.equal(await ruleStatus('59b70e4d-dd17-44a9-b740-acf07ae3eb6a').getAttribute('data-status'), 'cannot-fire');
  const cannot = page.locator('[data-testid=rule-status][data-status=cannot-fire]');
  assert.ok(await cannot.count() >= 30, `${await cannot.count()} cannot fire`);
  assert.match(await cannot.first().locator('[data-testid=rule-reason]').textContent(), /no loaded event has/);

  await page.setInputFiles('[data-testid=rules-input]', ruleFiles(OWN_RULES));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=rule-status]').length === 61);
  await page.waitForSelector('[data-testid=rule-lab][data-ran=true]');
  assert.equal(await ruleStatus('broken-1').getAttribute('data-status'), 'error');
  assert.match(await ruleStatus('broken-1').locator('[data-testid=rule-reason]').textContent(), /line 6: .*unknown modifier 'nonsense'/);
  assert.equal(await ruleStatus('windows-1').getAttribute('data-status'), 'not-applicable');
  assert.equal(await ruleStatus('mine-1').getAttribute('data-status'), 'ok');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=rule-status][data-rule="mine-1"]')?.dataset.hits) > 0);
  const listings = Number(await ruleStatus('mine-1').getAttribute('data-hits'));
  const filter = page.locator('[data-testid=sigma-filter][data-filter="quiet-1"]');
  const silenced = Number(await filter.getAttribute('data-silenced'));
  assert.ok(silenced > 0 && silenced < 76, `silenced ${silenced}`);
  assert.match(await filter.textContent(), new RegExp(`${silenced} of ${ASSUME_ROLE_MISUSE}`));
  assert.deepEqual(await page.locator('[data-testid=rule-file]').evaluateAll((els) => els.map((e) => e.dataset.name).sort()),
    ['broken.yml', 'mine.yaml', 'quiet.yml', 'windows.yml']);
  // The lab narrows: by status, and by words of a title, id, author or file.
  const shownRules = () => page.locator('[data-testid=rule-status]').evaluateAll((rows) => rows.map((r) => [r.dataset.rule, r.dataset.status]));
  await page.click('[data-testid=rule-show][data-show=error]');
  assert.deepEqual(await shownRules(), [['broken-1', 'error']]);
  assert.match(await page.locator('[data-testid=rule-show][data-show=error]').textContent(), /Errors 1$/);
  await page.click('[data-testid=rule-show][data-show=all]');
  await page.fill('[data-testid=rule-search]', 'MINE.yaml');
  assert.deepEqual((await shownRules()).map(([rule]) => rule).sort(), ['mine-1', 'mine-2']);
  await page.fill('[data-testid=rule-search]', 'mine.yaml no-such-word');
  assert.equal(await page.locator('[data-testid=rule-status]').count(), 0);
  await page.waitForSelector('[data-testid=rule-none]');
  await page.fill('[data-testid=rule-search]', '');
  assert.equal(await page.locator('[data-testid=rule-status]').count(), 61);
  await page.locator('.tabs').evaluate((el) => el.scrollIntoView());
  const docs = path.join(ROOT, 'docs');
  fs.mkdirSync(docs, { recursive: true });
  fs.copyFileSync(await screenshot(page, 'rule-lab'), path.join(docs, 'rule-lab.png'));

  await page.click('[data-testid=tab-findings]');
  assert.equal(await finding(ASSUME_ROLE_MISUSE).getAttribute('data-count'), String(76 - silenced));
  // mine-1 reports through its correlation only.
  assert.equal(await finding('mine-1').count(), 0);
  assert.ok(Number(await finding('mine-2').getAttribute('data-count')) <= listings);
  assert.equal(await finding('mine-2').getAttribute('data-severity'), 'Critical');
  await page.locator('.tabs').evaluate((el) => el.scrollIntoView());
  await screenshot(page, 'sigma-findings');

  // Hundreds of rules draw a page at a time: every one is counted, a hundred are drawn until asked.
  const many = Array.from({ length: 120 }, (_, i) => `title: Many ${i}\nid: many-${i}\ndetection:\n  s:\n    eventName: Nothing${i}\n  condition: s\n`).join('---\n');
  await page.click('[data-testid=tab-rules]');
  await page.setInputFiles('[data-testid=rules-input]', ruleFiles({ 'many.yml': many }));
  await page.waitForSelector('[data-testid=rule-lab][data-rules="181"][data-ran=true]');
  assert.equal(await page.locator('[data-testid=rule-status]').count(), 100);
  assert.match(await page.locator('[data-testid=rule-more]').textContent(), /Showing 100 of 181 rules/);
  await page.click('[data-testid=rule-show-more]');
  assert.equal(await page.locator('[data-testid=rule-status]').count(), 181);
  assert.equal(await page.locator('[data-testid=rule-more]').count(), 0);
  await page.locator('[data-testid=rule-file][data-name="many.yml"] [data-testid=remove-rule-file]').click();
  await page.waitForSelector('[data-testid=rule-lab][data-rules="61"]');
});

test('rule files come back after a reload, and go when removed', async () => {
  await loaded();
  await page.reload();
  await page.waitForSelector('[data-testid=load-status]');
  await page.setInputFiles('[data-testid=file-input]', fixtureFiles('invictus-ir', (n) => n.endsWith('.json')));
  await waitLoaded(page);
  await page.click('[data-testid=tab-rules]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=rule-file]').length === 4);
  await page.waitForSelector('[data-testid=rule-lab][data-ran=true]');
  assert.equal(await ruleStatus('mine-2').getAttribute('data-status'), 'ok');
  await page.locator('[data-testid=rule-file][data-name="quiet.yml"] [data-testid=remove-rule-file]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=rule-file]').length === 3);
  await page.waitForFunction(() => !document.querySelector('[data-testid=sigma-filter]'));
  await page.click('[data-testid=tab-findings]');
  await page.waitForFunction((id) => document.querySelector(`[data-testid=finding][data-rule="${id}"]`)?.dataset.count === '76', ASSUME_ROLE_MISUSE);
  // Dropped rule files join the others.
  await dropFiles(page, ruleFiles({ 'dropped.yml': 'title: Dropped\nid: dropped-1\ndetection:\n  s:\n    eventName: DeleteBucket\n  condition: s\n' }));
  await page.waitForSelector('[data-testid=rule-file][data-name="dropped.yml"]');
  await page.waitForFunction(() => document.querySelector('[data-testid=rule-status][data-rule="dropped-1"]')?.dataset.hits === '8');
});

test('a search saves as a Sigma rule that selects the same events, or says why it cannot', async () => {
  await loaded();
  await page.click('[data-testid=tab-events]');
  await page.fill('[data-testid=search]', 'action:DeleteBucket OR action:PutBucketPolicy');
  await page.waitForFunction(() => document.querySelector('[data-testid=event-count]')?.dataset.query?.includes('PutBucketPolicy'));
  const shown = (await eventCounts(page)).shown;
  await page.click('[data-testid=export-menu] summary');
  const [saved] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=save-sigma]')]);
  assert.equal(saved.suggestedFilename(), 'trailglass-search.yml');
  const yaml = fs.readFileSync(await saved.path(), 'utf8');
  assert.match(yaml, /'eventName': 'DeleteBucket'/);
  assert.match(yaml, /condition: search1 or search2/);
  // Loaded back as a rule, it hits what the search shows.
  const [file] = ruleFiles({ 'saved-search.yml': yaml });
  await page.click('[data-testid=tab-rules]');
  await page.setInputFiles('[data-testid=rules-input]', [file]);
  const id = yaml.match(/^id: (.+)$/m)[1];
  await page.waitForFunction(([rule, n]) => document.querySelector(`[data-testid=rule-status][data-rule="${rule}"]`)?.dataset.hits === String(n), [id, shown]);

  await page.click('[data-testid=tab-events]');
  await page.fill('[data-testid=search]', 'principal:*admin*');
  await page.waitForFunction(() => document.querySelector('[data-testid=event-count]')?.dataset.query === 'principal:*admin*');
  await page.click('[data-testid=export-menu] summary');
  await page.click('[data-testid=save-sigma]');
  assert.match(await page.textContent('[data-testid=sigma-refused]'), /Not saved as Sigma: 'principal' is Trailglass's reading/);
});

test('the TG rules download as Sigma, with those Sigma cannot say listed', async () => {
  await loaded();
  await page.click('[data-testid=tab-rules]');
  const [saved] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-tg-sigma]')]);
  const yaml = fs.readFileSync(await saved.path(), 'utf8');
  assert.match(yaml, /^# Left out, because Sigma cannot say them exactly:$/m);
  assert.match(yaml, /TG-029 .*loaded time span/);
  assert.match(yaml, /TG-014 .*fixed time span/);
  assert.match(yaml, /title: 'CloudTrail logging stopped'/);
  assert.ok((yaml.match(/^title: /gm) ?? []).length >= 40);
});

test('the rule lab is readable in the dark theme', async () => {
  const { page: dark } = await suite.fresh({ colorScheme: 'dark' });
  await dark.setViewportSize({ width: 1400, height: 900 });
  await dark.setInputFiles('[data-testid=file-input]', fixtureFiles('invictus-ir', (n) => n.endsWith('.json')));
  await waitLoaded(dark);
  await dark.click('[data-testid=tab-rules]');
  await dark.waitForSelector('[data-testid=rule-lab][data-ran=true]');
  const [text, background] = await dark.locator('[data-testid=rule-lab]').evaluate((el) => {
    const brightness = (node, property) => {
      const [r, g, b] = getComputedStyle(node)[property].match(/\d+/g).map(Number);
      return (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    };
    return [brightness(el, 'color'), brightness(el, 'backgroundColor')];
  });
  assert.ok(text > 0.7 && background < 0.2, JSON.stringify({ text, background }));
  await dark.locator('.tabs').evaluate((el) => el.scrollIntoView());
  await screenshot(dark, 'rule-lab-dark');
});

test('hostile rule text renders as text: titles, authors, values and links', async () => {
  await loaded();
  await page.click('[data-testid=tab-rules]');
  const hostile = [
    'title: <img src=x onerror="window.__pwned=1">',
    'id: hostile-1',
    'author: <script>window.__pwned=2</script>',
    'references:',
    '  - javascript:window.__pwned=3',
    'detection:',
    '  selection:',
    '    eventName: DeleteBucket',
    '  condition: selection',
    'level: critical',
    '',
  ].join('\n');
  await page.setInputFiles('[data-testid=rules-input]', ruleFiles({ 'hostile.yml': hostile }));
  await page.waitForFunction(() => document.querySelector('[data-testid=rule-status][data-rule="hostile-1"]')?.dataset.hits === '8');
  const row = ruleStatus('hostile-1');
  assert.match(await row.textContent(), /<img src=x onerror="window.__pwned=1">/);
  assert.match(await row.textContent(), /<script>window.__pwned=2<\/script>/);
  // A user's rule gets a link only for a web address.
  assert.equal(await row.locator('a').count(), 0);
  await page.click('[data-testid=tab-findings]');
  assert.match(await finding('hostile-1').textContent(), /<script>/);
  await finding('hostile-1').click();
  await shownBecomes(8);
  await page.locator('[data-testid=event-row]').first().click();
  await page.locator('[data-testid=rule-match][data-rule="hostile-1"]').waitFor();
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('img[src=x], main script, aside script').count(), 0);
  await page.click('[data-testid=close-detail]');
  await page.click('[data-testid=tab-rules]');
  await page.locator('[data-testid=rule-file][data-name="hostile.yml"] [data-testid=remove-rule-file]').click();
  await page.waitForSelector('[data-testid=rule-file][data-name="hostile.yml"]', { state: 'detached' });
});

test('every request stayed on the page origin', () => {
  assert.deepEqual(foreignRequests(suite.served.origin, suite.requests()), []);
});
