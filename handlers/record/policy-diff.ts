/**
 * Policy and trust diffs at record time. A call that changes a policy (UpdateAssumeRolePolicy,
 * CreatePolicyVersion, Put{User,Group,Role}Policy, PutInlinePolicyToPermissionSet) is compared with
 * the newest earlier version the ledger holds, and the summary is kept on the entry (`policyDiff`).
 *
 * Why at record time and not at notify time: the issue asks that the *ledger entry* show the change,
 * `history`/`show`/`replay --format jsonl` print it without a second lookup, and an alert resent
 * months later says what it said then. The cost is one bounded read per policy event (one Query on
 * the facet index for the policy's target, at most {@link MAX_CANDIDATES} entries, and at most
 * {@link MAX_RAW_READS} raw-record reads: the documents live in the raw items). It never fails the
 * record path: a lookup error records the entry with `policyDiff: { status: 'unavailable' }` and a
 * warning, and the event is still recorded once.
 *
 * Ordering. Live, each event is recorded by its own invocation: a change made seconds after the one
 * before may be judged before that one is visible (the facet index is read eventually consistent),
 * and it then says "previous version not in the ledger" (or compares with an older one). Replay keeps
 * 16 writes in flight, so the same could happen between two events of one run; there a
 * {@link PolicyVersionMemory} fed in input order answers for every event of the run instead, and the
 * ledger is asked only about events the run has not seen, which makes replay deterministic.
 */
import { diffPolicyDocuments } from '../../rules/policy/diff';
import { POLICY_VERSION_EVENTS, type PolicyVersion, policyVersionOf } from '../../rules/policy/versions';
import type { CloudTrailRecord, DetectionContext, PolicyDiff } from '../../rules/types';
import { sortTime } from '../ledger/keys';
import type { LedgerStore, Logger, StoredEntry } from '../ports';

/** Newest earlier entries of the policy's target read per lookup. */
const MAX_CANDIDATES = 40;
/** Raw records read per lookup (each a GetItem): inline policies of one principal share its target. */
const MAX_RAW_READS = 10;

/** An earlier version: the entry that wrote it and the document it wrote. */
export interface KnownVersion {
  eventId: string;
  eventTime: string;
  eventName: string;
  /** `sortTime(eventTime, eventId)`: the ledger's order. */
  order: string;
  document: unknown;
}

/** Versions kept per policy identity by {@link PolicyVersionMemory}. */
const VERSIONS_PER_POLICY = 8;
/**
 * What {@link PolicyVersionMemory} keeps in all, oldest forgotten first. Replay has at most 16 writes
 * in flight, so a version remembered thousands of events ago is long committed and the ledger answers
 * for it again once forgotten; the bounds only keep a year-long replay from holding every document.
 */
const MAX_REMEMBERED_VERSIONS = 4096;
const MAX_REMEMBERED_CHARS = 32 * 1024 * 1024;

export interface PolicyVersionMemoryOptions {
  /**
   * The ledger held nothing when the run started (`replay --store memory`): then the memory alone
   * answers for every policy whose versions it still holds, and the ledger is not asked.
   */
  ledgerStartedEmpty?: boolean;
  /** Versions kept in all (default {@link MAX_REMEMBERED_VERSIONS}). */
  versions?: number;
  /** Characters of documents kept in all (default {@link MAX_REMEMBERED_CHARS}). */
  chars?: number;
}

/**
 * The policy versions one replay run has seen, in input order. Fed and read synchronously when an
 * event's record task starts (tasks start in input order even when their writes overlap), so each
 * event sees exactly the versions of the events before it in the input, whatever the ledger has
 * committed so far.
 */
export class PolicyVersionMemory {
  readonly #versions = new Map<string, KnownVersion[]>();
  /** Remembered versions by {@link queueKey}, oldest first: what to forget first. */
  readonly #queue = new Map<string, { identity: string; eventId: string; chars: number }>();
  readonly #seen = new Set<string>();
  /** Per policy identity, the order of the newest version forgotten. */
  readonly #forgottenUpTo = new Map<string, string>();
  readonly #limits: { versions: number; chars: number };
  readonly #ledgerStartedEmpty: boolean;
  #chars = 0;

  constructor(options: PolicyVersionMemoryOptions = {}) {
    this.#limits = {
      versions: options.versions ?? MAX_REMEMBERED_VERSIONS,
      chars: options.chars ?? MAX_REMEMBERED_CHARS,
    };
    this.#ledgerStartedEmpty = options.ledgerStartedEmpty ?? false;
  }

  /**
   * Whether {@link previous} is the ledger's answer too, so the ledger need not be asked: the run
   * started on an empty ledger, so every entry in it passed through this memory, and no version of the
   * policy that could be newer than the one remembered has been forgotten.
   */
  answersForLedger(identity: string, remembered: KnownVersion | undefined): boolean {
    if (!this.#ledgerStartedEmpty) return false;
    const forgotten = this.#forgottenUpTo.get(identity);
    return forgotten === undefined || (remembered !== undefined && remembered.order > forgotten);
  }

  /** The newest version of `identity` ordered before `order`, among those remembered. */
  previous(identity: string, order: string): KnownVersion | undefined {
    let best: KnownVersion | undefined;
    for (const version of this.#versions.get(identity) ?? []) {
      if (version.order < order && (!best || version.order > best.order)) best = version;
    }
    return best;
  }

  remember(identity: string, version: KnownVersion): void {
    const known = this.#versions.get(identity) ?? [];
    if (known.some((v) => v.eventId === version.eventId)) return;
    const chars = typeof version.document === 'string' ? version.document.length : 64;
    known.push(version);
    known.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    this.#versions.set(identity, known);
    this.#seen.add(version.eventId);
    this.#queue.set(queueKey(identity, version.eventId), { identity, eventId: version.eventId, chars });
    this.#chars += chars;
    // Only the newest versions of a policy can be the previous one of a later event. The excess is
    // counted once, so the loop ends whatever `#forget` does to the identity's list.
    for (const old of known.slice(0, Math.max(0, known.length - VERSIONS_PER_POLICY))) {
      this.#forget(identity, old.eventId);
    }
    while (this.#queue.size > this.#limits.versions || this.#chars > this.#limits.chars) {
      const oldest = this.#queue.values().next().value!;
      this.#forget(oldest.identity, oldest.eventId);
    }
  }

  /** Whether the memory speaks for this event (the ledger is not asked about it). */
  seen(eventId: string): boolean {
    return this.#seen.has(eventId);
  }

  #forget(identity: string, eventId: string): void {
    const all = this.#versions.get(identity) ?? [];
    const order = all.find((v) => v.eventId === eventId)?.order;
    const forgotten = this.#forgottenUpTo.get(identity);
    if (order !== undefined && (forgotten === undefined || order > forgotten)) {
      this.#forgottenUpTo.set(identity, order);
    }
    const known = all.filter((v) => v.eventId !== eventId);
    if (known.length > 0) this.#versions.set(identity, known);
    else this.#versions.delete(identity);
    this.#seen.delete(eventId);
    const key = queueKey(identity, eventId);
    this.#chars -= this.#queue.get(key)?.chars ?? 0;
    this.#queue.delete(key);
  }
}

/** A remembered version's place in the forgetting order (a Map: forgetting one is not a scan). */
function queueKey(identity: string, eventId: string): string {
  return `${identity}\n${eventId}`;
}

export interface PolicyDiffDeps {
  store: Pick<LedgerStore, 'history' | 'getRaw'>;
  context: DetectionContext;
  logger: Logger;
  /** Replay: the versions seen earlier in the run. */
  policyVersions?: PolicyVersionMemory;
}

/** The part of the lookup that must run before the first `await`: read, then feed the run's memory. */
export interface PendingPolicyDiff {
  version: PolicyVersion;
  order: string;
  remembered?: KnownVersion;
  /** The run's memory answers for the ledger too: no lookup. */
  complete?: boolean;
}

/**
 * Starts the diff of a policy event: undefined for every other event. Synchronous on purpose, see
 * {@link PolicyVersionMemory}.
 */
export function beginPolicyDiff(
  record: CloudTrailRecord,
  entry: Pick<StoredEntry, 'accountId' | 'eventTime' | 'eventId' | 'eventName'>,
  memory: PolicyVersionMemory | undefined,
): PendingPolicyDiff | undefined {
  const version = policyVersionOf(record, entry.accountId);
  if (!version) return undefined;
  const order = sortTime(entry.eventTime, entry.eventId);
  const remembered = memory?.previous(version.identity, order);
  memory?.remember(version.identity, {
    eventId: entry.eventId,
    eventTime: entry.eventTime,
    eventName: entry.eventName,
    order,
    document: version.document,
  });
  if (!version.diffed) return undefined;
  const complete = memory?.answersForLedger(version.identity, remembered) ?? false;
  return { version, order, ...(remembered ? { remembered } : {}), ...(complete ? { complete } : {}) };
}

/**
 * Finishes the diff: the newest earlier version (the run's memory or the ledger, whichever is newer),
 * compared with this one. Never throws: a failed lookup gives `unavailable` and a warning.
 */
export async function finishPolicyDiff(
  pending: PendingPolicyDiff,
  entry: Pick<StoredEntry, 'accountId' | 'eventId' | 'eventName'>,
  deps: PolicyDiffDeps,
): Promise<PolicyDiff> {
  const { version } = pending;
  let previous = pending.remembered;
  try {
    const stored = pending.complete ? undefined : await previousInLedger(pending, entry.eventId, deps);
    if (stored && (!previous || stored.order > previous.order)) previous = stored;
  } catch (error) {
    deps.logger.warn('previous policy version lookup failed; recorded without a diff', {
      eventId: entry.eventId,
      eventName: entry.eventName,
      policyKind: version.kind,
      error,
    });
    return { status: 'unavailable', kind: version.kind };
  }
  if (!previous) return { status: 'no-previous', kind: version.kind };
  const diff = diffPolicyDocuments(version.kind, previous.document, version.document, {
    context: deps.context,
    accountId: entry.accountId,
  });
  const { status, kind, ...changes } = diff;
  return {
    status,
    kind,
    previous: { eventId: previous.eventId, eventTime: previous.eventTime, eventName: previous.eventName },
    ...changes,
  };
}

/** The newest earlier version of the policy in the ledger, leaving out events the run's memory speaks for. */
async function previousInLedger(
  pending: PendingPolicyDiff,
  eventId: string,
  deps: PolicyDiffDeps,
): Promise<KnownVersion | undefined> {
  const { version, order } = pending;
  const candidates = await deps.store.history({
    ...version.lookup,
    until: order.slice(0, order.indexOf('#')),
    limit: MAX_CANDIDATES,
  });
  let rawReads = 0;
  for (const candidate of candidates) {
    if (candidate.eventId === eventId || candidate.result !== 'success') continue;
    if (!POLICY_VERSION_EVENTS.has(candidate.eventName)) continue;
    if (deps.policyVersions?.seen(candidate.eventId)) continue;
    const candidateOrder = sortTime(candidate.eventTime, candidate.eventId);
    if (candidateOrder >= order) continue;
    if (rawReads >= MAX_RAW_READS) return undefined;
    rawReads++;
    const raw = await deps.store.getRaw(candidate.eventId);
    const earlier = raw ? policyVersionOf(raw, candidate.accountId) : undefined;
    if (earlier?.identity !== version.identity) continue;
    return {
      eventId: candidate.eventId,
      eventTime: candidate.eventTime,
      eventName: candidate.eventName,
      order: candidateOrder,
      document: earlier.document,
    };
  }
  return undefined;
}
