/**
 * Ports the handlers are built over. Adapters (DynamoDB/dynalite/memory ledger, Slack, SNS, console)
 * implement them; handler factories receive them, so tests can build handlers over real local
 * components or fakes.
 */
import type { AuditRunRecord } from '../rules/audit/compare';
import type { CloudTrailRecord, LedgerEntry, Severity } from '../rules/types';

/** Where an entry came from: live EventBridge delivery, offline replay or CloudTrail backfill. */
export type EntryOrigin = 'live' | 'replay' | 'backfill' | 'eventbridge-replay';

/**
 * What happened to an entry on one channel. `failed` will be retried; `permanent` will not (invalid
 * payload, archived channel, missing topic); `suppressed` names the suppression that silenced it;
 * `folded` means it is listed in the burst follow-up instead of posted on its own. Entries written
 * before `permanent` existed carry `failed` with an error starting `permanent:`; both read the same.
 */
export interface ChannelDelivery {
  status: 'delivered' | 'failed' | 'permanent' | 'suppressed' | 'folded' | 'skipped';
  at: string;
  attempts: number;
  error?: string;
  /** `suppressed`: the suppression's id. */
  suppressionId?: string;
  /** `folded`: the burst window the entry was folded into (its follow-up's key). */
  burst?: string;
}

/** A ledger entry as stored: the contract fields plus bookkeeping. */
export interface StoredEntry extends LedgerEntry {
  origin: EntryOrigin;
  recordedAt: string;
  /** Per-channel delivery state, keyed by notifier channel name (e.g. `slack:default`, `sns`). */
  delivery?: Record<string, ChannelDelivery>;
}

export interface HistoryFilter {
  /** Actor ARN (exact) or, without `arn:`, actor name. */
  actor?: string;
  /** Target name or ARN. */
  target?: string;
  account?: string;
  eventName?: string;
  detection?: string;
  minSeverity?: Severity;
  ip?: string;
  /** ISO-8601 inclusive bounds. */
  since?: string;
  until?: string;
  limit?: number;
}

export interface PutResult {
  outcome: 'inserted' | 'duplicate';
}

/**
 * A suppression: alerts of one detection, narrowed by actor, target and account, are recorded but not
 * posted until `until`. Stored in the ledger table; see handlers/suppress/.
 */
export interface Suppression {
  id: string;
  detection: string;
  /** Actor ARN (exact, also the session issuer's) or name; any actor when absent. */
  actor?: string;
  /** Target name or ARN; any target when absent. */
  target?: string;
  /** 12-digit account id; any account when absent. */
  account?: string;
  reason: string;
  owner: string;
  createdBy: string;
  createdAt: string;
  /** ISO-8601; the suppression stops applying at this instant. */
  until: string;
  /** Required to suppress a detection at `critical`. */
  allowCritical?: boolean;
}

/** The audit trail of suppressions: who created, removed or let one expire, when and why. */
export interface SuppressionEvent {
  at: string;
  action: 'created' | 'removed' | 'expired';
  by: string;
  suppression: Suppression;
  reason?: string;
}

export interface SuppressionStore {
  /** Creates a suppression; an existing id is refused with SuppressionExistsError. */
  putSuppression(suppression: Suppression): Promise<void>;
  /** Every stored suppression (expired ones too, until removed). One Query, never Scan. */
  listSuppressions(): Promise<Suppression[]>;
  /** Removes one and returns it; undefined when it was not there (or another process removed it first). */
  deleteSuppression(id: string): Promise<Suppression | undefined>;
  appendSuppressionEvent(event: SuppressionEvent): Promise<void>;
  /** Oldest first. */
  suppressionEvents(): Promise<SuppressionEvent[]>;
}

/** One alert folded into a burst's follow-up. */
export interface FoldedAlert {
  eventId: string;
  eventTime: string;
  eventName: string;
  severity: Severity;
  target?: string;
  title?: string;
}

/** The follow-up of one channel's burst window: one actor, one account. */
export interface FoldedBurst {
  key: string;
  channel: string;
  accountId: string;
  accountName?: string;
  actor: string;
  opensAt: string;
  closesAt: string;
  /** Alerts listed in the follow-up (at most `MAX_FOLDED_LISTED`); `total` counts them all. */
  alerts: FoldedAlert[];
  total: number;
}

/** A follow-up lists at most this many alerts (and counts the rest), so a DynamoDB item stays far below 400 KB. */
export const MAX_FOLDED_LISTED = 200;

export interface BurstStore {
  /**
   * Counts one alert in the burst window `key` open at `time`, opening a window of `windowMs` when none
   * is; returns the alert's 1-based position in the window and when the window closes.
   */
  countInBurst(key: string, time: string, windowMs: number): Promise<{ position: number; closesAt: string }>;
  /** Adds a folded alert to the window's follow-up. */
  addFolded(burst: Omit<FoldedBurst, 'alerts' | 'total'>, alert: FoldedAlert): Promise<void>;
  /** Removes and returns every follow-up whose window closed at or before `now`; each is returned once. */
  takeClosedBursts(now: string): Promise<FoldedBurst[]>;
  /** Puts a follow-up back (its delivery failed and should be tried again). */
  putBurst(burst: FoldedBurst): Promise<void>;
}

export interface LedgerStore extends SuppressionStore, BurstStore {
  /** Conditional insert on eventId: a second put of the same eventId is a no-op returning `duplicate`. */
  putIfAbsent(entry: StoredEntry, raw: CloudTrailRecord): Promise<PutResult>;
  get(eventId: string): Promise<StoredEntry | undefined>;
  getRaw(eventId: string): Promise<CloudTrailRecord | undefined>;
  /** Records one channel's delivery state on the entry without touching the other channels. */
  markDelivery(eventId: string, channel: string, state: ChannelDelivery): Promise<void>;
  /**
   * Asks the notify function to deliver the entry again, to every channel that has not delivered it
   * (a write its stream carries). Only stores read by a stream have it; the CLI delivers directly.
   */
  requestRedelivery?(eventId: string, requestedAt: string): Promise<void>;
  /** Newest first. Served by Query on an index, never Scan. */
  history(filter: HistoryFilter): Promise<StoredEntry[]>;
  /**
   * The event time of the oldest entry of an account (of the whole ledger without one): where the
   * ledger's history starts, so a report can say a user is older than it. One Query, never a Scan.
   */
  oldestEntryTime(accountId?: string): Promise<string | undefined>;
  /** The newest audit run kept, for new / fixed / open since then. */
  latestAuditRun(): Promise<AuditRunRecord | undefined>;
  putAuditRun(run: AuditRunRecord): Promise<void>;
  close(): Promise<void>;
}

/** A delivery channel. `wants` applies routing; `send` throws a DeliveryError subclass on failure. */
export interface Notifier {
  readonly channel: string;
  wants(entry: LedgerEntry): boolean;
  send(entry: LedgerEntry): Promise<void>;
  /** Posts a burst's follow-up. Channels without it never fold. */
  sendBurst?(burst: FoldedBurst): Promise<void>;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Clock {
  now(): Date;
}

/** What a delivery error may carry besides its message. */
interface DeliveryErrorOptions {
  cause?: unknown;
  /**
   * A short, bounded code for why it failed (`channel_is_archived`, `http-503`,
   * `AuthorizationErrorException`), used as a metric dimension; never free text.
   */
  reason?: string;
}

/** A delivery to `channel` that failed, with a bounded `reason` for metrics. */
abstract class DeliveryError extends Error {
  readonly reason: string | undefined;
  constructor(
    message: string,
    readonly channel: string,
    options?: DeliveryErrorOptions,
  ) {
    super(message, options);
    this.reason = options?.reason;
  }
}

/** A delivery that will not succeed on retry (invalid payload, archived channel, 404). */
export class PermanentDeliveryError extends DeliveryError {
  override readonly name = 'PermanentDeliveryError';
}

/** A delivery that failed after its retries (rate limit, 5xx, timeout); a later attempt may succeed. */
export class TransientDeliveryError extends DeliveryError {
  override readonly name = 'TransientDeliveryError';
}
