import { InvalidInputError } from '../errors';

export const MAX_CLASS_NAME = 100;

/**
 * A class name typed in the studio, trimmed, or a clear error. A class may become a folder of the
 * video folder (Capture records into its class's folder), so a name is also a safe folder name.
 */
export function checkClassName(raw: string): string {
  const name = raw.trim();
  if (!name) throw new InvalidInputError('A class needs a name: type one');
  if (name.length > MAX_CLASS_NAME) throw new InvalidInputError(`A class name has at most ${MAX_CLASS_NAME} characters (this one has ${name.length})`);
  if (/[/\\]/.test(name)) throw new InvalidInputError(`"${name}" has a / or \\ in it: a class name is also a folder name, so it cannot`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new InvalidInputError('A class name cannot hold control characters');
  if (name.startsWith('.')) throw new InvalidInputError(`"${name}" starts with a dot: a folder of that name would be hidden, so a class name cannot`);
  return name;
}

/** Names that differ only in case are one class to a person (and one folder on macOS and Windows). */
export const sameName = (a: string, b: string) => a.toLocaleLowerCase() === b.toLocaleLowerCase();
