import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

// The ffmpeg/ffprobe binaries ship inside npm packages (ffmpeg-static would download at install),
// but @ffmpeg-installer's ffmpeg is a 2018 build: a newer one the system keeps up to date
// (Debian's, Homebrew's) decodes untrusted files instead where there is one.
// GSTUDIO_FFMPEG / GSTUDIO_FFPROBE choose a binary outright.
// Not named `require`: electron-vite adds its own `require` to ESM chunks that need one.
const requireHere = createRequire(import.meta.url);

export type BinaryName = 'ffmpeg' | 'ffprobe';

export interface BinaryChoice {
  path: string;
  /** As the binary says it: "5.1.9-0+deb12u1", "N-47683-g0e8eb07980-static". */
  version: string;
  /** The year of its copyright line: the one comparison that works for release and git builds. */
  year: number;
  source: 'environment' | 'system' | 'bundled';
}

const PACKAGES: Record<BinaryName, string> = { ffmpeg: '@ffmpeg-installer/ffmpeg', ffprobe: '@ffprobe-installer/ffprobe' };
const ENV: Record<BinaryName, string> = { ffmpeg: 'GSTUDIO_FFMPEG', ffprobe: 'GSTUDIO_FFPROBE' };
/** Where Debian, other Linux distributions and Homebrew (Apple silicon, Intel) put them. */
const SYSTEM_DIRS = ['/usr/bin', '/usr/local/bin', '/opt/homebrew/bin', '/usr/local/opt/ffmpeg/bin'];

function fromPackage(name: BinaryName): string {
  const mod = requireHere(PACKAGES[name]) as { path: string };
  // Inside a packaged Electron app the binary sits outside the asar archive.
  return mod.path.replace('app.asar', 'app.asar.unpacked');
}

/** Runs `<binary> -version`; null when it does not run. */
export function binaryVersion(path: string): { version: string; year: number } | null {
  try {
    const out = execFileSync(path, ['-version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const version = /version (\S+)/.exec(out)?.[1];
    if (!version) return null;
    return { version, year: Number(/Copyright \(c\) \d{4}-(\d{4})/.exec(out)?.[1] ?? 0) };
  } catch {
    return null;
  }
}

const chosen = new Map<string, BinaryChoice>();

/**
 * The binary to run: GSTUDIO_FFMPEG / GSTUDIO_FFPROBE when set; else a system one at least as
 * recent as the bundled one; else the bundled one. Decided once per process (and per setting).
 */
export function chooseBinary(name: BinaryName, env: NodeJS.ProcessEnv = process.env, systemDirs = SYSTEM_DIRS): BinaryChoice {
  const override = env[ENV[name]];
  const key = `${name}\0${override ?? ''}\0${systemDirs.join(':')}`;
  const known = chosen.get(key);
  if (known) return known;
  let choice: BinaryChoice;
  if (override) {
    // Not checked here: a wrong path fails at first use with the error of that use.
    choice = { path: override, ...(binaryVersion(override) ?? { version: 'unknown', year: 0 }), source: 'environment' };
  } else {
    const bundledPath = fromPackage(name);
    const bundled = binaryVersion(bundledPath) ?? { version: 'unknown', year: 0 };
    choice = { path: bundledPath, ...bundled, source: 'bundled' };
    for (const dir of systemDirs) {
      const path = `${dir}/${name}`;
      if (!existsSync(path)) continue;
      const v = binaryVersion(path);
      if (v && v.year >= bundled.year) {
        choice = { path, ...v, source: 'system' };
        break;
      }
    }
  }
  chosen.set(key, choice);
  return choice;
}

export function ffmpegPath(): string {
  return chooseBinary('ffmpeg').path;
}

export function ffprobePath(): string {
  return chooseBinary('ffprobe').path;
}

/** One line for people: "ffmpeg 5.1.9-0+deb12u1 (system, /usr/bin/ffmpeg)". */
export function describeBinary(name: BinaryName): string {
  const c = chooseBinary(name);
  return `${name} ${c.version} (${c.source === 'environment' ? ENV[name] : c.source}, ${c.path})`;
}
