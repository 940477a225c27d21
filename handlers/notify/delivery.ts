/**
 * The delivery core: a committed ledger entry → every channel that wants it, whatever carries the
 * entry here (the DynamoDB stream adapter in `stream.ts`, the CLI's replay and backfill). Channel
 * agnostic: channels are `Notifier`s.
 *
 * For each channel, `deliverToChannel` is the one place its outcome is decided, in this order:
 * already delivered or permanently failed → skip; suppressed → record `suppressed`; part of a burst
 * beyond the first few → record `folded` (listed in the follow-up); otherwise send → `delivered`,
 * `permanent` or `failed` (retried). Delivery state is written per channel, so a retry never repeats
 * a channel that already succeeded.
 */
import type { LedgerEntry } from '../../rules/types';
import {
  type ChannelDelivery,
  type Clock,
  type LedgerStore,
  type Logger,
  type Notifier,
  PermanentDeliveryError,
  type StoredEntry,
  type Suppression,
} from '../ports';
import { isPermanent } from '../shared/delivery-state';
import { describeError } from '../shared/logger';
import { suppressionFor } from '../suppress/suppression';
import { type BurstSettings, burstKeyOf, foldedAlertOf, foldedBurstHeader } from './burst';
import { classifyDeliveryFailure, type DeliveryMetrics } from './metrics';

export interface NotifyDeps {
  store: LedgerStore;
  notifiers: readonly Notifier[];
  clock: Clock;
  logger: Logger;
  /** Alert on EventBridge archive replays and backfilled entries too (off by default). */
  alertOnReplay: boolean;
  /** The suppressions in force (cached by the caller); none when absent. */
  suppressions?: () => Promise<readonly Suppression[]>;
  /** Burst folding; off when absent. */
  bursts?: BurstSettings;
  /** Where delivery failures are counted (the Lambda writes EMF metrics); none when absent. */
  metrics?: DeliveryMetrics;
}

export interface DeliveryReport {
  eventId: string;
  delivered: string[];
  alreadyDelivered: string[];
  suppressed: string[];
  folded: string[];
  permanentFailures: { channel: string; error: Error }[];
  transientFailures: { channel: string; error: Error }[];
  skippedReason?: string;
  /** The suppression that silenced the entry. */
  suppressedBy?: string;
}

/** What happened on one channel. */
type ChannelOutcome =
  | { kind: 'delivered' }
  | { kind: 'already-delivered' }
  | { kind: 'gave-up' }
  | { kind: 'suppressed'; suppressionId: string }
  | { kind: 'folded'; burst: string }
  | { kind: 'permanent'; error: Error }
  | { kind: 'transient'; error: Error };

/** The list of the report each outcome adds its channel to (a channel that gave up is in none). */
const REPORT_LIST = {
  delivered: 'delivered',
  'already-delivered': 'alreadyDelivered',
  suppressed: 'suppressed',
  folded: 'folded',
  permanent: 'permanentFailures',
  transient: 'transientFailures',
} as const satisfies Record<Exclude<ChannelOutcome['kind'], 'gave-up'>, keyof DeliveryReport>;

/**
 * Delivers one entry to every channel that wants it. Permanent failures are recorded and logged and
 * do not ask for a retry; transient ones are recorded and reported so the caller can retry.
 */
export async function deliverEntry(entry: StoredEntry, deps: NotifyDeps): Promise<DeliveryReport> {
  const report: DeliveryReport = {
    eventId: entry.eventId,
    delivered: [],
    alreadyDelivered: [],
    suppressed: [],
    folded: [],
    permanentFailures: [],
    transientFailures: [],
  };
  if (!deps.alertOnReplay && (entry.origin === 'backfill' || entry.origin === 'eventbridge-replay')) {
    report.skippedReason = `${entry.origin} entries do not alert`;
    return report;
  }
  // The canary's write is the pipeline testing itself: its absence is what pages (the heartbeat check).
  if (entry.canary) {
    report.skippedReason = 'canary entries do not alert';
    return report;
  }
  const alert = alertOf(entry);
  const wanting = deps.notifiers.filter((notifier) => notifier.wants(alert));
  if (wanting.length === 0) return report;
  const suppression = deps.suppressions
    ? suppressionFor(alert, await deps.suppressions(), deps.clock.now())
    : undefined;
  if (suppression) report.suppressedBy = suppression.id;
  for (const notifier of wanting) {
    const outcome = await deliverToChannel(entry, alert, notifier, suppression, deps);
    const channel = notifier.channel;
    if (outcome.kind === 'gave-up') continue;
    if ('error' in outcome) report[REPORT_LIST[outcome.kind]].push({ channel, error: outcome.error });
    else report[REPORT_LIST[outcome.kind]].push(channel);
  }
  return report;
}

/** Decides, records and returns one channel's outcome for one entry. */
async function deliverToChannel(
  entry: StoredEntry,
  alert: LedgerEntry,
  notifier: Notifier,
  suppression: Suppression | undefined,
  deps: NotifyDeps,
): Promise<ChannelOutcome> {
  const channel = notifier.channel;
  const previous = entry.delivery?.[channel];
  if (previous?.status === 'delivered') return { kind: 'already-delivered' };
  if (isPermanent(previous)) return { kind: 'gave-up' };
  const at = () => deps.clock.now().toISOString();
  if (previous?.status === 'suppressed' || previous?.status === 'folded')
    return { kind: 'already-delivered' };
  if (suppression) {
    await mark(deps, entry, channel, {
      status: 'suppressed',
      at: at(),
      attempts: 0,
      suppressionId: suppression.id,
    });
    return { kind: 'suppressed', suppressionId: suppression.id };
  }
  if (deps.bursts && notifier.sendBurst && previous === undefined) {
    const burst = await foldIfBurst(alert, channel, deps.bursts, deps.store);
    if (burst) {
      await mark(deps, entry, channel, { status: 'folded', at: at(), attempts: 0, burst });
      return { kind: 'folded', burst };
    }
  }
  const attempts = (previous?.attempts ?? 0) + 1;
  try {
    await notifier.send(alert);
    await mark(deps, entry, channel, { status: 'delivered', at: at(), attempts });
    return { kind: 'delivered' };
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught));
    const permanent = error instanceof PermanentDeliveryError;
    const failure = classifyDeliveryFailure(error);
    deps.metrics?.deliveryFailed({ channel, ...failure });
    // A webhook not configured yet is not given up on: `iamwatch resend` sends it once the URL is stored.
    const notConfigured = failure.kind === 'not-configured';
    await mark(deps, entry, channel, {
      status: permanent && !notConfigured ? 'permanent' : 'failed',
      at: at(),
      attempts,
      error: `${notConfigured ? `${NOT_CONFIGURED_MARKER}: ` : ''}${error.message}`.slice(0, 1000),
    });
    deps.logger.error(permanent ? 'delivery failed permanently' : 'delivery failed, will retry', {
      eventId: entry.eventId,
      channel,
      attempts,
      error: describeError(error),
    });
    return permanent ? { kind: 'permanent', error } : { kind: 'transient', error };
  }
}

async function mark(deps: NotifyDeps, entry: StoredEntry, channel: string, state: ChannelDelivery) {
  await deps.store.markDelivery(entry.eventId, channel, state);
}

/**
 * Counts the alert in its channel's burst window; past the first few of the window it is folded into
 * the window's follow-up and the window's key is returned. Critical alerts are never folded or counted.
 */
async function foldIfBurst(
  alert: LedgerEntry,
  channel: string,
  settings: BurstSettings,
  store: LedgerStore,
): Promise<string | undefined> {
  if (alert.severity === 'critical') return undefined;
  const key = burstKeyOf(channel, alert);
  const { position, closesAt } = await store.countInBurst(key, alert.eventTime, settings.windowMs);
  if (position <= settings.postFirst) return undefined;
  const header = foldedBurstHeader(key, channel, alert, closesAt, settings.windowMs);
  await store.addFolded(header, foldedAlertOf(alert));
  return `${closesAt}#${key}`;
}

export interface FlushReport {
  sent: { channel: string; total: number }[];
  failed: { channel: string; error: Error }[];
}

/**
 * Sends the follow-up of every burst window closed by `now` (all of them with `now` = the end of
 * time, as replay does at the end of a run). A follow-up whose channel fails transiently is put back
 * for the next flush; a permanent failure is logged and dropped (every folded entry is in the ledger).
 */
export async function flushBursts(deps: NotifyDeps, now: string): Promise<FlushReport> {
  const report: FlushReport = { sent: [], failed: [] };
  const closed = await deps.store.takeClosedBursts(now);
  for (const burst of closed) {
    const notifier = deps.notifiers.find((n) => n.channel === burst.channel);
    if (!notifier?.sendBurst) {
      deps.logger.warn('burst follow-up for a channel that is no longer configured', {
        channel: burst.channel,
        total: burst.total,
      });
      continue;
    }
    try {
      await notifier.sendBurst(burst);
      report.sent.push({ channel: burst.channel, total: burst.total });
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      report.failed.push({ channel: burst.channel, error });
      const permanent = error instanceof PermanentDeliveryError;
      deps.logger.error(
        permanent ? 'burst follow-up failed permanently' : 'burst follow-up failed, will retry',
        {
          channel: burst.channel,
          key: burst.key,
          total: burst.total,
          error: describeError(error),
        },
      );
      if (!permanent) await deps.store.putBurst(burst);
    }
  }
  return report;
}

/**
 * What channels see: the ledger entry contract without the ledger's bookkeeping. The delivery state in
 * particular changes between tries, and must not leak into, say, the JSON SQS subscribers receive.
 */
function alertOf(entry: StoredEntry): LedgerEntry {
  const { origin: _origin, recordedAt: _recordedAt, delivery: _delivery, ...alert } = entry;
  return alert;
}

/** Prefix of a channel's delivery error when its webhook was not configured yet. */
export const NOT_CONFIGURED_MARKER = 'not-configured';
