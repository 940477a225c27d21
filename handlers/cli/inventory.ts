/**
 * `iamwatch inventory`: every IAM user as it exists now (IAM per account, or a Config aggregator),
 * joined with the ledger's history of it (`handlers/audit/inventory.ts`). Without a source, the
 * users created in the ledger's history alone: built from `CreateUser` / `DeleteUser` entries and
 * each user's own history (indexed queries by event name and by target; never a Scan).
 */
import { actorLabel } from '../../rules/detections/define';
import {
  type InventoryRole,
  type InventoryRow,
  joinRolesWithLedger,
  joinWithLedger,
} from '../audit/inventory';
import { cloudTrailCreationLookup } from '../audit/lookup';
import { historyPages } from '../ledger/pages';
import {
  type AccessKeyRecord,
  type LoginProfileRecord,
  type Principal,
  principalOf,
  readUserHistory,
} from '../ledger/user-history';
import type { LedgerStore, StoredEntry } from '../ports';
import { printable } from '../shared/printable';
import { accountIdOption, formatOption, noPositionals, parse, printHelp } from './args';
import {
  emit,
  hasSource,
  readSource,
  reportProblems,
  SOURCE_HELP,
  SOURCE_OPTIONS,
  type SourceDeps,
  sourceCommand,
  sourceSdk,
} from './audit-sources';
import { loadDetectionContext } from './context';
import { accountCell, csvRecord } from './entries';
import { flags } from './flags';
import {
  creatorCells,
  renderInventory,
  USER_CSV_HEADERS,
  USER_HEADERS,
  userCsvValues,
} from './inventory-render';
import { type CliIo, EXIT, UsageError } from './io';
import { applyOrganization, organizationOptions } from './organization';
import { openStore, STORE_HELP, storeKindOf, storeOptions, withStore } from './store';
import { renderTable } from './table';

const HELP = `Usage: iamwatch inventory (--accounts ID,… | --org) [--role-name NAME] [options]
       iamwatch inventory --aggregator NAME [--resources users,roles] [options]
       iamwatch inventory [--account ID] [--include-deleted]            (from the ledger alone)

Every IAM user as it exists now, from IAM in each account or from an AWS Config aggregator, joined with
the ledger: who created it (through assumed roles to the role and the SSO user), when, from where and
how, the access keys and console password created for it and by whom, password and key last use, MFA,
groups and policies attached to it. A user older than the ledger's history says so, with the date the
history starts ("iamwatch backfill" reaches 90 days back). Accounts that cannot be read are reported on
stderr and the others are still listed (exit code 1 when any failed).

${SOURCE_HELP}
  --lookup                 for users the ledger has no CreateUser for, ask CloudTrail event history (its
                           last 90 days, us-east-1, through --role-name in each account) who created them
  --format table|json|csv  readable table (default), JSON, or CSV (opens in a spreadsheet as is)
  --config FILE            detection context JSON (account names)
${STORE_HELP}
Without a source, the users created in the ledger's history (minus those deleted since):
  --account ID             one account only
  --include-deleted        also list deleted users, with who deleted them
  --org-refresh            with --org: read Organizations now even when the cached copy is fresh
                           (--org also names accounts and OU paths from Organizations, cached 1h)
`;

export const createInventoryCommand = sourceCommand(inventory);

export const inventoryCommand = createInventoryCommand();

async function inventory(argv: string[], io: CliIo, deps: SourceDeps): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...flags('account', 'format', 'config'),
    'include-deleted': { type: 'boolean' },
    lookup: { type: 'boolean' },
    ...organizationOptions,
    ...SOURCE_OPTIONS,
    ...storeOptions,
  });
  if (values.help) return printHelp(HELP, io);
  noPositionals(positionals);
  const format = formatOption(values.format, ['table', 'json', 'csv']);
  accountIdOption(values.account, '--account');
  const kind = storeKindOf(values);
  const { context } = await applyOrganization(await loadDetectionContext(values.config, io), values, io);
  if (values.lookup && !hasSource(values)) {
    throw new UsageError('--lookup goes with a source: --accounts, --org or --aggregator');
  }
  if (hasSource(values)) {
    if (values.account || values['include-deleted']) {
      throw new UsageError('--account and --include-deleted are for the ledger-only inventory');
    }
    const read = await readSource(values, io, deps, { roles: false, accountNames: context.accountNames });
    const store = await openStore(kind, values, io);
    const lookup = values.lookup
      ? cloudTrailCreationLookup({
          sdk: sourceSdk(values, deps),
          ...(values['role-name'] ? { roleName: values['role-name'] } : {}),
          now: deps.now,
          onError: (accountId, error) =>
            io.stderr.write(
              `account ${accountId}: CloudTrail event history not read (${printable(error.message)}); creators stay unknown\n`,
            ),
        })
      : undefined;
    let rows: InventoryRow[];
    let roles: InventoryRole[];
    try {
      rows = await joinWithLedger(read.snapshots, store, lookup?.lookup);
      roles = await joinRolesWithLedger(read.snapshots, store);
    } finally {
      lookup?.close();
      await store.close();
    }
    reportProblems(read, io);
    await emit(renderInventory(rows, roles, read.failures, format), values.output, io);
    if (format === 'table') io.stderr.write(`${rows.length} ${rows.length === 1 ? 'user' : 'users'}\n`);
    return read.failures.length > 0 ? EXIT.failure : EXIT.ok;
  }
  const users = await withStore(kind, values, io, (store) =>
    buildInventory(store, {
      ...(values.account ? { account: values.account } : {}),
      includeDeleted: values['include-deleted'] === true,
    }),
  );
  for (const user of users) {
    const name = user.accountName ?? context.accountNames[user.accountId];
    if (name) user.accountName = name;
  }
  let text: string;
  if (format === 'json') text = `${JSON.stringify(users, null, 2)}\n`;
  else if (format === 'csv') text = `${[CSV_HEADERS.join(','), ...users.map(csvLine)].join('\n')}\n`;
  else text = renderTable(TABLE_HEADERS, users.map(tableRow), { maxWidth: 48 });
  await emit(text, values.output, io);
  if (format === 'table') io.stderr.write(`${users.length} ${users.length === 1 ? 'user' : 'users'}\n`);
  return EXIT.ok;
}

const IAM = 'iam.amazonaws.com';

export type { AccessKeyRecord, LoginProfileRecord, Principal } from '../ledger/user-history';

/** A user of the ledger-only inventory (no source flags): what the ledger's history says about it. */
export interface InventoryUser {
  accountId: string;
  accountName?: string;
  userName: string;
  userArn?: string;
  createdAt: string;
  createdBy: Principal;
  accessKeys: AccessKeyRecord[];
  loginProfile?: LoginProfileRecord;
  /** Groups added to (AddUserToGroup) and not removed since. */
  groups: string[];
  deletedAt?: string;
  deletedBy?: Principal;
}

/**
 * The users created in the ledger (in `account` when given), each with its latest creation. A user
 * whose latest `DeleteUser` is not older than that creation is deleted: left out, or listed with
 * `deletedAt` when `includeDeleted`.
 */
export async function buildInventory(
  store: LedgerStore,
  options: { account?: string; includeDeleted: boolean },
): Promise<InventoryUser[]> {
  const scope = options.account ? { account: options.account } : {};
  const created = await latestByUser(store, { ...scope, eventName: 'CreateUser' });
  const deleted = await latestByUser(store, { ...scope, eventName: 'DeleteUser' });
  const users: InventoryUser[] = [];
  for (const [key, creation] of created) {
    const deletion = deleted.get(key);
    const gone = deletion !== undefined && Date.parse(deletion.eventTime) >= Date.parse(creation.eventTime);
    if (gone && !options.includeDeleted) continue;
    const user = await describeUser(store, creation, gone ? deletion : undefined);
    if (user) users.push(user);
  }
  return users.sort(
    (a, b) =>
      compare(a.accountId, b.accountId) ||
      compare(a.createdAt, b.createdAt) ||
      compare(a.userName, b.userName),
  );
}

/** The newest successful IAM call of this name per account and user (IAM user names ignore case). */
async function latestByUser(
  store: LedgerStore,
  filter: { account?: string; eventName: string },
): Promise<Map<string, StoredEntry>> {
  const latest = new Map<string, StoredEntry>();
  for await (const entry of historyPages(store, filter)) {
    if (entry.eventSource !== IAM || entry.result !== 'success' || entry.target?.type !== 'user') continue;
    const name = entry.target.name;
    if (!name) continue;
    const key = `${entry.accountId}#${name.toLowerCase()}`;
    // Newest first: the first one seen is the latest.
    if (!latest.has(key)) latest.set(key, entry);
  }
  return latest;
}

async function describeUser(
  store: LedgerStore,
  creation: StoredEntry,
  deletion: StoredEntry | undefined,
): Promise<InventoryUser | undefined> {
  const userName = creation.target?.name;
  if (!userName) return undefined;
  const history = await readUserHistory(store, creation.accountId, userName, {
    since: creation.eventTime,
    ...(deletion ? { until: deletion.eventTime } : {}),
  });
  const user: InventoryUser = {
    accountId: creation.accountId,
    userName,
    createdAt: creation.eventTime,
    createdBy: principalOf(creation),
    accessKeys: history.accessKeys,
    groups: history.groups,
  };
  if (creation.accountName) user.accountName = creation.accountName;
  if (creation.target?.arn) user.userArn = creation.target.arn;
  if (history.loginProfile) user.loginProfile = history.loginProfile;
  if (deletion) {
    user.deletedAt = deletion.eventTime;
    user.deletedBy = principalOf(deletion);
  }
  return user;
}

const TABLE_HEADERS = [...USER_HEADERS, 'ACCESS KEYS', 'CONSOLE PASSWORD', 'GROUPS'];

function tableRow(user: InventoryUser): string[] {
  return [
    accountCell(user),
    user.deletedAt ? `${user.userName} (deleted ${user.deletedAt})` : user.userName,
    user.createdAt,
    ...creatorCells(user.createdBy, ''),
    accessKeySummary(user.accessKeys),
    loginProfileSummary(user.loginProfile),
    user.groups.join(', '),
  ];
}

function accessKeySummary(keys: readonly AccessKeyRecord[]): string {
  if (keys.length === 0) return 'none';
  const active = keys.filter((k) => !k.deletedAt);
  const creators = [...new Set(active.map((k) => actorLabel(k.createdBy)))];
  const deleted = keys.length - active.length;
  const by = creators.length > 0 ? ` by ${creators.join(', ')}` : '';
  return `${active.length} active${by}${deleted > 0 ? ` (${deleted} deleted)` : ''}`;
}

function loginProfileSummary(profile: LoginProfileRecord | undefined): string {
  if (!profile) return 'none';
  if (profile.deletedAt) return `deleted ${profile.deletedAt}`;
  return `yes, by ${actorLabel(profile.createdBy)}`;
}

const CSV_HEADERS = [
  ...USER_CSV_HEADERS,
  'createdByType',
  'createdByName',
  'createdByArn',
  'createdVia',
  'createdFromIp',
  'activeAccessKeys',
  'accessKeysCreatedBy',
  'accessKeysByAnotherPrincipal',
  'loginProfile',
  'loginProfileCreatedBy',
  'groups',
  'deletedAt',
  'deletedBy',
] as const;

function csvLine(user: InventoryUser): string {
  const active = user.accessKeys.filter((k) => !k.deletedAt);
  const profile = user.loginProfile && !user.loginProfile.deletedAt ? user.loginProfile : undefined;
  const values: Record<(typeof CSV_HEADERS)[number], unknown> = {
    ...userCsvValues(user),
    createdByType: user.createdBy.type,
    createdByName: user.createdBy.name,
    createdByArn: user.createdBy.arn,
    createdVia: user.createdBy.via,
    createdFromIp: user.createdBy.sourceIp,
    activeAccessKeys: active.map((k) => k.accessKeyId ?? '?').join(';'),
    accessKeysCreatedBy: [...new Set(active.map((k) => actorLabel(k.createdBy)))].join(';'),
    accessKeysByAnotherPrincipal: active.some((k) => k.byAnotherPrincipal),
    loginProfile: profile !== undefined,
    loginProfileCreatedBy: profile ? actorLabel(profile.createdBy) : undefined,
    groups: user.groups.join(';'),
    deletedAt: user.deletedAt,
    deletedBy: user.deletedBy ? actorLabel(user.deletedBy) : undefined,
  };
  return csvRecord(CSV_HEADERS, values);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
