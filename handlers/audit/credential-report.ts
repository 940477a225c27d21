/**
 * The IAM credential report (GetCredentialReport, CSV) parsed into users' sign-in, MFA and key facts.
 * The report writes `N/A`, `no_information` and `not_supported` where a value does not apply; those
 * become absent fields, never dates.
 */
import type { AccessKeyState, RootState } from '../../rules/audit/snapshot';

/** How the report names the root user. */
const ROOT_ACCOUNT_ROW = '<root_account>';

export interface CredentialReportRow {
  user: string;
  arn?: string;
  createdAt?: string;
  passwordEnabled?: boolean;
  passwordLastUsedAt?: string;
  passwordLastChangedAt?: string;
  mfaActive: boolean;
  accessKeys: AccessKeyState[];
}

/** The report's rows by user name (the root row under {@link ROOT_ACCOUNT_ROW}). */
export function parseCredentialReport(csv: string): Map<string, CredentialReportRow> {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim().length > 0);
  const header = (lines.shift() ?? '').split(',');
  const rows = new Map<string, CredentialReportRow>();
  for (const line of lines) {
    // IAM names and ARNs cannot contain commas, so the report needs no quoting.
    const cells = line.split(',');
    const cell = (name: string) => cells[header.indexOf(name)];
    const user = cell('user');
    if (!user) continue;
    const row: CredentialReportRow = {
      user,
      mfaActive: cell('mfa_active') === 'true',
      accessKeys: [1, 2].flatMap((slot) => keyOf(cell, slot)),
    };
    assign(row, 'arn', text(cell('arn')));
    assign(row, 'createdAt', time(cell('user_creation_time')));
    // The root row says not_supported: whether root has a password is not in the report.
    const password = cell('password_enabled');
    if (password === 'true' || password === 'false') row.passwordEnabled = password === 'true';
    assign(row, 'passwordLastUsedAt', time(cell('password_last_used')));
    assign(row, 'passwordLastChangedAt', time(cell('password_last_changed')));
    rows.set(user, row);
  }
  return rows;
}

/** The root user as the report sees it, when the report has its row. */
export function rootOf(rows: ReadonlyMap<string, CredentialReportRow>): RootState | undefined {
  const row = rows.get(ROOT_ACCOUNT_ROW);
  if (!row) return undefined;
  const root: RootState = { mfaActive: row.mfaActive, accessKeys: row.accessKeys };
  if (row.arn) root.arn = row.arn;
  if (row.passwordLastUsedAt) root.passwordLastUsedAt = row.passwordLastUsedAt;
  return root;
}

function keyOf(cell: (name: string) => string | undefined, slot: number): AccessKeyState[] {
  const prefix = `access_key_${slot}`;
  const rotated = time(cell(`${prefix}_last_rotated`));
  const active = cell(`${prefix}_active`) === 'true';
  // A slot that never held a key says false / N/A throughout.
  if (!active && !rotated) return [];
  const key: AccessKeyState = { slot: prefix, active };
  assign(key, 'createdAt', rotated);
  assign(key, 'lastUsedAt', time(cell(`${prefix}_last_used_date`)));
  assign(key, 'lastUsedService', text(cell(`${prefix}_last_used_service`)));
  assign(key, 'lastUsedRegion', text(cell(`${prefix}_last_used_region`)));
  return [key];
}

const NOT_A_VALUE = new Set(['', 'N/A', 'no_information', 'not_supported']);

function text(value: string | undefined): string | undefined {
  return value === undefined || NOT_A_VALUE.has(value) ? undefined : value;
}

function time(value: string | undefined): string | undefined {
  const present = text(value);
  if (!present) return undefined;
  const parsed = Date.parse(present);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
