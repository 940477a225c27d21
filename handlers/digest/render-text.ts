/**
 * The digest as text for a terminal or an email: a headline, then one block per account. Names come
 * from whoever made the calls, so each is printed escaped (`printable`: no ANSI sequence, no forged
 * line) and cut to a readable length.
 */
import { SEVERITIES } from '../../rules/types';
import { truncate } from '../notify/truncate';
import { printable } from '../shared/printable';
import type { AccountDigest, Digest, NewPrincipal } from './build';

/** Names listed per line before "+N more". */
const TEXT_LIST_MAX = 20;
const NAME_MAX = 120;

export function renderDigestText(digest: Digest): string {
  const lines = [digestTitle(digest), digestSummary(digest)];
  for (const account of digest.accounts) lines.push('', ...accountLines(account));
  return `${lines.join('\n')}\n`;
}

/** "iamwatch digest 2026-12-02 08:00 – 2026-12-03 08:00 UTC" */
export function digestTitle(digest: Digest): string {
  return `iamwatch digest ${shortTime(digest.window.since)} – ${shortTime(digest.window.until)} UTC`;
}

/** "42 IAM events in 2 accounts; 3 alerts suppressed, 10 folded" or the empty-window line. */
export function digestSummary(digest: Digest): string {
  if (digest.events === 0) return 'No IAM events recorded in this window.';
  const accounts = digest.accounts.length;
  return `${plural(digest.events, 'IAM event')} in ${plural(accounts, 'account')}; ${plural(digest.suppressed, 'alert')} suppressed, ${digest.folded} folded into bursts`;
}

/** "30 events: 1 critical, 2 high, 12 info" */
export function severityLine(account: AccountDigest): string {
  const counts = [...SEVERITIES]
    .reverse()
    .filter((severity) => account.bySeverity[severity] > 0)
    .map((severity) => `${account.bySeverity[severity]} ${severity}`);
  return `${plural(account.events, 'event')}: ${counts.join(', ')}`;
}

/** "user bob by alice at 14:03" */
export function principalLine(principal: NewPrincipal, clean: (text: string) => string): string {
  const what = principal.kind === 'access-key' ? 'access key for' : principal.kind.replaceAll('-', ' ');
  return `${what} ${clean(principal.name)} by ${clean(principal.createdBy)} at ${principal.eventTime.slice(11, 16)}`;
}

/** At most `max` items, then "+N more". */
export function capped(items: readonly string[], max: number): string[] {
  if (items.length <= max) return [...items];
  return [...items.slice(0, max), `+${items.length - max} more`];
}

export function accountTitle(account: AccountDigest): string {
  return account.accountName ? `${account.accountId} (${account.accountName})` : account.accountId;
}

function accountLines(account: AccountDigest): string[] {
  const clean = (text: string) => truncate(printable(text), NAME_MAX);
  const lines = [`${clean(accountTitle(account))}: ${severityLine(account)}`];
  const list = (label: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push(`  ${label.padEnd(16)}${capped(items, TEXT_LIST_MAX).join(', ')}`);
  };
  list(
    'detections',
    account.detections.map((d) => `${clean(d.id)} (${d.severity}) ${d.count}`),
  );
  list(
    'new principals',
    account.newPrincipals.map((principal) => principalLine(principal, clean)),
  );
  list(
    'top actors',
    account.topActors.map((actor) => `${clean(actor.actor)} ${actor.count}`),
  );
  lines.push(`  ${'alerts'.padEnd(16)}${account.suppressed} suppressed, ${account.folded} folded`);
  return lines;
}

function shortTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
