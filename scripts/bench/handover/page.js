window.__long = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
const input = document.getElementById('in');
const sleep0 = () => new Promise((r) => (window.scheduler && scheduler.yield ? scheduler.yield().then(r) : setTimeout(r, 0)));
window.run = (mode) => new Promise((resolve) => {
  input.addEventListener('change', async () => {
    const t0 = performance.now();
    const files = Array.from(input.files);
    const tPick = performance.now();
    const w1 = new Worker('store.js');
    let done = 0, bytes = 0;
    w1.onmessage = (e) => { done += e.data.n; bytes += e.data.bytes; if (done === files.length) resolve({ mode, files: files.length, mb: bytes / 1e6, listMs: tPick - t0, ms: performance.now() - t0, long: window.__long.filter(([s]) => s >= t0).map(([, d]) => Math.round(d)) }); };
    w1.postMessage({ mode, total: files.length });
    if (mode === 'size') {
      // What asking every picked File its size costs the page (a synchronous
      // wait on the browser process the first time, per file).
      let total = 0;
      for (const f of files) total += f.size;
      resolve({ mode, files: files.length, mb: total / 1e6, listMs: tPick - t0, ms: performance.now() - t0, long: window.__long.filter(([s]) => s >= t0).map(([, d]) => Math.round(d)) });
      return;
    }
    if (mode === 'floor') {
      let i = 0; let n = 0; let b = 0;
      const next = async () => { while (i < files.length) { const f = files[i++]; const buf = await f.arrayBuffer(); b += buf.byteLength; n++; } };
      await Promise.all(Array.from({ length: 64 }, next));
      resolve({ mode, files: n, mb: b / 1e6, listMs: tPick - t0, ms: performance.now() - t0, long: window.__long.filter(([s]) => s >= t0).map(([, d]) => Math.round(d)) });
      return;
    }
    if (mode === 'handles') {
      let start = 0; let ts = performance.now();
      while (start < files.length) {
        w1.postMessage({ files: files.slice(start, start + 16) });
        start += 16;
        if (performance.now() - ts > 10) { await sleep0(); ts = performance.now(); }
      }
      return;
    }
    // bytes: read with 64 in flight, post in slices (copy or transfer)
    let i = 0; let pending = []; let ts = performance.now();
    const flush = () => { if (!pending.length) return; const bufs = pending; pending = []; if (mode === 'bytes-transfer') w1.postMessage({ bufs }, bufs); else w1.postMessage({ bufs }); };
    const next = async () => { while (i < files.length) { const f = files[i++]; const buf = await f.arrayBuffer(); pending.push(buf); if (pending.length >= 16) flush(); } };
    await Promise.all(Array.from({ length: 64 }, next));
    flush();
  }, { once: true });
});
