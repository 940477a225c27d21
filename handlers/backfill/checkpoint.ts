/**
 * Backfill checkpoints: one JSON file per account, region and query under `$IAMWATCH_HOME/backfill/`,
 * holding the windows already fetched and, while a window is being paged through, its NextToken. A
 * run that stops (crash, Ctrl-C, throttling that outlasts the retries) continues from the saved token;
 * a window that finished is never fetched again.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import type { LookupQuery } from './plan';
import { mergeWindows } from './window';

const window = z.object({ start: z.iso.datetime(), end: z.iso.datetime() });

const nonEmpty = z.string().check(z.minLength(1));

const checkpointSchema = z.object({
  version: z.literal(1),
  account: nonEmpty,
  region: nonEmpty,
  lookup: z.object({ attribute: nonEmpty, value: z.string() }),
  covered: z.array(window),
  inProgress: z.optional(z.extend(window, { nextToken: nonEmpty, pages: z.int().check(z.nonnegative()) })),
  updatedAt: z.iso.datetime(),
});

export type Checkpoint = z.infer<typeof checkpointSchema>;

/** A checkpoint file that exists but cannot be used. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Reads and writes the checkpoints of one `$IAMWATCH_HOME/backfill` folder. */
export class CheckpointStore {
  constructor(readonly dir: string) {}

  /** `<account>-<region>-<query key>.json`, with anything unsafe in a file name replaced. */
  pathOf(account: string, region: string, query: LookupQuery): string {
    return join(this.dir, `${safe(account)}-${safe(region)}-${safe(query.key)}.json`);
  }

  /**
   * The checkpoint for this lookup, or a fresh one when there is none.
   *
   * @throws CheckpointError when the file is not a checkpoint (hand-edited, truncated) or belongs to
   *   another lookup; `--restart` discards it.
   */
  async load(account: string, region: string, query: LookupQuery): Promise<Checkpoint> {
    const path = this.pathOf(account, region, query);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyCheckpoint(account, region, query);
      throw new CheckpointError(`cannot read checkpoint ${path}`, path, { cause: error });
    }
    let parsed: Checkpoint;
    try {
      parsed = checkpointSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new CheckpointError(`checkpoint ${path} is not valid; use --restart to discard it`, path, {
        cause: error,
      });
    }
    if (parsed.lookup.attribute !== query.attribute || parsed.lookup.value !== query.value) {
      throw new CheckpointError(
        `checkpoint ${path} is for ${parsed.lookup.attribute}=${parsed.lookup.value}, not ${query.attribute}=${query.value}; use --restart to discard it`,
        path,
      );
    }
    return parsed;
  }

  /** Writes atomically (temporary file, then rename), so an interruption never leaves half a file. */
  async save(checkpoint: Checkpoint, query: LookupQuery, now: Date): Promise<void> {
    const path = this.pathOf(checkpoint.account, checkpoint.region, query);
    const next: Checkpoint = {
      ...checkpoint,
      covered: mergeWindows(checkpoint.covered),
      updatedAt: now.toISOString(),
    };
    await mkdir(this.dir, { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(next, null, 2)}\n`);
    await rename(temporary, path);
  }

  async remove(account: string, region: string, query: LookupQuery): Promise<void> {
    await rm(this.pathOf(account, region, query), { force: true });
  }
}

function emptyCheckpoint(account: string, region: string, query: LookupQuery): Checkpoint {
  return {
    version: 1,
    account,
    region,
    lookup: { attribute: query.attribute, value: query.value },
    covered: [],
    updatedAt: new Date(0).toISOString(),
  };
}

function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]+/g, '_');
}
