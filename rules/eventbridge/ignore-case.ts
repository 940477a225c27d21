/**
 * `equals-ignore-case` (alone, or inside `prefix`, `suffix` and `anything-but`). EventBridge folds
 * each character of the pattern to its lower- and upper-case forms and accepts either at that
 * position, so `straße` matches `STRASSE` (ß upper-cases to SS) and `ÉCOLE` matches `école`.
 */

/** Which part of the text must equal the pattern: all of it, its start, or its end. */
export type IgnoreCaseAnchor = 'whole' | 'prefix' | 'suffix';

/** A test for strings that equal (or start / end with) `pattern` ignoring case. */
export function ignoreCaseMatcher(pattern: string, anchor: IgnoreCaseAnchor): (text: string) => boolean {
  let body = '';
  for (const ch of pattern) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    body += lower === upper ? escapeRegExp(lower) : `(?:${escapeRegExp(lower)}|${escapeRegExp(upper)})`;
  }
  const source = anchor === 'whole' ? `^${body}$` : anchor === 'prefix' ? `^${body}` : `${body}$`;
  const regexp = new RegExp(source, 'u');
  return (text) => regexp.test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
