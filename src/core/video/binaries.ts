import { createRequire } from 'node:module';

// The ffmpeg/ffprobe binaries ship inside npm packages (ffmpeg-static would download at install).
// GSTUDIO_FFMPEG / GSTUDIO_FFPROBE point elsewhere, e.g. to a system build.
const require = createRequire(import.meta.url);

function fromPackage(name: string): string {
  const mod = require(name) as { path: string };
  // Inside a packaged Electron app the binary sits outside the asar archive.
  return mod.path.replace('app.asar', 'app.asar.unpacked');
}

export function ffmpegPath(): string {
  return process.env.GSTUDIO_FFMPEG || fromPackage('@ffmpeg-installer/ffmpeg');
}

export function ffprobePath(): string {
  return process.env.GSTUDIO_FFPROBE || fromPackage('@ffprobe-installer/ffprobe');
}
