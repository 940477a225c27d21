/**
 * Does every forwarder still prove its path? Each account × forwarder region sends a heartbeat
 * through the same role and target as real events; the monitor stores the newest per reporter
 * (`handlers/heartbeat/store.ts`). A reporter whose newest heartbeat is older than the allowed
 * silence, or that never sent one, is named.
 */
import { type ReporterState, reporterKey } from '../heartbeat/check';
import { type Check, check, formatAge } from './check';
import { accountLabel, describeError, type FleetAccount } from './fleet';

/** What the check reads of the heartbeat store. */
export interface HeartbeatStatesPort {
  states(): Promise<ReporterState[]>;
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
  return judgeHeartbeats(states, options);
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
      const id = `heartbeat:${account.accountId}:${region}`;
      const title = `${accountLabel(account)} ${region}`;
      if (!state?.lastSeenAt) {
        late.push(
          check(
            GROUP,
            id,
            title,
            'fail',
            'never sent a heartbeat: forwarders missing, or their target role or bus policy is wrong',
          ),
        );
        continue;
      }
      const age = now - Date.parse(state.lastSeenAt);
      if (age > options.lateAfterMs) {
        late.push(
          check(
            GROUP,
            id,
            title,
            'fail',
            `late: newest heartbeat ${formatAge(age)} ago (${state.lastSeenAt}), allowed ${formatAge(options.lateAfterMs)}`,
          ),
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
