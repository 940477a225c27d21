/**
 * Burst folding, the decisions: which window an alert counts in, and what the follow-up lists.
 *
 * One window per channel × account × actor, where the actor of an assumed-role session is the role
 * that issued it (a `terraform apply` opens one session per run, but the role is what people know).
 * A window opens at the first alert's event time and lasts `windowMs`; its first `postFirst` alerts
 * are posted as usual, the rest go into one follow-up sent when the window has closed. Critical
 * alerts are never folded.
 *
 * Flushing (see docs/design.md, "Bursts"): the notify function sends due follow-ups at the start of
 * every stream batch and on a one-minute schedule, so a follow-up leaves at most about a minute after
 * its window closes even when nothing else happens; replay and backfill flush all at the end of a run.
 */
import { lastArnSegment } from '../../rules/arn';
import { severityRank } from '../../rules/severity';
import type { LedgerEntry, Severity } from '../../rules/types';
import type { FoldedAlert, FoldedBurst } from '../ports';
import { actorDisplayName, headline } from './describe';

export interface BurstSettings {
  /** Length of a window. Default 10 minutes. */
  windowMs: number;
  /** Alerts of a window posted on their own before folding starts. Default 3. */
  postFirst: number;
}

export const DEFAULT_BURST_SETTINGS: BurstSettings = { windowMs: 10 * 60_000, postFirst: 3 };

/** Who a burst belongs to: the issuing role of a session, else the principal. */
function burstActor(entry: LedgerEntry): string {
  return entry.actor.sessionIssuerArn ?? entry.actor.arn ?? actorDisplayName(entry.actor);
}

/** The window key of an alert on a channel. */
export function burstKeyOf(channel: string, entry: LedgerEntry): string {
  return `${channel}|${entry.accountId}|${burstActor(entry)}`;
}

export function foldedBurstHeader(
  key: string,
  channel: string,
  entry: LedgerEntry,
  closesAt: string,
  windowMs: number,
): Omit<FoldedBurst, 'alerts' | 'total'> {
  const header: Omit<FoldedBurst, 'alerts' | 'total'> = {
    key,
    channel,
    accountId: entry.accountId,
    actor: burstActor(entry),
    opensAt: new Date(Date.parse(closesAt) - windowMs).toISOString(),
    closesAt,
  };
  if (entry.accountName) header.accountName = entry.accountName;
  return header;
}

export function foldedAlertOf(entry: LedgerEntry): FoldedAlert {
  const alert: FoldedAlert = {
    eventId: entry.eventId,
    eventTime: entry.eventTime,
    eventName: entry.eventName,
    severity: entry.severity,
    title: headline(entry),
  };
  const target = entry.target?.name ?? entry.target?.arn ?? entry.policyArn;
  if (target) alert.target = target;
  return alert;
}

/** The actor as people read it: the last segment of an ARN. */
function shortActor(actor: string): string {
  return actor.startsWith('arn:') ? (lastArnSegment(actor) ?? actor) : actor;
}

/** "37 more changes by terraform in prod-payments (111122223333) between 14:03 and 14:13 UTC" */
export function burstSummary(burst: FoldedBurst): string {
  const account = burst.accountName ? `${burst.accountName} (${burst.accountId})` : burst.accountId;
  const from = burst.opensAt.slice(11, 16);
  const to = burst.closesAt.slice(11, 16);
  const noun = burst.total === 1 ? 'change' : 'changes';
  return `${burst.total} more ${noun} by ${shortActor(burst.actor)} in ${account} between ${from} and ${to} UTC`;
}

/** One line per folded alert: severity, event, target, id. */
export function foldedLine(alert: FoldedAlert): string {
  const target = alert.target ? ` → ${alert.target}` : '';
  return `${alert.severity.toUpperCase()} ${alert.eventName}${target} (${alert.eventId})`;
}

/** The severity a follow-up is filed under: the highest it lists. */
export function burstSeverity(burst: FoldedBurst): Severity {
  return burst.alerts.reduce<Severity>(
    (top, a) => (severityRank(a.severity) > severityRank(top) ? a.severity : top),
    'info',
  );
}

/** The command that lists every entry of the burst from the ledger. */
export function burstHistoryCommand(burst: FoldedBurst): string {
  return `iamwatch history --actor ${burst.actor} --account ${burst.accountId} --since ${burst.opensAt} --until ${burst.closesAt}`;
}
