/**
 * Is the monitor itself healthy? In the security account: the central bus admits only iamwatch's
 * forwarder roles from the organization, the central rules are enabled with the derived patterns,
 * every iamwatch dead-letter queue is empty, and no iamwatch alarm is in `ALARM`.
 */
import type { DerivedPattern } from '../../rules/eventbridge/derive';
import { ENABLED } from '../../rules/eventbridge/rule-state';
import { centralRuleName } from '../../rules/placement';
import { type Check, check } from './check';
import { describeError } from './fleet';
import { type EventRule, type ExpectedRule, judgeRules } from './forwarder-checks';

export interface QueueDepth {
  name: string;
  /** SQS ApproximateNumberOfMessages. */
  visible: number;
}

export interface AlarmState {
  name: string;
  reason?: string;
  /** When it entered ALARM (ISO-8601). */
  since?: string;
}

/** The security account's reads, in us-east-1 with the caller's own credentials. */
export interface CentralPort {
  /** The bus's resource policy (JSON text); `undefined` when the bus has none. Throws when there is no bus. */
  busPolicy(busName: string): Promise<string | undefined>;
  listRules(busName: string, namePrefix: string): Promise<EventRule[]>;
  /** Depth of every queue whose name starts with `namePrefix`. */
  queueDepths(namePrefix: string): Promise<QueueDepth[]>;
  /** Alarms whose name starts with `namePrefix` and whose state is ALARM. */
  alarmsInAlarm(namePrefix: string): Promise<AlarmState[]>;
}

export interface CentralCheckOptions {
  resourcePrefix: string;
  /** The monitored bus: `<prefix>-central` in organization mode, `default` in single-account mode. */
  busName: string;
  patterns: readonly DerivedPattern[];
}

const GROUP = 'central';

export async function checkCentral(port: CentralPort, options: CentralCheckOptions): Promise<Check[]> {
  const prefix = options.resourcePrefix;
  const checks: Check[] = [];
  if (options.busName !== 'default') {
    checks.push(
      await attempt('central:bus-policy', `bus ${options.busName}`, async () =>
        judgeBusPolicy(await port.busPolicy(options.busName), options.busName),
      ),
    );
  }
  checks.push(
    await attempt('central:rules', `rules on ${options.busName}`, async () => {
      const expected: ExpectedRule[] = options.patterns.map((derived) => ({
        name: centralRuleName(prefix, derived.name),
        state: derived.state ?? ENABLED,
        pattern: derived.pattern,
      }));
      const found = await port.listRules(options.busName, `${prefix}-`);
      return judgeRules(found, expected, GROUP, 'central:rules', `rules on ${options.busName}`);
    }),
  );
  try {
    checks.push(...judgeQueues(await port.queueDepths(`${prefix}-`), prefix));
  } catch (error) {
    checks.push(
      check(GROUP, 'central:dlq', 'dead-letter queues', 'fail', `cannot read: ${describeError(error)}`),
    );
  }
  try {
    checks.push(...judgeAlarms(await port.alarmsInAlarm(`${prefix}-`), prefix));
  } catch (error) {
    checks.push(check(GROUP, 'central:alarms', 'alarms', 'fail', `cannot read: ${describeError(error)}`));
  }
  return checks;
}

async function attempt(id: string, title: string, run: () => Promise<Check>): Promise<Check> {
  try {
    return await run();
  } catch (error) {
    const missing = error instanceof Error && error.name === 'ResourceNotFoundException';
    return check(
      GROUP,
      id,
      title,
      'fail',
      missing ? 'not found (--bus, --prefix)' : `cannot read: ${describeError(error)}`,
    );
  }
}

interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * Closed: every statement that allows a wildcard principal is held to the organization
 * (`aws:PrincipalOrgID`) and to iamwatch's forwarder roles (`aws:PrincipalArn`), as the monitor stack
 * writes it; other statements name their principals.
 */
export function judgeBusPolicy(policy: string | undefined, busName: string): Check {
  const title = `bus ${busName} policy`;
  if (!policy) {
    return check(
      GROUP,
      'central:bus-policy',
      title,
      'fail',
      'no resource policy: no member account can put events on the bus',
    );
  }
  let statements: PolicyStatement[];
  try {
    const parsed = JSON.parse(policy) as { Statement?: PolicyStatement | PolicyStatement[] };
    statements = Array.isArray(parsed.Statement)
      ? parsed.Statement
      : parsed.Statement
        ? [parsed.Statement]
        : [];
  } catch {
    return check(GROUP, 'central:bus-policy', title, 'fail', 'the policy is not JSON');
  }
  const open: string[] = [];
  const loose: string[] = [];
  for (const [index, statement] of statements.entries()) {
    if (statement.Effect !== 'Allow' || !allowsAnyone(statement.Principal)) continue;
    const name = statement.Sid ?? `statement ${index + 1}`;
    const keys = conditionKeys(statement.Condition);
    if (!keys.has('aws:principalorgid')) open.push(name);
    else if (!keys.has('aws:principalarn')) loose.push(name);
  }
  if (open.length > 0) {
    return check(
      GROUP,
      'central:bus-policy',
      title,
      'fail',
      `open: ${open.join(', ')} allow${open.length === 1 ? 's' : ''} any AWS principal without aws:PrincipalOrgID: anyone can put forged events`,
    );
  }
  if (loose.length > 0) {
    return check(
      GROUP,
      'central:bus-policy',
      title,
      'warn',
      `${loose.join(', ')} admit${loose.length === 1 ? 's' : ''} any principal of the organization, not only the forwarder roles (aws:PrincipalArn)`,
    );
  }
  return check(
    GROUP,
    'central:bus-policy',
    title,
    'pass',
    `closed: ${statements.length} statement(s), principals restricted`,
  );
}

function allowsAnyone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') {
    const aws = (principal as Record<string, unknown>).AWS;
    return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
  }
  return false;
}

function conditionKeys(condition: PolicyStatement['Condition']): Set<string> {
  const keys = new Set<string>();
  for (const operands of Object.values(condition ?? {})) {
    for (const key of Object.keys(operands ?? {})) keys.add(key.toLowerCase());
  }
  return keys;
}

/** Every iamwatch queue is a dead-letter queue: anything in one is a lost event or alert. */
export function judgeQueues(queues: readonly QueueDepth[], prefix: string): Check[] {
  if (queues.length === 0) {
    return [
      check(
        GROUP,
        'central:dlq',
        'dead-letter queues',
        'warn',
        `no queue named ${prefix}-… in this account and region`,
      ),
    ];
  }
  const full = queues.filter((queue) => queue.visible > 0);
  if (full.length === 0) {
    return [check(GROUP, 'central:dlq', 'dead-letter queues', 'pass', `${queues.length} queues, all empty`)];
  }
  return failEach(
    full,
    'central:dlq',
    (queue) =>
      `${queue.visible} message${queue.visible === 1 ? '' : 's'} waiting: failed deliveries (read them, fix the cause, then redrive or iamwatch resend)`,
  );
}

export function judgeAlarms(alarms: readonly AlarmState[], prefix: string): Check[] {
  if (alarms.length === 0)
    return [check(GROUP, 'central:alarms', 'alarms', 'pass', `no ${prefix}-… alarm in ALARM`)];
  return failEach(
    alarms,
    'central:alarm',
    (alarm) =>
      `in ALARM${alarm.since ? ` since ${alarm.since}` : ''}${alarm.reason ? `: ${alarm.reason}` : ''}`,
  );
}

/** One failing check per named thing, with the id `<idPrefix>:<name>`. */
function failEach<T extends { name: string }>(
  items: readonly T[],
  idPrefix: string,
  detail: (item: T) => string,
): Check[] {
  return items.map((item) => check(GROUP, `${idPrefix}:${item.name}`, item.name, 'fail', detail(item)));
}
