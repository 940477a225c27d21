/**
 * Making attacker-controlled strings safe to show. User names, role session names, user agents,
 * target names, policy ARNs and error codes come from whoever made the API call, and an alert is
 * exactly where an attacker would like to write `<!channel>`, a fake link or an ANSI escape.
 *
 * Slack mrkdwn: `&`, `<` and `>` are the only characters Slack decodes, so escaping them is what stops
 * mentions (`<!here>`, `<@U…>`), channel links (`<#C…>`) and links (`<http://evil|click>`) forming.
 * Formatting (`*bold*`, `_italic_`, `~strike~`, `` `code` ``) is neutralised two ways, chosen per place:
 * values go in inline code (nothing formats inside a code span; backticks in the value are replaced
 * by a look-alike so the span cannot be closed early), and free text such as detection titles keeps
 * its normal font with a zero-width space on both sides of every formatting character, so no
 * character can open or close a span.
 */
import { fitEscaped } from './truncate';

/** Replaces `&`, `<`, `>` by the entities Slack documents. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * One line of display-safe text: control characters (newlines, tabs, ESC of ANSI sequences) become
 * spaces, and invisible format characters (zero-width and bidirectional overrides, which can make
 * `evil` read as `live`) are removed.
 */
export function singleLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, ' ').replace(/\p{Cf}/gu, '');
}

/** Zero-width space: invisible, and not a word boundary for Slack's formatting parser. */
export const ZERO_WIDTH_SPACE = '\u200b';

/** Stands in for a backtick inside inline code (MODIFIER LETTER GRAVE ACCENT looks the same). */
export const BACKTICK_LOOKALIKE = '\u02cb';

const FORMATTING = /[*_~`]/g;

/**
 * A value as Slack inline code, at most `max` characters including the backticks: escaped, one
 * line, backticks replaced, truncated with a marker when long.
 */
export function mrkdwnCode(raw: string, max: number): string {
  const clean = singleLine(raw).replaceAll('`', BACKTICK_LOOKALIKE);
  if (clean.trim() === '') return '(blank)';
  return `\`${fitEscaped(clean, max - 2, escapeMrkdwn)}\``;
}

/**
 * Free text for mrkdwn in normal font, at most `max` characters: escaped, one line, every formatting
 * character fenced by zero-width spaces, truncated with a marker when long.
 */
export function mrkdwnText(raw: string, max: number): string {
  return fitEscaped(singleLine(raw), max, neutraliseMrkdwn);
}

function neutraliseMrkdwn(text: string): string {
  return escapeMrkdwn(text).replace(FORMATTING, (char) => `${ZERO_WIDTH_SPACE}${char}${ZERO_WIDTH_SPACE}`);
}

/** Text for a Slack `plain_text` object (header, button): escaped and one line, no formatting applies. */
export function plainText(raw: string, max: number): string {
  return fitEscaped(singleLine(raw), max, escapeMrkdwn);
}

/**
 * Printable ASCII only, for SNS subjects and SMS: accents are folded (`é` → `e`), anything else outside
 * 0x20–0x7E becomes `?`, and runs of spaces collapse.
 */
export function asciiLine(text: string): string {
  return singleLine(text)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/gu, '?')
    .replace(/ {2,}/g, ' ')
    .trim();
}
