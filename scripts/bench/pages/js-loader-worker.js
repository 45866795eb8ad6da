// The plain JavaScript loader's worker: inflates each file it is handed with
// DecompressionStream and, in 'summary' mode, JSON.parses it and adds its
// records to a per-principal summary (the same key as principal-summary.sql);
// in 'inflate' mode it only counts the inflated bytes, to measure
// DecompressionStream alone.

function inflated(file) {
  const stream = file.stream();
  return file.name.endsWith('.gz') ? stream.pipeThrough(new DecompressionStream('gzip')) : stream;
}

function principalOf(identity) {
  return identity?.arn ?? identity?.principalId ?? identity?.invokedBy ?? identity?.type ?? 'unknown';
}

async function summarise(files) {
  const principals = new Map();
  let bytes = 0;
  let events = 0;
  for (const file of files) {
    const text = await new Response(inflated(file)).text();
    bytes += text.length;
    for (const record of JSON.parse(text).Records ?? []) {
      const key = principalOf(record.userIdentity);
      let entry = principals.get(key);
      if (!entry) principals.set(key, (entry = { events: 0, errors: 0, first: record.eventTime, last: record.eventTime }));
      entry.events += 1;
      if (record.errorCode !== undefined) entry.errors += 1;
      if (record.eventTime < entry.first) entry.first = record.eventTime;
      if (record.eventTime > entry.last) entry.last = record.eventTime;
      events += 1;
    }
  }
  return { bytes, events, principals };
}

async function inflateOnly(files) {
  let bytes = 0;
  for (const file of files) {
    const reader = inflated(file).getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) bytes += chunk.value.byteLength;
  }
  return { bytes, events: 0, principals: new Map() };
}

self.onmessage = async ({ data: { mode, files } }) => {
  try {
    self.postMessage(await (mode === 'inflate' ? inflateOnly : summarise)(files));
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
self.postMessage('ready');
