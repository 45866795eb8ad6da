let mode; let parsers; let turn = 0;
onmessage = (e) => {
  if (e.data.mode) { mode = e.data.mode; parsers = [new Worker('parser.js'), new Worker('parser.js')]; for (const p of parsers) p.onmessage = (m) => postMessage(m.data); return; }
  const p = parsers[turn++ % 2];
  if (e.data.files) p.postMessage({ files: e.data.files });
  else p.postMessage({ bufs: e.data.bufs }, e.data.bufs);
};
