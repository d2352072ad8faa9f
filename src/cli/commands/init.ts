import type { Command } from 'commander';
import { ProjectStore } from '../../core/project';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a project folder (its SQLite file, keypoints and runs live there)')
    .argument('<project_dir>', 'folder for the new project (created if missing)')
    .option('--name <name>', 'project name (default: the folder name)')
    .action((dir: string, opts: { name?: string }) => {
      const store = ProjectStore.create(dir, opts.name);
      const info = store.info();
      store.close();
      console.log(`Created project "${info.name}" in ${info.dir}`);
      console.log(`Next: gstudio import ${dir} <videos_root>   (one sub-folder per class)`);
    });
}
