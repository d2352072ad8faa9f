import { resolve } from 'node:path';

// Clips come from anywhere. ffmpeg follows what a file names: an HLS or DASH playlist, a concat
// list or an IMF package (each recognised by content, whatever the file's extension) can make it
// open other files or the network. The input is given as a `file:` URL and only the file protocol
// is allowed (no http, tcp, udp, rtp, concat:, subfile:, data:), and files whose format is a
// list of other files are refused once probed, before any decode.

/** ffmpeg / ffprobe input: local files only (before `-i` for ffmpeg, before the URL for ffprobe). */
export const LOCAL_FILES_ONLY = ['-protocol_whitelist', 'file'] as const;

/** The input as ffmpeg takes it: `file:` keeps a name with a colon from being read as a protocol. */
export function fileInput(path: string): string {
  return `file:${resolve(path)}`;
}

/** Demuxers whose files name other files or URLs to read (ffmpeg's names; applehttp is an old name of hls). */
const REFERRING_FORMATS = new Set(['hls', 'applehttp', 'dash', 'webm_dash_manifest', 'concat', 'imf']);

/** The reason a probed format is not decoded, or null: `formatName` as ffprobe gives it ("mov,mp4,…"). */
export function referringFormatReason(formatName: string): string | null {
  const name = formatName.split(',').find((n) => REFERRING_FORMATS.has(n.trim()));
  if (!name) return null;
  return `it is a ${name === 'concat' ? 'concat list' : `${name} playlist or manifest`}, which names other files or addresses to read, not a video: it is not decoded, so that it cannot make ffmpeg read them; convert it to a single video file`;
}
