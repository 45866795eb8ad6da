// End to end: the built-in detections on the Stratus Red Team detonation
// logs: the Findings tab lists the rules that fired with their counts, a
// finding opens exactly its events in the table, matching rows carry a
// severity badge; keyboard included. Writes docs/findings.png for the README.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ROOT, browserSuite, fixtureFiles, waitLoaded, eventCounts, screenshot, foreignRequests,
} from './harness.mjs';

const suite = browserSuite({ before, after });
let page;

/** The page with the detonation logs loaded through the file input, opened once. */
async function loaded() {
  if (!page) {
    ({ page } = await suite.fresh());
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.setInputFiles('[data-testid=file-input]', fixtureFiles('stratus-red-team', (n) => n.endsWith('.json')));
    await waitLoaded(page);
  }
  return page;
}

const finding = (rule) => page.locator(`[data-testid=finding][data-rule="${rule}"]`);

async function shownBecomes(count) {
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid=event-count]')?.dataset.shown) === n,
    count,
    { timeout: 30_000 },
  );
}

test('the Findings tab lists the rules the detonations fire, with their counts', async () => {
  await loaded();
  assert.equal((await eventCounts(page)).total, 310);
  // "f" opens the tab from anywhere but a text field.
  await page.locator('body').press('f');
  await page.waitForSelector('[data-testid=findings][data-sigma-ran=true]');
  assert.match(page.url(), /tab=findings/);
  const expected = {
    'TG-004': 1, // CloudTrail logging stopped
    'TG-005': 1, // trail deleted
    'TG-012': 2, // AdministratorAccess attached to a user and a role
    'TG-019': 1, // port 22 opened to the world
    'TG-022': 20, // secrets read in bulk
    'TG-025': 1, // EBS snapshot shared
    'TG-028': 45, // AccessDenied bursts
    'TG-036': 30, // GetPasswordData
  };
  for (const [rule, count] of Object.entries(expected)) {
    assert.equal(await finding(rule).getAttribute('data-count'), String(count), rule);
  }
  assert.equal(await finding('TG-001').count(), 0, 'nothing ran as root');
  const rows = await page.locator('[data-testid=finding]').evaluateAll((els) => els.map((e) => e.dataset));
  assert.ok(rows.length >= 30, `${rows.length} findings`);
  assert.match(await page.textContent('[data-testid=tab-findings]'), new RegExp(`Findings \\(${rows.length}\\)`));
  // Most severe first, then most events.
  const rank = { Critical: 3, High: 2, Medium: 1, Low: 0, Informational: -1 };
  for (let i = 1; i < rows.length; i += 1) {
    const [a, b] = [rows[i - 1], rows[i]];
    assert.ok(rank[a.severity] > rank[b.severity]
      || (rank[a.severity] === rank[b.severity] && Number(a.count) >= Number(b.count)), `${a.rule} before ${b.rule}`);
  }
  assert.equal(rows[0].severity, 'Critical');
  // Each finding shows its ATT&CK technique and its query, as text.
  assert.match(await finding('TG-004').textContent(), /T1562\.008.*service:cloudtrail\.amazonaws\.com action:StopLogging/);
  // The list fills the screen, under the tabs.
  await page.locator('.tabs').evaluate((el) => el.scrollIntoView());
  const docs = path.join(ROOT, 'docs');
  fs.mkdirSync(docs, { recursive: true });
  fs.copyFileSync(await screenshot(page, 'findings'), path.join(docs, 'findings.png'));
});

test('opening a finding shows exactly its events, each with a badge', async () => {
  await loaded();
  await page.click('[data-testid=tab-findings]');
  await finding('TG-022').click();
  await shownBecomes(20);
  assert.equal(await page.getAttribute('[data-testid=tab-events]', 'aria-selected'), 'true');
  assert.match(await page.inputValue('[data-testid=search]'), /GetSecretValue/);
  const rows = page.locator('[data-testid=event-row]');
  await rows.first().waitFor();
  const badges = rows.locator('[data-testid=rule-badge]');
  assert.equal(await badges.count(), await rows.count());
  assert.match(await badges.first().getAttribute('title'), /TG-022 Secrets read in bulk/);
  assert.equal(await badges.first().getAttribute('data-severity'), 'High');
  // The badge is drawn by CSS: the cell's text is still the event name.
  assert.deepEqual([...new Set(await rows.locator('.c-eventName').allTextContents())], ['GetSecretValue']);
  await screenshot(page, 'finding-events');
});

test('a finding opens with the keyboard too, and unflagged rows have no badge', async () => {
  await loaded();
  await page.click('[data-testid=tab-findings]');
  await finding('TG-004').focus();
  await page.keyboard.press('Enter');
  await shownBecomes(1);
  await page.locator('[data-testid=event-row] [data-testid=rule-badge][data-severity=Critical]').waitFor();
  // ListSecrets, read in the same minute as the secrets, matches no rule.
  await page.fill('[data-testid=search]', 'action:ListSecrets');
  await shownBecomes(1);
  await page.locator('[data-testid=event-row] .c-eventName', { hasText: 'ListSecrets' }).waitFor();
  assert.equal(await page.locator('[data-testid=event-row] [data-testid=rule-badge]').count(), 0);
});

test('the findings are readable in the dark theme', async () => {
  const { page: dark } = await suite.fresh({ colorScheme: 'dark' });
  await dark.setViewportSize({ width: 1280, height: 720 });
  await dark.setInputFiles('[data-testid=file-input]', fixtureFiles('stratus-red-team', (n) => n.endsWith('.json')));
  await waitLoaded(dark);
  await dark.click('[data-testid=tab-findings]');
  // Text light on a dark panel, severity label light enough to read.
  const row = dark.locator('[data-testid=finding][data-rule="TG-004"]');
  const [text, background, label] = await row.evaluate((el) => {
    const brightness = (node, property) => {
      const [r, g, b] = getComputedStyle(node)[property].match(/\d+/g).map(Number);
      return (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    };
    return [brightness(el, 'color'), brightness(el, 'backgroundColor'), brightness(el.querySelector('.severity'), 'color')];
  });
  assert.ok(text > 0.7 && background < 0.2 && label > 0.5, JSON.stringify({ text, background, label }));
  await dark.locator('.tabs').evaluate((el) => el.scrollIntoView());
  await screenshot(dark, 'findings-dark');
});

test('every request stayed on the page origin', () => {
  assert.deepEqual(foreignRequests(suite.served.origin, suite.requests()), []);
});
