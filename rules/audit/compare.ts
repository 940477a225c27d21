/**
 * What changed since the previous audit: findings that are new, still open, or fixed. Only accounts
 * read in both runs are compared, so an account that could not be read this time does not make all
 * its findings look fixed.
 */
import type { Severity } from '../types';
import type { AuditFinding } from './findings';

/** What the ledger keeps of a finding between runs. */
interface RememberedFinding {
  id: string;
  severity: Severity;
  accountId: string;
  title: string;
}

/** The record of one audit run kept in the ledger table. */
export interface AuditRunRecord {
  runAt: string;
  /** Accounts read successfully in that run. */
  accounts: string[];
  findings: RememberedFinding[];
}

export interface AuditComparison {
  /** When the previous run was; absent on the first run (then every finding is new). */
  previousRunAt?: string;
  new: AuditFinding[];
  open: AuditFinding[];
  fixed: RememberedFinding[];
}

export function remember(
  runAt: string,
  accounts: readonly string[],
  findings: readonly AuditFinding[],
): AuditRunRecord {
  return {
    runAt,
    accounts: [...accounts].sort(),
    findings: findings.map(({ id, severity, accountId, title }) => ({ id, severity, accountId, title })),
  };
}

export function compareWithPrevious(
  findings: readonly AuditFinding[],
  accounts: readonly string[],
  previous: AuditRunRecord | undefined,
): AuditComparison {
  if (!previous) return { new: [...findings], open: [], fixed: [] };
  const before = new Set(previous.findings.map((finding) => finding.id));
  const now = new Set(findings.map((finding) => finding.id));
  const readBoth = new Set(accounts.filter((account) => previous.accounts.includes(account)));
  return {
    previousRunAt: previous.runAt,
    new: findings.filter((finding) => !before.has(finding.id)),
    open: findings.filter((finding) => before.has(finding.id)),
    fixed: previous.findings.filter((finding) => readBoth.has(finding.accountId) && !now.has(finding.id)),
  };
}
