// Where the page's main thread spends its long tasks while a folder loads:
// picks FOLDER in a fresh page with the CPU profiler on, then prints each
// main-thread task over 50 ms with the functions that took its time (self
// time from the profiler's samples; "(program)" is the browser's own work,
// such as layout and handing files over). Profile before optimising.
// PROFILE=0 leaves the CPU profiler off (it slows the page enough to hide
// tasks just over 50 ms) and prints the trace's part alone: each task's wall
// and thread time, and the browser's work inside it.
//   [PROFILE=0] node scripts/bench/profile-load.mjs FOLDER [folder-input|file-input]   (needs dist/)
import { serveDist, launch } from '../../tests/e2e/harness.mjs';
import { pickAndLoad } from './trailglass.mjs';

const [folder, input = 'folder-input'] = process.argv.slice(2);
if (!folder) throw new Error('usage: profile-load.mjs FOLDER [folder-input|file-input]');
const served = await serveDist();
const browser = await launch();
try {
  await browser.startTracing(undefined, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  const profiling = process.env.PROFILE !== '0';
  const { opened, memory, profile, load } = await pickAndLoad(browser, served.url, folder, { input, profile: profiling });
  await memory.stop().catch(() => {});
  const trace = JSON.parse((await browser.stopTracing()).toString());
  const tasks = await opened.page.evaluate(() => window.__longTasks);
  const handedOver = await opened.page.evaluate(() => window.__handedOver);
  console.log(`picked at ${(handedOver / 1000).toFixed(2)} s, rows at ${((handedOver + load.dropToQueryableMs) / 1000).toFixed(2)} s`);
  console.log(`${load.picked} files, ${load.events} events: picked to rows ${(load.dropToQueryableMs / 1000).toFixed(2)} s; `
    + `${load.loadTasks.length} load tasks over 50 ms${load.loadTasks.length ? `, longest ${Math.max(...load.loadTasks).toFixed(0)} ms` : ''}`);
  for (const [start, duration] of profiling ? tasks.filter(([, d]) => d > 50) : []) {
    // The task that dispatched the change event began with the browser listing the folder for the
    // pick: its part from the change event on is the page's (as the load's tasks are counted).
    const from = start < handedOver && handedOver < start + duration ? handedOver : start;
    const part = from === start ? '' : `, ${(start + duration - from).toFixed(0)} ms of it from the change event on`;
    console.log(`\ntask at ${(start / 1000).toFixed(2)} s, ${duration.toFixed(0)} ms${part}:`);
    for (const [name, ms] of selfTimes(profile, from, start + duration).slice(0, 8)) {
      console.log(`  ${ms.toFixed(1).padStart(7)} ms  ${name}`);
    }
  }
  console.log('\nthe browser\'s work in tasks over 50 ms on the page\'s main thread (trace):');
  // The trace and the profile share the browser's clock; without the profile, the trace's change
  // event is placed at the page's.
  const changeTs = trace.traceEvents.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'change')?.ts ?? 0;
  const toPageMs = profiling
    ? (ts) => (ts - profile.startTime + profile.pageNowUs) / 1000
    : (ts) => (ts - changeTs) / 1000 + handedOver;
  for (const line of browserWork(trace.traceEvents, toPageMs)) console.log(line);
  console.log(gcSummary(trace.traceEvents, toPageMs, handedOver, handedOver + load.dropToQueryableMs));
  await opened.context.close();
} finally {
  await browser.close();
  served.server.close();
}

/** Self time per function in the page-time window [from, to] ms, most first. */
function selfTimes(profile, from, to) {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const totals = new Map();
  let at = profile.pageNowUs;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i];
    const ms = at / 1000;
    if (ms < from || ms > to) return;
    const frame = frames.get(id);
    const file = frame.url ? ` ${frame.url.split('/').pop()}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'}${file}`;
    const step = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    totals.set(name, (totals.get(name) ?? 0) + step);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/**
 * Each renderer main-thread task over 50 ms in the trace, with the time of
 * the work inside it by kind (style, layout, paint, script, message handling).
 */
function browserWork(events, toPageMs) {
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = events.filter((e) => mains.has(`${e.pid}:${e.tid}`) && e.ph === 'X' && e.dur);
  const lines = [];
  for (const task of onMain.filter((e) => e.name === 'RunTask' && e.dur > 50_000)) {
    const end = task.ts + task.dur;
    const inside = onMain.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= end && e.name !== 'RunTask');
    // Time by kind, counting each event's own time (its duration less its children's).
    const own = new Map();
    for (const event of inside) {
      const children = inside.filter((c) => c !== event && c.ts >= event.ts && c.ts + c.dur <= event.ts + event.dur);
      const direct = children.filter((c) => !children.some((p) => p !== c && c.ts >= p.ts && c.ts + c.dur <= p.ts + p.dur));
      const self = event.dur - direct.reduce((sum, c) => sum + c.dur, 0);
      own.set(event.name, (own.get(event.name) ?? 0) + self);
    }
    const top = [...own].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([name, us]) => `${name} ${(us / 1000).toFixed(1)}`);
    const at = toPageMs(task.ts);
    if (at < 0) continue;
    const thread = task.tdur ? ` (thread ${(task.tdur / 1000).toFixed(0)} ms)` : '';
    lines.push(`  at ${(at / 1000).toFixed(2)} s, ${(task.dur / 1000).toFixed(0)} ms${thread}: ${top.join(', ')}`);
  }
  return lines;
}

/** The garbage collections on the page's main thread between `from` and `to` (page ms): count, total, longest, by kind. */
function gcSummary(events, toPageMs, from, to) {
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const kinds = ['MajorGC', 'MinorGC'];
  const parts = kinds.map((kind) => {
    const pauses = events
      .filter((e) => e.name === kind && e.ph === 'X' && e.dur && mains.has(`${e.pid}:${e.tid}`))
      .filter((e) => toPageMs(e.ts) >= from && toPageMs(e.ts) <= to)
      .map((e) => e.dur / 1000);
    const total = pauses.reduce((sum, ms) => sum + ms, 0);
    return `${kind} ${pauses.length}× ${total.toFixed(0)} ms, longest ${Math.max(0, ...pauses).toFixed(1)} ms`;
  });
  return `garbage collection on the page's main thread during the load: ${parts.join('; ')}`;
}
