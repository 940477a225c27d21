/**
 * The heartbeat function, a factory over its ports. Two kinds of event reach it:
 *
 * - a forwarded heartbeat (`source: iamwatch.heartbeat`), which EventBridge stamped with the account
 *   and region it was put in: recorded as that reporter's last heartbeat, nothing else;
 * - the scheduled check (`Scheduled Event`): expected reporters (accounts from the directory × the
 *   forwarder regions) are compared with the stored heartbeats, and "silent" / "recovered" notices go
 *   to the operations topic (and from there to Slack). When the end-to-end canary is deployed, the
 *   same check compares the canary's newest write (recorded by the record function) with the deadline,
 *   first, so a failing Organizations listing never hides a silent canary.
 */
import type { Clock, Logger } from '../ports';
import type { AccountDirectory } from './accounts';
import {
  type CanaryNotice,
  checkCanary,
  checkHeartbeats,
  describeCanaryNotice,
  describeNotice,
  type HeartbeatNotice,
  type Reporter,
} from './check';
import type { HeartbeatStore } from './store';

/** What the forwarders' schedules put on each default bus. */
export const HEARTBEAT_SOURCE = 'iamwatch.heartbeat';
export const HEARTBEAT_DETAIL_TYPE = 'iamwatch heartbeat';

/** The EventBridge envelope fields the function reads. */
export interface HeartbeatEvent {
  source?: string;
  'detail-type'?: string;
  account?: string;
  region?: string;
  time?: string;
}

export interface HeartbeatDeps {
  store: HeartbeatStore;
  directory: AccountDirectory;
  /** Every region with forwarders. */
  regions: readonly string[];
  lateAfterMs: number;
  /** The end-to-end canary, checked against the same deadline; not checked when absent. */
  canary?: { accountId: string; roleName: string };
  clock: Clock;
  /** Sends one operational message (the operations topic). */
  publish(message: { subject: string; message: string }): Promise<void>;
  logger: Logger;
}

export type HeartbeatOutcome =
  | { kind: 'recorded'; accountId: string; region: string; at: string }
  | {
      kind: 'checked';
      expected: number;
      notices: HeartbeatNotice[];
      departed: number;
      canaryNotice?: CanaryNotice;
    }
  | { kind: 'ignored'; reason: string };

/** A heartbeat event that cannot be attributed: bad input, logged and dropped. */
class InvalidHeartbeatError extends Error {
  override readonly name = 'InvalidHeartbeatError';
}

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export function createHeartbeatHandler(
  deps: HeartbeatDeps,
): (event: HeartbeatEvent) => Promise<HeartbeatOutcome> {
  return async (event) => {
    if (event.source === HEARTBEAT_SOURCE && event['detail-type'] === HEARTBEAT_DETAIL_TYPE) {
      return record(event, deps);
    }
    if (event['detail-type'] === 'Scheduled Event') return check(deps);
    deps.logger.warn('event ignored: neither a heartbeat nor the scheduled check', {
      source: event.source,
      detailType: event['detail-type'],
    });
    return { kind: 'ignored', reason: 'not a heartbeat or scheduled event' };
  };
}

async function record(event: HeartbeatEvent, deps: HeartbeatDeps): Promise<HeartbeatOutcome> {
  const { account, region, time } = event;
  if (
    !account ||
    !ACCOUNT.test(account) ||
    !region ||
    !REGION.test(region) ||
    !time ||
    Number.isNaN(Date.parse(time))
  ) {
    const error = new InvalidHeartbeatError('heartbeat without a valid account, region and time');
    deps.logger.error('heartbeat dropped', { account, region, time, error });
    return { kind: 'ignored', reason: error.message };
  }
  const at = new Date(time).toISOString();
  await deps.store.recordHeartbeat(account, region, at);
  return { kind: 'recorded', accountId: account, region, at };
}

async function check(deps: HeartbeatDeps): Promise<HeartbeatOutcome> {
  const canaryNotice = deps.canary ? await checkTheCanary(deps, deps.canary) : undefined;
  const accounts = await deps.directory.expectedAccounts();
  // An empty organization cannot be right (the management account always reports); concluding from it
  // would forget every reporter.
  if (accounts.length === 0) throw new Error('the account directory returned no accounts; check skipped');
  const expected: Reporter[] = accounts.flatMap((account) =>
    deps.regions.map((region) => ({
      accountId: account.id,
      region,
      ...(account.name ? { accountName: account.name } : {}),
    })),
  );
  const result = checkHeartbeats({
    now: deps.clock.now(),
    lateAfterMs: deps.lateAfterMs,
    expected,
    states: await deps.store.states(),
  });
  // Publish before saving: if publishing fails, the next check finds the same change and tries again.
  for (const notice of result.notices) {
    await deps.publish(describeNotice(notice));
    deps.logger.warn(`heartbeat ${notice.kind}`, {
      accountId: notice.reporter.accountId,
      region: notice.reporter.region,
    });
  }
  for (const state of result.changed) await deps.store.saveCheck(state);
  for (const state of result.departed) await deps.store.forget(state);
  return {
    kind: 'checked',
    expected: expected.length,
    notices: result.notices,
    departed: result.departed.length,
    ...(canaryNotice ? { canaryNotice } : {}),
  };
}

async function checkTheCanary(
  deps: HeartbeatDeps,
  canary: { accountId: string; roleName: string },
): Promise<CanaryNotice | undefined> {
  const { notice, changed } = checkCanary({
    now: deps.clock.now(),
    lateAfterMs: deps.lateAfterMs,
    state: await deps.store.canaryState(),
  });
  // Publish before saving, as for heartbeats: a failed publish is found again by the next check.
  if (notice) {
    await deps.publish(describeCanaryNotice(notice, canary));
    deps.logger.warn(`canary ${notice.kind}`, { roleName: canary.roleName, lastSeenAt: notice.lastSeenAt });
  }
  if (changed) await deps.store.saveCanaryCheck(changed);
  return notice;
}
