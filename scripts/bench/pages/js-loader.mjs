// The plain JavaScript loader's page: spreads the picked files over a pool of
// workers (js-loader-worker.js) and merges their per-principal summaries.
// window.bench.run(mode, workers) is what the benchmark calls.
const input = document.querySelector('[data-testid=folder-input]');
const pools = new Map();

async function pool(size) {
  if (!pools.has(size)) {
    const workers = await Promise.all(Array.from({ length: size }, () => new Promise((resolve) => {
      const worker = new Worker('js-loader-worker.js');
      worker.onmessage = () => resolve(worker);
    })));
    pools.set(size, workers);
  }
  return pools.get(size);
}

function ask(worker, message) {
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => (data.error ? reject(new Error(data.error)) : resolve(data));
    worker.postMessage(message);
  });
}

function merge(parts) {
  const principals = new Map();
  for (const part of parts) {
    for (const [key, p] of part.principals) {
      const into = principals.get(key);
      if (!into) { principals.set(key, { ...p }); continue; }
      into.events += p.events;
      into.errors += p.errors;
      if (p.first < into.first) into.first = p.first;
      if (p.last > into.last) into.last = p.last;
    }
  }
  return principals;
}

window.bench = {
  files: () => input.files.length,
  prepare: async (size) => { await pool(size); },
  async run(mode, size) {
    const workers = await pool(size);
    const files = [...input.files];
    const started = performance.now();
    // Interleaved shares: the generated files are of similar size, so each worker gets a fair part.
    const parts = await Promise.all(workers.map((worker, w) => ask(worker, { mode, files: files.filter((_, i) => i % size === w) })));
    const principals = merge(parts);
    const ms = performance.now() - started;
    return {
      ms,
      bytes: parts.reduce((s, p) => s + p.bytes, 0),
      events: parts.reduce((s, p) => s + p.events, 0),
      principals: principals.size,
      principalEvents: [...principals.values()].reduce((s, p) => s + p.events, 0),
    };
  },
};
