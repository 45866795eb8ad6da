// Chromium's own pick-and-read: what Chromium alone takes to hand a page the
// picked files and read every byte of them (pages/pick-read.html, no
// Trailglass), the floor any page that reads the files stands on. The
// benchmark runs it right before each Trailglass load, in the same browser, so
// both are timed under the same conditions.

/**
 * Chromium's own pick-and-read of `target` (a folder through the folder input,
 * or one file through the file input) in a fresh page with no Trailglass:
 * `pickMs` from Playwright's setInputFiles call to the input's change event
 * (Playwright listing the folder, Chromium making the File objects: the same
 * for every page), `readMs` from the change event to the last byte of the
 * last file read with arrayBuffer(), 64 in flight.
 */
export async function pickAndRead(browser, origin, target, { input = 'folder-input', requests = [] } = {}) {
  const context = await browser.newContext();
  context.on('request', (request) => requests.push(request.url()));
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  try {
    await page.goto(`${origin}/pick-read.html`);
    await page.waitForFunction(() => window.bench);
    const calledAt = Date.now();
    // No time limit: Playwright lists a folder of hundreds of thousands of files for minutes.
    await page.setInputFiles(`[data-testid=${input}]`, target, { timeout: 0 });
    const run = await page.evaluate(() => window.bench.result());
    if (!run || run.files === 0) throw new Error(`no file picked from ${target}`);
    return { pickMs: run.changedAtWall - calledAt, readMs: run.readAt - run.changedAt, files: run.files, bytes: run.bytes, errors };
  } finally {
    await context.close();
  }
}
