/**
 * Suppressions are data: who may stay quiet about what, why, and until when. This module holds
 * whether one matches an entry, expiry, and the reader the notify path uses; creating one is in
 * ./create.ts. The rows live in the ledger table (handlers/ledger/control-items.ts).
 *
 * A suppression silences an entry on every channel when each of the entry's detections is matched
 * by an active suppression; an entry that also fired something not suppressed is still posted. A
 * `critical` hit is matched only by a suppression created with `allowCritical`.
 */
import type { LedgerEntry } from '../../rules/types';
import type { Clock, Logger, Suppression, SuppressionStore } from '../ports';

/** How long the notify Lambda reuses the suppressions it read. */
export const DEFAULT_SUPPRESSION_CACHE_MS = 60_000;

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
