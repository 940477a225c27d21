/**
 * `iamwatch backfill`: the last 90 days of IAM history from CloudTrail LookupEvents into the ledger,
 * through the same path as replay (derived patterns → normalise → detect → conditional put), as
 * entries of origin `backfill` that do not alert unless asked to. Rate-limited per account and
 * region, resumable from checkpoints under `$IAMWATCH_HOME/backfill/`.
 */

import { join } from 'node:path';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { deliveredBy, derivePatterns } from '../../rules/eventbridge/derive';
import { CATALOG } from '../../rules/registry';
import { CheckpointStore } from '../backfill/checkpoint';
import { createCloudTrailClient, type SdkSettings } from '../backfill/client';
import { type Lane, LaneOptionsError, resolveLanes } from '../backfill/lanes';
import {
  GLOBAL_EVENT_SOURCES,
  GLOBAL_SERVICE_REGION,
  type LookupQuery,
  planLookups,
  queryAppliesTo,
} from '../backfill/plan';
import { type LimiterClock, REAL_CLOCK, TokenBucket } from '../backfill/rate-limiter';
import { type BackfillCounts, runBackfill } from '../backfill/run';
import { renderBackfillSummary } from '../backfill/summary';
import { LOOKUP_RETENTION_DAYS, lookupWindow, missingWindows, type TimeWindow } from '../backfill/window';
import { parseTimeBound } from '../ledger/time';
import { PolicyVersionMemory } from '../record/policy-diff';
import { silentLogger } from '../shared/logger';
import { printable } from '../shared/printable';
import { formatOption, noPositionals, parse, positiveInteger, printHelp, severityOption } from './args';
import { backfillFromS3, FROM_S3_HELP, wantsFromS3 } from './backfill-s3';
import { loadDetectionContext } from './context';
import { EntryOutput } from './entry-output';
import { flags } from './flags';
import { type CliIo, EXIT, UsageError } from './io';
import { alertOptions, notifiersFromOptions } from './notifiers';
import { openStore, STORE_HELP, storeKindOf, storeOptions } from './store';
import { renderTable } from './table';

const HELP = `Usage: iamwatch backfill [options]

Reads IAM history from CloudTrail event history (LookupEvents, last 90 days) into the ledger through
the same path as replay. Entries are marked origin "backfill" and do not alert unless --alert.
The queries are derived from the detection catalog (--dry-run lists them). Progress is saved after
every page under $IAMWATCH_HOME/backfill/: run the same command again to resume an interrupted
backfill; windows already fetched are not fetched again.

  --since TIME             start: ISO-8601 time or relative (30m, 12h, 7d, 2w); default 90d
  --until TIME             end: ISO-8601 time or relative; default now
  --region REGION          region to read, repeatable (default us-east-1, where IAM, Organizations and
                           root sign-in events are recorded; add sign-in / Identity Center regions)
  --role-arn ARN           assume this role and read its account; repeatable, one per account
  --accounts ID[,ID…]      accounts to read: with --role-name, a role is assumed in each; a single
                           account without --role-name names the account of your own credentials
  --role-name NAME         role to assume in each of --accounts (default: the config's organizationAccountIds)
  --rate N                 LookupEvents requests per second per account and region (default 2, the AWS limit)
  --parallel N             account/region pairs read at the same time (default 4)
  --restart                forget saved progress and fetch the whole window again
  --dry-run                print the lookups that would run and their saved progress, call nothing
  --alert                  alert on newly recorded entries (Slack/SNS/console, as replay does)
  --format summary|table|jsonl   a summary (default), a table of entries, or ledger entries as JSON lines
  --min-severity LEVEL     print and alert only entries at or above LEVEL
  --slack-webhook URL, --sns-topic ARN, --sns-min-severity LEVEL   alert channels for --alert
  --config FILE            detection context JSON (see "iamwatch replay --help")
  --endpoint-url URL       CloudTrail endpoint (LocalStack, a test server); AWS_ENDPOINT_URL_CLOUDTRAIL also works
${STORE_HELP}
Credentials come from the standard AWS chain (AWS_PROFILE, environment, SSO, instance role).
Exit codes: 0 ok, 1 a lookup failed (progress saved), 2 usage error, 3 some events were invalid.
${FROM_S3_HELP}`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The highest LookupEvents rate AWS allows per account and region. */
const MAX_RATE = 2;
const DEFAULT_PARALLEL = 4;

/** What a backfill run needs from the outside world; tests replace it. */
export interface BackfillCommandDeps {
  now(): Date;
  /** Clock of the rate limiters. */
  limiterClock: LimiterClock;
  /** SDK settings for every client (credentials, retry strategy, STS endpoint). */
  sdk: SdkSettings;
  /** Waits between readings of a distributed backfill (tests pass one that does not wait). */
  sleepS3?: (ms: number) => Promise<void>;
  pollSeconds?: number;
}

export function createBackfillCommand(
  overrides: Partial<BackfillCommandDeps> = {},
): (argv: string[], io: CliIo) => Promise<number> {
  const deps: BackfillCommandDeps = {
    now: () => new Date(),
    limiterClock: REAL_CLOCK,
    sdk: {},
    ...overrides,
  };
  return (argv, io) => backfill(argv, io, deps);
}

export const backfillCommand = createBackfillCommand();

async function backfill(argv: string[], io: CliIo, deps: BackfillCommandDeps): Promise<number> {
  if (wantsFromS3(argv) && !argv.includes('--help') && !argv.includes('-h')) {
    return backfillFromS3(argv, io, {
      now: deps.now,
      sleep: deps.sleepS3 ?? sleep,
      pollSeconds: deps.pollSeconds ?? 10,
    });
  }
  const { values, positionals } = parse(argv, {
    ...flags('since', 'until', 'restart', 'dry-run'),
    ...flags('accounts', 'role-name', 'endpoint-url', 'config'),
    ...flags('alert', 'min-severity', 'format'),
    region: { type: 'string', multiple: true },
    'role-arn': { type: 'string', multiple: true },
    rate: { type: 'string' },
    parallel: { type: 'string' },
    ...alertOptions,
    ...storeOptions,
  });
  if (values.help) return printHelp(HELP, io);
  noPositionals(positionals);
  const format = formatOption(values.format, ['summary', 'table', 'jsonl']);
  const minSeverity = severityOption(values['min-severity']);
  const storeKind = storeKindOf(values);
  const rate = rateOption(values.rate);
  const parallel = positiveInteger(values.parallel, '--parallel') ?? DEFAULT_PARALLEL;
  const endpoint = urlOption(values['endpoint-url'], '--endpoint-url');
  const now = deps.now();
  const window = windowOption(values.since, values.until, now, io);
  const context = await loadDetectionContext(values.config, io);
  const regions = values.region?.length ? values.region : [GLOBAL_SERVICE_REGION];
  const lanes = lanesOption({
    regions,
    roleArns: values['role-arn'] ?? [],
    accounts: (values.accounts ?? []).flatMap((list) => list.split(',')),
    ...(values['role-name'] ? { roleName: values['role-name'] } : {}),
    organizationAccountIds: context.organizationAccountIds,
  });
  const queries = planLookups(CATALOG);
  if (!regions.includes(GLOBAL_SERVICE_REGION)) {
    io.stderr.write(
      `note: ${[...GLOBAL_EVENT_SOURCES].join(' and ')} events are recorded in ${GLOBAL_SERVICE_REGION} only; add --region ${GLOBAL_SERVICE_REGION} to backfill them\n`,
    );
  }
  const home = values.home ?? io.env.IAMWATCH_HOME ?? join(io.cwd, '.iamwatch');
  const checkpoints = new CheckpointStore(join(home, 'backfill'));
  if (values['dry-run']) {
    await printPlan(lanes, queries, window, checkpoints, values.restart === true, io);
    return EXIT.ok;
  }
  const notifiers = values.alert ? notifiersFromOptions(values, { format, minSeverity }, io) : [];
  const store = await openStore(storeKind, values, io);
  const limiters: TokenBucket[] = [];
  const clients: CloudTrailClient[] = [];
  const clock = { now: deps.now };
  const output = new EntryOutput({
    format,
    io,
    notifiers,
    store,
    clock,
    ...(minSeverity ? { minSeverity } : {}),
  });
  let counts: BackfillCounts;
  io.stderr.write(
    `backfilling ${window.start} → ${window.end}: ${lanes.length} account/region pair${lanes.length === 1 ? '' : 's'}, ${queries.length} lookups each, ≤ ${rate} requests/s per pair\n`,
  );
  try {
    counts = await runBackfill(
      { lanes, queries, window, restart: values.restart === true, parallel },
      {
        clientFor: (lane) => {
          const limiter = new TokenBucket({ ratePerSecond: rate, clock: deps.limiterClock });
          limiters.push(limiter);
          const client = createCloudTrailClient({
            ...deps.sdk,
            region: lane.region,
            limiter,
            ...(lane.roleArn ? { roleArn: lane.roleArn } : {}),
            ...(endpoint ? { endpoint } : {}),
          });
          clients.push(client);
          return client;
        },
        checkpoints,
        isDelivered: deliveredBy(derivePatterns(CATALOG)),
        record: { store, context, clock, logger: silentLogger, policyVersions: new PolicyVersionMemory() },
        report: (line) => io.stderr.write(`${printable(line)}\n`),
        now: deps.now,
        onRecorded: ({ entry, outcome }) => output.accept(entry, outcome),
      },
    );
    await output.flush();
  } finally {
    for (const client of clients) client.destroy();
    await store.close();
  }
  output.finish();
  const summary = renderBackfillSummary(counts, {
    storeKind,
    window,
    requests: limiters.reduce((sum, limiter) => sum + limiter.acquired, 0),
    ...(values.alert ? { alerts: output.alerts } : {}),
  });
  if (format === 'summary') io.stdout.write(summary);
  else io.stderr.write(summary);
  if (counts.failed > 0) return EXIT.failure;
  return counts.invalid > 0 ? EXIT.invalidInput : EXIT.ok;
}

function windowOption(
  since: string | undefined,
  until: string | undefined,
  now: Date,
  io: CliIo,
): TimeWindow {
  let start: string;
  let end: string;
  try {
    start = parseTimeBound(since ?? `${LOOKUP_RETENTION_DAYS}d`, now);
    end = until ? parseTimeBound(until, now) : now.toISOString();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (start > end) throw new UsageError(`--since (${start}) is after --until (${end})`);
  const window = lookupWindow(start, end, now);
  if (!window) {
    throw new UsageError(
      `nothing to backfill: CloudTrail event history keeps the last ${LOOKUP_RETENTION_DAYS} days, and ${start} → ${end} is outside them`,
    );
  }
  if (since && Date.parse(start) < Date.parse(window.start)) {
    io.stderr.write(
      `note: CloudTrail event history keeps ${LOOKUP_RETENTION_DAYS} days; starting at ${window.start}\n`,
    );
  }
  return window;
}

function rateOption(value: string | undefined): number {
  if (value === undefined) return MAX_RATE;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_RATE) {
    throw new UsageError(
      `--rate must be a number above 0 and at most ${MAX_RATE} (the AWS limit), got "${value}"`,
    );
  }
  return rate;
}

function urlOption(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^https?:\/\/[^\s]+$/.test(value))
    throw new UsageError(`${flag} must be an http(s) URL, got "${value}"`);
  return value;
}

function lanesOption(options: Parameters<typeof resolveLanes>[0]): Lane[] {
  try {
    return resolveLanes(options);
  } catch (error) {
    if (error instanceof LaneOptionsError) throw new UsageError(error.message);
    throw error;
  }
}

async function printPlan(
  lanes: readonly Lane[],
  queries: readonly LookupQuery[],
  window: TimeWindow,
  checkpoints: CheckpointStore,
  restart: boolean,
  io: CliIo,
): Promise<void> {
  const rows: string[][] = [];
  for (const lane of lanes) {
    for (const query of queries) {
      if (!queryAppliesTo(query, lane.region)) continue;
      const status = restart ? 'fetch all (--restart)' : await progressOf(checkpoints, lane, query, window);
      rows.push([
        lane.account,
        lane.region,
        `${query.attribute}=${query.value}`,
        status,
        lane.roleArn ?? '(own credentials)',
        query.reason,
      ]);
    }
  }
  io.stdout.write(
    renderTable(['ACCOUNT', 'REGION', 'LOOKUP', 'PROGRESS', 'ROLE', 'WHY'], rows, { maxWidth: 64 }),
  );
  io.stdout.write(`\n${rows.length} lookups over ${window.start} → ${window.end}\n`);
}

async function progressOf(
  checkpoints: CheckpointStore,
  lane: Lane,
  query: LookupQuery,
  window: TimeWindow,
): Promise<string> {
  const checkpoint = await checkpoints.load(lane.account, lane.region, query);
  if (checkpoint.inProgress) return `resume at page ${checkpoint.inProgress.pages + 1}`;
  const missing = missingWindows(window, checkpoint.covered);
  if (missing.length === 0) return 'done';
  return checkpoint.covered.length === 0
    ? 'new'
    : `${missing.length} gap${missing.length === 1 ? '' : 's'} to fetch`;
}
