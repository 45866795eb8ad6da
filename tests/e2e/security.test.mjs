// End to end: hostile log content is shown as text and never runs, the
// Content-Security-Policy holds, and nothing is requested from anywhere but
// the page's own origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  FIXTURES, foreignRequests, serveDist, launch, openPage, waitLoaded, eventCounts, screenshot, dropFiles,
} from './harness.mjs';

let served;
let browser;
let opened;
let page;

before(async () => {
  served = await serveDist();
  browser = await launch();
  opened = await openPage(browser, served.url);
  page = opened.page;
});

after(async () => {
  await browser?.close();
  served?.server.close();
});

const pwned = () => page.evaluate(() => window.__pwned);

test('the policy allows only this origin, no inline code but the pinned initializer, no plugins, no base', async () => {
  const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  const directives = Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['connect-src'], ["'self'"]);
  assert.deepEqual(directives['object-src'], ["'none'"]);
  assert.deepEqual(directives['base-uri'], ["'none'"]);
  const scripts = directives['script-src'];
  assert.ok(scripts.includes("'self'") && scripts.includes("'wasm-unsafe-eval'"), scripts.join(' '));
  assert.ok(!scripts.includes("'unsafe-inline'") && !scripts.includes("'unsafe-eval'"), scripts.join(' '));
  assert.ok(scripts.filter((s) => s.startsWith("'sha256-")).length === 1, 'the one inline script is pinned by hash');
  assert.ok(!policy.includes('http:') && !policy.includes('https:') && !policy.includes('*'), policy);
});

test('hostile strings in every displayed field are shown literally and never run', async () => {
  const dir = path.join(FIXTURES, 'hostile');
  // The file name itself is hostile too: it is shown in the load report.
  await page.evaluate(() => { window.__pwned = undefined; });
  await dropFiles(page, [path.join(dir, 'hostile-events.json'), path.join(dir, 'hostile-broken.json')]);
  await waitLoaded(page);
  assert.equal((await eventCounts(page)).total, 8);
  // Table: literal text.
  const cells = (await page.locator('[data-testid=event-row]').allTextContents()).join('\n');
  assert.ok(cells.includes('<script>window.__pwned="script"</script>'), cells.slice(0, 300));
  assert.ok(cells.includes('<img src=x onerror='), cells.slice(0, 300));
  // Direction overrides are made visible instead of reordering text (gnp.exe must not read as exe.png).
  assert.ok(cells.includes('⟨U+202E⟩gnp.exe'), cells);
  assert.ok(!cells.includes('\u202e'), 'no raw direction override reaches the page');
  // Every event's detail.
  const rows = await page.locator('[data-testid=event-row]').count();
  for (let i = 0; i < rows; i += 1) {
    await page.locator(`[data-testid=event-row][data-position="${i}"]`).click();
    await page.waitForSelector(`[data-testid=event-detail][data-id]`);
    const json = await page.textContent('[data-testid=event-json]');
    assert.ok(json.includes('window.__pwned'), 'the payload is in the JSON as text');
  }
  assert.equal(await page.locator('[data-testid=event-detail] script, [data-testid=event-detail] img, [data-testid=event-detail] svg:not(.spark)').count(), 0);
  await screenshot(page, 'hostile-detail');
  // Timeline hover, facets, principals, the principal page, the load report.
  const chart = await page.locator('[data-testid=timeline-chart]').boundingBox();
  await page.mouse.move(chart.x + chart.width / 2, chart.y + chart.height / 2);
  const facets = await page.textContent('[data-testid=facets]');
  assert.ok(facets.includes('<svg onload='), facets.slice(0, 200));
  await page.click('[data-testid=tab-principals]');
  await page.waitForSelector('[data-testid=principals][data-complete=true]');
  // Open every role's sessions: they are views too.
  for (const group of await page.locator('[data-testid=role-group]').all()) await group.click();
  const principals = await page.textContent('[data-testid=principals]');
  assert.ok(principals.includes('<script>'), principals.slice(0, 200));
  await page.locator('[data-testid=principal-row]').first().click();
  await page.waitForSelector('[data-testid=principal-page]');
  await page.click('[data-testid=tab-report]');
  const report = await page.textContent('[data-testid=load-report]');
  assert.ok(report.includes('hostile-broken.json'), report.slice(0, 300));
  // Suggestions in the search bar show values too.
  await page.fill('[data-testid=search]', 'eventName:');
  await page.fill('[data-testid=search]', 'eventName:<');
  await page.waitForTimeout(300);
  await screenshot(page, 'hostile-report');
  await page.fill('[data-testid=search]', '');
  // Exports (built in the worker from the same strings).
  await page.click('[data-testid=export-menu] summary');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
  const text = fs.readFileSync(await csv.path(), 'utf8');
  assert.ok(!/(^|,)[=+\-@]/m.test(text.split('\r\n').slice(1).join('\n')), 'no cell starts a formula');
  assert.equal(await pwned(), undefined, 'no payload ran');
  const violations = await page.evaluate(() => window.__cspViolations);
  assert.deepEqual(violations, []);
  // `<img src=x>` never became an element: nothing asked for `x`.
  assert.ok(!opened.requests.some((url) => /\/x$/.test(url)), opened.requests.join('\n'));
});

test('every other view with the hostile events: findings, coverage, rules, the case, its report', async () => {
  // The hostile events are still loaded (the test before loads them).
  assert.equal((await eventCounts(page)).total, 8);
  // A hostile note, tag and title go into the case.
  await page.click('[data-testid=tab-events]');
  await page.locator('[data-testid=event-row][data-position="0"]').click();
  await page.waitForSelector('[data-testid=event-detail][data-id]');
  await page.click('[data-testid=star]');
  await page.fill('[data-testid=note-input]', '<img src=x onerror="window.__pwned=\'note\'">');
  await page.fill('[data-testid=tag-input]', '<svg onload="window.__pwned=\'tag\'">');
  await page.locator('[data-testid=note-input]').press('Tab');
  await page.locator('[data-testid=close-detail]').click();
  // Session lineage: each role session's detail traces who is behind it.
  let lineages = 0;
  const rows = await page.locator('[data-testid=event-row]').count();
  for (let position = 0; position < rows; position++) {
    await page.locator('[data-testid=event-row]').nth(position).click();
    await page.waitForSelector('[data-testid=event-detail][data-id]');
    const lineage = page.locator('[data-testid=event-detail] [data-testid=lineage]');
    if (!(await lineage.count())) continue;
    lineages += 1;
    const found = await lineage.evaluate((section) => ({
      elements: section.querySelectorAll('script, img, iframe, object, embed, svg').length,
      handlers: [...section.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.name)).filter((name) => name.startsWith('on')),
    }));
    assert.equal(found.elements, 0, 'lineage: an element from log text');
    assert.deepEqual(found.handlers, [], 'lineage: a handler attribute');
  }
  assert.ok(lineages > 0, 'a role session of the hostile events shows its lineage');
  await page.locator('[data-testid=close-detail]').click();
  for (const tab of ['findings', 'coverage', 'rules', 'case']) {
    await page.click(`[data-testid=tab-${tab}]`);
    await page.waitForTimeout(300);
    const found = await page.locator('main.main').evaluate((main) => ({
      elements: main.querySelectorAll('script, img, iframe, object, embed').length,
      handlers: [...main.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.name))
        .filter((name) => name.startsWith('on')),
    }));
    assert.equal(found.elements, 0, `${tab}: an element from log text`);
    assert.deepEqual(found.handlers, [], `${tab}: a handler attribute`);
  }
  const caseText = await page.textContent('[data-testid=case]');
  assert.ok(caseText.includes('<img src=x onerror='), caseText.slice(0, 300));
  await page.fill('[data-testid=case-title]', '</title><script>window.__pwned="title"</script>');
  await page.locator('[data-testid=case-title]').press('Tab');
  const [report] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-report]')]);
  const html = fs.readFileSync(await report.path(), 'utf8');
  assert.ok(!/<script/i.test(html), 'no script in the report');
  assert.ok(html.includes('&lt;/title&gt;&lt;script&gt;'), 'the title, escaped');
  assert.equal(await pwned(), undefined, 'no payload ran');
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.ok(!opened.requests.some((url) => /\/x$/.test(url)), 'nothing asked for x');
  await screenshot(page, 'hostile-case');
});

test('sample data, search and exports under the policy: no violation, no foreign request', async () => {
  await page.click('[data-testid=clear]');
  await page.waitForSelector('[data-testid=load-status][data-state=idle]');
  await page.click('[data-testid=sample-data]');
  await waitLoaded(page);
  await page.fill('[data-testid=search]', 'AccessDenied');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=event-count]')?.dataset.shown) < 20000);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  const foreign = foreignRequests(served.origin, opened.requests);
  assert.deepEqual(foreign, []);
  assert.equal(await pwned(), undefined);
});
