/**
 * A user's history rebuilt from the ledger: who created it (through assumed roles to the role and
 * the SSO user behind the session), when and from where, the access keys and console password created
 * for it afterwards and by whom, its groups, its deletion, and who touched it last. Read with indexed
 * queries on the user as target (never a Scan), and folded from the fields the normaliser puts on
 * each entry (`accessKeyId`, `groupName`), never from raw CloudTrail.
 */
import { isSamePrincipal } from '../../rules/target';
import type { LedgerEntry, Target } from '../../rules/types';
import type { LedgerStore } from '../ports';
import { historyPages } from './pages';

const IAM = 'iam.amazonaws.com';
/** IAM Identity Center's roles; their session name is the SSO user. */
const SSO_ROLE = /:role\/(?:aws-reserved\/sso\.amazonaws\.com\/(?:[^/]+\/)?)?AWSReservedSSO_/;

/** Who made a call, as reports show it; labelled like every actor, with `actorLabel`. */
export interface Principal {
  type: string;
  name?: string;
  arn?: string;
  /** The role an assumed-role session was issued by. */
  sessionIssuerArn?: string;
  /** The IAM Identity Center user behind an SSO session (its session name). */
  ssoUser?: string;
  sourceIdentity?: string;
  /** The service that made the call on the principal's behalf (CloudFormation, …). */
  invokedBy?: string;
  via?: string;
  sourceIp?: string;
  eventId: string;
  at: string;
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

export interface UserHistory {
  userName: string;
  userArn?: string;
  /** The latest CreateUser, when the ledger has it. */
  createdBy?: Principal;
  deletedBy?: Principal;
  accessKeys: AccessKeyRecord[];
  loginProfile?: LoginProfileRecord;
  /** Groups added to (AddUserToGroup) and not removed since. */
  groups: string[];
  /** The newest successful IAM call on the user, whoever made it. */
  lastChange?: Principal & { eventName: string };
}

/**
 * Folds a user's entries (any order) into its history. Only calls after the latest CreateUser count,
 * so a user deleted and created again under the same name starts over.
 */
function foldUserHistory(entries: readonly LedgerEntry[], userName: string): UserHistory {
  const changes = entries
    .filter((entry) => entry.eventSource === IAM && entry.result === 'success')
    .sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime) || compare(a.eventId, b.eventId));
  const lastCreation = changes.map((entry) => entry.eventName).lastIndexOf('CreateUser');
  const history: UserHistory = { userName, accessKeys: [], groups: [] };
  const groups = new Set<string>();
  const userTarget = (entry: LedgerEntry): Target =>
    entry.target?.type === 'user' ? entry.target : { type: 'user', name: userName };
  for (const entry of lastCreation >= 0 ? changes.slice(lastCreation) : changes) {
    const by = principalOf(entry);
    history.lastChange = { ...by, eventName: entry.eventName };
    const byAnotherPrincipal = !isSamePrincipal(entry.actor, userTarget(entry));
    switch (entry.eventName) {
      case 'CreateUser':
        history.createdBy = by;
        if (entry.target?.arn) history.userArn = entry.target.arn;
        break;
      case 'DeleteUser':
        history.deletedBy = by;
        break;
      case 'CreateAccessKey': {
        const key: AccessKeyRecord = { createdAt: entry.eventTime, createdBy: by, byAnotherPrincipal };
        if (entry.accessKeyId) key.accessKeyId = entry.accessKeyId;
        history.accessKeys.push(key);
        break;
      }
      case 'DeleteAccessKey': {
        const key = history.accessKeys.find(
          (k) => !k.deletedAt && (!entry.accessKeyId || k.accessKeyId === entry.accessKeyId),
        );
        if (key) key.deletedAt = entry.eventTime;
        break;
      }
      case 'CreateLoginProfile':
        history.loginProfile = { createdAt: entry.eventTime, createdBy: by, byAnotherPrincipal };
        break;
      case 'UpdateLoginProfile':
        if (history.loginProfile) history.loginProfile.lastChangedAt = entry.eventTime;
        break;
      case 'DeleteLoginProfile':
        if (history.loginProfile) history.loginProfile.deletedAt = entry.eventTime;
        break;
      case 'AddUserToGroup':
        if (entry.groupName) groups.add(entry.groupName);
        break;
      case 'RemoveUserFromGroup':
        if (entry.groupName) groups.delete(entry.groupName);
        break;
    }
  }
  history.groups = [...groups].sort();
  return history;
}

/** Reads and folds one user's history in one account. */
export async function readUserHistory(
  store: LedgerStore,
  accountId: string,
  userName: string,
  bounds: { since?: string; until?: string } = {},
): Promise<UserHistory> {
  const entries: LedgerEntry[] = [];
  for await (const entry of historyPages(store, {
    target: `user/${userName}`,
    account: accountId,
    ...bounds,
  })) {
    entries.push(entry);
  }
  return foldUserHistory(entries, userName);
}

/** The actor of an entry as a report shows it. */
export function principalOf(entry: LedgerEntry): Principal {
  const { actor } = entry;
  const principal: Principal = { type: actor.type, eventId: entry.eventId, at: entry.eventTime };
  if (actor.name) principal.name = actor.name;
  if (actor.arn) principal.arn = actor.arn;
  if (actor.sessionIssuerArn) {
    principal.sessionIssuerArn = actor.sessionIssuerArn;
    if (SSO_ROLE.test(actor.sessionIssuerArn) && actor.name) principal.ssoUser = actor.name;
  }
  if (actor.sourceIdentity) principal.sourceIdentity = actor.sourceIdentity;
  if (actor.invokedBy) principal.invokedBy = actor.invokedBy;
  if (entry.via) principal.via = entry.via;
  if (entry.sourceIp) principal.sourceIp = entry.sourceIp;
  return principal;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
