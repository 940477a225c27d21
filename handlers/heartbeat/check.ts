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
  const now = input.now.getTime();
  const nowIso = input.now.toISOString();
  const stored = new Map(input.states.map((state) => [reporterKey(state), state]));
  const result: CheckResult = { notices: [], changed: [], departed: [] };

  for (const reporter of input.expected) {
    const key = reporterKey(reporter);
    const previous = stored.get(key);
    stored.delete(key);
    const state: ReporterState = previous
      ? { ...previous }
      : { accountId: reporter.accountId, region: reporter.region };
    let changed = !previous;
    if (!state.firstExpectedAt) {
      state.firstExpectedAt = nowIso;
      changed = true;
    }
    const reference = state.lastSeenAt ?? state.firstExpectedAt;
    const late = now - Date.parse(reference) > input.lateAfterMs;
    if (late && !state.silentSince) {
      state.silentSince = reference;
      result.notices.push({
        kind: 'silent',
        reporter,
        since: reference,
        neverReported: state.lastSeenAt === undefined,
      });
      changed = true;
    } else if (!late && state.silentSince) {
      result.notices.push({
        kind: 'recovered',
        reporter,
        silentSince: state.silentSince,
        lastSeenAt: state.lastSeenAt ?? reference,
      });
      delete state.silentSince;
      changed = true;
    }
    if (changed) result.changed.push(state);
  }
  result.departed = [...stored.values()];
  return result;
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
