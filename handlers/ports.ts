/**
 * Ports the handlers are built over. Adapters (DynamoDB/dynalite/memory ledger, Slack, SNS, console)
 * implement them; handler factories receive them, so tests can build handlers over real local
 * components or fakes.
 */
import type { AuditRunRecord } from '../rules/audit/compare';
import type { CloudTrailRecord, LedgerEntry, Severity } from '../rules/types';

/** Where an entry came from: live EventBridge delivery, offline replay or CloudTrail backfill. */
export type EntryOrigin = 'live' | 'replay' | 'backfill' | 'eventbridge-replay';

export interface ChannelDelivery {
  status: 'delivered' | 'failed' | 'skipped';
  at: string;
  attempts: number;
  error?: string;
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

export interface LedgerStore {
  /** Conditional insert on eventId: a second put of the same eventId is a no-op returning `duplicate`. */
  putIfAbsent(entry: StoredEntry, raw: CloudTrailRecord): Promise<PutResult>;
  get(eventId: string): Promise<StoredEntry | undefined>;
  getRaw(eventId: string): Promise<CloudTrailRecord | undefined>;
  /** Records one channel's delivery state on the entry without touching the other channels. */
  markDelivery(eventId: string, channel: string, state: ChannelDelivery): Promise<void>;
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

/** A delivery that will not succeed on retry (invalid payload, archived channel, 404). */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
  constructor(
    message: string,
    readonly channel: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A delivery that failed after its retries (rate limit, 5xx, timeout); a later attempt may succeed. */
export class TransientDeliveryError extends Error {
  override readonly name = 'TransientDeliveryError';
  constructor(
    message: string,
    readonly channel: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
