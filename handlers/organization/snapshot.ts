/**
 * The organization as iamwatch knows it: every account AWS Organizations lists, with its name, status
 * and OU path, taken at one moment. Detections ask it "is this account inside the organization?",
 * ledger entries and alerts take the account name and OU path from it. Configuration lists
 * (`organizationAccountIds`, `accountNames`) stay as overrides on top.
 */
import { makeContext } from '../../rules/context';
import type { DetectionContext } from '../../rules/types';

/** One account of the organization. */
export interface OrganizationAccount {
  /** 12-digit account id. */
  id: string;
  name: string;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE` as Organizations reports it. */
  status: string;
  /** OU names from the root down, e.g. `Root/Workloads/Prod`; absent when the tree could not be read. */
  ouPath?: string;
  /** When the account joined (ISO-8601), as Organizations reports it. */
  joinedAt?: string;
}

/** The organization at `takenAt`. Accounts sorted by id. */
export interface OrganizationSnapshot {
  takenAt: string;
  organizationId?: string;
  managementAccountId?: string;
  accounts: OrganizationAccount[];
}

/** Account ids in the snapshot, for "inside the organization" checks. */
function snapshotAccountIds(snapshot: OrganizationSnapshot): string[] {
  return snapshot.accounts.map((a) => a.id);
}

/**
 * The detection context with the organization folded in: every snapshot account counts as inside the
 * organization (suspended ones too: a trust to them is not to a stranger), names and OU paths come from
 * the snapshot, and anything the configuration states wins over it.
 */
export function withOrganization(
  configured: DetectionContext,
  snapshot: OrganizationSnapshot | undefined,
): DetectionContext {
  if (!snapshot) return configured;
  const names: Record<string, string> = {};
  const ouPaths: Record<string, string> = {};
  for (const account of snapshot.accounts) {
    if (account.name) names[account.id] = account.name;
    if (account.ouPath) ouPaths[account.id] = account.ouPath;
  }
  return makeContext({
    ...configured,
    organizationAccountIds: [
      ...new Set([
        ...snapshotAccountIds(snapshot),
        ...(snapshot.managementAccountId ? [snapshot.managementAccountId] : []),
        ...configured.organizationAccountIds,
      ]),
    ].sort(),
    accountNames: { ...names, ...configured.accountNames },
    accountOuPaths: { ...ouPaths, ...configured.accountOuPaths },
  });
}

/** Accounts in `current` that `previous` did not have (joined since), and the ones it lost (left). */
export function snapshotChanges(
  previous: OrganizationSnapshot | undefined,
  current: OrganizationSnapshot,
): { joined: OrganizationAccount[]; left: OrganizationAccount[] } {
  const before = new Map((previous?.accounts ?? []).map((a) => [a.id, a]));
  const after = new Map(current.accounts.map((a) => [a.id, a]));
  return {
    joined: current.accounts.filter((a) => !before.has(a.id)),
    left: [...before.values()].filter((a) => !after.has(a.id)),
  };
}
