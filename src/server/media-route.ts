import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRange, type MediaFile } from '../core/service';
import { StudioError } from '../core/errors';

/** Streams a clip's or a prediction's video with byte ranges, so that the video element can seek. */
export async function serveMedia(resolveMedia: () => MediaFile | Promise<MediaFile>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let media;
  try {
    media = await resolveMedia();
  } catch (err) {
    const status = err instanceof StudioError ? (err.code === 'forbidden' ? 403 : 404) : 500;
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(err instanceof Error ? err.message : 'error');
    return;
  }
  const range = parseRange(req.headers.range, media.size);
  const common = { 'Content-Type': media.contentType, 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-cache' };
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...common, 'Content-Range': `bytes */${media.size}` }).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: media.size - 1 };
  res.writeHead(range ? 206 : 200, {
    ...common,
    'Content-Length': String(end - start + 1),
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${media.size}` } : {}),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(media.path, { start, end });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
