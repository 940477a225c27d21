/**
 * Where an S3 replay stands: the last key whose records are all in the ledger, one small JSON file per
 * replay (source and filter) under `$IAMWATCH_HOME/s3-replay/`. Keys are replayed in order, so an
 * interrupted replay resumes after that key; the ledger's conditional put makes the few objects that
 * may be read twice (done, but not yet checkpointed) harmless.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrailFilter } from './layout';

/** A checkpoint file that exists but cannot be used. */
class S3CheckpointError extends Error {
  override readonly name = 'S3CheckpointError';
}

export interface S3Checkpoint {
  version: 1;
  source: string;
  /** The last key done; every key up to it is in the ledger. */
  lastKey: string;
  objects: number;
  updatedAt: string;
}

/** The checkpoint file of one replay of `source` with `filter`. */
export function checkpointPath(home: string, source: string, filter: TrailFilter): string {
  const identity = JSON.stringify({
    source,
    since: filter.since?.toISOString(),
    until: filter.until?.toISOString(),
    accounts: filter.accounts ? [...filter.accounts].sort() : undefined,
    regions: filter.regions ? [...filter.regions].sort() : undefined,
  });
  const digest = createHash('sha256').update(identity).digest('hex').slice(0, 24);
  return join(home, 's3-replay', `${digest}.json`);
}

/** The saved checkpoint, or `undefined` when this replay has none. */
export async function loadCheckpoint(path: string, source: string): Promise<S3Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new S3CheckpointError(`${path} is not JSON; remove it or use --restart`, { cause });
  }
  const checkpoint = value as Partial<S3Checkpoint>;
  if (
    checkpoint.version !== 1 ||
    checkpoint.source !== source ||
    typeof checkpoint.lastKey !== 'string' ||
    typeof checkpoint.objects !== 'number'
  ) {
    throw new S3CheckpointError(`${path} is not a checkpoint of ${source}; remove it or use --restart`);
  }
  return checkpoint as S3Checkpoint;
}

/** Writes the checkpoint atomically (a crash leaves the old one or the new one, never half of one). */
export async function saveCheckpoint(path: string, checkpoint: S3Checkpoint): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(checkpoint)}\n`);
  await rename(temporary, path);
}

export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
}
