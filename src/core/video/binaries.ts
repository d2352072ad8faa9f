import { createRequire } from 'node:module';

// The ffmpeg/ffprobe binaries ship inside npm packages (ffmpeg-static would download at install).
// GSTUDIO_FFMPEG / GSTUDIO_FFPROBE point elsewhere, e.g. to a system build.
// Not named `require`: electron-vite adds its own `require` to ESM chunks that need one.
const requireHere = createRequire(import.meta.url);

function fromPackage(name: string): string {
  const mod = requireHere(name) as { path: string };
  // Inside a packaged Electron app the binary sits outside the asar archive.
  return mod.path.replace('app.asar', 'app.asar.unpacked');
}

export function ffmpegPath(): string {
  return process.env.GSTUDIO_FFMPEG || fromPackage('@ffmpeg-installer/ffmpeg');
}

export function ffprobePath(): string {
  return process.env.GSTUDIO_FFPROBE || fromPackage('@ffprobe-installer/ffprobe');
}
