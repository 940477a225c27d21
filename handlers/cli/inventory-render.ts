/** The source-of-truth inventory as a table, JSON or a CSV a spreadsheet opens as is. */

import type { AccountFailure } from '../../rules/audit/snapshot';
import { actorLabel } from '../../rules/detections/define';
import type { InventoryRole, InventoryRow } from '../audit/inventory';
import type { Principal } from '../ledger/user-history';
import { accountCell, csvRecord } from './entries';
import { renderTable } from './table';

export function renderInventory(
  rows: readonly InventoryRow[],
  roles: readonly InventoryRole[],
  failures: readonly AccountFailure[],
  format: 'table' | 'json' | 'csv',
): string {
  if (format === 'json') {
    return `${JSON.stringify({ users: rows, ...(roles.length > 0 ? { roles } : {}), failures }, null, 2)}\n`;
  }
  if (format === 'csv') return `${[CSV_HEADERS.join(','), ...rows.map(csvLine)].join('\r\n')}\r\n`;
  let text = renderTable(TABLE_HEADERS, rows.map(tableRow), { maxWidth: 60 });
  if (roles.length > 0) text += `\n${renderTable(ROLE_HEADERS, roles.map(roleRow), { maxWidth: 60 })}`;
  return text;
}

/** The columns every table of IAM users starts with: the user, and who created it, how and from where. */
export const USER_HEADERS = ['ACCOUNT', 'USER', 'CREATED', 'CREATED BY', 'VIA', 'SOURCE IP'];

/** The `CREATED BY`, `VIA` and `SOURCE IP` cells; `unknown` names a creator no one recorded. */
export function creatorCells(by: Principal | undefined, unknown: string): string[] {
  return [by ? actorLabel(by) : unknown, by?.via ?? '', by?.sourceIp ?? ''];
}

const TABLE_HEADERS = [...USER_HEADERS, 'PASSWORD LAST USED', 'MFA', 'ACCESS KEYS', 'GROUPS'];

function tableRow(row: InventoryRow): string[] {
  return [
    accountCell(row),
    row.userName,
    row.createdAt ?? '',
    ...creatorCells(row.creator.by, row.creator.note),
    row.passwordEnabled === false
      ? 'no password'
      : (row.passwordLastUsedAt ?? (row.passwordEnabled ? 'never' : '')),
    row.mfaActive === undefined ? '' : row.mfaActive ? 'yes' : 'no',
    keySummary(row),
    row.groups.join(', '),
  ];
}

function keySummary(row: InventoryRow): string {
  const active = row.accessKeys.filter((key) => key.active);
  if (active.length === 0) return row.accessKeys.length > 0 ? `${row.accessKeys.length} inactive` : 'none';
  return active
    .map((key) => {
      const used = key.lastUsedAt ? `used ${key.lastUsedAt.slice(0, 10)}` : 'never used';
      const by = key.createdBy ? `, by ${actorLabel(key.createdBy)}` : '';
      return `${key.accessKeyId ?? key.slot} (${used}${by})`;
    })
    .join('; ');
}

const ROLE_HEADERS = ['ACCOUNT', 'ROLE', 'CREATED', 'CREATED BY', 'LAST USED', 'MAX SESSION'];

function roleRow(role: InventoryRole): string[] {
  return [
    accountCell(role),
    role.roleName,
    role.createdAt ?? '',
    role.createdBy ? actorLabel(role.createdBy) : '',
    role.lastUsedAt ?? 'never',
    role.maxSessionDuration === undefined ? '' : `${role.maxSessionDuration}s`,
  ];
}

/** The CSV columns every list of IAM users starts with (USER_HEADERS's counterpart). */
export const USER_CSV_HEADERS = ['accountId', 'accountName', 'userName', 'userArn', 'createdAt'] as const;

/** The values of USER_CSV_HEADERS. */
export function userCsvValues(user: {
  accountId: string;
  accountName?: string | undefined;
  userName: string;
  userArn?: string | undefined;
  createdAt?: string | undefined;
}): Record<(typeof USER_CSV_HEADERS)[number], unknown> {
  const { accountId, accountName, userName, userArn, createdAt } = user;
  return { accountId, accountName, userName, userArn, createdAt };
}

const CSV_HEADERS = [
  ...USER_CSV_HEADERS,
  'creatorStatus',
  'createdBy',
  'createdByArn',
  'createdVia',
  'createdFromIp',
  'creatorNote',
  'passwordEnabled',
  'passwordLastUsedAt',
  'passwordSetBy',
  'mfaActive',
  'activeAccessKeys',
  'accessKeysLastUsed',
  'accessKeysCreatedBy',
  'groups',
  'attachedPolicies',
  'inlinePolicies',
  'lastChangedBy',
  'lastChangedAt',
  'source',
] as const;

function csvLine(row: InventoryRow): string {
  const active = row.accessKeys.filter((key) => key.active);
  const by = row.creator.by;
  const values: Record<(typeof CSV_HEADERS)[number], unknown> = {
    ...userCsvValues(row),
    creatorStatus: row.creator.status,
    createdBy: by ? actorLabel(by) : undefined,
    createdByArn: by?.arn,
    createdVia: by?.via,
    createdFromIp: by?.sourceIp,
    creatorNote: row.creator.note,
    passwordEnabled: row.passwordEnabled,
    passwordLastUsedAt: row.passwordLastUsedAt,
    passwordSetBy: row.passwordCreatedBy ? actorLabel(row.passwordCreatedBy) : undefined,
    mfaActive: row.mfaActive,
    activeAccessKeys: active.map((key) => key.accessKeyId ?? key.slot).join(';'),
    accessKeysLastUsed: active.map((key) => key.lastUsedAt ?? 'never').join(';'),
    accessKeysCreatedBy: active.map((key) => (key.createdBy ? actorLabel(key.createdBy) : '?')).join(';'),
    groups: row.groups.join(';'),
    attachedPolicies: row.attachedPolicies.join(';'),
    inlinePolicies: row.inlinePolicies.join(';'),
    lastChangedBy: row.lastChange ? actorLabel(row.lastChange) : undefined,
    lastChangedAt: row.lastChange?.at,
    source: row.source,
  };
  return csvRecord(CSV_HEADERS, values);
}
