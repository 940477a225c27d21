/**
 * Time bounds for history queries: a relative duration back from now (`30m`, `12h`, `7d`, `2w`) or an
 * ISO-8601 date / date-time. Always returns a canonical UTC ISO string with milliseconds, so bounds
 * compare correctly as strings and as ledger sort keys.
 */

/** A time bound that is neither a duration nor a valid ISO-8601 date/time. */
export class TimeBoundError extends Error {
  override readonly name = 'TimeBoundError';
}

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION = /^(\d{1,6})\s*([smhdw])$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const HINT =
  'use a duration like 30m, 12h, 7d, 2w or an ISO-8601 time like 2026-11-20 or 2026-11-20T14:03:11Z';

/**
 * Reads `text` as a point in time relative to `now`. A date without a time is midnight UTC; a
 * date-time without an offset is read as UTC (never the machine's local zone, so results do not
 * depend on where the CLI runs).
 *
 * @throws TimeBoundError naming the input and the accepted forms.
 */
export function parseTimeBound(text: string, now: Date): string {
  const trimmed = text.trim();
  const duration = durationMs(trimmed);
  if (duration !== undefined) return new Date(now.getTime() - duration).toISOString();
  const iso = ISO.exec(trimmed);
  if (!iso) throw new TimeBoundError(`Cannot read time "${text}": ${HINT}`);
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = iso;
  if (!isRealDateTime(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second)))
    throw new TimeBoundError(`Cannot read time "${text}": no such date or time`);
  const canonical = `${year}-${month}-${day}T${hour}:${minute}:${second}.${fraction.padEnd(3, '0').slice(0, 3)}${normaliseZone(zone)}`;
  const millis = Date.parse(canonical);
  if (Number.isNaN(millis)) throw new TimeBoundError(`Cannot read time "${text}": ${HINT}`);
  return new Date(millis).toISOString();
}

/** A relative duration (`30m`, `12h`, `7d`, `2w`) in milliseconds; undefined for anything else. */
export function durationMs(text: string): number | undefined {
  const duration = DURATION.exec(text.trim());
  const unitMs = UNIT_MS[duration?.[2] ?? ''];
  return duration && unitMs !== undefined ? Number(duration[1]) * unitMs : undefined;
}

function isRealDateTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
) {
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  );
}

function normaliseZone(zone: string): string {
  if (zone.toUpperCase() === 'Z') return 'Z';
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}
