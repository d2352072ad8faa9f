/**
 * Names from the disk (file and folder names, class names, messages quoting them) can hold
 * terminal control sequences: `\x1b]0;…\x07` retitles the window, `\x1b[2J` clears it, U+202E
 * reverses what follows. The CLI shows them escaped, as `\x1b`, so that what is printed is what
 * is there. Newlines and tabs of our own messages pass.
 */
// C0 controls but \t and \n, DEL, C1 controls, and Unicode's bidirectional overrides and isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function shown(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Every line the CLI prints through `console` goes through `shown` (the progress bar writes to
 * the stream itself, with its own escapes, and never prints names).
 */
export function installSafeConsole(): void {
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => original(...args.map((a) => (typeof a === 'string' ? shown(a) : a)));
  }
}
