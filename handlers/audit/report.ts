/** An audit report as a table, CSV (a spreadsheet opens it as is) and a short summary for chat. */
import { SEVERITIES, type Severity } from '../../rules/types';
import type { AuditReport, ReportedFinding } from './run';

const SEVERITY_RANK: Record<Severity, number> = Object.fromEntries(
  SEVERITIES.map((severity, index) => [severity, index]),
) as Record<Severity, number>;

/** Worst first, then account, then id: the order every rendering uses. */
export function byUrgency(a: ReportedFinding, b: ReportedFinding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

const FINDING_CSV_HEADERS = [
  'id',
  'status',
  'severity',
  'check',
  'accountId',
  'accountName',
  'resourceType',
  'resource',
  'resourceArn',
  'title',
  'evidence',
  'createdBy',
  'createdAt',
  'lastActor',
  'lastActedAt',
  'lastEvent',
] as const;

/** RFC 4180 CSV; values a spreadsheet would run as a formula get a leading quote. */
export function findingsCsv(report: AuditReport, cell: (value: unknown) => string): string {
  const lines = [...report.findings].sort(byUrgency).map((finding) => {
    const values: Record<(typeof FINDING_CSV_HEADERS)[number], unknown> = {
      id: finding.id,
      status: finding.status,
      severity: finding.severity,
      check: finding.check,
      accountId: finding.accountId,
      accountName: finding.accountName,
      resourceType: finding.resource.type,
      resource: finding.resource.userName
        ? `${finding.resource.userName}/${finding.resource.name}`
        : finding.resource.name,
      resourceArn: finding.resource.arn,
      title: finding.title,
      evidence: finding.evidence,
      createdBy: finding.contact?.createdBy,
      createdAt: finding.contact?.createdAt,
      lastActor: finding.contact?.lastActor,
      lastActedAt: finding.contact?.lastActedAt,
      lastEvent: finding.contact?.lastEvent,
    };
    return FINDING_CSV_HEADERS.map((header) => cell(values[header])).join(',');
  });
  return `${[FINDING_CSV_HEADERS.join(','), ...lines].join('\r\n')}\r\n`;
}

/** Whom to ask: the creator, else the last actor. */
export function contactLabel(finding: ReportedFinding): string {
  const contact = finding.contact;
  if (!contact) return '';
  if (contact.createdBy) return `created by ${contact.createdBy}`;
  return contact.lastActor ? `last ${contact.lastEvent ?? 'change'} by ${contact.lastActor}` : '';
}

/** One line of totals: `12 findings (1 critical, 3 high …) in 2 accounts; 4 new, 2 fixed, 8 open`. */
export function summaryLine(report: AuditReport): string {
  const severities = [...SEVERITIES]
    .reverse()
    .filter((severity) => report.counts.bySeverity[severity] > 0)
    .map((severity) => `${report.counts.bySeverity[severity]} ${severity}`);
  const total = report.findings.length;
  const since = report.previousRunAt
    ? `; since ${report.previousRunAt.slice(0, 10)}: ${report.counts.new} new, ${report.counts.fixed} fixed, ${report.counts.open} still open`
    : '; first audit kept in the ledger';
  const failed = report.failures.length > 0 ? `; ${report.failures.length} not readable` : '';
  return `${total} ${total === 1 ? 'finding' : 'findings'}${severities.length ? ` (${severities.join(', ')})` : ''} in ${report.accounts.length} ${report.accounts.length === 1 ? 'account' : 'accounts'}${failed}${since}`;
}
