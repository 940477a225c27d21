/**
 * Re-sending alerts that failed because a channel was not configured yet. Before anyone stores the
 * Slack webhook URL, every alert on that route fails with `not-configured` (and the
 * `notify-not-configured` alarm says so). Once the URL is stored, this sends exactly those: for each
 * entry in the time range, only the channels whose last attempt failed as `not-configured`, through
 * the same delivery path (so delivery state is written as usual and a second run sends nothing twice).
 */
import type { Clock, LedgerStore, Logger, Notifier, StoredEntry } from '../ports';
import { deliverEntry, NOT_CONFIGURED_MARKER } from './handler';

export interface ResendOptions {
  store: LedgerStore;
  /** The deployed channels (same names as the notify function's: `slack:<route>`, `sns`). */
  notifiers: readonly Notifier[];
  clock: Clock;
  logger: Logger;
  /** ISO-8601 bounds of the entries to look at. */
  since: string;
  until?: string;
  /** Most entries examined (default 10 000). */
  limit?: number;
}

export interface ResendReport {
  examined: number;
  /** eventId and channel of every alert sent now. */
  resent: { eventId: string; channel: string }[];
  /** eventId, channel and why, for every alert that failed again. */
  failed: { eventId: string; channel: string; error: string }[];
  /** Channels with `not-configured` failures that no given notifier serves. */
  unknownChannels: string[];
}

/** The channels of `entry` whose last delivery failed as not configured. */
function notConfiguredChannels(entry: StoredEntry): string[] {
  return Object.entries(entry.delivery ?? {})
    .filter(([, state]) => state.status === 'failed' && state.error?.startsWith(`${NOT_CONFIGURED_MARKER}:`))
    .map(([channel]) => channel);
}

/** Re-sends every `not-configured` failure between `since` and `until`. */
export async function resendNotConfigured(options: ResendOptions): Promise<ResendReport> {
  const entries = await options.store.history({
    since: options.since,
    ...(options.until ? { until: options.until } : {}),
    limit: options.limit ?? 10_000,
  });
  const byChannel = new Map(options.notifiers.map((n) => [n.channel, n]));
  const report: ResendReport = { examined: entries.length, resent: [], failed: [], unknownChannels: [] };
  const unknown = new Set<string>();
  for (const entry of entries) {
    const channels = notConfiguredChannels(entry);
    const notifiers = channels.flatMap((channel) => {
      const notifier = byChannel.get(channel);
      if (!notifier) unknown.add(channel);
      return notifier ? [notifier] : [];
    });
    if (notifiers.length === 0) continue;
    const delivery = await deliverEntry(entry, {
      store: options.store,
      notifiers,
      clock: options.clock,
      logger: options.logger,
      // Only channels that were attempted are in play, so the entry's origin has already been judged.
      alertOnReplay: true,
    });
    for (const channel of delivery.delivered) report.resent.push({ eventId: entry.eventId, channel });
    for (const { channel, error } of [...delivery.permanentFailures, ...delivery.transientFailures]) {
      report.failed.push({ eventId: entry.eventId, channel, error: error.message });
    }
  }
  report.unknownChannels = [...unknown].sort();
  return report;
}
