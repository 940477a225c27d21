/**
 * Does every forwarder still prove its path? Each account × forwarder region sends a heartbeat
 * through the same role and target as real events; the monitor stores the newest per reporter
 * (`handlers/heartbeat/store.ts`). A reporter whose newest heartbeat is older than the allowed
 * silence, or that never sent one, is named.
 */
import { type CanaryState, type ReporterState, reporterKey } from '../heartbeat/check';
import { type Check, type CheckStatus, check, formatAge } from './check';
import { accountLabel, describeError, type FleetAccount } from './fleet';

/** What the check reads of the heartbeat store. */
export interface HeartbeatStatesPort {
  states(): Promise<ReporterState[]>;
  /** The end-to-end canary's newest arrival (`handlers/heartbeat/store.ts`). */
  canaryState(): Promise<CanaryState | undefined>;
}

export interface HeartbeatCheckOptions {
  accounts: readonly FleetAccount[];
  regions: readonly string[];
  now: Date;
  /** A heartbeat older than this is late (the monitor's own check uses 45 minutes). */
  lateAfterMs: number;
}

const GROUP = 'heartbeats';
const MAX_LINES = 20;

export async function checkHeartbeatStore(
  store: HeartbeatStatesPort,
  options: HeartbeatCheckOptions,
): Promise<Check[]> {
  let states: ReporterState[];
  try {
    states = await store.states();
  } catch (error) {
    return [
      check(GROUP, 'heartbeats:read', 'heartbeat store', 'fail', `cannot read: ${describeError(error)}`),
    ];
  }
  let canary: CanaryState | undefined;
  try {
    canary = await store.canaryState();
  } catch (error) {
    return [
      ...judgeHeartbeats(states, options),
      check(GROUP, 'heartbeat:canary', 'end-to-end canary', 'fail', `cannot read: ${describeError(error)}`),
    ];
  }
  return [...judgeHeartbeats(states, options), judgeCanary(canary, options)];
}

/**
 * The canary proves the whole path (CloudTrail → EventBridge → forwarder → central bus → record) for
 * the security account; its clock is the write's own time, so a canary that arrived but took longer
 * than the deadline is late too, as the monitor's check judges it.
 */
export function judgeCanary(
  state: CanaryState | undefined,
  options: Pick<HeartbeatCheckOptions, 'now' | 'lateAfterMs'>,
): Check {
  const line = (status: CheckStatus, detail: string) =>
    check(GROUP, 'heartbeat:canary', 'end-to-end canary', status, detail);
  if (!state?.lastSeenAt) {
    return line(
      'warn',
      'no canary write has reached the ledger: heartbeat.canary is off, it was deployed moments ago, or ' +
        'its TagRole event never arrives (is the security account a StackSet target?)',
    );
  }
  const age = options.now.getTime() - Date.parse(state.lastSeenAt);
  const trip =
    state.arrivedAt !== undefined
      ? `, recorded ${formatAge(Date.parse(state.arrivedAt) - Date.parse(state.lastSeenAt))} after it was written`
      : '';
  if (age > options.lateAfterMs) {
    return line(
      'fail',
      `late: newest canary write that reached the ledger was ${formatAge(age)} ago (${state.lastSeenAt})${trip}; ` +
        `allowed ${formatAge(options.lateAfterMs)}`,
    );
  }
  return line('pass', `newest write ${formatAge(age)} ago${trip}`);
}

export function judgeHeartbeats(states: readonly ReporterState[], options: HeartbeatCheckOptions): Check[] {
  if (states.every((state) => !state.lastSeenAt)) {
    return [
      check(
        GROUP,
        'heartbeats:any',
        'heartbeats',
        'warn',
        'none stored: heartbeat.enabled is off in the configuration, or no forwarder has sent one yet',
      ),
    ];
  }
  const byKey = new Map(states.map((state) => [reporterKey(state), state]));
  const late: Check[] = [];
  let fresh = 0;
  const now = options.now.getTime();
  for (const account of options.accounts) {
    for (const region of options.regions) {
      const state = byKey.get(reporterKey({ accountId: account.accountId, region }));
      const failed = (detail: string) =>
        late.push(
          check(
            GROUP,
            `heartbeat:${account.accountId}:${region}`,
            `${accountLabel(account)} ${region}`,
            'fail',
            detail,
          ),
        );
      if (!state?.lastSeenAt) {
        failed('never sent a heartbeat: forwarders missing, or their target role or bus policy is wrong');
        continue;
      }
      const age = now - Date.parse(state.lastSeenAt);
      if (age > options.lateAfterMs) {
        failed(
          `late: newest heartbeat ${formatAge(age)} ago (${state.lastSeenAt}), allowed ${formatAge(options.lateAfterMs)}`,
        );
      } else fresh++;
    }
  }
  const total = options.accounts.length * options.regions.length;
  const checks = [
    check(
      GROUP,
      'heartbeats:fresh',
      'heartbeats',
      late.length > 0 ? 'fail' : 'pass',
      `${fresh} of ${total} account × region heard within ${formatAge(options.lateAfterMs)}`,
    ),
    ...late.slice(0, MAX_LINES),
  ];
  if (late.length > MAX_LINES) {
    checks.push(
      check(
        GROUP,
        'heartbeats:more',
        'more reporters',
        'fail',
        `${late.length - MAX_LINES} more late or silent`,
      ),
    );
  }
  return checks;
}
