/** The S3 backfill Lambda's configuration: the record function's, and how many objects to read at once. */
import { type RecordConfig, readRecordConfig } from '../record/config';
import { integerEnv } from '../shared/env';
import { S3_BACKFILL_ENV } from '../shared/environment';

/** Objects of one batch read in parallel, unless the stack says otherwise. */
const DEFAULT_CONCURRENCY = 8;

export interface S3BackfillConfig extends RecordConfig {
  concurrency: number;
}

/**
 * Reads the S3 backfill configuration.
 *
 * @throws ConfigurationError naming the variable and what is wrong with it.
 */
export function readS3BackfillConfig(env: Readonly<Record<string, string | undefined>>): S3BackfillConfig {
  return {
    ...readRecordConfig(env),
    concurrency: integerEnv(env, S3_BACKFILL_ENV.concurrency, DEFAULT_CONCURRENCY),
  };
}
