/**
 * Suppressions are data: who may stay quiet about what, why, and until when. This module holds the
 * decisions (validation of a new suppression, whether one matches an entry) and the reader the notify
 * path uses; the rows live in the ledger table (handlers/ledger/control-items.ts).
 *
 * A suppression silences an entry on every channel when each of the entry's detections is matched
 * by an active suppression; an entry that also fired something not suppressed is still posted. A
 * `critical` hit is matched only by a suppression created with `allowCritical`.
 */
import { randomBytes } from 'node:crypto';
import { findDetection } from '../../rules/registry';
import type { LedgerEntry } from '../../rules/types';
import { durationMs, parseTimeBound, TimeBoundError } from '../ledger/time';
import type { Clock, Logger, Suppression, SuppressionStore } from '../ports';

/** Default and configurable ceiling on how long a suppression may last. */
export const DEFAULT_SUPPRESSION_MAX_DAYS = 90;
/** How long the notify Lambda reuses the suppressions it read. */
export const DEFAULT_SUPPRESSION_CACHE_MS = 60_000;

/** A suppression that may not be created as asked; the message says what to change. */
export class SuppressionInvalidError extends Error {
  override readonly name = 'SuppressionInvalidError';
}

export interface SuppressionRequest {
  detection: string;
  actor?: string;
  target?: string;
  account?: string;
  reason: string;
  /** ISO-8601 time or a duration from now (`7d`, `12h`). */
  until: string;
  owner?: string;
  createdBy: string;
  allowCritical?: boolean;
}

/**
 * Validates a request and builds the suppression.
 *
 * @throws SuppressionInvalidError for an unknown detection, an empty reason, a bad account id, an end
 *   in the past or beyond the maximum lifetime, or a critical detection without `allowCritical`.
 */
export function newSuppression(
  request: SuppressionRequest,
  now: Date,
  maxDays = DEFAULT_SUPPRESSION_MAX_DAYS,
): Suppression {
  const detection = findDetection(request.detection);
  if (!detection) {
    throw new SuppressionInvalidError(`unknown detection "${request.detection}" (see "iamwatch rules")`);
  }
  if (detection.severities.includes('critical') && !request.allowCritical) {
    throw new SuppressionInvalidError(
      `${detection.id} can fire at critical; suppressing it needs --allow-critical`,
    );
  }
  const reason = request.reason.trim();
  if (!reason) throw new SuppressionInvalidError('a suppression needs a reason (--reason)');
  if (request.account !== undefined && !/^\d{12}$/.test(request.account)) {
    throw new SuppressionInvalidError(`--account must be a 12-digit account id, got "${request.account}"`);
  }
  const until = untilOf(request.until, now);
  if (until <= now.toISOString())
    throw new SuppressionInvalidError(`--until ${request.until} is not in the future`);
  const latest = new Date(now.getTime() + maxDays * 86_400_000).toISOString();
  if (until > latest) {
    throw new SuppressionInvalidError(
      `--until ${request.until} is beyond the maximum lifetime of ${maxDays} days (${latest}); renew it later instead`,
    );
  }
  const suppression: Suppression = {
    id: `sup-${randomBytes(4).toString('hex')}`,
    detection: detection.id,
    reason,
    owner: request.owner?.trim() || request.createdBy,
    createdBy: request.createdBy,
    createdAt: now.toISOString(),
    until,
  };
  if (request.actor) suppression.actor = request.actor;
  if (request.target) suppression.target = request.target;
  if (request.account) suppression.account = request.account;
  if (request.allowCritical) suppression.allowCritical = true;
  return suppression;
}

function untilOf(text: string, now: Date): string {
  const forward = durationMs(text);
  if (forward !== undefined) return new Date(now.getTime() + forward).toISOString();
  try {
    return parseTimeBound(text, now);
  } catch (error) {
    if (error instanceof TimeBoundError) throw new SuppressionInvalidError(error.message, { cause: error });
    throw error;
  }
}

/** Whether the suppression is in force at `now`. */
function isActive(suppression: Suppression, now: Date): boolean {
  return suppression.until > now.toISOString();
}

const same = (a: string | undefined, b: string) => !!a && a.toLowerCase() === b.toLowerCase();

/** Whether `suppression` covers the entry's hit of its detection (ignoring time). */
function covers(suppression: Suppression, entry: LedgerEntry, hitSeverity: string): boolean {
  if (hitSeverity === 'critical' && !suppression.allowCritical) return false;
  if (suppression.account && suppression.account !== entry.accountId) return false;
  const { actor, target } = suppression;
  if (actor && ![entry.actor.arn, entry.actor.sessionIssuerArn, entry.actor.name].some((v) => same(v, actor)))
    return false;
  if (target && ![entry.target?.name, entry.target?.arn, entry.policyArn].some((v) => same(v, target)))
    return false;
  return true;
}

/**
 * The suppression that silences the entry, or undefined. Every detection of the entry must be
 * covered by an active suppression; entries with no detection are never suppressed (nothing to say).
 */
export function suppressionFor(
  entry: LedgerEntry,
  suppressions: readonly Suppression[],
  now: Date,
): Suppression | undefined {
  if (entry.detections.length === 0) return undefined;
  let first: Suppression | undefined;
  for (const hit of entry.detections) {
    const match = suppressions.find(
      (s) => s.detection === hit.id && isActive(s, now) && covers(s, entry, hit.severity),
    );
    if (!match) return undefined;
    first ??= match;
  }
  return first;
}

/**
 * Removes the suppressions that have expired and records each expiry in the audit trail. The
 * conditional delete makes exactly one process record it. Returns those still in force.
 */
export async function sweepExpired(
  store: SuppressionStore,
  suppressions: readonly Suppression[],
  now: Date,
): Promise<Suppression[]> {
  const active: Suppression[] = [];
  for (const suppression of suppressions) {
    if (isActive(suppression, now)) {
      active.push(suppression);
      continue;
    }
    const removed = await store.deleteSuppression(suppression.id);
    if (removed) {
      await store.appendSuppressionEvent({
        at: now.toISOString(),
        action: 'expired',
        by: 'iamwatch',
        suppression: removed,
        reason: `expired at ${removed.until}`,
      });
    }
  }
  return active;
}

/** Reads the active suppressions, at most once per `ttlMs`; a failed read keeps the previous list. */
export function cachedSuppressions(
  store: SuppressionStore,
  clock: Clock,
  logger: Logger,
  ttlMs = DEFAULT_SUPPRESSION_CACHE_MS,
): () => Promise<Suppression[]> {
  let cached: { at: number; list: Suppression[] } | undefined;
  return async () => {
    const now = clock.now();
    if (cached && now.getTime() - cached.at < ttlMs) return cached.list;
    try {
      const list = await sweepExpired(store, await store.listSuppressions(), now);
      cached = { at: now.getTime(), list };
      return list;
    } catch (error) {
      // Without the list we would alert on what should be quiet; with a stale one, on nothing new.
      if (!cached) throw error;
      logger.warn('suppressions could not be re-read; using the previous list', { error });
      return cached.list;
    }
  };
}
