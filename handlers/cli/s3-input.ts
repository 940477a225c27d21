/**
 * The S3 side of `iamwatch replay s3://…` and `iamwatch backfill --from-s3 …`: its options, the client,
 * and the batches of each `s3://` argument with the checkpoint step to run once a batch is recorded.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { DeliveredBatch } from '../input/reader-threads';
import { parseTimeBound, TimeBoundError } from '../ledger/time';
import { DEFAULT_S3_CONCURRENCY, s3Batches } from '../s3/batches';
import { checkpointPath, loadCheckpoint, removeCheckpoint, saveCheckpoint } from '../s3/checkpoint';
import { isS3Url, parseS3Url, S3UrlError, type TrailFilter } from '../s3/layout';
import { positiveInteger } from './args';
import { flags } from './flags';
import { type CliIo, UsageError } from './io';

export const s3Options = {
  ...flags('since', 'until', 'concurrency', 'restart'),
  /** One comma-separated list (folder names), unlike the repeatable `--accounts` of IAM reads. */
  accounts: { type: 'string' },
  regions: { type: 'string' },
} as const;

export const S3_HELP = `  s3://BUCKET/PREFIX              CloudTrail's bucket layout (organization or single-account trail), read in
                                 key order; digest files are skipped. Only these options apply to S3 input:
  --since TIME, --until TIME     log files delivered in this window (ISO-8601 or 30m, 12h, 7d, 2w); only the
                                 date folders in range are listed; --until reads an hour past it for delivery lag
  --accounts ID[,ID…]            only these accounts' folders
  --regions R[,R…]               only these regions' folders
  --concurrency N                objects downloaded at the same time (default ${DEFAULT_S3_CONCURRENCY})
  --restart                      forget the saved position and read from the start
  An interrupted S3 replay resumes after the last object fully recorded (saved under $IAMWATCH_HOME/s3-replay/).
  S3 is read with the default AWS credential chain; AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL and AWS_REGION apply.
`;

type S3Values = {
  since?: string;
  until?: string;
  accounts?: string;
  regions?: string;
  concurrency?: string;
  restart?: boolean;
};

/** A batch of one object, and what to do once its records are in the ledger. */
export interface S3InputBatch {
  batch: DeliveredBatch;
  bytes: number;
  recorded(): Promise<void>;
}

export interface S3Input {
  filter: TrailFilter;
  concurrency: number;
  restart: boolean;
  client: S3Client;
}

/** The S3 settings of a run, or `undefined` when no argument is an `s3://` URL. */
export function s3InputFrom(
  paths: readonly string[],
  values: S3Values,
  io: CliIo,
  now: Date,
): S3Input | undefined {
  if (!paths.some(isS3Url)) {
    const stray = (['since', 'until', 'accounts', 'regions', 'concurrency', 'restart'] as const).find(
      (name) => values[name] !== undefined,
    );
    if (stray) throw new UsageError(`--${stray} applies to s3:// input only`);
    return undefined;
  }
  for (const path of paths.filter(isS3Url)) {
    try {
      parseS3Url(path);
    } catch (error) {
      if (error instanceof S3UrlError) throw new UsageError(error.message);
      throw error;
    }
  }
  const filter: TrailFilter = {};
  try {
    if (values.since) filter.since = new Date(parseTimeBound(values.since, now));
    if (values.until) filter.until = new Date(parseTimeBound(values.until, now));
  } catch (error) {
    if (error instanceof TimeBoundError) throw new UsageError(error.message);
    throw error;
  }
  if (filter.since && filter.until && filter.since > filter.until) {
    throw new UsageError('--since must not be after --until');
  }
  if (values.accounts)
    filter.accounts = list(values.accounts, /^\d{12}$/, '--accounts', 'a 12-digit account id');
  if (values.regions)
    filter.regions = list(values.regions, /^[a-z]{2}(-[a-z]+)+-\d$/, '--regions', 'a region');
  const endpoint = io.env.AWS_ENDPOINT_URL_S3 ?? io.env.AWS_ENDPOINT_URL;
  const client = new S3Client({
    region: io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
  return {
    filter,
    concurrency: positiveInteger(values.concurrency, '--concurrency') ?? DEFAULT_S3_CONCURRENCY,
    restart: values.restart === true,
    client,
  };
}

function list(text: string, shape: RegExp, flag: string, what: string): string[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const wrong = items.find((item) => !shape.test(item));
  if (wrong !== undefined || items.length === 0) {
    throw new UsageError(`${flag} takes ${what} list, got ${JSON.stringify(wrong ?? text)}`);
  }
  return items;
}

/**
 * The batches of one `s3://` argument, resuming after its checkpoint. The checkpoint moves only past
 * objects that were read and recorded; after an object that could not be read it stays where it is,
 * so the next run reads that object again. It is removed once the whole listing is done.
 */
export async function* s3InputBatches(
  url: string,
  input: S3Input,
  home: string,
  isDelivered: (envelope: unknown) => boolean,
  io: CliIo,
): AsyncGenerator<S3InputBatch> {
  const path = checkpointPath(home, url, input.filter);
  if (input.restart) await removeCheckpoint(path);
  const saved = await loadCheckpoint(path, url);
  if (saved) {
    io.stderr.write(
      `resuming ${url} after ${saved.objects} objects (last: ${JSON.stringify(saved.lastKey)}); --restart reads it all again\n`,
    );
  }
  let objects = saved?.objects ?? 0;
  let stuck = false;
  for await (const object of s3Batches(url, {
    client: input.client,
    filter: input.filter,
    concurrency: input.concurrency,
    isDelivered,
    ...(saved ? { after: saved.lastKey } : {}),
  })) {
    yield {
      batch: object.batch,
      bytes: object.bytes,
      recorded: async () => {
        if (!object.fetched) stuck = true;
        if (stuck) return;
        objects++;
        await saveCheckpoint(path, {
          version: 1,
          source: url,
          lastKey: object.key,
          objects,
          updatedAt: new Date().toISOString(),
        });
      },
    };
  }
  if (!stuck) await removeCheckpoint(path);
}
