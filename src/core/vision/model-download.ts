import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as ort from 'onnxruntime-node';
import { ModelUnavailableError } from '../errors';
import { manifestEntry, modelCacheDir, resolveDetectorModel, type ResolvedModel } from './model-registry';

export interface DownloadOptions {
  /** Defaults to the manifest's official URL. */
  url?: string;
  /** Defaults to the user's model cache. */
  dir?: string;
  /** Defaults to the manifest's size / sha256 (either may be unknown). */
  expected?: { size?: number | null; sha256?: string | null };
  /** Gives up when no byte arrives for this long (default 30 s). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (received: number, total: number | null) => void;
}

function offlineHelp(name: string, url: string, dir: string): string {
  return (
    `Without it hands are searched in the whole frame. To use person boxes, download ${url} ` +
    `and put it in ${dir} (or set GSTUDIO_MODELS_DIR to its folder).`
  );
}

/**
 * Downloads a detector model into the cache: streamed to a temporary file beside the target,
 * checked (length against Content-Length and the manifest, sha256 when known, and a test load
 * with onnxruntime), then renamed into place, so a broken transfer never leaves a file that looks
 * finished. Throws ModelUnavailableError with what to do.
 */
export async function downloadModel(name: string, opts: DownloadOptions = {}): Promise<string> {
  const entry = manifestEntry(name);
  const url = opts.url ?? entry.url;
  const dir = opts.dir ?? modelCacheDir();
  const target = join(dir, entry.file ?? `${name}.onnx`);
  const expected = opts.expected ?? { size: entry.size, sha256: entry.sha256 };
  const fail = (what: string): never => {
    throw new ModelUnavailableError(`Could not get model ${name} from ${url}: ${what}. ${offlineHelp(name, url, dir)}`);
  };

  mkdirSync(dir, { recursive: true });
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.part`;
  const idle = opts.idleTimeoutMs ?? 30_000;
  const ac = new AbortController();
  const onAbort = () => ac.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ac.abort(new Error(`no data for ${idle / 1000} s`)), idle);
  };

  try {
    arm();
    let res: Response;
    try {
      res = await fetch(url, { signal: ac.signal, redirect: 'follow' });
    } catch (e) {
      fail(`${networkReason(e)} (are you offline?)`);
    }
    if (!res!.ok || !res!.body) fail(`the server answered HTTP ${res!.status}`);
    const declared = Number(res!.headers.get('content-length')) || null;
    const total = declared ?? expected.size ?? null;
    const hash = createHash('sha256');
    let received = 0;
    const body = Readable.fromWeb(res!.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      arm();
      hash.update(chunk);
      received += chunk.length;
      opts.onProgress?.(received, total);
    });
    try {
      await pipeline(body, createWriteStream(tmp));
    } catch (e) {
      fail(`the transfer broke after ${received} bytes (${networkReason(e)})`);
    }
    clearTimeout(timer);
    if (declared != null && received !== declared) fail(`the transfer stopped at ${received} of ${declared} bytes`);
    if (expected.size != null && received !== expected.size) fail(`got ${received} bytes, expected ${expected.size}`);
    const sha = hash.digest('hex');
    if (expected.sha256 && sha !== expected.sha256) fail(`the file's sha256 is ${sha}, expected ${expected.sha256}`);
    await testLoad(tmp).catch((e: Error) => fail(`the file is not a usable model (${e.message.split('\n')[0]})`));
    renameSync(tmp, target);
    return target;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    rmSync(tmp, { force: true });
  }
}

/** A model is usable when onnxruntime loads it and it has one image input and an output. */
async function testLoad(path: string): Promise<void> {
  const s = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
  try {
    const meta = s.inputMetadata[0] as { shape?: unknown[] };
    if (s.inputNames.length !== 1 || s.outputNames.length < 1 || (meta?.shape && meta.shape.length !== 4)) {
      throw new Error('unexpected inputs or outputs for an image detector');
    }
  } finally {
    await s.release();
  }
}

function networkReason(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string }; name?: string };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') return String((err as { message?: string }).message ?? 'aborted');
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
}

/**
 * A detector model ready on disk: an explicit path, GSTUDIO_MODELS_DIR or the cache, else
 * downloaded into the cache. Throws ModelUnavailableError (offline, broken file); callers that can
 * work without boxes catch it, tell the user, and use the whole frame.
 */
export async function ensureDetectorModel(name: string, opts: DownloadOptions & { path?: string } = {}): Promise<ResolvedModel> {
  const found = resolveDetectorModel(name, { path: opts.path });
  if (found) return found;
  const path = await downloadModel(name, opts);
  return { path, source: 'cache' };
}
