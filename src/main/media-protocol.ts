import { protocol } from 'electron';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { MEDIA_SCHEME, PredictionId } from '../api';
import { StudioError } from '../core/errors';
import { parseRange, type StudioService } from '../core/service';
import { MEDIA_CSP } from './content-security';

const SAFE = { 'Content-Security-Policy': MEDIA_CSP, 'X-Content-Type-Options': 'nosniff' };
const text = (body: string, status: number) => new Response(body, { status, headers: { ...SAFE, 'Content-Type': 'text/plain; charset=utf-8' } });

/**
 * `gstudio-media://clip/<id>`: a clip's file by id, only inside the open project's video folder,
 * with byte ranges (the renderer never names a path).
 */
export function handleMediaScheme(service: StudioService): void {
  protocol.handle(MEDIA_SCHEME, (request) => serveMedia(service, request));
}

export async function serveMedia(service: StudioService, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return text('Only GET', 405);
  const url = new URL(request.url);
  const key = url.pathname.replace(/^\//, '');
  const clipId = Number(key);
  const predictionId = PredictionId.safeParse(key);
  let media;
  try {
    if (url.host === 'clip' && Number.isInteger(clipId) && clipId > 0) media = service.clipMedia(clipId);
    else if (url.host === 'prediction' && predictionId.success) media = service.predictionMedia(predictionId.data);
    else if (url.host === 'thumb' && Number.isInteger(clipId) && clipId > 0) media = await service.clipThumbnail(clipId);
    else return text('Bad media URL', 400);
  } catch (err) {
    const status = err instanceof StudioError && err.code === 'forbidden' ? 403 : 404;
    return text(err instanceof Error ? err.message : 'error', status);
  }
  const range = parseRange(request.headers.get('range'), media.size);
  const headers: Record<string, string> = { ...SAFE, 'Content-Type': media.contentType, 'Accept-Ranges': 'bytes' };
  if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${media.size}` } });
  const { start, end } = range ?? { start: 0, end: media.size - 1 };
  headers['Content-Length'] = String(end - start + 1);
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${media.size}`;
  const body = request.method === 'HEAD' || media.size === 0 ? null : (Readable.toWeb(createReadStream(media.path, { start, end })) as ReadableStream);
  return new Response(body, { status: range ? 206 : 200, headers });
}
