/**
 * `iamwatch backfill --from-s3 … --distributed`: starts the S3 backfill state machine (a Distributed Map
 * over the trail bucket, deployed by MonitorStack when `backfill.enabled`) and follows it to the end —
 * progress from the Map Run's item counters, totals and failed items from the result files it writes.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineCommand,
  ListMapRunsCommand,
  ListStateMachinesCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { TrailFilter } from './layout';
import { emptyTotals, type ReplayBatchResult, type ReplayTotals } from './totals';

/** The state machine's name for a resource prefix (see stacks/constructs/s3-backfill.ts). */
function backfillStateMachineName(resourcePrefix: string): string {
  return `${resourcePrefix}-s3-backfill`;
}

/** The state machine cannot be found or is not the backfill for this bucket. */
export class BackfillTargetError extends Error {
  override readonly name = 'BackfillTargetError';
}

/** The execution input the state machine reads (`$.prefix`, and the batch input fields). */
export interface BackfillExecutionInput {
  prefix: string;
  since: string;
  until: string;
  accounts: string[];
  regions: string[];
  alert: boolean;
}

/** The input of one execution: every field present, since the definition's paths need them all. */
export function executionInput(prefix: string, filter: TrailFilter, alert: boolean): BackfillExecutionInput {
  return {
    prefix: narrowedPrefix(prefix, filter),
    since: filter.since?.toISOString() ?? '',
    until: filter.until?.toISOString() ?? '',
    accounts: [...(filter.accounts ?? [])],
    regions: [...(filter.regions ?? [])],
    alert,
  };
}

/**
 * The Map lists one prefix: with a single account (and region) asked for, below an organization or
 * `AWSLogs/` level, list only that account's (region's) folder; the replay Lambda skips the rest by key.
 */
function narrowedPrefix(prefix: string, filter: TrailFilter): string {
  const account = filter.accounts?.length === 1 ? filter.accounts[0] : undefined;
  if (!account || !/(^|\/)AWSLogs\/(o-[a-z0-9]{10,32}\/)?$/.test(prefix)) return prefix;
  const region = filter.regions?.length === 1 ? filter.regions[0] : undefined;
  return `${prefix}${account}/CloudTrail/${region ? `${region}/` : ''}`;
}

/** Item counters of the Map Run (objects, as the item reader lists them). */
export interface MapRunCounts {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
}

export interface DistributedOutcome {
  executionArn: string;
  status: string;
  /** The last counters seen; absent when the Map Run never started. */
  counts?: MapRunCounts;
  /** Record totals over the successful batches' results. */
  totals: ReplayTotals;
  /** Objects of failed batches, with the error each batch ended with. */
  failed: { keys: string[]; error: string }[];
  /** Why the execution itself failed (States.ExceedToleratedFailureThreshold …). */
  error?: string;
}

export interface DistributedDeps {
  sfn: SFNClient;
  s3: S3Client;
  sleep(ms: number): Promise<void>;
  /** Called with each new reading of the counters. */
  progress(counts: MapRunCounts): void;
  pollMs: number;
}

/**
 * The backfill state machine's ARN: `explicit`, or the one named after the resource prefix. Its
 * definition must read `bucket`, or the execution would replay another trail's logs.
 */
export async function resolveStateMachine(
  sfn: SFNClient,
  bucket: string,
  options: { explicit?: string; resourcePrefix: string },
): Promise<BackfillStateMachine> {
  let arn = options.explicit;
  if (!arn) {
    const name = backfillStateMachineName(options.resourcePrefix);
    let token: string | undefined;
    do {
      const page = await sfn.send(new ListStateMachinesCommand({ ...(token ? { nextToken: token } : {}) }));
      arn = page.stateMachines?.find((machine) => machine.name === name)?.stateMachineArn;
      token = arn ? undefined : page.nextToken;
    } while (token);
    if (!arn) {
      throw new BackfillTargetError(
        `no state machine named ${name} in this account and region: deploy the monitor with "backfill": { "enabled": true }, or pass --state-machine ARN`,
      );
    }
  }
  const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
  const map = mapStateOf(described.definition ?? '');
  const reads = map?.ItemReader?.Parameters?.Bucket;
  if (reads !== bucket) {
    throw new BackfillTargetError(
      `${arn} replays ${typeof reads === 'string' ? `s3://${reads}` : 'no bucket it names'}, not s3://${bucket}`,
    );
  }
  const writer = map?.ResultWriter?.Parameters;
  return {
    arn,
    ...(typeof writer?.Bucket === 'string'
      ? { results: { bucket: writer.Bucket, prefix: typeof writer.Prefix === 'string' ? writer.Prefix : '' } }
      : {}),
  };
}

/** The backfill state machine, and where its Map Run writes results. */
export interface BackfillStateMachine {
  arn: string;
  results?: { bucket: string; prefix: string };
}

interface MapState {
  ItemReader?: { Parameters?: { Bucket?: unknown } };
  ResultWriter?: { Parameters?: { Bucket?: unknown; Prefix?: unknown } };
}

function mapStateOf(definition: string): MapState | undefined {
  try {
    const states = (JSON.parse(definition) as { States?: Record<string, MapState> }).States;
    return Object.values(states ?? {}).find((state) => state.ItemReader !== undefined);
  } catch {
    return undefined;
  }
}

/** Starts the execution and waits for it, reporting the Map Run's counters as they move. */
export async function runDistributed(
  machine: BackfillStateMachine,
  input: BackfillExecutionInput,
  deps: DistributedDeps,
  executionName: string,
): Promise<DistributedOutcome> {
  const started = await deps.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: machine.arn,
      name: executionName,
      input: JSON.stringify(input),
    }),
  );
  const executionArn = started.executionArn as string;
  let counts: MapRunCounts | undefined;
  let mapRunArn: string | undefined;
  for (;;) {
    const execution = await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
    mapRunArn ??= (await deps.sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns?.[0]?.mapRunArn;
    if (mapRunArn) {
      const run = await deps.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
      const items = run.itemCounts;
      if (items) {
        const next: MapRunCounts = {
          total: items.total ?? 0,
          pending: items.pending ?? 0,
          running: items.running ?? 0,
          succeeded: items.succeeded ?? 0,
          failed: items.failed ?? 0,
          timedOut: items.timedOut ?? 0,
          aborted: items.aborted ?? 0,
        };
        if (JSON.stringify(next) !== JSON.stringify(counts)) deps.progress(next);
        counts = next;
      }
    }
    if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') {
      const results = await readResults(deps.s3, manifestOf(execution.output, machine, mapRunArn));
      return {
        executionArn,
        status: execution.status ?? 'UNKNOWN',
        ...(counts ? { counts } : {}),
        ...results,
        ...(execution.error
          ? { error: `${execution.error}${execution.cause ? `: ${execution.cause}` : ''}` }
          : {}),
      };
    }
    await deps.sleep(deps.pollMs);
  }
}

/** One child execution in a result file written by the Map Run's result writer. */
interface ChildResult {
  Input?: string;
  Output?: string;
  Error?: string;
  Cause?: string;
}

/**
 * Totals and failures from the Map Run's result files: the execution's output names the manifest
 * (`ResultWriterDetails`), the manifest lists the SUCCEEDED and FAILED files, and each file holds the
 * child executions with their input (the batch) and output or error.
 */
/**
 * The manifest of the Map Run's results: named by the execution's output when it succeeded; after a
 * failure there is no output, and the manifest is at `<prefix>/<map run id>/manifest.json` of the
 * definition's result writer.
 */
function manifestOf(
  output: string | undefined,
  machine: BackfillStateMachine,
  mapRunArn: string | undefined,
): { Bucket: string; Key: string } | undefined {
  const details = parseJson<{ ResultWriterDetails?: { Bucket?: string; Key?: string } }>(
    output,
  )?.ResultWriterDetails;
  if (details?.Bucket && details.Key) return { Bucket: details.Bucket, Key: details.Key };
  if (!machine.results || !mapRunArn) return undefined;
  const runId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
  const prefix = machine.results.prefix.replace(/\/$/, '');
  return { Bucket: machine.results.bucket, Key: `${prefix ? `${prefix}/` : ''}${runId}/manifest.json` };
}

async function readResults(
  s3: S3Client,
  details: { Bucket: string; Key: string } | undefined,
): Promise<Pick<DistributedOutcome, 'totals' | 'failed'>> {
  const totals = emptyTotals();
  const failed: DistributedOutcome['failed'] = [];
  if (!details) return { totals, failed };
  const manifest = await readJson<{ ResultFiles?: Record<string, { Key: string }[]> }>(
    s3,
    details.Bucket,
    details.Key,
  );
  const files = manifest?.ResultFiles ?? {};
  for (const file of files.SUCCEEDED ?? []) {
    for (const child of (await readJson<ChildResult[]>(s3, details.Bucket, file.Key)) ?? []) {
      const result = parseJson<ReplayBatchResult>(child.Output);
      if (!result) continue;
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += result[key] ?? 0;
    }
  }
  for (const file of files.FAILED ?? []) {
    for (const child of (await readJson<ChildResult[]>(s3, details.Bucket, file.Key)) ?? []) {
      const items = parseJson<{ Items?: { Key: string }[] }>(child.Input)?.Items ?? [];
      failed.push({
        keys: items.map((item) => item.Key),
        error: [child.Error, child.Cause].filter(Boolean).join(': ') || 'failed',
      });
    }
  }
  return { totals, failed };
}

async function readJson<T>(s3: S3Client, bucket: string, key: string): Promise<T | undefined> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return parseJson<T>(await object.Body?.transformToString());
}

function parseJson<T>(text: string | undefined): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
