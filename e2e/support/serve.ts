import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface Served {
  /** The printed URL: http://gs-<random>.localhost:PORT/?token=… (Chromium resolves *.localhost to loopback). */
  url: string;
  /** http://127.0.0.1:PORT, for Node's fetch (which does not resolve *.localhost); send `token` as a Bearer header. */
  origin: string;
  /** The launch host's origin, where the browser's session cookie is valid. */
  browserOrigin: string;
  token: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the real `gstudio serve` and reads the tokened URL it prints. */
export async function serve(args: string[] = []): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [resolve('bin/gstudio.mjs'), 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`gstudio serve printed no URL:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (process.env.GSTUDIO_E2E_VERBOSE) process.stderr.write(d);
      const m = /(http:\/\/gs-[0-9a-f]+\.localhost:\d+\/\?token=[\w-]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => rej(new Error(`gstudio serve exited (${code}):\n${output}`)));
  });
  return {
    url,
    origin: `http://127.0.0.1:${new URL(url).port}`,
    browserOrigin: new URL(url).origin,
    token: new URL(url).searchParams.get('token') ?? '',
    output: () => output,
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null) return res();
        child.on('exit', () => res());
        child.kill('SIGTERM');
      }),
  };
}
