import { Command, CommanderError } from 'commander';
import { errorMessage } from '../core/errors';
import { studioVersion } from '../server/node-host';
import { registerAudit } from './commands/audit';
import { registerAnnotate } from './commands/annotate';
import { registerDemo } from './commands/demo';
import { registerEvaluate } from './commands/evaluate';
import { registerExport } from './commands/export';
import { registerExtract } from './commands/extract';
import { registerImport } from './commands/import';
import { registerInit } from './commands/init';
import { registerLandmarks } from './commands/landmarks';
import { registerMerge } from './commands/merge';
import { registerParity } from './commands/parity';
import { registerPredict } from './commands/predict';
import { registerRelink } from './commands/relink';
import { registerReport } from './commands/report';
import { registerServe } from './commands/serve';
import { registerSlurm } from './commands/slurm';
import { registerTrain } from './commands/train';
import { installSafeConsole } from './terminal-text';
import { describeBinary } from '../core/video/binaries';

/** `gstudio`: every pipeline step, headless, on the same code as the studio. */
export async function main(argv: string[]): Promise<number> {
  installSafeConsole();
  const program = new Command('gstudio')
    .description('Gesture Studio: hand-keypoint sign and action recognisers from folders of video clips')
    // The binaries are looked up only when asked: every other command starts as fast as before.
    .version(argv.some((a) => a === '-V' || a === '--version') ? versionText() : studioVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerDemo(program);
  registerInit(program);
  registerImport(program);
  registerServe(program);
  registerLandmarks(program);
  registerExtract(program);
  registerMerge(program);
  registerAnnotate(program);
  registerTrain(program);
  registerEvaluate(program);
  registerExport(program);
  registerAudit(program);
  registerPredict(program);
  registerParity(program);
  registerReport(program);
  registerRelink(program);
  registerSlurm(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    console.error(`gstudio: ${errorMessage(err)}`);
    return 1;
  }
}

function versionText(): string {
  return [`gstudio ${studioVersion()}`, describeBinary('ffmpeg'), describeBinary('ffprobe')].join('\n');
}
