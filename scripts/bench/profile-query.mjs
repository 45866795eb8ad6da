// Where a query's time goes in every thread of the page (the page, the store
// worker, each parser): loads FOLDER, waits for the detections to settle,
// then types each QUERY in turn (from the view of every event) with Chromium's sampling profiler tracing every thread,
// and prints each thread's busy time and the functions that took it (self
// time), between the keystroke and the answer on screen. Profile before
// optimising.
//   node scripts/bench/profile-query.mjs FOLDER [QUERY...]   (default AccessDenied; needs dist/; for wasm function
//   names, add -g to the wasm-opt parameters in index.html and build first; PROFILE=0
//   for the times alone)
import { serveDist, launch } from '../../tests/e2e/harness.mjs';
import { pickAndLoad } from './trailglass.mjs';

const [folder, ...asked] = process.argv.slice(2);
if (!folder) throw new Error('usage: profile-query.mjs FOLDER [QUERY...]');
const queries = asked.length ? asked : ['AccessDenied'];
// PROFILE=0: the same queries with the profiler off, for their times alone.
const profiling = process.env.PROFILE !== '0';
const served = await serveDist();
const browser = await launch();
try {
  const { opened, memory, load } = await pickAndLoad(browser, served.url, folder);
  await memory.stop().catch(() => {});
  const { page } = opened;
  const kept = await page.locator('[data-testid=load-summary]').evaluate((el) => ({ ...el.dataset }));
  console.log(`${load.events.toLocaleString('en')} events, ${(load.textBytes / 1e6).toFixed(0)} MB of JSON, loaded in ${(load.dropToQueryableMs / 1000).toFixed(1)} s; `
    + `the parser that keeps the most raw JSON keeps ${(100 * kept.rawFullestParserBytes / kept.rawKeptBytes).toFixed(0)}% of it (of ${kept.parsers} parsers)`);
  // The detections run after a load: the query should not share the workers with them.
  let findings = '';
  for (let quiet = 0; quiet < 6;) {
    await page.waitForTimeout(500);
    const now = await page.textContent('[data-testid=tab-findings]');
    quiet = now === findings ? quiet + 1 : 0;
    findings = now;
  }
  for (const query of queries) {
    // From the view of every event, so each query is answered afresh.
    if (await page.inputValue('[data-testid=search]') !== '') {
      await page.fill('[data-testid=search]', '');
      await page.waitForFunction((total) => document.querySelector('[data-testid=event-count]')?.dataset.shown === total, String(load.events));
    }
    if (profiling) {
      await browser.startTracing(undefined, {
        categories: ['disabled-by-default-v8.cpu_profiler', 'v8.execute', 'devtools.timeline'],
      });
    }
    const asked = await page.evaluate(() => performance.now());
    await page.fill('[data-testid=search]', query);
    // Polled with evaluate: a waitForFunction predicate's promise is only truthy (microsoft/playwright#29132).
    let answered = null;
    while (answered === null) {
      answered = await page.evaluate((query) => {
        const count = document.querySelector('[data-testid=event-count]');
        return count?.dataset.query === query && document.querySelector('[data-testid=event-row]') ? { at: performance.now(), ...count.dataset } : null;
      }, query);
      if (answered === null) await page.waitForTimeout(20);
    }
    const trace = profiling ? JSON.parse((await browser.stopTracing()).toString()) : { traceEvents: [] };
    console.log(`query ${JSON.stringify(query)}: ${Number(answered.shown).toLocaleString('en')} events; `
      + `${(answered.at - asked).toFixed(0)} ms from typing to count and rows (150 ms of debounce in it), ${answered.elapsedMs} ms in the workers\n`);
    for (const line of threadProfiles(trace.traceEvents)) console.log(line);
  }
  await opened.context.close();
} finally {
  await browser.close();
  served.server.close();
}

/**
 * Each profiled thread's samples from the trace's ProfileChunk events:
 * its sampled time and the functions with the most self time.
 */
function threadProfiles(events) {
  const names = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
  // A chunk names its profile by id; the profile's event is on the sampled thread.
  const sampled = new Map(events.filter((e) => e.name === 'Profile').map((e) => [`${e.pid}:${e.id}`, `${e.pid}:${e.tid}`]));
  const threads = new Map();
  for (const event of events.filter((e) => e.name === 'ProfileChunk')) {
    const key = sampled.get(`${event.pid}:${event.id}`) ?? `${event.pid}:${event.tid}`;
    const thread = threads.get(key) ?? { frames: new Map(), samples: [] };
    threads.set(key, thread);
    const { cpuProfile = {}, timeDeltas = [] } = event.args.data ?? {};
    for (const node of cpuProfile.nodes ?? []) thread.frames.set(node.id, node.callFrame);
    (cpuProfile.samples ?? []).forEach((id, i) => thread.samples.push([id, timeDeltas[i] ?? 0]));
  }
  const lines = [];
  const skipped = new Set(['(idle)', '(program)', '(root)']);
  for (const [key, thread] of threads) {
    const self = new Map();
    let busy = 0;
    for (let i = 0; i < thread.samples.length; i += 1) {
      const frame = thread.frames.get(thread.samples[i][0]);
      const name = frame?.functionName || '(anonymous)';
      const step = (thread.samples[i + 1]?.[1] ?? 0) / 1000;
      self.set(name, (self.get(name) ?? 0) + step);
      if (!skipped.has(name)) busy += step;
    }
    if (busy < 5) continue;
    lines.push(`${names.get(key) ?? key} (${key}): ${busy.toFixed(0)} ms busy`);
    for (const [name, ms] of [...self].filter(([name]) => !skipped.has(name)).sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      lines.push(`  ${ms.toFixed(1).padStart(7)} ms  ${name}`);
    }
  }
  return lines;
}
