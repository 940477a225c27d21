/**
 * One audit: findings of every account read, each with whom to contact from the ledger (who created
 * the resource, who changed it last), compared with the previous run kept in the ledger table, and
 * this run kept for the next. Shared by `iamwatch audit` and the scheduled audit Lambda.
 */
import { type AuditComparison, compareWithPrevious, remember } from '../../rules/audit/compare';
import {
  type AuditContact,
  type AuditFinding,
  type AuditOptions,
  auditAccount,
} from '../../rules/audit/findings';
import type { AccountFailure, AccountSnapshot } from '../../rules/audit/snapshot';
import { actorLabel } from '../../rules/detections/define';
import { SEVERITIES, type Severity } from '../../rules/types';
import { type Principal, principalOf, readUserHistory } from '../ledger/user-history';
import type { LedgerStore } from '../ports';

type FindingStatus = 'new' | 'open';

export interface ReportedFinding extends AuditFinding {
  status: FindingStatus;
}

export interface AuditReport {
  runAt: string;
  /** Accounts read (fully or partly). */
  accounts: { accountId: string; accountName?: string; warnings: string[] }[];
  failures: AccountFailure[];
  findings: ReportedFinding[];
  /** Since the previous run (absent on the first). */
  previousRunAt?: string;
  fixed: AuditComparison['fixed'];
  counts: {
    bySeverity: Record<Severity, number>;
    byAccount: Record<string, number>;
    new: number;
    fixed: number;
    open: number;
  };
}

export interface RunAuditOptions extends AuditOptions {
  /** Keep this run in the ledger for the next comparison (false for a dry run). */
  save: boolean;
}

export async function runAudit(
  read: { snapshots: readonly AccountSnapshot[]; failures: readonly AccountFailure[] },
  store: LedgerStore,
  options: RunAuditOptions,
): Promise<AuditReport> {
  const runAt = options.now.toISOString();
  const findings = read.snapshots.flatMap((snapshot) => auditAccount(snapshot, options));
  await attachContacts(findings, store);
  const accounts = read.snapshots.map((snapshot) => snapshot.accountId);
  const comparison = compareWithPrevious(findings, accounts, await store.latestAuditRun());
  const fresh = new Set(comparison.new.map((finding) => finding.id));
  const reported = findings.map(
    (finding): ReportedFinding => ({ ...finding, status: fresh.has(finding.id) ? 'new' : 'open' }),
  );
  if (options.save) await store.putAuditRun(remember(runAt, accounts, findings));
  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<
    Severity,
    number
  >;
  const byAccount: Record<string, number> = {};
  for (const finding of findings) {
    bySeverity[finding.severity]++;
    byAccount[finding.accountId] = (byAccount[finding.accountId] ?? 0) + 1;
  }
  const report: AuditReport = {
    runAt,
    accounts: read.snapshots.map((snapshot) => ({
      accountId: snapshot.accountId,
      ...(snapshot.accountName ? { accountName: snapshot.accountName } : {}),
      warnings: snapshot.warnings,
    })),
    failures: [...read.failures],
    findings: reported,
    fixed: comparison.fixed,
    counts: {
      bySeverity,
      byAccount,
      new: comparison.new.length,
      fixed: comparison.fixed.length,
      open: comparison.open.length,
    },
  };
  if (comparison.previousRunAt) report.previousRunAt = comparison.previousRunAt;
  return report;
}

/** The ledger's creator and last actor of each finding's resource, read once per resource. */
async function attachContacts(findings: AuditFinding[], store: LedgerStore): Promise<void> {
  const cache = new Map<string, Promise<AuditContact | undefined>>();
  for (const finding of findings) {
    const { resource, accountId } = finding;
    const userName =
      resource.type === 'user'
        ? resource.name
        : resource.type === 'access-key'
          ? resource.userName
          : undefined;
    const key = userName
      ? `${accountId}#user#${userName}`
      : resource.type === 'role'
        ? `${accountId}#role#${resource.name}`
        : undefined;
    if (!key) continue;
    let pending = cache.get(key);
    if (!pending) {
      pending = userName
        ? userContact(store, accountId, userName)
        : roleContact(store, accountId, resource.name);
      cache.set(key, pending);
    }
    const contact = await pending;
    if (contact) finding.contact = contact;
  }
}

async function userContact(
  store: LedgerStore,
  accountId: string,
  userName: string,
): Promise<AuditContact | undefined> {
  const history = await readUserHistory(store, accountId, userName);
  return contactOf(history.createdBy, history.lastChange);
}

async function roleContact(
  store: LedgerStore,
  accountId: string,
  roleName: string,
): Promise<AuditContact | undefined> {
  const entries = (
    await store.history({ target: `role/${roleName}`, account: accountId, limit: 200 })
  ).filter((entry) => entry.result === 'success' && entry.eventSource === 'iam.amazonaws.com');
  const creation = entries.find((entry) => entry.eventName === 'CreateRole');
  const last = entries[0];
  return contactOf(
    creation ? principalOf(creation) : undefined,
    last ? { ...principalOf(last), eventName: last.eventName } : undefined,
  );
}

function contactOf(
  createdBy: Principal | undefined,
  last: (Principal & { eventName: string }) | undefined,
): AuditContact | undefined {
  if (!createdBy && !last) return undefined;
  const contact: AuditContact = {};
  if (createdBy) {
    contact.createdBy = actorLabel(createdBy);
    contact.createdAt = createdBy.at;
  }
  if (last) {
    contact.lastActor = actorLabel(last);
    contact.lastActedAt = last.at;
    contact.lastEvent = last.eventName;
  }
  return contact;
}
