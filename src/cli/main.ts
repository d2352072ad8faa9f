import { Command, CommanderError } from 'commander';
import { errorMessage } from '../core/errors';
import { studioVersion } from '../server/node-host';
import { registerAnnotate } from './commands/annotate';
import { registerDemo } from './commands/demo';
import { registerEvaluate } from './commands/evaluate';
import { registerExtract } from './commands/extract';
import { registerImport } from './commands/import';
import { registerInit } from './commands/init';
import { registerLandmarks } from './commands/landmarks';
import { registerParity } from './commands/parity';
import { registerPredict } from './commands/predict';
import { registerReport } from './commands/report';
import { registerServe } from './commands/serve';
import { registerTrain } from './commands/train';

/** `gstudio`: every pipeline step, headless, on the same code as the studio. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('gstudio')
    .description('Gesture Studio: hand-keypoint sign and action recognisers from folders of video clips')
    .version(studioVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerDemo(program);
  registerInit(program);
  registerImport(program);
  registerServe(program);
  registerLandmarks(program);
  registerExtract(program);
  registerAnnotate(program);
  registerTrain(program);
  registerEvaluate(program);
  registerPredict(program);
  registerParity(program);
  registerReport(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    console.error(`gstudio: ${errorMessage(err)}`);
    return 1;
  }
}
