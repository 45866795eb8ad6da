// Every WebAssembly memory a Trailglass tab holds: the page's instance, the
// store worker's and each parse worker's (workers the store worker started
// itself). Nothing in the app reports the parse workers' memory, so this asks
// Chromium through the DevTools protocol: from the page's session it attaches
// to the page's workers, and from each worker's session to the workers that
// one started, finds each one's WebAssembly.Memory and reads its buffer's
// byteLength while the tab works.
//
// Sessions to workers are reached through Target.sendMessageToTarget (the
// protocol's nested, "not flattened" mode): Playwright's CDPSession speaks
// only to the page's own target.

/** A protocol session to a target attached below `parent`, spoken to through it. */
class Nested {
  constructor(parent, sessionId) {
    this.parent = parent;
    this.sessionId = sessionId;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Map();
    parent.on('Target.detachedFromTarget', (event) => {
      if (event.sessionId !== this.sessionId) return;
      for (const waiting of this.pending.values()) waiting.reject(new Error(`the target is gone (${waiting.method})`));
      this.pending.clear();
    });
    parent.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== this.sessionId) return;
      const message = JSON.parse(event.message);
      if (message.id !== undefined) {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) waiting?.reject(new Error(`${message.error.message} (${waiting.method})`));
        else waiting?.resolve(message.result);
      } else {
        for (const listener of this.listeners.get(message.method) ?? []) listener(message.params);
      }
    });
  }

  on(method, listener) {
    if (!this.listeners.has(method)) this.listeners.set(method, []);
    this.listeners.get(method).push(listener);
  }

  send(method, params = {}) {
    const id = this.nextId;
    this.nextId += 1;
    return new Promise((resolve, reject) => {
      // A worker that ends between the question and the answer never answers.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer (${method})`));
      }, 10_000);
      const settle = (then) => (value) => { clearTimeout(timer); then(value); };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject), method });
      this.parent.send('Target.sendMessageToTarget', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) })
        .catch((error) => { this.pending.delete(id); reject(error); });
    });
  }
}

/**
 * A handle on the instance's WebAssembly.Memory objects, kept for cheap
 * reads later, or null while there is none yet. In a worker, that is the
 * memory its wasm-bindgen glue exports: `wasm_bindgen()` (the worker's global
 * init function, called again) resolves with the instance's exports once it
 * has started, and is only called after the loader's own call (a later task).
 * Elsewhere (the page, whose glue is a module) Runtime.queryObjects lists the
 * live memories: it collects garbage first, and in a worker still compiling
 * its wasm it has crashed the renderer, so it is used only on the page.
 */
async function findMemories(session, where) {
  if (where !== 'page') {
    const { result } = await session.send('Runtime.evaluate', {
      expression: `new Promise((resolve) => setTimeout(resolve, 0))
        .then(() => (typeof wasm_bindgen === 'function' ? wasm_bindgen() : undefined))
        .then((exports) => (exports?.memory ? [exports.memory] : null))`,
      awaitPromise: true,
      objectGroup: 'bench-memory',
    });
    return result.objectId ?? null;
  }
  const { result: prototype } = await session.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
  const { objects } = await session.send('Runtime.queryObjects', { prototypeObjectId: prototype.objectId, objectGroup: 'bench-memory' });
  const { result: count } = await session.send('Runtime.callFunctionOn', {
    objectId: objects.objectId, functionDeclaration: 'function () { return this.length; }', returnByValue: true,
  });
  return count.value > 0 ? objects.objectId : null;
}

/** Bytes of those memories now (a buffer's byteLength: no collection, no copy). */
async function readBytes(session, memories) {
  const { result } = await session.send('Runtime.callFunctionOn', {
    objectId: memories,
    functionDeclaration: 'function () { return this.reduce((sum, memory) => sum + memory.buffer.byteLength, 0); }',
    returnByValue: true,
  });
  return result.value;
}

/**
 * Starts watching every wasm instance of the page and of the workers it (and
 * they) start, reading each instance's memory every `intervalMs` (wasm memory
 * never shrinks: an instance's last reading is its peak). `stop()` reads once
 * more and resolves with `{ total, instances: [{ where, name, url, bytes }],
 * largest, seen }`: `total` is the largest sum of the instances alive at the
 * same time (parse workers end with their load and fresh ones start), with
 * those instances; `largest` the largest instance ever seen; `seen` how many
 * instances there were in all.
 */
export async function watchWasmMemory(page, { intervalMs = 100 } = {}) {
  const cdp = await page.context().newCDPSession(page);
  const watched = [];
  const loops = [];
  let running = true;
  // The largest sum of the instances alive at once, and who they were then.
  let together = { total: 0, instances: [] };
  const alive = () => watched.filter((entry) => !entry.gone && entry.bytes > 0);
  const note = () => {
    const now = alive();
    const total = now.reduce((sum, entry) => sum + entry.bytes, 0);
    if (total > together.total) together = { total, instances: now.map(({ where, name, url, bytes }) => ({ where, name, url, bytes })) };
  };
  const read = async (entry) => {
    if (entry.gone) return;
    try {
      entry.memories ??= await findMemories(entry.session, entry.where);
      if (entry.memories) entry.bytes = Math.max(entry.bytes, await readBytes(entry.session, entry.memories));
      note();
    } catch {
      entry.gone = true; // the worker ended (parse workers end with their load)
    }
  };
  // Each instance is read on its own clock: one still starting must not hold up the others.
  const poll = async (entry) => {
    while (running && !entry.gone) {
      await read(entry);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  const track = async (session, where, url) => {
    const entry = { where, url, name: '', bytes: 0, session, memories: null, gone: false };
    watched.push(entry);
    session.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
      if (targetInfo.type !== 'worker') return;
      track(new Nested(session, sessionId), where === 'page' ? 'worker' : 'nested worker', targetInfo.url).catch(() => {});
    });
    session.on('Target.detachedFromTarget', ({ sessionId }) => {
      for (const other of watched) {
        if (other.session.sessionId === sessionId) {
          note();
          other.gone = true;
        }
      }
    });
    const { result } = await session.send('Runtime.evaluate', { expression: 'self.name ?? ""', returnByValue: true });
    entry.name = result.value;
    loops.push(poll(entry));
    await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  };
  await track(cdp, 'page', page.url());
  return {
    /** Each instance's reading so far (MB), for a step-by-step account. */
    snapshot: () => watched.filter((i) => i.bytes > 0).map((i) => `${i.name || i.where}${i.gone ? ' (gone)' : ''} ${Math.round(i.bytes / 1e6)} MB`),
    async stop() {
      running = false;
      await Promise.all(loops);
      await Promise.all(watched.map(read));
      await cdp.detach().catch(() => {});
      const all = watched.filter((i) => i.bytes > 0);
      return {
        instances: together.instances,
        total: together.total,
        largest: Math.max(0, ...all.map((i) => i.bytes)),
        seen: all.length,
      };
    },
  };
}
