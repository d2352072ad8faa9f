import { rewriteSequenceFile } from './sequence-file-rewrite';

/**
 * Gives clips new classes in place of re-extracting them: updates `class_name`, `label` and, when a
 * class is new, the label map (sorted class names; other clips' labels renumbered to match).
 * The file is replaced atomically. Classes left without clips stay in the label map.
 */
export async function relabelClips(path: string, changes: Record<string, string>): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await rewriteSequenceFile(path, { relabel: changes });
}

export async function relabel(path: string, name: string, newClassName: string): Promise<void> {
  await relabelClips(path, { [name]: newClassName });
}

/**
 * Brings the file's classes in step with a project's (class-store.ts): the clips' new class names
 * and labels, and a label map of exactly the project's classes, sorted (PIPELINE.md §4).
 */
export async function syncClasses(path: string, changes: Record<string, string>, classes: string[]): Promise<void> {
  await rewriteSequenceFile(path, { relabel: changes, classes });
}
