onmessage = async (e) => {
  if (e.data.files) { const bufs = await Promise.all(e.data.files.map((f) => f.arrayBuffer())); postMessage({ n: bufs.length, bytes: bufs.reduce((a, b) => a + b.byteLength, 0) }); }
  else postMessage({ n: e.data.bufs.length, bytes: e.data.bufs.reduce((a, b) => a + b.byteLength, 0) });
};
