/**
 * `iamwatch doctor`: does the pipeline still see every account? From the ledger, the newest entry of
 * every organization account and the accounts nobody configured; with `--trail`, whether the trail
 * logs, delivers, covers all regions, global services and the organization, and selects management
 * write events. A checklist for people, or JSON; exit 1 when any check fails.
 */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CATALOG } from '../../rules/registry';
import { createCloudTrailClient, type SdkSettings } from '../backfill/client';
import type { Check } from '../doctor/check';
import { allPassed } from '../doctor/check';
import { checkLedger } from '../doctor/ledger-checks';
import { checkOrganization, type OrganizationCheckInput } from '../doctor/organization-checks';
import { renderChecklist, renderChecklistJson } from '../doctor/render';
import { checkTrail, watchedEventSources } from '../doctor/trail-checks';
import { createDocumentClient } from '../ledger/dynamo-store';
import { DynamoSnapshotStore } from '../organization/store';
import { formatOption, noPositionals, parse, positiveInteger, printHelp } from './args';
import { loadDetectionContext } from './context';
import { type CliIo, EXIT, UsageError } from './io';
import { applyOrganization, ORGANIZATION_HELP, organizationOptions } from './organization';
import { openStore, storeKindOf, storeOptions } from './store';

const HELP = `Usage: iamwatch doctor [options]

Checks that the pipeline still sees every account, and (with --trail) that the trail feeding it works.
Exit code 0 when every check passes (warnings allowed), 1 when any fails.

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
  --endpoint-url URL       CloudTrail endpoint (LocalStack, a test server)

  --format text|json       a checklist (default) or JSON {ok, checkedAt, checks: [{group, id, title, status, detail}]}
  --store local|memory|dynamodb, --table NAME, --home DIR   which ledger (see "iamwatch replay --help")
${ORGANIZATION_HELP}
Durations: 30m, 12h, 7d, 2w.
`;

const DEFAULT_REGION = 'us-east-1';
const SCAN_LIMIT = 10_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DURATION = /^(\d{1,6})\s*([smhdw])$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: HOUR, d: DAY, w: 7 * DAY };

export interface DoctorCommandDeps {
  now(): Date;
  /** SDK settings for the CloudTrail client (credentials, retry strategy). */
  sdk: SdkSettings;
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
    accounts: { type: 'string', multiple: true },
    'max-silence': { type: 'string' },
    lookback: { type: 'string' },
    'scan-limit': { type: 'string' },
    config: { type: 'string' },
    trail: { type: 'string' },
    region: { type: 'string' },
    'max-delivery-age': { type: 'string' },
    'endpoint-url': { type: 'string' },
    format: { type: 'string' },
    ...organizationOptions,
    ...storeOptions,
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return printHelp(HELP, io);
  noPositionals(positionals);
  const format = formatOption(values.format, ['text', 'json']);
  const maxSilenceMs = durationOption(values['max-silence'], '--max-silence') ?? 7 * DAY;
  const lookbackMs = durationOption(values.lookback, '--lookback') ?? 30 * DAY;
  const maxDeliveryAgeMs = durationOption(values['max-delivery-age'], '--max-delivery-age') ?? HOUR;
  const scanLimit = positiveInteger(values['scan-limit'], '--scan-limit') ?? SCAN_LIMIT;
  const accounts = accountsOption(values.accounts);
  const endpoint = values['endpoint-url'];
  if (endpoint !== undefined && !/^https?:\/\/\S+$/.test(endpoint)) {
    throw new UsageError(`--endpoint-url must be an http(s) URL, got "${endpoint}"`);
  }
  const region = values.region ?? regionOfArn(values.trail) ?? DEFAULT_REGION;
  const storeKind = storeKindOf(values);
  const now = deps.now();
  const { context, organization } = await applyOrganization(
    await loadDetectionContext(values.config, io),
    values,
    io,
    now,
  );
  const expected = accounts ?? context.organizationAccountIds;

  const checks: Check[] = [];
  const store = await openStore(storeKind, values, io);
  try {
    checks.push(
      ...(await checkLedger(store, {
        expected,
        accountNames: context.accountNames,
        maxSilenceMs,
        lookbackMs,
        scanLimit,
        now,
      })),
    );
  } finally {
    await store.close();
  }
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

  if (format === 'json') io.stdout.write(renderChecklistJson(checks, now));
  else {
    io.stdout.write(
      renderChecklist(checks, [
        {
          group: 'ledger',
          heading: `Ledger (${storeKind} store): accounts heard from within ${formatDuration(values['max-silence'] ?? '7d')}`,
        },
        { group: 'trail', heading: `Trail ${values.trail ?? ''} (${region})` },
        { group: 'organization', heading: 'Organization' },
      ]),
    );
  }
  return allPassed(checks) ? EXIT.ok : EXIT.failure;
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

function accountsOption(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  const accounts = values
    .flatMap((list) => list.split(','))
    .map((a) => a.trim())
    .filter(Boolean);
  for (const account of accounts) {
    if (!/^\d{12}$/.test(account))
      throw new UsageError(`--accounts: "${account}" is not a 12-digit account id`);
  }
  return accounts;
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
