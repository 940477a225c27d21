/**
 * The fleet as a whole, over the ports of each check family: the StackSet's instances (which also tell
 * the forwarder regions when none are given), the forwarder rules of a sample of accounts (all with
 * `deep`), every account's heartbeats, the monitor's bus, rules, queues and alarms, and the Slack
 * secrets and topic subscriptions. One family failing to read is a finding; the others still run.
 */
import type { DerivedPattern } from '../../rules/eventbridge/derive';
import { MONITOR_REGION, type RegionsConfig } from '../../rules/regions';
import { type CentralPort, checkCentral } from './central-checks';
import { type Check, check } from './check';
import { type FleetAccount, sampleAccounts } from './fleet';
import { checkForwarders, type ForwarderPort } from './forwarder-checks';
import { checkHeartbeatStore, type HeartbeatStatesPort } from './heartbeat-checks';
import { checkNotifications, type NotificationPort } from './notification-checks';
import { checkStackSet, type StackSetPort } from './stackset-checks';

export interface FleetPorts {
  stackSet: StackSetPort;
  forwarders: ForwarderPort;
  central: CentralPort;
  notifications: NotificationPort;
  /** The heartbeat store in the ledger table; absent when no table was named. */
  heartbeats?: HeartbeatStatesPort;
  /** Releases what the ports hold (connections). */
  close?(): void;
}

export interface FleetCheckOptions {
  resourcePrefix: string;
  /** Every active account of the organization, the management account included. */
  accounts: readonly FleetAccount[];
  /** Not a StackSet target (StackSets skip it); it has plain forwarder stacks. */
  managementAccountId?: string;
  /** The forwarder StackSet; absent in single-account mode. */
  stackSetName?: string;
  /** Forwarder regions; absent: the StackSet instances' regions (us-east-1 always). */
  regions?: readonly string[];
  identityCenterRegion: string;
  patterns: readonly DerivedPattern[];
  /** Check the forwarder rules of every account, not a sample. */
  deep: boolean;
  sampleSize: number;
  concurrency: number;
  heartbeatLateAfterMs: number;
  busName: string;
  topics: readonly string[];
  extraSecrets: readonly string[];
  now: Date;
  onProgress?: (text?: string) => void;
}

export async function checkFleet(ports: FleetPorts, options: FleetCheckOptions): Promise<Check[]> {
  const checks: Check[] = [];
  let regions = options.regions ? [...options.regions] : undefined;
  if (options.stackSetName) {
    const members = options.accounts.filter((a) => a.accountId !== options.managementAccountId);
    const { checks: stackSet, instances } = await checkStackSet(ports.stackSet, {
      stackSetName: options.stackSetName,
      accounts: members,
      regions: regions ?? [],
    });
    checks.push(...stackSet);
    regions ??= [...new Set([MONITOR_REGION, ...instances.map((i) => i.region)])];
  }
  regions ??= [MONITOR_REGION];

  const placement: RegionsConfig = {
    monitor: MONITOR_REGION,
    forwarders: regions,
    identityCenter: options.identityCenterRegion,
    identityCenterAssumed: false,
    warnings: [],
  };
  const sampled = options.deep ? [...options.accounts] : sampleAccounts(options.accounts, options.sampleSize);
  if (!options.deep && sampled.length < options.accounts.length) {
    checks.push(
      check(
        'forwarders',
        'forwarders:sample',
        'accounts checked',
        'pass',
        `a sample of ${sampled.length} of ${options.accounts.length} accounts (--deep for all)`,
      ),
    );
  }
  checks.push(
    ...(await checkForwarders(ports.forwarders, {
      resourcePrefix: options.resourcePrefix,
      accounts: sampled,
      regions,
      placement,
      patterns: options.patterns,
      concurrency: options.concurrency,
      onAccount: (done, total) => options.onProgress?.(`forwarder rules: ${done}/${total} accounts`),
    })),
  );
  options.onProgress?.();

  if (ports.heartbeats) {
    checks.push(
      ...(await checkHeartbeatStore(ports.heartbeats, {
        accounts: options.accounts,
        regions,
        now: options.now,
        lateAfterMs: options.heartbeatLateAfterMs,
      })),
    );
  } else {
    checks.push(
      check(
        'heartbeats',
        'heartbeats:store',
        'heartbeats',
        'warn',
        'not checked: pass --table with the ledger table',
      ),
    );
  }
  checks.push(
    ...(await checkCentral(ports.central, {
      resourcePrefix: options.resourcePrefix,
      busName: options.busName,
      patterns: options.patterns,
    })),
  );
  checks.push(
    ...(await checkNotifications(ports.notifications, {
      resourcePrefix: options.resourcePrefix,
      extraSecrets: options.extraSecrets,
      topics: options.topics,
    })),
  );
  return checks;
}
