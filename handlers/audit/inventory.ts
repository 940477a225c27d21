/**
 * The inventory of users as they exist now (from IAM or a Config aggregator), each joined with the
 * ledger: who created it, when, from where and how, the keys and console password created for it and
 * by whom, and who touched it last. Where the ledger does not reach back to a user's creation it
 * says so, with the date the ledger's history for that account starts.
 */
import type { AccessKeyState, AccountSnapshot, RoleState, UserState } from '../../rules/audit/snapshot';
import { actorLabel } from '../../rules/detections/define';
import { type Principal, principalOf, readUserHistory } from '../ledger/user-history';
import type { LedgerStore } from '../ports';

/** How the creator of a user was found, or why it was not. */
type CreatorStatus =
  /** The ledger holds the CreateUser. */
  | 'ledger'
  /** CloudTrail event history (`--lookup`) holds the CreateUser. */
  | 'cloudtrail'
  /** The user is older than the ledger's history of its account. */
  | 'before-ledger'
  /** Created within the ledger's history, yet the ledger has no CreateUser for it (a gap). */
  | 'not-recorded'
  /** The ledger holds nothing for this account. */
  | 'no-ledger-history';

/** An access key as the inventory shows it (its last-used region is left out). */
interface InventoryKey
  extends Pick<
    AccessKeyState,
    'accessKeyId' | 'slot' | 'active' | 'createdAt' | 'lastUsedAt' | 'lastUsedService'
  > {
  /** Who created it, when the ledger knows. */
  createdBy?: Principal;
  byAnotherPrincipal?: boolean;
}

export interface InventoryRow {
  accountId: string;
  accountName?: string;
  userName: string;
  userArn?: string;
  createdAt?: string;
  source: AccountSnapshot['source'];
  creator: { status: CreatorStatus; note: string; by?: Principal };
  passwordEnabled?: boolean;
  passwordLastUsedAt?: string;
  /** Who set the console password, when the ledger knows. */
  passwordCreatedBy?: Principal;
  mfaActive?: boolean;
  accessKeys: InventoryKey[];
  groups: string[];
  attachedPolicies: string[];
  inlinePolicies: string[];
  /** The newest IAM change to the user the ledger holds. */
  lastChange?: Principal & { eventName: string };
}

export interface InventoryRole {
  accountId: string;
  accountName?: string;
  roleName: string;
  roleArn?: string;
  createdAt?: string;
  lastUsedAt?: string;
  maxSessionDuration?: number;
  createdBy?: Principal;
}

/** Finds CreateUser events the ledger lacks (CloudTrail LookupEvents within its 90 days). */
export type CreationLookup = (accountId: string, userName: string) => Promise<Principal | undefined>;

/** Joins every snapshot's users with the ledger, one indexed query per user. */
export async function joinWithLedger(
  snapshots: readonly AccountSnapshot[],
  store: LedgerStore,
  lookup?: CreationLookup,
): Promise<InventoryRow[]> {
  const rows: InventoryRow[] = [];
  for (const snapshot of snapshots) {
    const historyFrom = await store.oldestEntryTime(snapshot.accountId);
    for (const user of snapshot.users) rows.push(await joinUser(snapshot, user, store, historyFrom, lookup));
  }
  return rows;
}

async function joinUser(
  snapshot: AccountSnapshot,
  user: UserState,
  store: LedgerStore,
  historyFrom: string | undefined,
  lookup: CreationLookup | undefined,
): Promise<InventoryRow> {
  // Only what happened since this incarnation of the user was created belongs to it.
  const since = user.createdAt ? new Date(Date.parse(user.createdAt) - 60_000).toISOString() : undefined;
  const history = await readUserHistory(store, snapshot.accountId, user.userName, since ? { since } : {});
  const row: InventoryRow = {
    accountId: snapshot.accountId,
    userName: user.userName,
    source: snapshot.source,
    creator: { status: 'ledger', note: '' },
    accessKeys: [],
    groups: user.groups,
    attachedPolicies: user.attachedPolicies.map((policy) => policy.name),
    inlinePolicies: user.inlinePolicies.map((policy) => policy.name),
  };
  if (snapshot.accountName) row.accountName = snapshot.accountName;
  if (user.arn) row.userArn = user.arn;
  if (user.createdAt) row.createdAt = user.createdAt;
  row.creator = await creatorOf(snapshot.accountId, user, history.createdBy, historyFrom, lookup);
  if (user.passwordEnabled !== undefined) row.passwordEnabled = user.passwordEnabled;
  if (user.passwordLastUsedAt) row.passwordLastUsedAt = user.passwordLastUsedAt;
  if (history.loginProfile && !history.loginProfile.deletedAt)
    row.passwordCreatedBy = history.loginProfile.createdBy;
  if (user.mfaActive !== undefined) row.mfaActive = user.mfaActive;
  for (const key of user.accessKeys) {
    const known = history.accessKeys.find(
      (record) => record.accessKeyId && record.accessKeyId === key.accessKeyId,
    );
    const item: InventoryKey = { active: key.active };
    if (key.accessKeyId) item.accessKeyId = key.accessKeyId;
    if (key.slot) item.slot = key.slot;
    if (key.createdAt) item.createdAt = key.createdAt;
    if (key.lastUsedAt) item.lastUsedAt = key.lastUsedAt;
    if (key.lastUsedService) item.lastUsedService = key.lastUsedService;
    if (known) {
      item.createdBy = known.createdBy;
      item.byAnotherPrincipal = known.byAnotherPrincipal;
    }
    row.accessKeys.push(item);
  }
  if (history.lastChange) row.lastChange = history.lastChange;
  return row;
}

async function creatorOf(
  accountId: string,
  user: UserState,
  createdBy: Principal | undefined,
  historyFrom: string | undefined,
  lookup: CreationLookup | undefined,
): Promise<InventoryRow['creator']> {
  if (createdBy) return { status: 'ledger', note: `created by ${actorLabel(createdBy)}`, by: createdBy };
  const found = lookup ? await lookup(accountId, user.userName) : undefined;
  if (found)
    return {
      status: 'cloudtrail',
      note: `created by ${actorLabel(found)} (CloudTrail event history)`,
      by: found,
    };
  const created = user.createdAt ? `created ${user.createdAt.slice(0, 10)}` : 'creation time unknown';
  if (!historyFrom)
    return { status: 'no-ledger-history', note: `${created}; the ledger holds nothing for this account` };
  if (!user.createdAt || Date.parse(user.createdAt) < Date.parse(historyFrom)) {
    return {
      status: 'before-ledger',
      note: `${created}, before the ledger's history (from ${historyFrom.slice(0, 10)})`,
    };
  }
  return {
    status: 'not-recorded',
    note: `${created}, within the ledger's history but no CreateUser was recorded`,
  };
}

/** Roles with their creator from the ledger (CreateRole on the role as target). */
export async function joinRolesWithLedger(
  snapshots: readonly AccountSnapshot[],
  store: LedgerStore,
): Promise<InventoryRole[]> {
  const roles: InventoryRole[] = [];
  for (const snapshot of snapshots) {
    for (const role of snapshot.roles ?? []) roles.push(await joinRole(snapshot, role, store));
  }
  return roles;
}

async function joinRole(
  snapshot: AccountSnapshot,
  role: RoleState,
  store: LedgerStore,
): Promise<InventoryRole> {
  const row: InventoryRole = { accountId: snapshot.accountId, roleName: role.roleName };
  if (snapshot.accountName) row.accountName = snapshot.accountName;
  if (role.arn) row.roleArn = role.arn;
  if (role.createdAt) row.createdAt = role.createdAt;
  if (role.lastUsedAt) row.lastUsedAt = role.lastUsedAt;
  if (role.maxSessionDuration !== undefined) row.maxSessionDuration = role.maxSessionDuration;
  const [creation] = await store.history({
    target: `role/${role.roleName}`,
    account: snapshot.accountId,
    eventName: 'CreateRole',
    limit: 1,
  });
  if (creation?.result === 'success') row.createdBy = principalOf(creation);
  return row;
}
