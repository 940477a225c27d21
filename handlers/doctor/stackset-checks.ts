/**
 * Does the forwarder StackSet reach every account? A service-managed StackSet should hold one
 * `CURRENT` instance per active member account × forwarder region (the management account has plain
 * forwarder stacks instead: StackSets skip it). Missing instances, `OUTDATED` ones (a failed or
 * stopped operation) and `INOPERABLE` ones are named with CloudFormation's own reason.
 */
import { MONITOR_REGION } from '../../rules/regions';
import { type Check, check } from './check';
import { accountLabel, describeError, type FleetAccount, isAccessDenied } from './fleet';

/** One row of CloudFormation ListStackInstances. */
export interface StackInstance {
  account: string;
  region: string;
  /** `CURRENT`, `OUTDATED` or `INOPERABLE`. */
  status?: string;
  /** `StackInstanceStatus.DetailedStatus`: `PENDING`, `RUNNING`, `SUCCEEDED`, `FAILED`, `CANCELLED` … */
  detailedStatus?: string;
  statusReason?: string;
}

/** The one call this check makes. */
export interface StackSetPort {
  /** Every instance of the StackSet (all pages). Throws `StackSetNotFoundException` when there is none. */
  listStackInstances(stackSetName: string): Promise<StackInstance[]>;
}

export interface StackSetCheckOptions {
  stackSetName: string;
  /** The member accounts that must have instances (active, management account excluded). */
  accounts: readonly FleetAccount[];
  /** Forwarder regions; empty: the regions the StackSet's instances are in. */
  regions: readonly string[];
}

const GROUP = 'stackset';
/** Operations still under way: the instance will be current or failed soon. */
const IN_PROGRESS = new Set(['PENDING', 'RUNNING']);
/** At most this many problem lines per kind; the rest are counted. */
const MAX_LINES = 20;

export async function checkStackSet(
  port: StackSetPort,
  options: StackSetCheckOptions,
): Promise<{ checks: Check[]; instances: StackInstance[] }> {
  let instances: StackInstance[];
  try {
    instances = await port.listStackInstances(options.stackSetName);
  } catch (error) {
    const notFound = error instanceof Error && error.name === 'StackSetNotFoundException';
    const why = notFound
      ? `no StackSet ${options.stackSetName} (check --stack-set and --call-as: a delegated administrator needs DELEGATED_ADMIN)`
      : `${isAccessDenied(error) ? 'access denied' : 'cannot list its instances'}: ${describeError(error)}`;
    return { checks: [check(GROUP, 'stackset:found', options.stackSetName, 'fail', why)], instances: [] };
  }
  return { checks: judgeStackInstances(instances, options), instances };
}

/** Every expected account × region against the instances found. */
export function judgeStackInstances(
  instances: readonly StackInstance[],
  options: StackSetCheckOptions,
): Check[] {
  const regions =
    options.regions.length > 0
      ? [...options.regions]
      : [...new Set(instances.map((i) => i.region))].sort(monitorFirst);
  const byKey = new Map(instances.map((instance) => [`${instance.account}#${instance.region}`, instance]));
  const problems: Check[] = [];
  let current = 0;
  let expected = 0;
  for (const account of options.accounts) {
    for (const region of regions) {
      expected++;
      const instance = byKey.get(`${account.accountId}#${region}`);
      const id = `stackset:${account.accountId}:${region}`;
      const title = `${accountLabel(account)} ${region}`;
      if (!instance) {
        problems.push(
          check(
            GROUP,
            id,
            title,
            'fail',
            'no stack instance: no forwarders here (is the account in a target OU?)',
          ),
        );
        continue;
      }
      if (instance.status === 'CURRENT') {
        current++;
        continue;
      }
      problems.push(judgeInstance(instance, id, title));
    }
  }
  const checks: Check[] = [];
  const status = problems.some((p) => p.status === 'fail') ? 'fail' : problems.length > 0 ? 'warn' : 'pass';
  checks.push(
    check(
      GROUP,
      'stackset:instances',
      options.stackSetName,
      status,
      `${current} of ${expected} instances CURRENT (${options.accounts.length} accounts × ${regions.length} regions: ${regions.join(', ') || 'none'})`,
    ),
  );
  checks.push(...problems.slice(0, MAX_LINES));
  if (problems.length > MAX_LINES) {
    checks.push(
      check(
        GROUP,
        'stackset:more',
        'more instances',
        status,
        `${problems.length - MAX_LINES} more not CURRENT (aws cloudformation list-stack-instances shows them)`,
      ),
    );
  }
  return checks;
}

/** us-east-1 first, as the configuration lists forwarder regions; the others by name. */
function monitorFirst(a: string, b: string): number {
  if (a === MONITOR_REGION || b === MONITOR_REGION) return a === MONITOR_REGION ? -1 : 1;
  return a < b ? -1 : 1;
}

function judgeInstance(instance: StackInstance, id: string, title: string): Check {
  const detailed = instance.detailedStatus;
  const reason = instance.statusReason ? `: ${instance.statusReason}` : '';
  const state = `${instance.status ?? 'no status'}${detailed ? ` (${detailed})` : ''}${reason}`;
  if (instance.status === 'OUTDATED' && detailed && IN_PROGRESS.has(detailed)) {
    return check(GROUP, id, title, 'warn', `${state}; an operation is under way`);
  }
  if (instance.status === 'INOPERABLE') {
    return check(
      GROUP,
      id,
      title,
      'fail',
      `${state}; delete the instance with --retain-stacks and the stack by hand, then let auto-deployment recreate it`,
    );
  }
  return check(
    GROUP,
    id,
    title,
    'fail',
    `${state}; fix the cause and update the StackSet (or retry the operation)`,
  );
}
