// End to end: the Coverage tab on tests/fixtures/coverage (a trail with a
// deleted stretch, a quiet region, a copied delivery and a digest file):
// heat-map cells, the gap, the duplicate and each digest check's status
// after "Verify"; the screen is copied to docs/coverage.png for the README.
// Then a trail with an RSA-signed digest chain (tests/fixtures/signed-digests,
// made by scripts/fixtures/signed-digests.py): intact, a tampered log file,
// a forged digest and a deleted digest, each caught; the evidence manifest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import zlib from 'node:zlib';
import { ROOT, FIXTURES, browserSuite, foreignRequests, waitLoaded, eventCounts, screenshot } from './harness.mjs';

const suite = browserSuite({ before, after });

const cell = (page, region, hour) =>
  page.locator(`[data-testid=coverage-cell][data-region="${region}"][data-hour="2024-05-01 ${hour}"]`);

async function loadFixture(options) {
  const opened = await suite.fresh(options);
  const { page } = opened;
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.setInputFiles('[data-testid=folder-input]', path.join(FIXTURES, 'coverage'));
  await waitLoaded(page);
  return opened;
}

test('the coverage tab shows the heat map, the gap, the duplicate and the digest checks', async () => {
  const { page, errors } = await loadFixture();
  // 19 us-east-1 and 4 eu-west-1 deliveries of two events; the copy adds none.
  assert.equal((await eventCounts(page)).total, 46);
  await page.click('[data-testid=tab-coverage]');
  await page.waitForSelector('[data-testid=coverage-heatmap]');
  assert.match(page.url(), /tab=coverage/);

  assert.equal(await page.locator('[data-testid=coverage-cell]').count(), 6, 'two streams × three hours');
  const us10 = cell(page, 'us-east-1', '10:00');
  assert.equal(await us10.getAttribute('data-events'), '16');
  assert.equal(await us10.getAttribute('data-files'), '8');
  assert.equal(await cell(page, 'us-east-1', '11:00').getAttribute('data-events'), '22');
  assert.equal(await cell(page, 'us-east-1', '12:00').getAttribute('data-state'), 'outside');
  assert.equal(await cell(page, 'eu-west-1', '11:00').getAttribute('data-state'), 'no-delivery');
  assert.match(await cell(page, 'eu-west-1', '11:00').locator('title').textContent(), /no delivery/);

  const gaps = page.locator('[data-testid=coverage-gap]');
  assert.equal(await gaps.count(), 2);
  const usGap = page.locator('[data-testid=coverage-gap][data-region="us-east-1"]');
  assert.equal(await usGap.getAttribute('data-first'), '2024-05-01T10:45:00Z');
  assert.equal(await usGap.getAttribute('data-last'), '2024-05-01T11:00:00Z');
  assert.equal(await usGap.getAttribute('data-slots'), '4');
  assert.match(await usGap.textContent(), /no delivery 2024-05-01 10:45 → 11:00 UTC, 4 five-minute slots/);

  const duplicates = page.locator('[data-testid=duplicate-file]');
  assert.equal(await duplicates.count(), 1);
  // Whichever of the copy and the 10:10 delivery the picker handed over second is the duplicate.
  assert.match(await duplicates.textContent(),
    /(delivery-copy\.json\.gz|T1010Z_1010useast1\.json\.gz): all 2 events already loaded — the same events as .*(T1010Z_1010useast1|delivery-copy)\.json\.gz$/);

  const status = (stamp) => page.locator(`[data-testid=digest-check][data-object*="${stamp}"]`).getAttribute('data-status');
  assert.equal(await page.locator('[data-testid=digest-check]').count(), 4);
  assert.equal(await status('T1005Z'), 'unchecked', 'nothing is hashed until asked');
  assert.equal(await status('T1045Z'), 'missing');
  await page.click('[data-testid=verify-digests]');
  await page.waitForSelector('[data-testid=digest-check][data-status=match]');
  assert.equal(await status('T1005Z'), 'match');
  assert.equal(await status('T1010Z'), 'match');
  assert.equal(await status('T1015Z'), 'mismatch');
  assert.equal(await status('T1045Z'), 'missing');
  // It can run again (with signatures pasted, say).
  assert.equal(await page.textContent('[data-testid=verify-digests]'), 'Verify again');
  assert.match(await page.textContent('[data-testid=coverage-report]'), /RSA signature/);
  // No keys were loaded: each signature is said to lack its key, not to pass.
  assert.match(await page.textContent('[data-testid=integrity-verdict]'), /0 public keys loaded/);
  assert.equal(await page.locator('[data-testid=digest-verdict][data-signature=valid]').count(), 0);

  await page.evaluate(() => document.querySelector('[data-testid=coverage-report]').scrollIntoView());
  const docs = path.join(ROOT, 'docs');
  fs.mkdirSync(docs, { recursive: true });
  fs.copyFileSync(await screenshot(page, 'coverage'), path.join(docs, 'coverage.png'));
  assert.deepEqual(errors, []);
});

test('coverage in dark mode, and a new load brings a new report', async () => {
  const { page, errors } = await loadFixture({ colorScheme: 'dark' });
  await page.click('[data-testid=tab-coverage]');
  await page.waitForSelector('[data-testid=coverage-heatmap]');
  await page.click('[data-testid=verify-digests]');
  await page.waitForSelector('[data-testid=digest-check][data-status=mismatch]');
  await screenshot(page, 'coverage-dark');
  // Clearing and loading again asks for a new report.
  await page.click('[data-testid=clear]');
  await page.waitForSelector('[data-testid=load-status][data-state=idle]');
  await page.setInputFiles('[data-testid=folder-input]', path.join(FIXTURES, 'coverage'));
  await waitLoaded(page);
  // Still on the Coverage tab: the report of the new load replaces the verified one.
  await page.waitForSelector('[data-testid=digest-check][data-status=unchecked]');
  assert.equal(await page.locator('[data-testid=digest-check][data-status=match]').count(), 0);
  assert.deepEqual(errors, []);
});

const SIGNED = path.join(FIXTURES, 'signed-digests');

/** A copy of the signed fixture, changed by `change(dir)`. */
function signedCopy(name, change) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `trailglass-${name}-`));
  fs.cpSync(SIGNED, dir, { recursive: true });
  change(dir);
  return dir;
}

function findUnder(dir, suffix) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findUnder(at, suffix);
      if (found) return found;
    } else if (entry.name.endsWith(suffix)) return at;
  }
  return null;
}

function rewriteGz(file, change) {
  fs.writeFileSync(file, zlib.gzipSync(change(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'))));
}

/** Loads a signed trail folder, pastes the newest digest's signature, verifies; the verdict rows by end hour. */
async function verifySigned(folder) {
  const { page, errors } = await suite.fresh();
  await page.setInputFiles('[data-testid=folder-input]', folder);
  await waitLoaded(page);
  await page.click('[data-testid=tab-coverage]');
  await page.waitForSelector('[data-testid=verify-digests]');
  await page.fill('[data-testid=digest-signatures]', fs.readFileSync(path.join(SIGNED, 'newest-signature.txt'), 'utf8').trim());
  await page.click('[data-testid=verify-digests]');
  await page.waitForSelector('[data-testid=integrity]');
  const rows = await page.locator('[data-testid=digest-verdict]').evaluateAll((els) => Object.fromEntries(
    els.map((e) => [e.dataset.end.slice(11, 13), { ...e.dataset }]),
  ));
  return { page, errors, rows };
}

test('a signed digest chain verifies in the browser with the public keys loaded beside it', async () => {
  const { page, errors, rows } = await verifySigned(SIGNED);
  assert.deepEqual(Object.keys(rows).sort(), ['01', '02', '03', '04']);
  for (const row of Object.values(rows)) {
    assert.equal(row.signature, 'valid', JSON.stringify(row));
    assert.equal(row.match, '2');
    assert.equal(row.mismatch, '0');
  }
  assert.equal(rows['01'].chain, 'first');
  assert.equal(rows['04'].chain, 'ok');
  assert.match(await page.textContent('[data-testid=integrity-verdict]'), /All 4 digests pass.*1 public key loaded/);
  // The evidence manifest: every file, its SHA-256 as on disk, its verdict.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=manifest-csv]')]);
  const lines = fs.readFileSync(await csv.path(), 'utf8').trim().split('\r\n');
  assert.equal(lines[0], 'file,bytes,sha256,verdict');
  assert.equal(lines.length, 1 + 8 + 4 + 1 + 1, 'log files, digests, the key file, the signature note');
  assert.ok(lines.some((l) => l.includes('public-keys.json') && l.endsWith(',public keys')), lines.join('\n'));
  const crypto = await import('node:crypto');
  const log = findUnder(SIGNED, '_20240501T0105Z_sig15.json.gz');
  const line = lines.find((l) => l.includes('_20240501T0105Z_sig15'));
  assert.ok(line.includes(crypto.createHash('sha256').update(fs.readFileSync(log)).digest('hex')), line);
  assert.ok(line.endsWith('log file: matches its digest'), line);
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=manifest-json]')]);
  const entries = JSON.parse(fs.readFileSync(await json.path(), 'utf8'));
  assert.equal(entries.length, 14);
  assert.ok(entries.every((e) => /^[0-9a-f]{64}$/.test(e.sha256)));
  await page.locator('[data-testid=integrity]').scrollIntoViewIfNeeded();
  await screenshot(page, 'integrity');
  fs.copyFileSync(path.join(ROOT, 'tests', 'e2e', 'output', 'integrity.png'), path.join(ROOT, 'docs', 'integrity.png'));
  assert.deepEqual(errors, []);
});

test('a tampered log file, a forged digest and a deleted digest are each caught in the browser', async () => {
  const tampered = signedCopy('tampered', (dir) => rewriteGz(findUnder(dir, '_20240501T0135Z_sig135.json.gz'), (t) => t.replace('alice', 'mallory')));
  let { rows } = await verifySigned(tampered);
  assert.equal(rows['02'].mismatch, '1');
  assert.equal(rows['02'].signature, 'valid', 'the digest itself is intact');

  const forged = signedCopy('forged', (dir) => rewriteGz(findUnder(dir, '_20240501T020000Z.json.gz'),
    (t) => t.replace('2024-05-01T01:35:00Z', '2024-05-01T01:36:00Z')));
  ({ rows } = await verifySigned(forged));
  assert.equal(rows['02'].signature, 'invalid');
  assert.equal(rows['03'].signature, 'valid');

  const deleted = signedCopy('deleted', (dir) => fs.rmSync(findUnder(dir, '_20240501T020000Z.json.gz')));
  let page;
  ({ rows, page } = await verifySigned(deleted));
  assert.equal(rows['03'].chain, 'broken');
  assert.match(await page.textContent('[data-testid=missing-digest]'), /_20240501T020000Z\.json\.gz/);
  assert.equal(await page.locator('[data-testid=uncovered-file]').count(), 2);
  assert.match(await page.textContent('[data-testid=integrity-verdict]'), /1 of 3 digests fail a check/);
  for (const dir of [tampered, forged, deleted]) fs.rmSync(dir, { recursive: true, force: true });
});

test('no request left the page origin', () => {
  const all = suite.requests();
  assert.ok(all.length > 0);
  assert.deepEqual(foreignRequests(suite.served.origin, all), []);
});
