/**
 * `inventory --lookup`: who created the users the ledger has no CreateUser for, from CloudTrail event
 * history (LookupEvents, the last 90 days, us-east-1 where IAM records its calls). One paged query per
 * account (`EventName = CreateUser`, the one lookup attribute a call may carry), rate-limited to the
 * 2 requests per second AWS allows, in the account itself through `--role-name` when given.
 */
import { type CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { parseRecord } from '../../rules/cloudtrail/parse';
import { makeContext } from '../../rules/context';
import { judge } from '../../rules/engine';
import { normalise } from '../../rules/normalise';
import { createCloudTrailClient, type SdkSettings } from '../backfill/client';
import { REAL_CLOCK, TokenBucket } from '../backfill/rate-limiter';
import { type Principal, principalOf } from '../ledger/user-history';
import type { CreationLookup } from './inventory';

/** How far back CloudTrail event history reaches. */
const EVENT_HISTORY_DAYS = 90;
/** IAM records its calls in us-east-1. */
const IAM_REGION = 'us-east-1';
/** LookupEvents' page size and the most pages read per account (5,000 CreateUser calls). */
const PAGE_SIZE = 50;
const MAX_PAGES = 100;

export interface CreationLookupOptions {
  sdk: SdkSettings;
  /** Role assumed in each account; the caller's own account otherwise. */
  roleName?: string;
  now(): Date;
  /** Called when an account's event history cannot be read (the inventory goes on without it). */
  onError?(accountId: string, error: Error): void;
}

/** A creation lookup that also closes its clients. */
export interface ClosableCreationLookup {
  lookup: CreationLookup;
  close(): void;
}

export function cloudTrailCreationLookup(options: CreationLookupOptions): ClosableCreationLookup {
  const clients: CloudTrailClient[] = [];
  const byAccount = new Map<string, Promise<Map<string, Principal>>>();
  const creationsOf = (accountId: string) => {
    let creations = byAccount.get(accountId);
    if (!creations) {
      const client = createCloudTrailClient({
        ...options.sdk,
        region: IAM_REGION,
        limiter: new TokenBucket({ ratePerSecond: 2, clock: REAL_CLOCK }),
        ...(options.roleName ? { roleArn: `arn:aws:iam::${accountId}:role/${options.roleName}` } : {}),
      });
      clients.push(client);
      creations = readCreations(client, options.now()).catch((error: unknown) => {
        options.onError?.(accountId, error instanceof Error ? error : new Error(String(error)));
        return new Map<string, Principal>();
      });
      byAccount.set(accountId, creations);
    }
    return creations;
  };
  return {
    lookup: async (accountId, userName) => (await creationsOf(accountId)).get(userName),
    close: () => {
      for (const client of clients) client.destroy();
    },
  };
}

/** Every CreateUser in the account's event history, by user name (the newest creation wins). */
async function readCreations(client: CloudTrailClient, now: Date): Promise<Map<string, Principal>> {
  const creations = new Map<string, Principal>();
  const context = makeContext({});
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await client.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }],
        StartTime: new Date(now.getTime() - EVENT_HISTORY_DAYS * 86_400_000),
        EndTime: now,
        MaxResults: PAGE_SIZE,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    for (const event of response.Events ?? []) {
      if (event.EventSource !== 'iam.amazonaws.com' || !event.CloudTrailEvent) continue;
      let entry: ReturnType<typeof judge>['entry'];
      try {
        const record = parseRecord(JSON.parse(event.CloudTrailEvent));
        if (record.errorCode) continue;
        entry = judge(normalise(record, context), context).entry;
      } catch {
        continue;
      }
      const userName = entry.target?.name;
      // Events come newest first: keep the newest creation of a name that was deleted and made again.
      if (userName && !creations.has(userName)) creations.set(userName, principalOf(entry));
    }
    token = response.NextToken;
    if (!token) break;
  }
  return creations;
}
