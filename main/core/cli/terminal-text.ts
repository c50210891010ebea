// Text from the library (paths, captions, reasons) made safe to print on a terminal: control characters
// are shown escaped, so a file name cannot clear the screen, move the cursor or fake extra lines.
// [Note: terminal-safe output]
// File names may hold any byte but "/" and NUL, including ESC sequences (screen clearing, cursor moves,
// hyperlinks, window titles), carriage returns and newlines (fake output lines) and Unicode bidi
// overrides (text shown in another order than it is). Every line the CLI prints for a person that holds
// a path, or text that came from a file (caption, description, reason), goes through terminalSafe;
// `--json` output is JSON-escaped already and keeps the real bytes.

/** C0 controls, DEL, C1 controls, and the Unicode bidi embeddings/overrides/isolates. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function escape(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character shown as an escape (`\e`, `\n`, `\x07`, `\u202e`); printable
 * text, including non-Latin scripts and emoji, is unchanged. `keepNewlines` keeps line breaks (for a
 * whole message of several lines whose parts are already safe).
 */
export function terminalSafe(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines ? UNSAFE_EXCEPT_NEWLINE : UNSAFE, escape);
}
