// End to end: session lineage on tests/fixtures/lineage/ — a three-hop role
// chain across two accounts shown in the event detail and on the principal,
// each hop a link, and a session whose origin is not in the logs; writes
// docs/lineage.png for the README.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ROOT, eventCounts, fixtureFiles, foreignRequests, launch, openPage, screenshot, serveDist, waitLoaded,
} from './harness.mjs';

const ACCOUNT_A = '111122223333';
const ACCOUNT_B = '444455556666';
const CHAIN = ['alice', 'DevOps/alice-devops', 'CrossAccountAdmin/alice-xacct', 'DeployRole/alice-deploy'];

let served;
let browser;
let opened;
let page;

before(async () => {
  served = await serveDist();
  browser = await launch();
  opened = await openPage(browser, served.url);
  page = opened.page;
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.setInputFiles('[data-testid=file-input]', fixtureFiles('lineage'));
  await waitLoaded(page);
});

after(async () => {
  await browser?.close();
  served?.server.close();
});

/** Waits until the (debounced) view shows `count` events. */
async function waitShown(count) {
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid=event-count]')?.dataset.shown) === n, count);
}

/** Searches for one event and opens it. */
async function openOnly(query) {
  await page.fill('[data-testid=search]', query);
  await waitShown(1);
  await page.locator('[data-testid=event-row]').first().click();
  await page.waitForSelector('[data-testid=event-detail] [data-testid=lineage]');
  return page.locator('[data-testid=event-detail] [data-testid=lineage]');
}

async function clearQuery(expected = 19) {
  await page.fill('[data-testid=search]', '');
  await waitShown(expected);
}

const hopNames = (lineage) => lineage.locator('[data-testid=lineage-hop-principal]').allTextContents();

test('the fixture loads whole', async () => {
  assert.equal((await eventCounts(page)).total, 19);
});

test('an event of the third hop shows its chain back to the IAM user, across both accounts', async () => {
  const lineage = await openOnly('eventName:PutObject');
  assert.deepEqual(await hopNames(lineage), CHAIN);
  const accounts = await lineage.locator('[data-testid=lineage-hop]').evaluateAll(
    (hops) => hops.map((h) => h.dataset.account));
  assert.deepEqual(accounts, [ACCOUNT_A, ACCOUNT_A, ACCOUNT_B, ACCOUNT_B]);
  const events = await lineage.locator('[data-testid=lineage-hop-event]').allTextContents();
  assert.equal(events.length, 3, 'the origin has no issuing event');
  assert.ok(events.every((e) => e.startsWith('via AssumeRole')), events.join(' | '));
  assert.equal(await lineage.locator('[data-testid=lineage-chain]').getAttribute('data-end'), 'origin');
  assert.match(await lineage.textContent(), /source identity: alice/);
  assert.equal(await lineage.locator('[data-testid=lineage-missing]').count(), 0);
});

test('clicking a hop opens the event that created its session', async () => {
  const lineage = page.locator('[data-testid=event-detail] [data-testid=lineage]');
  const crossAccount = lineage.locator('[data-testid=lineage-hop-event]').nth(1);
  const id = await crossAccount.getAttribute('data-event');
  await crossAccount.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector(`[data-testid=event-detail][data-id="${id}"]`);
  const json = await page.textContent('[data-testid=event-json]');
  assert.match(json, /"AssumeRole"/);
  assert.match(json, /role\/CrossAccountAdmin/);
  // Its own lineage stops one hop earlier: the caller's chain.
  assert.deepEqual(await hopNames(page.locator('[data-testid=event-detail] [data-testid=lineage]')), CHAIN.slice(0, 2));
});

test('on the principal, the chain shows and clicking a hop filters to that hop', async () => {
  await clearQuery();
  await page.keyboard.press('Escape');
  await page.fill('[data-testid=search]', 'principal:"DeployRole/alice-deploy"');
  await waitShown(2);
  await page.locator('[data-testid=event-row]').first().click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-detail] [data-testid=lineage-hop]').length === 4);
  await clearQuery();
  // The last hop of the event's chain is its own principal: open it.
  await page.locator('[data-testid=event-detail] [data-testid=lineage-hop-principal]').nth(3).click();
  await waitShown(2);
  const banner = page.locator('[data-testid=principal-page]');
  await page.waitForSelector('[data-testid=principal-page] [data-testid=lineage]');
  assert.match(await banner.locator('strong').first().textContent(), /DeployRole\/alice-deploy/);
  assert.deepEqual(await hopNames(banner.locator('[data-testid=lineage]')), CHAIN);

  await page.evaluate(() => window.scrollTo(0, 0));
  const docs = path.join(ROOT, 'docs');
  fs.mkdirSync(docs, { recursive: true });
  fs.copyFileSync(await screenshot(page, 'lineage'), path.join(docs, 'lineage.png'));
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'lineage-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // The second hop: the role session in account A.
  await banner.locator('[data-testid=lineage-hop-principal]').nth(1).click();
  await page.waitForFunction(() => /DevOps\/alice-devops/.test(
    document.querySelector('[data-testid=principal-page] strong')?.textContent ?? ''));
  await waitShown(3);
  const principals = await page.locator('[data-testid=event-row] .c-principal').allTextContents();
  assert.equal(principals.length, 3);
  assert.ok(principals.every((p) => p.endsWith('DevOps/alice-devops')), principals.join(' | '));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=principal-page] [data-testid=lineage-hop]').length === 2);
  assert.deepEqual(await hopNames(banner.locator('[data-testid=lineage]')), CHAIN.slice(0, 2));
  await page.click('[data-testid=clear-principal]');
  await waitShown(19);
});

test('a session whose AssumeRole is not loaded says its origin is not in the logs', async () => {
  await page.keyboard.press('Escape');
  const lineage = await openOnly('principal:"ReportReader/nightly-report"');
  assert.equal(await lineage.locator('[data-testid=lineage-chain]').getAttribute('data-end'), 'not-in-logs');
  assert.equal((await lineage.locator('[data-testid=lineage-missing]').textContent()).trim(), 'origin not in the loaded logs');
  assert.deepEqual(await hopNames(lineage), ['ReportReader/nightly-report']);
  await clearQuery();
});

test('an Identity Center session without its sign-in names the person, marked inferred', async () => {
  await page.keyboard.press('Escape');
  const lineage = await openOnly('eventName:StopInstances');
  const inferred = lineage.locator('[data-testid=lineage-hop][data-inferred=true]');
  assert.equal(await inferred.count(), 1);
  assert.match(await inferred.textContent(), /erin@example\.com.*inferred/);
  await clearQuery();
});

test('no request left the page origin, and the page logged no error', () => {
  assert.ok(opened.requests.length > 0);
  assert.deepEqual(foreignRequests(served.origin, opened.requests), []);
  assert.deepEqual(opened.errors, []);
});
