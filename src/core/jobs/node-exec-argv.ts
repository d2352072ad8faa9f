/**
 * Node flags for a forked worker entry. A TypeScript entry (repository, CLI, tests) runs through tsx,
 * resolved from this package rather than from the working directory, so `gstudio` works from any
 * folder; a bundled .js entry needs nothing.
 */
export function nodeExecArgv(script: string): string[] {
  return script.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
}
