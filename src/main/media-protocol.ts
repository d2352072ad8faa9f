import { protocol } from 'electron';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { MEDIA_SCHEME, PredictionId } from '../api';
import { StudioError } from '../core/errors';
import { parseRange, type StudioService } from '../core/service';

/** Must run before `app.ready`: lets the video element stream and seek on our scheme. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
  ]);
}

/**
 * `gstudio-media://clip/<id>`: a clip's file by id, only inside the open project's video folder,
 * with byte ranges (the renderer never names a path).
 */
export function handleMediaScheme(service: StudioService): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    const key = url.pathname.replace(/^\//, '');
    const clipId = Number(key);
    const predictionId = PredictionId.safeParse(key);
    let media;
    try {
      if (url.host === 'clip' && Number.isInteger(clipId) && clipId > 0) media = service.clipMedia(clipId);
      else if (url.host === 'prediction' && predictionId.success) media = service.predictionMedia(predictionId.data);
      else if (url.host === 'thumb' && Number.isInteger(clipId) && clipId > 0) media = await service.clipThumbnail(clipId);
      else return new Response('Bad media URL', { status: 400 });
    } catch (err) {
      const status = err instanceof StudioError && err.code === 'forbidden' ? 403 : 404;
      return new Response(err instanceof Error ? err.message : 'error', { status });
    }
    const range = parseRange(request.headers.get('range'), media.size);
    const headers: Record<string, string> = { 'Content-Type': media.contentType, 'Accept-Ranges': 'bytes' };
    if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${media.size}` } });
    const { start, end } = range ?? { start: 0, end: media.size - 1 };
    headers['Content-Length'] = String(end - start + 1);
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${media.size}`;
    const body = Readable.toWeb(createReadStream(media.path, { start, end })) as ReadableStream;
    return new Response(body, { status: range ? 206 : 200, headers });
  });
}
