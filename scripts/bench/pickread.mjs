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

/**
 * How long the task that dispatches the input's change event runs from the
 * event on, on a bare page whose only handler notes the event (a task under
 * 50 ms, which the Long Tasks API does not report, counts as 0): Chromium's
 * own work in the pick's task after the page's handler has run, the floor for
 * the same figure on Trailglass's page (`pickTaskMs`).
 */
export async function pickTaskOnBarePage(browser, target, { input = 'folder-input' } = {}) {
  const context = await browser.newContext();
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort('blockedbyclient'));
  await context.route('http://127.0.0.1/bare.html', (route) => route.fulfill({
    contentType: 'text/html',
    body: '<!DOCTYPE html><input type="file" webkitdirectory multiple data-testid="folder-input"><input type="file" multiple data-testid="file-input">',
  }));
  try {
    const page = await context.newPage();
    await page.goto('http://127.0.0.1/bare.html');
    await page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__longTasks.push([entry.startTime, entry.duration]);
      }).observe({ type: 'longtask', buffered: true });
      document.addEventListener('change', () => { window.__changedAt = performance.now(); }, { capture: true, once: true });
    });
    await page.setInputFiles(`[data-testid=${input}]`, target, { timeout: 0 });
    // The observer reports a task after it ends.
    await page.waitForTimeout(500);
    return await page.evaluate(() => {
      const task = window.__longTasks.find(([start, duration]) => start <= window.__changedAt && start + duration >= window.__changedAt);
      return task ? task[0] + task[1] - window.__changedAt : 0;
    });
  } finally {
    await context.close();
  }
}
