/**
 * The CLI's copy of the organization: a snapshot read with the default credential chain and kept in
 * `$IAMWATCH_HOME/organization.json`, so `replay`, `history`, `inventory` and `doctor` with `--org` do
 * not list 5,000 accounts on every run. A copy younger than `maxAgeMs` is used as is; an older one is
 * replaced, and kept when Organizations cannot be read (the caller says how old it is).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import type { OrganizationSnapshot } from './snapshot';
import { organizationAccountSchema } from './store';

/** How long the CLI trusts its copy before reading Organizations again. */
const DEFAULT_CACHE_MAX_AGE_MS = 60 * 60 * 1000;
const CACHE_FILE_NAME = 'organization.json';

const snapshotSchema = z.object({
  takenAt: z.string(),
  organizationId: z.optional(z.string()),
  managementAccountId: z.optional(z.string()),
  accounts: z.array(organizationAccountSchema),
});

export interface CachedOrganization {
  snapshot: OrganizationSnapshot;
  /** `organizations`: read just now; `cache`: the copy was fresh enough; `stale-cache`: Organizations failed. */
  source: 'organizations' | 'cache' | 'stale-cache';
  ageMs: number;
  /** Why Organizations was not used, for `stale-cache`. */
  error?: Error;
}

export interface CacheOptions {
  /** `$IAMWATCH_HOME`. */
  home: string;
  now: Date;
  maxAgeMs?: number;
  /** Ignore a fresh copy and read Organizations. */
  refresh?: boolean;
  read(now: Date): Promise<OrganizationSnapshot>;
}

/**
 * The organization from the cache or from Organizations.
 *
 * @throws the read's error when Organizations cannot be read and there is no copy at all.
 */
export async function cachedOrganization(options: CacheOptions): Promise<CachedOrganization> {
  const file = join(options.home, CACHE_FILE_NAME);
  const cached = await readCache(file);
  const age = (snapshot: OrganizationSnapshot) => options.now.getTime() - Date.parse(snapshot.takenAt);
  if (cached && !options.refresh && age(cached) < (options.maxAgeMs ?? DEFAULT_CACHE_MAX_AGE_MS)) {
    return { snapshot: cached, source: 'cache', ageMs: age(cached) };
  }
  try {
    const snapshot = await options.read(options.now);
    await mkdir(options.home, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(snapshot)}\n`);
    await rename(temporary, file);
    return { snapshot, source: 'organizations', ageMs: 0 };
  } catch (error) {
    if (!cached) throw error;
    return { snapshot: cached, source: 'stale-cache', ageMs: age(cached), error: error as Error };
  }
}

async function readCache(file: string): Promise<OrganizationSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = snapshotSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as OrganizationSnapshot) : undefined;
  } catch {
    // A damaged copy is as good as none: it is replaced by the next successful read.
    return undefined;
  }
}
