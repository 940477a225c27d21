/**
 * Length limits for alert text. Every channel has hard limits (Slack blocks, SNS subject and message
 * size, SMS length) and an alert must never fail because an attacker sent a 100 KB user agent, so
 * long values are cut with a visible marker instead. Lengths are counted in UTF-16 code units, which
 * is never less than the characters Slack or SNS count.
 */

/** The visible marker that replaces the tail of a cut value. */
export function truncationMarker(omitted: number): string {
  return `…[truncated ${omitted} chars]`;
}

/**
 * Cuts `value` so the result, marker included, is at most `max` code units long. The marker says how
 * many code units of the original were dropped. A surrogate pair is never split.
 */
export function truncate(value: string, max: number): string {
  return fitEscaped(value, max, (text) => text);
}

/**
 * Like {@link truncate}, but the limit applies to `encode(prefix) + marker`. Escaping can expand a
 * value (`&` becomes `&amp;`), so cutting the raw value to `max` is not enough, and cutting the
 * escaped text could split an entity in half.
 */
export function fitEscaped(raw: string, max: number, encode: (text: string) => string): string {
  const whole = encode(raw);
  if (whole.length <= max) return whole;
  // Escaping never shrinks text, so no prefix longer than `max` can fit.
  let low = 0;
  let high = Math.min(raw.length, max);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (candidate(raw, mid, encode).length <= max) low = mid;
    else high = mid - 1;
  }
  const best = candidate(raw, low, encode);
  // Only when `max` is shorter than the marker itself: fall back to a hard cut.
  return best.length <= max ? best : whole.slice(0, Math.max(0, max));
}

function candidate(raw: string, keep: number, encode: (text: string) => string): string {
  const end = splitsSurrogatePair(raw, keep) ? keep - 1 : keep;
  return encode(raw.slice(0, end)) + truncationMarker(raw.length - end);
}

function splitsSurrogatePair(text: string, index: number): boolean {
  if (index <= 0 || index >= text.length) return false;
  const before = text.charCodeAt(index - 1);
  return before >= 0xd800 && before <= 0xdbff;
}
