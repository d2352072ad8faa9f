import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../../core/errors';
import { builtRendererDir, builtRendererOutdatedBy, createNodeService } from '../../server/node-host';
import { startStudioServer } from '../../server/studio-server';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('web mode: serve the studio on 127.0.0.1 and print its URL with a per-launch token')
    .option('--project <dir>', 'open this project')
    .option('--port <n>', 'port (default: any free port)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidInputError(`--port must be 0-65535, not ${v}`);
      return n;
    })
    .action(async (opts: { project?: string; port?: number }) => {
      if (!existsSync(join(builtRendererDir, 'index.html'))) {
        throw new InvalidInputError('The UI is not built yet: run "npm run build" once, then serve again');
      }
      const newer = builtRendererOutdatedBy();
      if (newer) console.warn(`Note: the built UI (out/renderer) is older than ${newer}: run "npm run build" to serve the current UI.`);
      const service = createNodeService(opts.project);
      const server = await startStudioServer({ service, rendererDir: builtRendererDir, port: opts.port });
      console.log(`Gesture Studio (web mode) at ${server.url}`);
      console.log('Open that URL in Chromium or Firefox; it works only on this machine. Its host name under localhost is');
      console.log("new each launch, so the browser's cookie goes to this server only. Ctrl+C stops the server.");
      const stop = async () => {
        service.close();
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
