/** Ledger entries as the CLI prints them: the public contract, table rows and CSV. */
import { actorLabel } from '../../rules/detections/define';
import type { LedgerEntry } from '../../rules/types';
import type { StoredEntry } from '../ports';

/** The ledger-entry contract: stored bookkeeping (origin, delivery state) removed, key order fixed. */
export function toContract(entry: StoredEntry | LedgerEntry): LedgerEntry {
  const { origin: _origin, recordedAt: _recordedAt, delivery: _delivery, ...contract } = entry as StoredEntry;
  return contract;
}

/**
 * The contract plus `suppressedBy` when a suppression silenced the entry on any channel (read from its
 * delivery state), as `history --format json` and `show` print it.
 */
export function withSuppressedBy(
  contract: LedgerEntry,
  stored: StoredEntry,
): LedgerEntry & { suppressedBy?: string } {
  const id = Object.values(stored.delivery ?? {}).find((state) => state.suppressionId)?.suppressionId;
  return id ? { ...contract, suppressedBy: id } : contract;
}

export const ENTRY_HEADERS = [
  'TIME',
  'ACCOUNT',
  'ACTOR',
  'EVENT',
  'TARGET',
  'SOURCE IP',
  'SEVERITY',
  'DETECTIONS',
];

export function entryRow(entry: LedgerEntry): string[] {
  return [
    entry.eventTime,
    accountCell(entry),
    actorLabel(entry.actor),
    entry.result === 'failure' ? `${entry.eventName} ✗ ${entry.errorCode ?? ''}`.trim() : entry.eventName,
    entry.target ? `${entry.target.type} ${entry.target.name ?? entry.target.arn ?? ''}`.trim() : '',
    entry.sourceIp ?? '',
    entry.severity,
    entry.detections.map((d) => d.id).join(', '),
  ];
}

export const CSV_HEADERS = [
  'eventTime',
  'eventId',
  'accountId',
  'accountName',
  'region',
  'eventSource',
  'eventName',
  'result',
  'errorCode',
  'actorType',
  'actorName',
  'actorArn',
  'sessionIssuerArn',
  'mfa',
  'targetType',
  'targetName',
  'targetArn',
  'policyArn',
  'sourceIp',
  'sourceIpKind',
  'via',
  'userAgent',
  'automation',
  'severity',
  'detections',
] as const;

export function csvRow(entry: LedgerEntry): string {
  const values: Record<(typeof CSV_HEADERS)[number], unknown> = {
    eventTime: entry.eventTime,
    eventId: entry.eventId,
    accountId: entry.accountId,
    accountName: entry.accountName,
    region: entry.region,
    eventSource: entry.eventSource,
    eventName: entry.eventName,
    result: entry.result,
    errorCode: entry.errorCode,
    actorType: entry.actor.type,
    actorName: entry.actor.name,
    actorArn: entry.actor.arn,
    sessionIssuerArn: entry.actor.sessionIssuerArn,
    mfa: entry.actor.mfa,
    targetType: entry.target?.type,
    targetName: entry.target?.name,
    targetArn: entry.target?.arn,
    policyArn: entry.policyArn,
    sourceIp: entry.sourceIp,
    sourceIpKind: entry.sourceIpKind,
    via: entry.via,
    userAgent: entry.userAgent,
    automation: entry.automation,
    severity: entry.severity,
    detections: entry.detections.map((d) => d.id).join(';'),
  };
  return CSV_HEADERS.map((h) => csvCell(values[h])).join(',');
}

/**
 * RFC 4180 quoting, plus a leading quote on values a spreadsheet would run as a formula
 * (attacker-controlled names such as `=HYPERLINK(…)`).
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** An account as the CLI's tables show it: `111122223333 (payments-prod)`, or the id alone. */
export function accountCell(account: { accountId: string; accountName?: string }): string {
  return account.accountName ? `${account.accountId} (${account.accountName})` : account.accountId;
}

/** One CSV line: the cells of `record` in the order of `headers`, each through `csvCell`. */
export function csvRecord<H extends string>(headers: readonly H[], record: Record<H, unknown>): string {
  return headers.map((header) => csvCell(record[header])).join(',');
}
