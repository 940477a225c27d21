/**
 * Creating a suppression (`iamwatch suppress add`): the request is checked against the detection
 * catalog and the lifetime rules. Apart from ./suppression.ts so that the notify function, which only
 * matches suppressions, does not load the catalog.
 */
import { randomBytes } from 'node:crypto';
import { findDetection } from '../../rules/registry';
import { durationMs, parseTimeBound, TimeBoundError } from '../ledger/time';
import type { Suppression } from '../ports';

/** Default and configurable ceiling on how long a suppression may last. */
export const DEFAULT_SUPPRESSION_MAX_DAYS = 90;

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
