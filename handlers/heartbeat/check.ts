/**
 * The heartbeat check as a pure function: which forwarders (account × region) have fallen silent,
 * which have come back, which are new and which left. No clock, no I/O: the caller passes `now`, the
 * reporters that should exist (from the StackSet's targets) and what was stored last time, and writes
 * back the states this returns.
 */

/** An account × region that runs forwarders and so should send heartbeats. */
export interface Reporter {
  accountId: string;
  region: string;
  /** For messages; the account id when unknown. */
  accountName?: string;
}

/** What the monitor keeps per reporter between checks. */
export interface ReporterState {
  accountId: string;
  region: string;
  /** Time of the newest heartbeat received (ISO-8601), absent until the first one. */
  lastSeenAt?: string;
  /** When the check first expected this reporter: the clock for one that never reported. */
  firstExpectedAt?: string;
  /** Set while the reporter is reported silent: since when (its last heartbeat, or first expectation). */
  silentSince?: string;
}

export type HeartbeatNotice =
  | { kind: 'silent'; reporter: Reporter; since: string; neverReported: boolean }
  | { kind: 'recovered'; reporter: Reporter; silentSince: string; lastSeenAt: string };

export interface CheckInput {
  now: Date;
  /** A reporter whose newest heartbeat is older than this is silent. */
  lateAfterMs: number;
  expected: readonly Reporter[];
  states: readonly ReporterState[];
}

export interface CheckResult {
  notices: HeartbeatNotice[];
  /** New or changed states, to store. */
  changed: ReporterState[];
  /** States of reporters no longer expected (the account left, a region was dropped), to delete. */
  departed: ReporterState[];
}

/** The key of a reporter in maps and in the ledger (`<account>#<region>`). */
export function reporterKey(reporter: { accountId: string; region: string }): string {
  return `${reporter.accountId}#${reporter.region}`;
}

/** Compares states with expectations at `now`; see {@link CheckResult}. */
export function checkHeartbeats(input: CheckInput): CheckResult {
  const stored = new Map(input.states.map((state) => [reporterKey(state), state]));
  const result: CheckResult = { notices: [], changed: [], departed: [] };

  for (const reporter of input.expected) {
    const key = reporterKey(reporter);
    const previous = stored.get(key);
    stored.delete(key);
    const state: ReporterState = previous
      ? { ...previous }
      : { accountId: reporter.accountId, region: reporter.region };
    const step = stepSilence(state, input.now, input.lateAfterMs);
    if (step.became === 'silent') {
      result.notices.push({
        kind: 'silent',
        reporter,
        since: step.since,
        neverReported: state.lastSeenAt === undefined,
      });
    } else if (step.became === 'recovered') {
      result.notices.push({
        kind: 'recovered',
        reporter,
        silentSince: step.silentSince,
        lastSeenAt: state.lastSeenAt ?? step.since,
      });
    }
    if (!previous || step.changed) result.changed.push(state);
  }
  result.departed = [...stored.values()];
  return result;
}

/** The bookkeeping every silence watch keeps: the newest sign of life, and the silence reported. */
interface SilenceState {
  lastSeenAt?: string;
  firstExpectedAt?: string;
  silentSince?: string;
}

type SilenceStep =
  | { became?: undefined; changed: boolean; since: string }
  | { became: 'silent'; changed: true; since: string }
  | { became: 'recovered'; changed: true; since: string; silentSince: string };

/**
 * One step of the state machine shared by heartbeats and the canary, applied to `state` in place:
 * late (newest sign older than `lateAfterMs`, or none since first expected) and not yet reported →
 * `silent` once; on time again after a report → `recovered` once; anything else → no notice, so a
 * silence pages once however many checks it lasts.
 */
function stepSilence(state: SilenceState, now: Date, lateAfterMs: number): SilenceStep {
  let changed = false;
  if (!state.firstExpectedAt) {
    state.firstExpectedAt = now.toISOString();
    changed = true;
  }
  const since = state.lastSeenAt ?? state.firstExpectedAt;
  const late = now.getTime() - Date.parse(since) > lateAfterMs;
  if (late && !state.silentSince) {
    state.silentSince = since;
    return { became: 'silent', changed: true, since };
  }
  if (!late && state.silentSince) {
    const silentSince = state.silentSince;
    delete state.silentSince;
    return { became: 'recovered', changed: true, since, silentSince };
  }
  return { changed, since };
}

/** One line a person reads: "account A / region R silent since T". */
export function describeNotice(notice: HeartbeatNotice): { subject: string; message: string } {
  const { reporter } = notice;
  const who = reporter.accountName
    ? `account ${reporter.accountName} (${reporter.accountId})`
    : `account ${reporter.accountId}`;
  if (notice.kind === 'silent') {
    const what = notice.neverReported
      ? `has sent no heartbeat since it was first expected at ${notice.since}`
      : `silent since ${notice.since}`;
    return {
      subject: `iamwatch: ${reporter.accountId} / ${reporter.region} silent`,
      message:
        `${who} / region ${reporter.region} ${what}: its IAM events may not be reaching iamwatch. ` +
        'Check the forwarder stack (StackSet instance), its rules and its dead-letter queue in that account and region.',
    };
  }
  return {
    subject: `iamwatch: ${reporter.accountId} / ${reporter.region} recovered`,
    message: `${who} / region ${reporter.region} recovered: heartbeat received at ${notice.lastSeenAt} after silence since ${notice.silentSince}.`,
  };
}

/** What the monitor keeps about the end-to-end canary between checks. */
export interface CanaryState extends SilenceState {
  /** `lastSeenAt` is when the newest canary write was made (its CloudTrail eventTime); this, when it was recorded. */
  arrivedAt?: string;
}

export type CanaryNotice =
  | { kind: 'silent'; since: string; lastSeenAt?: string; arrivedAt?: string }
  | { kind: 'recovered'; silentSince: string; lastSeenAt: string; arrivedAt?: string };

export interface CanaryCheckInput {
  now: Date;
  /** A canary whose newest write is older than this has not made the trip in time. */
  lateAfterMs: number;
  /** The stored state; absent before the first check. */
  state: CanaryState | undefined;
}

/**
 * The canary check, the heartbeat state machine over one item: the clock is the canary's newest write
 * time, so a write that arrives but took longer than the deadline to arrive counts as late too.
 */
export function checkCanary(input: CanaryCheckInput): { notice?: CanaryNotice; changed?: CanaryState } {
  const state: CanaryState = { ...input.state };
  const step = stepSilence(state, input.now, input.lateAfterMs);
  const seen = {
    ...(state.lastSeenAt ? { lastSeenAt: state.lastSeenAt } : {}),
    ...(state.arrivedAt ? { arrivedAt: state.arrivedAt } : {}),
  };
  const changed = !input.state || step.changed ? { changed: state } : {};
  if (step.became === 'silent') return { notice: { kind: 'silent', since: step.since, ...seen }, ...changed };
  if (step.became === 'recovered') {
    return {
      notice: { kind: 'recovered', silentSince: step.silentSince, lastSeenAt: step.since, ...seen },
      ...changed,
    };
  }
  return changed;
}

/** The canary's notice in words: what is silent, since when, what that means and where to look. */
export function describeCanaryNotice(
  notice: CanaryNotice,
  canary: { accountId: string; roleName: string },
): { subject: string; message: string } {
  const what = `the end-to-end canary (iam:TagRole on role ${canary.roleName} in account ${canary.accountId})`;
  const seen = notice.lastSeenAt
    ? `last seen: written at ${notice.lastSeenAt}${notice.arrivedAt ? `, recorded at ${notice.arrivedAt}` : ''}`
    : 'never seen';
  if (notice.kind === 'silent') {
    return {
      subject: 'iamwatch: end-to-end canary silent',
      message:
        `End-to-end canary silent since ${notice.since} (${seen}): ${what} has not completed ` +
        'CloudTrail → EventBridge → forwarder → central bus → record → ledger in time, so IAM changes may not be ' +
        'reaching iamwatch. Check that the trail is logging, the forwarder of that account in us-east-1 (its ' +
        "StackSet instance, rules and dead-letter queue), the canary function's errors and the record-failures queue.",
    };
  }
  return {
    subject: 'iamwatch: end-to-end canary recovered',
    message: `End-to-end canary recovered: ${what} written at ${notice.lastSeenAt}${
      notice.arrivedAt ? ` was recorded at ${notice.arrivedAt}` : ' reached the ledger'
    }, after silence since ${notice.silentSince}.`,
  };
}
