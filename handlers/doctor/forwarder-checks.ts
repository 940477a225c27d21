/**
 * Do the forwarders in member accounts still forward? In each account × region the rules on the
 * default bus named `<prefix>-fwd-<pattern>` must exist, be in the state the stacks deploy them in
 * (`ENABLED`, or `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` for read-only CloudTrail calls) and
 * carry exactly the pattern derived from the catalog: a disabled or hand-edited rule loses events
 * silently.
 */
import type { DerivedPattern, EventPattern } from '../../rules/eventbridge/derive';
import { ENABLED } from '../../rules/eventbridge/rule-state';
import { forwarderRuleName, patternsForRegion } from '../../rules/placement';
import type { RegionsConfig } from '../../rules/regions';
import { type Check, check } from './check';
import { accountLabel, eachLimited, type FleetAccount, unreadable } from './fleet';

/** An EventBridge rule as ListRules returns it. */
export interface EventRule {
  name: string;
  state?: string;
  /** The pattern as JSON text. */
  eventPattern?: string;
}

/** The rules on one account's default bus in one region (through the role assumed there). */
export interface ForwarderPort {
  listRules(accountId: string, region: string, namePrefix: string): Promise<EventRule[]>;
}

/** A rule the stacks deploy: its name, state and pattern. */
export interface ExpectedRule {
  name: string;
  state: string;
  pattern: EventPattern;
}

export interface ForwarderCheckOptions {
  resourcePrefix: string;
  accounts: readonly FleetAccount[];
  regions: readonly string[];
  /** Where placements run (Identity Center home region). */
  placement: RegionsConfig;
  /** The derived patterns (`derivePatterns(CATALOG)`). */
  patterns: readonly DerivedPattern[];
  concurrency: number;
  /** Called after each account, for a progress line. */
  onAccount?: (done: number, total: number) => void;
}

const GROUP = 'forwarders';

/** The forwarder rules the stacks deploy in `region`, as `stacks/constructs/forwarder-rules.ts` builds them. */
export function expectedForwarderRules(
  patterns: readonly DerivedPattern[],
  region: string,
  placement: RegionsConfig,
  resourcePrefix: string,
): ExpectedRule[] {
  return patternsForRegion(patterns, region, placement).map((placed) => ({
    name: forwarderRuleName(resourcePrefix, placed.name),
    state: placed.state ?? ENABLED,
    pattern: placed.pattern,
  }));
}

export async function checkForwarders(port: ForwarderPort, options: ForwarderCheckOptions): Promise<Check[]> {
  const prefix = forwarderRuleName(options.resourcePrefix, '');
  let done = 0;
  const perAccount = await eachLimited(options.accounts, options.concurrency, async (account) => {
    const checks: Check[] = [];
    for (const region of options.regions) {
      const id = `forwarders:${account.accountId}:${region}`;
      const title = `${accountLabel(account)} ${region}`;
      const expected = expectedForwarderRules(
        options.patterns,
        region,
        options.placement,
        options.resourcePrefix,
      );
      try {
        const found = await port.listRules(account.accountId, region, prefix);
        checks.push(judgeRules(found, expected, GROUP, id, title));
      } catch (error) {
        checks.push(check(GROUP, id, title, 'fail', unreadable(error)));
        // A role that cannot be assumed fails alike in every region: say it once.
        if (isAssumeFailure(error)) break;
      }
    }
    options.onAccount?.(++done, options.accounts.length);
    return checks;
  });
  return perAccount.flat();
}

/** The rules found on one bus against the ones the stacks deploy there. */
export function judgeRules(
  found: readonly EventRule[],
  expected: readonly ExpectedRule[],
  group: string,
  id: string,
  title: string,
): Check {
  const byName = new Map(found.map((rule) => [rule.name, rule]));
  const missing: string[] = [];
  const wrongState: string[] = [];
  const wrongPattern: string[] = [];
  for (const rule of expected) {
    const actual = byName.get(rule.name);
    if (!actual) {
      missing.push(rule.name);
      continue;
    }
    if (actual.state !== rule.state)
      wrongState.push(`${rule.name} is ${actual.state ?? 'in no state'}, not ${rule.state}`);
    if (!samePattern(actual.eventPattern, rule.pattern)) wrongPattern.push(rule.name);
  }
  const problems = [
    ...(missing.length > 0 ? [`missing: ${missing.join(', ')}`] : []),
    ...wrongState,
    ...(wrongPattern.length > 0
      ? [
          `pattern differs from the derived one (edited by hand, or an old deployment): ${wrongPattern.join(', ')}`,
        ]
      : []),
  ];
  if (problems.length > 0) return check(group, id, title, 'fail', problems.join('; '));
  return check(group, id, title, 'pass', `${expected.length} rules enabled with the derived patterns`);
}

/** Pattern equality regardless of key order (EventBridge may return the JSON re-serialized). */
export function samePattern(actual: string | undefined, expected: EventPattern): boolean {
  if (actual === undefined) return false;
  try {
    return canonical(JSON.parse(actual)) === canonical(expected);
  } catch {
    return false;
  }
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function isAssumeFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'AssumeRoleError';
}
