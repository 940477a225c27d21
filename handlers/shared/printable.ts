/**
 * Text from input, made safe to print on a terminal or in a log line. Error messages quote what a
 * record held (an event time, a field, a file name), and a crafted record could otherwise clear the
 * screen with an ANSI sequence, print a forged "all good" line after a newline, or reverse what
 * follows with a bidirectional override. Escapes are JSON's (`\n`, `\u001b`), so nothing is lost and
 * the text reads back unambiguously.
 */

/**
 * Control characters (C0, DEL, C1), format characters (bidirectional overrides and isolates,
 * zero-width characters), line and paragraph separators, and the backslash that introduces an escape.
 */
const UNSAFE = /[\\\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** Escapes JSON itself leaves raw: every match of {@link UNSAFE} except C0 controls, `"` and `\`. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\p{Cf}\u2028\u2029]/gu;

const SHORT: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every unsafe character escaped JSON-style; ordinary text (including non-ASCII letters) is unchanged. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * A JSON text with the characters `JSON.stringify` leaves raw (DEL, C1 controls, bidirectional
 * overrides, U+2028/U+2029) escaped too. Still valid JSON with the same value; for log lines and
 * JSON lines output.
 */
export function printableJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, escapeChar);
}

function escapeChar(char: string): string {
  const short = SHORT[char];
  if (short) return short;
  // Astral format characters (language tags) are escaped as their surrogate pair, as JSON writes them.
  let escaped = '';
  for (let i = 0; i < char.length; i++) escaped += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return escaped;
}
