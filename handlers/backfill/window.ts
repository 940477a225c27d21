/**
 * Time windows of a backfill, in whole seconds: CloudTrail event times have one-second precision and
 * LookupEvents bounds are inclusive, so `[start, end]` windows that meet at `end + 1s` cover every
 * event exactly once.
 */

/** An inclusive window; both ends whole-second ISO-8601 UTC times (`2026-11-20T14:03:11Z`). */
export interface TimeWindow {
  start: string;
  end: string;
}

/** How far back LookupEvents reaches. */
export const LOOKUP_RETENTION_DAYS = 90;
const SECOND = 1000;
const DAY = 86_400_000;

/** A window from two instants, cut to whole seconds (start down, end down: events at `end`'s second are in). */
export function windowOf(start: Date | string, end: Date | string): TimeWindow {
  return { start: isoSeconds(toMillis(start)), end: isoSeconds(toMillis(end)) };
}

/**
 * The part of `[since, until]` LookupEvents can still answer at `now`: never before 90 days ago,
 * never after now. Undefined when nothing is left.
 */
export function lookupWindow(since: string, until: string, now: Date): TimeWindow | undefined {
  const earliest = now.getTime() - LOOKUP_RETENTION_DAYS * DAY;
  const start = Math.max(toMillis(since), earliest);
  const end = Math.min(toMillis(until), now.getTime());
  const window = windowOf(new Date(start), new Date(end));
  return toMillis(window.start) <= toMillis(window.end) ? window : undefined;
}

/**
 * How long after an API call its event may still be missing from LookupEvents. CloudTrail documents
 * delivery within about 5 minutes on average and does not guarantee it; a window reaching into this
 * span is fetched, but only its settled part is marked as fetched, so the next run looks again.
 */
export const LOOKUP_SETTLE_MS = 15 * 60_000;

/** The part of a fetched window that can be marked as covered at `now`; undefined when none is. */
export function settledPart(window: TimeWindow, now: Date): TimeWindow | undefined {
  const end = Math.min(toMillis(window.end), now.getTime() - LOOKUP_SETTLE_MS);
  if (end < toMillis(window.start)) return undefined;
  return windowOf(window.start, new Date(end));
}

/** Windows sorted and joined where they overlap or meet (`a.end + 1s >= b.start`). */
export function mergeWindows(windows: readonly TimeWindow[]): TimeWindow[] {
  const sorted = [...windows].sort((a, b) => toMillis(a.start) - toMillis(b.start));
  const merged: TimeWindow[] = [];
  for (const window of sorted) {
    const last = merged[merged.length - 1];
    if (last && toMillis(window.start) <= toMillis(last.end) + SECOND) {
      if (toMillis(window.end) > toMillis(last.end)) last.end = window.end;
    } else {
      merged.push({ ...window });
    }
  }
  return merged;
}

/** The parts of `wanted` no window of `covered` contains, oldest first. */
export function missingWindows(wanted: TimeWindow, covered: readonly TimeWindow[]): TimeWindow[] {
  const gaps: TimeWindow[] = [];
  let cursor = toMillis(wanted.start);
  const end = toMillis(wanted.end);
  for (const window of mergeWindows(covered)) {
    if (cursor > end) break;
    const coveredStart = toMillis(window.start);
    const coveredEnd = toMillis(window.end);
    if (coveredEnd < cursor) continue;
    if (coveredStart > cursor)
      gaps.push(windowOf(new Date(cursor), new Date(Math.min(coveredStart - SECOND, end))));
    cursor = Math.max(cursor, coveredEnd + SECOND);
  }
  if (cursor <= end) gaps.push(windowOf(new Date(cursor), new Date(end)));
  return gaps;
}

/** Whether two windows share at least one second. */
export function overlaps(a: TimeWindow, b: TimeWindow): boolean {
  return toMillis(a.start) <= toMillis(b.end) && toMillis(b.start) <= toMillis(a.end);
}

function toMillis(value: Date | string): number {
  return typeof value === 'string' ? Date.parse(value) : value.getTime();
}

function isoSeconds(millis: number): string {
  return `${new Date(Math.floor(millis / SECOND) * SECOND).toISOString().slice(0, 19)}Z`;
}
