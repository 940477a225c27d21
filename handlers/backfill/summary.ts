/** The summary a backfill prints at the end, shaped like replay's. */
import { verdictLines } from '../shared/verdict-counts';
import type { BackfillCounts } from './run';
import type { TimeWindow } from './window';

export interface SummaryExtras {
  storeKind: string;
  window: TimeWindow;
  /** HTTP requests to LookupEvents, retries included. */
  requests: number;
  /** Undefined when alerting is off. */
  alerts?: { sent: number; failed: number };
}

export function renderBackfillSummary(counts: BackfillCounts, extras: SummaryExtras): string {
  const lookupNotes = [
    `${counts.upToDate} already backfilled`,
    `${counts.resumed} resumed`,
    `${counts.failed} failed`,
  ].join(', ');
  const retries = Math.max(0, extras.requests - counts.pages);
  const lines = [
    '',
    `Backfill summary (${extras.storeKind} store, ${extras.window.start} → ${extras.window.end})`,
    `  lookups               ${counts.lookups}  (${lookupNotes})`,
    `  API requests          ${extras.requests}  (${counts.pages} pages${retries ? `, ${retries} retried` : ''})`,
    `  events read           ${counts.read}`,
    `  delivered by patterns ${counts.delivered}`,
    `  not delivered         ${counts.notDelivered}  (read-only or not IAM-relevant: EventBridge would not deliver them)`,
    ...(counts.foundTwice > 0
      ? [`  found twice           ${counts.foundTwice}  (returned by two lookups, recorded once)`]
      : []),
    `  recorded (new)        ${counts.inserted}`,
    `  already in ledger     ${counts.duplicates}`,
    `  invalid               ${counts.invalid}`,
    extras.alerts
      ? `  alerts sent           ${extras.alerts.sent}${extras.alerts.failed ? `  (${extras.alerts.failed} failed)` : ''}`
      : '  alerts sent           0  (backfilled entries do not alert; --alert to send them)',
    ...verdictLines(counts),
  ];
  return `${lines.join('\n')}\n`;
}
