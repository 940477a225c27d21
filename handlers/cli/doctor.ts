/**
 * `iamwatch doctor`: does the pipeline still see every account? From the ledger, the newest entry of
 * every organization account and the accounts nobody configured; with `--trail`, whether the trail
 * logs, delivers, covers all regions, global services and the organization, and selects management
 * write events; with `--fleet`, the StackSet's instances, the forwarder rules in member accounts,
 * heartbeats, the central bus, queues and alarms, Slack secrets and topic subscriptions. A checklist
 * or a table for people, or JSON; exit 1 when any check fails.
 */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { derivePatterns } from '../../rules/eventbridge/derive';
import { isKnownRegion, MONITOR_REGION } from '../../rules/regions';
import { CATALOG } from '../../rules/registry';
import type { DetectionContext } from '../../rules/types';
import { createCloudTrailClient, type SdkSettings } from '../backfill/client';
import {
  callerAccount,
  centralPort,
  forwarderPort,
  notificationPort,
  stackSetPort,
} from '../doctor/aws-ports';
import type { Check } from '../doctor/check';
import { allPassed } from '../doctor/check';
import { DEFAULT_CONCURRENCY, type FleetAccount } from '../doctor/fleet';
import { checkFleet, type FleetPorts } from '../doctor/fleet-checks';
import { checkLedger } from '../doctor/ledger-checks';
import { checkOrganization, type OrganizationCheckInput } from '../doctor/organization-checks';
import { renderChecklist, renderChecklistJson, renderChecklistTable, type Section } from '../doctor/render';
import { checkTrail, watchedEventSources } from '../doctor/trail-checks';
import { DynamoHeartbeatStore } from '../heartbeat/store';
import { createDocumentClient } from '../ledger/dynamo-store';
import type { CachedOrganization } from '../organization/cache';
import { DynamoSnapshotStore } from '../organization/store';
import {
  accountIdOption,
  accountIdsOption,
  formatOption,
  noPositionals,
  oneOf,
  parse,
  positiveInteger,
  printHelp,
} from './args';
import { progressLine } from './audit-sources';
import { loadDetectionContext } from './context';
import { flags } from './flags';
import { type CliIo, EXIT, UsageError } from './io';
import { applyOrganization, ORGANIZATION_HELP, organizationOptions } from './organization';
import { STORE_HELP, storeKindOf, storeOptions, withStore } from './store';

const HELP = `Usage: iamwatch doctor [options]

Checks that the pipeline still sees every account, (with --trail) that the trail feeding it works, and
(with --fleet) that every account forwards. Read-only. Exit code 0 when every check passes (warnings
allowed), 1 when any fails, 2 on a usage error.

Ledger checks (local store by default; --table NAME for the deployed ledger):
  --accounts ID[,ID…]      accounts that must be heard from (default: the config's organizationAccountIds)
  --max-silence DURATION   an account with no ledger entry for longer fails (default 7d; quiet accounts
                           may need longer: the ledger holds IAM changes and sign-ins only)
  --lookback DURATION      how far back to look for accounts nobody configured (default 30d)
  --scan-limit N           read at most N entries for that (default 10000)
  --config FILE            detection context JSON (organization accounts, account names)

Trail checks (CloudTrail GetTrailStatus, DescribeTrails, GetEventSelectors; standard AWS credentials):
  --trail NAME|ARN         the trail to check (iamwatch's organization trail)
  --region REGION          the trail's home region (default: the ARN's region, else us-east-1)
  --max-delivery-age DURATION   the newest log file may be at most this old (default 1h)
                           (an organization trail is required when more than one account is expected)
  --endpoint-url URL       AWS endpoint for every client of the doctor (LocalStack, moto, a test server)

Fleet checks (--fleet; run from the security / delegated-admin account with its credentials; the
accounts come from --org, else --accounts or the config; names follow what the stacks create):
  --fleet                  check the StackSet, forwarder rules, heartbeats, the central bus, rules,
                           dead-letter queues and alarms, Slack secrets and SNS subscriptions
  --prefix NAME            the deployment's resourcePrefix (default iamwatch); the defaults below use it
  --stack-set NAME         the forwarder StackSet (default <prefix>-forwarders); every active member
                           account × forwarder region needs a CURRENT instance
  --call-as SELF|DELEGATED_ADMIN   list its instances as the management account (SELF, default) or as
                           the StackSets delegated administrator (organization.stackSets.callAs)
  --management-account ID  the management account (default: from --org): StackSets skip it, it has
                           plain forwarder stacks
  --forwarder-regions R[,R…]   regions with forwarders (config regions.forwarders; default: the regions
                           of the StackSet's instances, us-east-1 included)
  --identity-center-region REGION   Identity Center home region (config regions.identityCenter; default
                           us-east-1): Identity Center rules run only there
  --role-name NAME         role assumed in each account to read its EventBridge rules (default
                           <prefix>-audit-read, created by the StackSet when audit.enabled; its trust
                           admits the audit function's role, so run the doctor as a principal allowed to
                           assume it, or name another read-only role)
  --deep                   read the forwarder rules of every account (default: a sample)
  --sample N               accounts in that sample, spread over the account ids (default 10)
  --concurrency N          accounts read at once (default ${DEFAULT_CONCURRENCY}); throttled calls are retried
  --heartbeat-late DURATION   a newer heartbeat is expected from every account × region (default 45m;
                           needs --table, where the monitor keeps heartbeats)
  --bus NAME               the monitored bus (default <prefix>-central; "default" in single-account
                           mode, which also skips the StackSet)
  --topics NAME[,NAME…]    topics whose subscriptions must be confirmed (default <prefix>-alerts,
                           <prefix>-operations)
  --slack-secret ID        also check this secret (a route configured with an existing secretArn);
                           secrets named <prefix>/slack/… are always checked. Repeatable

  --format text|table|json a checklist (default), a table (status, group, check, detail), or JSON
                           {ok, checkedAt, checks: [{group, id, title, status, detail}]}
${STORE_HELP}${ORGANIZATION_HELP}
Durations: 30m, 12h, 7d, 2w.
`;

const DEFAULT_REGION = 'us-east-1';
const DEFAULT_SAMPLE = 10;
const HEARTBEAT_LATE_MS = 45 * 60_000;
const SCAN_LIMIT = 10_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DURATION = /^(\d{1,6})\s*([smhdw])$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: HOUR, d: DAY, w: 7 * DAY };

export interface DoctorCommandDeps {
  now(): Date;
  /** SDK settings for the CloudTrail client (credentials, retry strategy). */
  sdk: SdkSettings;
  /** The fleet checks' ports; the real SDK clients unless a test supplies its own. */
  fleetPorts?: (settings: FleetPortSettings) => Promise<FleetPorts>;
}

export interface FleetPortSettings {
  sdk: SdkSettings;
  callAs: 'SELF' | 'DELEGATED_ADMIN';
  roleName: string;
  /** The ledger table holding heartbeats. */
  table?: string;
}

export function createDoctorCommand(
  overrides: Partial<DoctorCommandDeps> = {},
): (argv: string[], io: CliIo) => Promise<number> {
  const deps: DoctorCommandDeps = { now: () => new Date(), sdk: {}, ...overrides };
  return (argv, io) => doctor(argv, io, deps);
}

export const doctorCommand = createDoctorCommand();

async function doctor(argv: string[], io: CliIo, deps: DoctorCommandDeps): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...flags('accounts', 'config', 'region', 'endpoint-url', 'format', 'role-name', 'concurrency'),
    'max-silence': { type: 'string' },
    lookback: { type: 'string' },
    'scan-limit': { type: 'string' },
    trail: { type: 'string' },
    'max-delivery-age': { type: 'string' },
    fleet: { type: 'boolean' },
    prefix: { type: 'string' },
    'stack-set': { type: 'string' },
    'call-as': { type: 'string' },
    'management-account': { type: 'string' },
    'forwarder-regions': { type: 'string', multiple: true },
    'identity-center-region': { type: 'string' },
    deep: { type: 'boolean' },
    sample: { type: 'string' },
    'heartbeat-late': { type: 'string' },
    bus: { type: 'string' },
    topics: { type: 'string', multiple: true },
    'slack-secret': { type: 'string', multiple: true },
    ...organizationOptions,
    ...storeOptions,
  });
  if (values.help) return printHelp(HELP, io);
  noPositionals(positionals);
  const format = formatOption(values.format, ['text', 'table', 'json']);
  const maxSilenceMs = durationOption(values['max-silence'], '--max-silence') ?? 7 * DAY;
  const lookbackMs = durationOption(values.lookback, '--lookback') ?? 30 * DAY;
  const maxDeliveryAgeMs = durationOption(values['max-delivery-age'], '--max-delivery-age') ?? HOUR;
  const scanLimit = positiveInteger(values['scan-limit'], '--scan-limit') ?? SCAN_LIMIT;
  const accounts = values.accounts && accountIdsOption(values.accounts);
  const endpoint = values['endpoint-url'];
  if (endpoint !== undefined && !/^https?:\/\/\S+$/.test(endpoint)) {
    throw new UsageError(`--endpoint-url must be an http(s) URL, got "${endpoint}"`);
  }
  const region = values.region ?? regionOfArn(values.trail) ?? DEFAULT_REGION;
  const storeKind = storeKindOf(values);
  const fleet = values.fleet ? fleetOptions(values) : undefined;
  const now = deps.now();
  const { context, organization } = await applyOrganization(
    await loadDetectionContext(values.config, io),
    values,
    io,
    now,
  );
  const expected = accounts ?? context.organizationAccountIds;
  const fleetTargets = fleet ? fleetAccounts(context, organization, asFleetAccounts(expected)) : [];

  const checks: Check[] = await withStore(storeKind, values, io, (store) =>
    checkLedger(store, {
      expected,
      accountNames: context.accountNames,
      maxSilenceMs,
      lookbackMs,
      scanLimit,
      now,
    }),
  );
  const monitor = storeKind === 'dynamodb' && values.table ? await monitorSnapshot(values.table) : undefined;
  checks.push(
    ...checkOrganization({
      now,
      ...(monitor ? { monitor } : {}),
      ...(organization ? { cli: organization } : {}),
    }),
  );
  if (values.trail) {
    const client: CloudTrailClient = createCloudTrailClient({
      ...deps.sdk,
      region,
      ...(endpoint ? { endpoint } : {}),
    });
    try {
      checks.push(
        ...(await checkTrail(client, {
          trail: values.trail,
          now,
          maxDeliveryAgeMs,
          expectOrganization: expected.length > 1,
          watchedSources: watchedEventSources(CATALOG),
        })),
      );
    } finally {
      client.destroy();
    }
  } else if (format === 'text') {
    io.stderr.write('trail not checked: pass --trail NAME|ARN to check the CloudTrail trail too\n');
  }

  if (fleet) {
    const sdk: SdkSettings = endpoint
      ? { ...deps.sdk, endpoint, stsEndpoint: deps.sdk.stsEndpoint ?? endpoint }
      : deps.sdk;
    const ports = await (deps.fleetPorts ?? realFleetPorts)({
      sdk,
      callAs: fleet.callAs,
      roleName: fleet.roleName,
      ...(storeKind === 'dynamodb' && values.table ? { table: values.table } : {}),
    });
    const managementAccountId = fleet.managementAccountId ?? organization?.snapshot.managementAccountId;
    try {
      checks.push(
        ...(await checkFleet(ports, {
          resourcePrefix: fleet.prefix,
          accounts: fleetTargets,
          ...(managementAccountId ? { managementAccountId } : {}),
          ...(fleet.busName === 'default' ? {} : { stackSetName: fleet.stackSetName }),
          ...(fleet.regions ? { regions: fleet.regions } : {}),
          identityCenterRegion: fleet.identityCenterRegion,
          patterns: derivePatterns(CATALOG),
          deep: fleet.deep,
          sampleSize: fleet.sample,
          concurrency: fleet.concurrency,
          heartbeatLateAfterMs: fleet.heartbeatLateMs,
          busName: fleet.busName,
          topics: fleet.topics,
          extraSecrets: fleet.extraSecrets,
          now,
          onProgress: progressLine(io),
        })),
      );
    } finally {
      ports.close?.();
    }
  }

  const sections: Section[] = [
    {
      group: 'ledger',
      heading: `Ledger (${storeKind} store): accounts heard from within ${formatDuration(values['max-silence'] ?? '7d')}`,
    },
    { group: 'trail', heading: `Trail ${values.trail ?? ''} (${region})` },
    { group: 'organization', heading: 'Organization' },
    { group: 'stackset', heading: `StackSet ${fleet?.stackSetName ?? ''}: instances per account × region` },
    { group: 'forwarders', heading: 'Forwarder rules (default bus of each account × region)' },
    {
      group: 'heartbeats',
      heading: `Heartbeats (within ${formatDuration(values['heartbeat-late'] ?? '45m')})`,
    },
    { group: 'central', heading: `Monitor (${MONITOR_REGION}): bus, rules, dead-letter queues, alarms` },
    { group: 'notifications', heading: 'Notifications: Slack secrets, SNS subscriptions' },
  ];
  if (format === 'json') io.stdout.write(renderChecklistJson(checks, now));
  else if (format === 'table') io.stdout.write(renderChecklistTable(checks, sections));
  else io.stdout.write(renderChecklist(checks, sections));
  return allPassed(checks) ? EXIT.ok : EXIT.failure;
}

interface FleetValues {
  prefix?: string;
  'stack-set'?: string;
  'call-as'?: string;
  'management-account'?: string;
  'forwarder-regions'?: string[];
  'identity-center-region'?: string;
  'role-name'?: string;
  deep?: boolean;
  sample?: string;
  concurrency?: string;
  'heartbeat-late'?: string;
  bus?: string;
  topics?: string[];
  'slack-secret'?: string[];
}

/** The fleet flags, validated; every default derived from the prefix as the stacks derive names. */
function fleetOptions(values: FleetValues) {
  const prefix = values.prefix ?? 'iamwatch';
  if (!/^[a-z][a-z0-9-]{1,15}$/.test(prefix)) {
    throw new UsageError(
      `--prefix must be a resourcePrefix (2-16 lower-case letters, digits, dashes), got "${prefix}"`,
    );
  }
  const roleName = values['role-name'] ?? `${prefix}-audit-read`;
  if (!/^[\w+=,.@/-]{1,64}$/.test(roleName)) {
    throw new UsageError(`--role-name must be an IAM role name, got "${roleName}"`);
  }
  const management = accountIdOption(values['management-account'], '--management-account');
  const regions = listOption(values['forwarder-regions']);
  for (const region of regions ?? []) {
    if (!isKnownRegion(region)) throw new UsageError(`--forwarder-regions: "${region}" is not an AWS region`);
  }
  const identityCenterRegion = values['identity-center-region'] ?? MONITOR_REGION;
  if (!isKnownRegion(identityCenterRegion)) {
    throw new UsageError(`--identity-center-region: "${identityCenterRegion}" is not an AWS region`);
  }
  return {
    prefix,
    stackSetName: values['stack-set'] ?? `${prefix}-forwarders`,
    callAs: oneOf(values['call-as'], ['SELF', 'DELEGATED_ADMIN'] as const, '--call-as') ?? 'SELF',
    ...(management ? { managementAccountId: management } : {}),
    ...(regions ? { regions: [...new Set([MONITOR_REGION, ...regions])] } : {}),
    identityCenterRegion,
    roleName,
    deep: !!values.deep,
    sample: positiveInteger(values.sample, '--sample') ?? DEFAULT_SAMPLE,
    concurrency: positiveInteger(values.concurrency, '--concurrency') ?? DEFAULT_CONCURRENCY,
    heartbeatLateMs: durationOption(values['heartbeat-late'], '--heartbeat-late') ?? HEARTBEAT_LATE_MS,
    busName: values.bus ?? `${prefix}-central`,
    topics: listOption(values.topics) ?? [`${prefix}-alerts`, `${prefix}-operations`],
    extraSecrets: listOption(values['slack-secret']) ?? [],
  };
}

function listOption(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  return values
    .flatMap((list) => list.split(','))
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The active accounts of the organization (from --org), else the expected ones, with their names. */
function fleetAccounts(
  context: DetectionContext,
  organization: CachedOrganization | undefined,
  expected: FleetAccount[],
): FleetAccount[] {
  const accounts = organization
    ? organization.snapshot.accounts
        .filter((account) => account.status === 'ACTIVE')
        .map((account) => ({ accountId: account.id, accountName: account.name }))
    : expected;
  if (accounts.length === 0) {
    throw new UsageError(
      '--fleet needs the accounts: --org, --accounts ID,… or organizationAccountIds in --config',
    );
  }
  return accounts.map((account) => {
    const name = context.accountNames[account.accountId] ?? account.accountName;
    return name ? { accountId: account.accountId, accountName: name } : { accountId: account.accountId };
  });
}

function asFleetAccounts(ids: readonly string[]): FleetAccount[] {
  return [...new Set(ids)].map((accountId) => ({ accountId }));
}

/** The SDK-backed ports; the caller's own account reads its rules without assuming a role. */
export async function realFleetPorts(settings: FleetPortSettings): Promise<FleetPorts> {
  const own = await callerAccount(settings.sdk, MONITOR_REGION).catch(() => undefined);
  const documents = settings.table ? createDocumentClient() : undefined;
  return {
    stackSet: stackSetPort(settings.sdk, MONITOR_REGION, settings.callAs),
    forwarders: forwarderPort(settings.sdk, settings.roleName, own),
    central: centralPort(settings.sdk, MONITOR_REGION),
    notifications: notificationPort(settings.sdk, MONITOR_REGION),
    ...(documents && settings.table
      ? { heartbeats: new DynamoHeartbeatStore(documents, settings.table) }
      : {}),
    close: () => documents?.destroy(),
  };
}

function durationOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const match = DURATION.exec(value.trim());
  const unit = UNIT_MS[match?.[2] ?? ''];
  if (!match || unit === undefined || Number(match[1]) === 0) {
    throw new UsageError(`${flag} must be a duration like 30m, 12h, 7d or 2w, got "${value}"`);
  }
  return Number(match[1]) * unit;
}

function regionOfArn(trail: string | undefined): string | undefined {
  if (!trail?.startsWith('arn:')) return undefined;
  return trail.split(':')[3] || undefined;
}

function formatDuration(text: string): string {
  return text.trim().replace(/\s+/g, '');
}

/** The monitor's organization snapshot in the deployed ledger table; a read failure is a finding, not a crash. */
async function monitorSnapshot(table: string): Promise<OrganizationCheckInput['monitor']> {
  const client = createDocumentClient();
  const store = new DynamoSnapshotStore(client, table);
  try {
    const loaded = await store.load();
    const lastFailure = await store.lastFailure();
    return {
      ...(loaded ? { head: loaded.head, snapshot: loaded.snapshot } : {}),
      ...(lastFailure ? { lastFailure } : {}),
    };
  } catch (error) {
    return { lastFailure: { lastError: (error as Error).message, lastErrorAt: 'this check' } };
  } finally {
    client.destroy();
  }
}
