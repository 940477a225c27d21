/**
 * `iamwatch inventory`: the IAM users of every account, from the ledger, with who created them, when
 * and from where, and what credentials they got afterwards (access keys, console password) and from
 * whom. Built from `CreateUser` / `DeleteUser` entries and each user's own history (indexed queries
 * by event name and by target; never a Scan), so it covers the users created within the ledger's
 * history: backfill first to reach 90 days back.
 */
import { lastArnSegment } from '../../rules/arn';
import type { Actor, LedgerEntry } from '../../rules/types';
import { historyPages } from '../ledger/pages';
import type { LedgerStore, StoredEntry } from '../ports';
import { oneOf, parse } from './args';
import { loadDetectionContext } from './context';
import { csvCell } from './entries';
import { type CliIo, EXIT, UsageError } from './io';
import { applyOrganization, ORGANIZATION_HELP, organizationOptions } from './organization';
import { openStore, STORE_KINDS, storeOptions } from './store';
import { renderTable } from './table';

const HELP = `Usage: iamwatch inventory [--account ID] [--format table|json|csv] [--include-deleted]

Lists the IAM users created in the ledger's history (replayed, live or backfilled), minus those deleted
since, with who created each one (actor, via, source IP), and the access keys and console password
created for them afterwards and by whom. Users created before the ledger's history are not known:
run "iamwatch backfill" to read 90 days of CloudTrail history first.

  --account ID             one account only
  --include-deleted        also list deleted users, with who deleted them
  --format table|json|csv  readable table (default), JSON array, or CSV
  --config FILE            detection context JSON (account names)
  --store local|memory|dynamodb, --table NAME, --home DIR   which ledger (see "iamwatch replay --help")
${ORGANIZATION_HELP}`;

const IAM = 'iam.amazonaws.com';

/** Who made a call, as the inventory shows it. */
export interface Principal {
  type: string;
  name?: string;
  arn?: string;
  /** The role an assumed-role session was issued by. */
  sessionIssuerArn?: string;
  via?: string;
  sourceIp?: string;
  eventId: string;
}

export interface AccessKeyRecord {
  accessKeyId?: string;
  createdAt: string;
  createdBy: Principal;
  /** The key was minted by someone other than the user itself. */
  byAnotherPrincipal: boolean;
  deletedAt?: string;
}

export interface LoginProfileRecord {
  createdAt: string;
  createdBy: Principal;
  byAnotherPrincipal: boolean;
  /** Password changed by an administrator (UpdateLoginProfile) since. */
  lastChangedAt?: string;
  deletedAt?: string;
}

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

export async function inventoryCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    account: { type: 'string' },
    'include-deleted': { type: 'boolean' },
    format: { type: 'string' },
    config: { type: 'string' },
    ...organizationOptions,
    ...storeOptions,
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const format = oneOf(values.format, ['table', 'json', 'csv'] as const, '--format') ?? 'table';
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) {
    throw new UsageError(`--account must be a 12-digit account id, got "${values.account}"`);
  }
  const kind = oneOf(values.store, STORE_KINDS, '--store') ?? (values.table ? 'dynamodb' : 'local');
  const { context } = await applyOrganization(await loadDetectionContext(values.config, io), values, io);
  const store = await openStore(kind, values, io);
  let users: InventoryUser[];
  try {
    users = await buildInventory(store, {
      ...(values.account ? { account: values.account } : {}),
      includeDeleted: values['include-deleted'] === true,
    });
  } finally {
    await store.close();
  }
  for (const user of users) {
    const name = user.accountName ?? context.accountNames[user.accountId];
    if (name) user.accountName = name;
  }
  if (format === 'json') io.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
  else if (format === 'csv')
    io.stdout.write(`${[CSV_HEADERS.join(','), ...users.map(csvLine)].join('\n')}\n`);
  else {
    io.stdout.write(renderTable(TABLE_HEADERS, users.map(tableRow), { maxWidth: 48 }));
    io.stderr.write(`${users.length} ${users.length === 1 ? 'user' : 'users'}\n`);
  }
  return EXIT.ok;
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
  const user: InventoryUser = {
    accountId: creation.accountId,
    userName,
    createdAt: creation.eventTime,
    createdBy: principalOf(creation),
    accessKeys: [],
    groups: [],
  };
  if (creation.accountName) user.accountName = creation.accountName;
  if (creation.target?.arn) user.userArn = creation.target.arn;
  if (deletion) {
    user.deletedAt = deletion.eventTime;
    user.deletedBy = principalOf(deletion);
  }
  const since = creation.eventTime;
  const changes: StoredEntry[] = [];
  for await (const entry of historyPages(store, {
    target: `user/${userName}`,
    account: creation.accountId,
    since,
    ...(deletion ? { until: deletion.eventTime } : {}),
  })) {
    if (entry.eventSource === IAM && entry.result === 'success') changes.push(entry);
  }
  // Oldest first, so later calls (a deleted key, a removed group) undo earlier ones.
  changes.reverse();
  const groups = new Set<string>();
  for (const entry of changes) {
    switch (entry.eventName) {
      case 'CreateAccessKey':
        user.accessKeys.push(await accessKeyOf(store, entry, userName));
        break;
      case 'DeleteAccessKey': {
        const keyId = await requestString(store, entry, 'accessKeyId');
        const key = user.accessKeys.find((k) => !k.deletedAt && (!keyId || k.accessKeyId === keyId));
        if (key) key.deletedAt = entry.eventTime;
        break;
      }
      case 'CreateLoginProfile':
        user.loginProfile = {
          createdAt: entry.eventTime,
          createdBy: principalOf(entry),
          byAnotherPrincipal: !isUserItself(entry.actor, userName),
        };
        break;
      case 'UpdateLoginProfile':
        if (user.loginProfile) user.loginProfile.lastChangedAt = entry.eventTime;
        break;
      case 'DeleteLoginProfile':
        if (user.loginProfile) user.loginProfile.deletedAt = entry.eventTime;
        break;
      case 'AddUserToGroup':
      case 'RemoveUserFromGroup': {
        const group = await requestString(store, entry, 'groupName');
        if (!group) break;
        if (entry.eventName === 'AddUserToGroup') groups.add(group);
        else groups.delete(group);
        break;
      }
    }
  }
  user.groups = [...groups].sort();
  return user;
}

async function accessKeyOf(
  store: LedgerStore,
  entry: StoredEntry,
  userName: string,
): Promise<AccessKeyRecord> {
  const key: AccessKeyRecord = {
    createdAt: entry.eventTime,
    createdBy: principalOf(entry),
    byAnotherPrincipal: !isUserItself(entry.actor, userName),
  };
  const raw = await store.getRaw(entry.eventId);
  const accessKey = objectField(raw?.responseElements, 'accessKey');
  const accessKeyId = accessKey?.accessKeyId;
  if (typeof accessKeyId === 'string' && accessKeyId.length > 0) key.accessKeyId = accessKeyId;
  return key;
}

/** A request parameter the ledger entry does not carry, read from the stored raw record. */
async function requestString(
  store: LedgerStore,
  entry: StoredEntry,
  field: string,
): Promise<string | undefined> {
  const raw = await store.getRaw(entry.eventId);
  const value = raw?.requestParameters?.[field];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function objectField(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const inner = (value as Record<string, unknown>)[field];
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner)
    ? (inner as Record<string, unknown>)
    : undefined;
}

/** Whether the actor is the IAM user itself (a user minting its own key), not an administrator. */
function isUserItself(actor: Actor, userName: string): boolean {
  return actor.type === 'IAMUser' && actor.name?.toLowerCase() === userName.toLowerCase();
}

function principalOf(entry: LedgerEntry): Principal {
  const principal: Principal = { type: entry.actor.type, eventId: entry.eventId };
  if (entry.actor.name) principal.name = entry.actor.name;
  if (entry.actor.arn) principal.arn = entry.actor.arn;
  if (entry.actor.sessionIssuerArn) principal.sessionIssuerArn = entry.actor.sessionIssuerArn;
  if (entry.via) principal.via = entry.via;
  if (entry.sourceIp) principal.sourceIp = entry.sourceIp;
  return principal;
}

function principalLabel(principal: Principal): string {
  const name = principal.name ?? principal.arn ?? principal.type;
  const role = lastArnSegment(principal.sessionIssuerArn);
  return role && role !== name ? `${name} via ${role}` : name;
}

const TABLE_HEADERS = [
  'ACCOUNT',
  'USER',
  'CREATED',
  'CREATED BY',
  'VIA',
  'SOURCE IP',
  'ACCESS KEYS',
  'CONSOLE PASSWORD',
  'GROUPS',
];

function tableRow(user: InventoryUser): string[] {
  return [
    user.accountName ? `${user.accountId} (${user.accountName})` : user.accountId,
    user.deletedAt ? `${user.userName} (deleted ${user.deletedAt})` : user.userName,
    user.createdAt,
    principalLabel(user.createdBy),
    user.createdBy.via ?? '',
    user.createdBy.sourceIp ?? '',
    accessKeySummary(user.accessKeys),
    loginProfileSummary(user.loginProfile),
    user.groups.join(', '),
  ];
}

function accessKeySummary(keys: readonly AccessKeyRecord[]): string {
  if (keys.length === 0) return 'none';
  const active = keys.filter((k) => !k.deletedAt);
  const creators = [...new Set(active.map((k) => principalLabel(k.createdBy)))];
  const deleted = keys.length - active.length;
  const by = creators.length > 0 ? ` by ${creators.join(', ')}` : '';
  return `${active.length} active${by}${deleted > 0 ? ` (${deleted} deleted)` : ''}`;
}

function loginProfileSummary(profile: LoginProfileRecord | undefined): string {
  if (!profile) return 'none';
  if (profile.deletedAt) return `deleted ${profile.deletedAt}`;
  return `yes, by ${principalLabel(profile.createdBy)}`;
}

const CSV_HEADERS = [
  'accountId',
  'accountName',
  'userName',
  'userArn',
  'createdAt',
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
    accountId: user.accountId,
    accountName: user.accountName,
    userName: user.userName,
    userArn: user.userArn,
    createdAt: user.createdAt,
    createdByType: user.createdBy.type,
    createdByName: user.createdBy.name,
    createdByArn: user.createdBy.arn,
    createdVia: user.createdBy.via,
    createdFromIp: user.createdBy.sourceIp,
    activeAccessKeys: active.map((k) => k.accessKeyId ?? '?').join(';'),
    accessKeysCreatedBy: [...new Set(active.map((k) => principalLabel(k.createdBy)))].join(';'),
    accessKeysByAnotherPrincipal: active.some((k) => k.byAnotherPrincipal),
    loginProfile: profile !== undefined,
    loginProfileCreatedBy: profile ? principalLabel(profile.createdBy) : undefined,
    groups: user.groups.join(';'),
    deletedAt: user.deletedAt,
    deletedBy: user.deletedBy ? principalLabel(user.deletedBy) : undefined,
  };
  return CSV_HEADERS.map((header) => csvCell(values[header])).join(',');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
