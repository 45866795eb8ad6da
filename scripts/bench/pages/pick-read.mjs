// Chromium's own pick-and-read: the moment an input's change event fires, read
// every picked file with arrayBuffer(), 64 reads in flight, and note when the
// last byte is in. Nothing is parsed or kept: this is the floor any page that
// reads the files (Trailglass included) stands on. window.bench.result()
// resolves with the times (performance.now() of the change event and of the
// last byte, and Date.now() of the change event to compare with the caller's
// clock), the files and the bytes read.
const IN_FLIGHT = 64;
let result = null;

async function readAll(files, changedAt, changedAtWall) {
  let next = 0;
  let bytes = 0;
  const reader = async () => {
    while (next < files.length) {
      const file = files[next];
      next += 1;
      const read = (await file.arrayBuffer()).byteLength;
      bytes += read;
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, files.length) }, reader));
  return { changedAt, changedAtWall, readAt: performance.now(), files: files.length, bytes };
}

for (const input of document.querySelectorAll('input[type=file]')) {
  input.addEventListener('change', () => {
    const changedAt = performance.now();
    const changedAtWall = Date.now();
    result = readAll([...input.files], changedAt, changedAtWall);
  });
}

window.bench = { result: () => result };
