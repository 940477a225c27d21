/**
 * What the fleet checks share: the accounts and regions they look at, a sample of them, bounded
 * concurrency, and how an account that denies access becomes a finding instead of a crash.
 */
import { describeError as describeReadError, mapLimit } from '../audit/iam-reader';

/** An account of the organization the checks look at. */
export interface FleetAccount {
  accountId: string;
  accountName?: string;
}

/** Accounts checked at once by default: enough to be quick, few enough not to be throttled. */
export const DEFAULT_CONCURRENCY = 8;

/** Error names that mean "this principal may not", from STS, IAM-enforced APIs and query protocols. */
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'AuthorizationErrorException',
  'UnauthorizedOperation',
]);

/** Whether `error` (or, for a failed AssumeRole, its cause) says access was denied. */
export function isAccessDenied(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (ACCESS_DENIED.has(error.name)) return true;
  return (
    error.name === 'AssumeRoleError' && error.cause instanceof Error && ACCESS_DENIED.has(error.cause.name)
  );
}

/** `AccessDenied: User … is not authorized …`: the error's name (the cause's for AssumeRole) and message, one line. */
export function describeError(error: unknown): string {
  return describeReadError(error).replace(/\s+/g, ' ').trim();
}

/** How a failed read of one account is worded: access denied is named as such, anything else as an error. */
export function unreadable(error: unknown): string {
  return isAccessDenied(error)
    ? `access denied: ${describeError(error)}`
    : `could not be read: ${describeError(error)}`;
}

/** `prod-payments (111122223333)`, or the id alone. */
export function accountLabel(account: FleetAccount): string {
  return account.accountName ? `${account.accountName} (${account.accountId})` : account.accountId;
}

/**
 * `size` accounts spread evenly over the list sorted by id (first and last included), so repeated runs
 * look at the same accounts and a large organization is still sampled from end to end.
 */
export function sampleAccounts<T extends FleetAccount>(accounts: readonly T[], size: number): T[] {
  const sorted = [...accounts].sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  if (size >= sorted.length) return sorted;
  if (size <= 1) return sorted.slice(0, Math.max(0, size));
  const step = (sorted.length - 1) / (size - 1);
  const picked = new Set<number>();
  for (let i = 0; i < size; i++) picked.add(Math.round(i * step));
  return [...picked].map((index) => sorted[index] as T);
}

/** Runs `work` over `items` with at most `limit` at once, results in input order. */
export function eachLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  return mapLimit(items, Math.max(1, limit), work);
}
