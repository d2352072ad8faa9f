import type { Command } from 'commander';
import { ProjectStore, relinkVideoRoot } from '../../core/project';

export function registerRelink(program: Command): void {
  program
    .command('relink')
    .description("point a project to its video folder where it is on this machine (another mount point or a copy)")
    .argument('<project>', 'a project folder')
    .argument('<videos>', 'the folder holding the class folders of the clips, on this machine')
    .action((project: string, videos: string) => {
      const store = ProjectStore.open(project);
      try {
        const before = store.info().videoRoot;
        const { found, clips } = relinkVideoRoot(store, videos);
        console.log(`Video folder: ${store.info().videoRoot} (was ${before ?? 'none'}); ${found} of ${clips} clips found there`);
        if (found < clips) console.log(`${clips - found} clip(s) are not there: gstudio import ${project} ${videos} records them as missing`);
      } finally {
        store.close();
      }
    });
}
