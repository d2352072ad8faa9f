import type { ExtractionSettings } from '../extraction/extraction-settings';

export interface ClusterOptions {
  shards: number;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
}

export interface BatchScriptInput extends ClusterOptions {
  projectDir: string;
  /** The gstudio to run on the nodes: [absolute node, absolute bin/gstudio.mjs]. */
  gstudio: [string, string];
  settings: ExtractionSettings;
}

/** Single-quoted for bash, whatever the text holds. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The `gstudio extract` flags that make the same sequences as these settings (what differs from the defaults need not be given, but all are, to be plain). */
export function extractionFlags(s: ExtractionSettings): string[] {
  return [
    '--frames', String(s.frames),
    '--mode', s.sequenceMode,
    '--model', s.model,
    '--detector', s.detector,
    ...(s.detectorPath ? ['--detector-model', s.detectorPath] : []),
    '--max-hands', String(s.maxHands),
    ...(s.tracking ? [] : ['--no-tracking']),
    '--person-interval', String(s.personInterval),
  ];
}

/** Logs go below the job's working directory, the project (sbatch --chdir): no path in a #SBATCH line, which sbatch would split at a space. */
function header(o: BatchScriptInput, name: string, output: string): string[] {
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${name}`,
    `#SBATCH --output=${output}`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
    ...(o.mem ? [`#SBATCH --mem=${o.mem}`] : []),
  ];
}

/**
 * One array task per shard: task I extracts shard I/N into its part file. The shard is given as
 * `$SLURM_ARRAY_TASK_ID/N` (not `--shard auto`) so that a task resubmitted alone (`--array=I`)
 * still knows it is the I-th of N.
 */
export function extractScript(o: BatchScriptInput): string {
  const [node, bin] = o.gstudio;
  const cpus = o.cpusPerTask ?? 1;
  return [
    ...header(o, 'gstudio-extract', 'slurm/logs/extract-%A_%a.out'),
    `#SBATCH --array=1-${o.shards}`,
    `#SBATCH --cpus-per-task=${cpus}`,
    '# Written by gstudio slurm extract: extracts one shard of the project\'s clips per array task.',
    'set -euo pipefail',
    `exec ${shellQuote(node)} ${shellQuote(bin)} extract ${shellQuote(o.projectDir)} --shard "\${SLURM_ARRAY_TASK_ID}/${o.shards}" --workers "\${SLURM_CPUS_PER_TASK:-${cpus}}" ${extractionFlags(o.settings).map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}

/** The merge, submitted with --dependency=afterok on the array: it runs once every shard succeeded. */
export function mergeScript(o: BatchScriptInput): string {
  const [node, bin] = o.gstudio;
  return [
    ...header(o, 'gstudio-merge', 'slurm/logs/merge-%j.out'),
    '#SBATCH --cpus-per-task=1',
    '# Written by gstudio slurm extract: merges the shards\' part files into the project.',
    'set -euo pipefail',
    `exec ${shellQuote(node)} ${shellQuote(bin)} merge ${shellQuote(o.projectDir)}`,
    '',
  ].join('\n');
}
