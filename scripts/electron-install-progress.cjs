// Preloaded into Electron's installer by scripts/electron-launch.mjs (node --require): @electron/get
// downloads with the global fetch, so wrapping it gives download progress (one line per chunk on
// stderr, read by the parent) and turns "fetch failed" into the network error behind it.
'use strict';
const original = globalThis.fetch;
const write = (transferred, total, file) => process.stderr.write(`@@gstudio-progress ${transferred} ${total ?? '-'} ${file}\n`);

globalThis.fetch = async function fetchWithProgress(input, init) {
  let response;
  try {
    response = await original(input, init);
  } catch (err) {
    const cause = err && err.cause;
    const detail = cause ? ` (${cause.message || cause.code || cause})` : '';
    const url = typeof input === 'string' ? input : input && input.url;
    throw new Error(`Could not download ${url}: ${err && err.message}${detail}`, { cause: err });
  }
  if (!response.ok || !response.body) return response;
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  const file = decodeURIComponent(new URL(response.url || String(input)).pathname.split('/').pop() || 'download');
  let transferred = 0;
  let reported = 0;
  const counted = response.body.pipeThrough(
    new TransformStream({
      transform(chunk, controller) {
        transferred += chunk.byteLength;
        // At most one line per 256 KiB, and the last one.
        if (transferred - reported >= 262144 || transferred === total) {
          reported = transferred;
          write(transferred, total, file);
        }
        controller.enqueue(chunk);
      },
      flush() {
        if (reported !== transferred) write(transferred, total, file);
      },
    }),
  );
  return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
};
