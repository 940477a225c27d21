/**
 * The daily digest, the decisions: from the ledger entries of a time window, per account, how many IAM
 * events (changes, denied calls, sign-ins: whatever the ledger recorded) there were by detection and
 * severity, which principals were created, who made the most calls, and how many alerts were
 * suppressed or folded into a burst follow-up. Pure: the entries
 * are read elsewhere (`query.ts`) and the result is rendered elsewhere (`render-*.ts`).
 */
import { actorLabel } from '../../rules/detections/define';
import { bySeverityDescending } from '../../rules/severity';
import { SEVERITIES, type Severity } from '../../rules/types';
import type { ChannelDelivery, StoredEntry } from '../ports';

/**
 * The time window a digest covers, ISO-8601 UTC: `since` inclusive, `until` exclusive, so the digests
 * of consecutive windows count an entry at the boundary once.
 */
export interface DigestWindow {
  since: string;
  until: string;
}

/** What kind of principal a creation made. */
type NewPrincipalKind = 'user' | 'role' | 'access-key' | 'identity-center-user';

export interface NewPrincipal {
  kind: NewPrincipalKind;
  /** The user, role or Identity Center user name; for an access key, the user who got it. */
  name: string;
  /** Who created it, as people read it. */
  createdBy: string;
  eventTime: string;
  eventId: string;
}

interface DetectionCount {
  id: string;
  /** The highest severity the detection fired at in the window. */
  severity: Severity;
  count: number;
}

interface ActorCount {
  actor: string;
  count: number;
}

export interface AccountDigest {
  accountId: string;
  accountName?: string;
  /** Ledger entries (IAM calls, denied calls, sign-ins) in the window. */
  events: number;
  /** Entries by their severity (the highest of their detections, `info` when none). */
  bySeverity: Record<Severity, number>;
  /** Most severe first, then most frequent. */
  detections: DetectionCount[];
  /** Oldest first. */
  newPrincipals: NewPrincipal[];
  /** Most events first; at most `topActors`. */
  topActors: ActorCount[];
  /** Entries whose alert a suppression silenced. */
  suppressed: number;
  /** Entries whose alert was folded into a burst follow-up instead of posted on its own. */
  folded: number;
}

export interface Digest {
  window: DigestWindow;
  /** Entries in all accounts. */
  events: number;
  suppressed: number;
  folded: number;
  /** Most events first. */
  accounts: AccountDigest[];
}

export interface DigestOptions {
  /**
   * Count suppressed and folded alerts on this delivery channel only (`slack:<route>`); on any channel
   * when absent, so one entry counts once however many routes silenced it.
   */
  channel?: string;
  /** How many actors to name per account. Default 5. */
  topActors?: number;
}

const DEFAULT_TOP_ACTORS = 5;

/**
 * Builds the digest of `entries` inside `window`. Entries outside the window are ignored, so a caller
 * may pass a superset (the ledger query's bounds are both inclusive); each eventId counts once.
 */
export function buildDigest(
  entries: Iterable<StoredEntry>,
  window: DigestWindow,
  options: DigestOptions = {},
): Digest {
  const builder = new DigestBuilder(window, options);
  for (const entry of entries) builder.add(entry);
  return builder.digest();
}

/**
 * The digest built one entry at a time, holding counts rather than entries, so a busy day read page
 * by page never has to fit in memory at once. `buildDigest` is this over a list.
 */
export class DigestBuilder {
  private readonly from: number;
  private readonly until: number;
  private readonly seen = new Set<string>();
  private readonly accounts = new Map<string, AccountTally>();

  constructor(
    private readonly window: DigestWindow,
    private readonly options: DigestOptions = {},
  ) {
    this.from = Date.parse(window.since);
    this.until = Date.parse(window.until);
  }

  add(entry: StoredEntry): void {
    const time = Date.parse(entry.eventTime);
    if (this.seen.has(entry.eventId) || time < this.from || time >= this.until) return;
    this.seen.add(entry.eventId);
    let tally = this.accounts.get(entry.accountId);
    if (!tally) {
      tally = newTally(entry.accountId);
      this.accounts.set(entry.accountId, tally);
    }
    countInto(tally, entry, this.options.channel);
  }

  digest(): Digest {
    const accounts = [...this.accounts.values()]
      .map((tally) => accountDigest(tally, this.options.topActors ?? DEFAULT_TOP_ACTORS))
      .sort((a, b) => b.events - a.events || compareText(a.accountId, b.accountId));
    return {
      window: this.window,
      events: sum(accounts, (account) => account.events),
      suppressed: sum(accounts, (account) => account.suppressed),
      folded: sum(accounts, (account) => account.folded),
      accounts,
    };
  }
}

interface AccountTally {
  accountId: string;
  accountName?: string;
  events: number;
  bySeverity: Record<Severity, number>;
  detections: Map<string, DetectionCount>;
  actors: Map<string, number>;
  newPrincipals: NewPrincipal[];
  suppressed: number;
  folded: number;
}

function newTally(accountId: string): AccountTally {
  return {
    accountId,
    events: 0,
    bySeverity: Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>,
    detections: new Map(),
    actors: new Map(),
    newPrincipals: [],
    suppressed: 0,
    folded: 0,
  };
}

function countInto(tally: AccountTally, entry: StoredEntry, channel: string | undefined): void {
  tally.accountName ??= entry.accountName;
  tally.events++;
  tally.bySeverity[entry.severity]++;
  for (const hit of entry.detections) {
    const known = tally.detections.get(hit.id);
    if (!known) tally.detections.set(hit.id, { id: hit.id, severity: hit.severity, count: 1 });
    else {
      known.count++;
      if (bySeverityDescending(hit.severity, known.severity) < 0) known.severity = hit.severity;
    }
  }
  const actor = actorLabel(entry.actor);
  tally.actors.set(actor, (tally.actors.get(actor) ?? 0) + 1);
  const created = newPrincipalOf(entry);
  if (created) tally.newPrincipals.push(created);
  const states = deliveryStates(entry, channel);
  // One entry counts once: suppressed when any of its channels suppressed it, else folded.
  if (states.some((state) => state.status === 'suppressed')) tally.suppressed++;
  else if (states.some((state) => state.status === 'folded')) tally.folded++;
}

function accountDigest(tally: AccountTally, topActors: number): AccountDigest {
  const digest: AccountDigest = {
    accountId: tally.accountId,
    events: tally.events,
    bySeverity: tally.bySeverity,
    detections: [...tally.detections.values()].sort(
      (a, b) => bySeverityDescending(a.severity, b.severity) || b.count - a.count || compareText(a.id, b.id),
    ),
    newPrincipals: [...tally.newPrincipals].sort(
      (a, b) => compareText(a.eventTime, b.eventTime) || compareText(a.eventId, b.eventId),
    ),
    topActors: [...tally.actors.entries()]
      .map(([actor, count]) => ({ actor, count }))
      .sort((a, b) => b.count - a.count || compareText(a.actor, b.actor))
      .slice(0, topActors),
    suppressed: tally.suppressed,
    folded: tally.folded,
  };
  if (tally.accountName) digest.accountName = tally.accountName;
  return digest;
}

/**
 * The principal a successful creation call made, if it was one. Identity Center users come from both
 * `identitystore` and the older `sso-directory` API; the normaliser types their target alike.
 */
function newPrincipalOf(entry: StoredEntry): NewPrincipal | undefined {
  if (entry.result !== 'success') return undefined;
  const kind = newPrincipalKind(entry);
  const name = entry.target?.name ?? entry.target?.arn;
  if (!kind || !name) return undefined;
  return {
    kind,
    name,
    createdBy: actorLabel(entry.actor),
    eventTime: entry.eventTime,
    eventId: entry.eventId,
  };
}

function newPrincipalKind(entry: StoredEntry): NewPrincipalKind | undefined {
  const iam = entry.eventSource === 'iam.amazonaws.com';
  if (entry.eventName === 'CreateUser' && entry.target?.type === 'identity-center-user')
    return 'identity-center-user';
  if (iam && entry.eventName === 'CreateUser') return 'user';
  if (iam && entry.eventName === 'CreateRole') return 'role';
  if (iam && entry.eventName === 'CreateAccessKey') return 'access-key';
  return undefined;
}

function deliveryStates(entry: StoredEntry, channel: string | undefined): ChannelDelivery[] {
  const delivery = entry.delivery ?? {};
  if (channel === undefined) return Object.values(delivery);
  const state = delivery[channel];
  return state ? [state] : [];
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
