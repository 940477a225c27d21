/**
 * A backfill run: for every lane (account × region) and query of the plan, page through LookupEvents
 * over the part of the window not fetched before, and send each event through the same path as in
 * AWS — derived patterns decide what is delivered → normalise → detect → conditional put — as an
 * entry of origin `backfill`. The checkpoint moves on only after a page is recorded, so an
 * interrupted run re-reads at most one page (whose events the conditional put then drops).
 */

import type { CloudTrailClient, Event } from '@aws-sdk/client-cloudtrail';
import type { EventBridgeEnvelope } from '../../rules/types';
import { type RecordDeps, type RecordResult, recordEnvelope } from '../record/record';
import { countVerdict, emptyVerdictCounts, type VerdictCounts } from '../shared/verdict-counts';
import { type Checkpoint, CheckpointError, type CheckpointStore } from './checkpoint';
import { DEFAULT_ACCOUNT, type Lane } from './lanes';
import { type LookupPage, lookupPage, readLookedUpEvent } from './lookup';
import { type LookupQuery, queryAppliesTo } from './plan';
import { missingWindows, overlaps, settledPart, type TimeWindow } from './window';

/** A long lookup reports its progress every this many pages. */
const PROGRESS_EVERY_PAGES = 100;

export interface BackfillPlan {
  lanes: readonly Lane[];
  queries: readonly LookupQuery[];
  /** The window asked for, already limited to what LookupEvents keeps. */
  window: TimeWindow;
  /** Forget checkpoints and fetch the whole window again. */
  restart: boolean;
  /** Lanes read at the same time (each has its own rate limit). */
  parallel: number;
}

export interface BackfillDeps {
  /** The (rate-limited) client of a lane; asked once per lane. */
  clientFor(lane: Lane): CloudTrailClient;
  checkpoints: CheckpointStore;
  /** Whether the deployed patterns would deliver this event. */
  isDelivered(envelope: EventBridgeEnvelope): boolean;
  record: RecordDeps;
  /** Called after each delivered event is recorded (new or already in the ledger), in order. */
  onRecorded?(result: RecordResult): Promise<void>;
  /** Progress and diagnostics, one line each. */
  report(line: string): void;
  now(): Date;
}

export interface BackfillCounts extends VerdictCounts {
  /** Lookups (lane × query) the run went through. */
  lookups: number;
  /** Lookups whose window was already fetched by an earlier run. */
  upToDate: number;
  /** Lookups continued from a saved NextToken. */
  resumed: number;
  failed: number;
  pages: number;
  read: number;
  delivered: number;
  notDelivered: number;
  /** Delivered events another lookup of the same lane had already returned in this run. */
  foundTwice: number;
  inserted: number;
  duplicates: number;
  invalid: number;
}

function emptyBackfillCounts(): BackfillCounts {
  return {
    lookups: 0,
    upToDate: 0,
    resumed: 0,
    failed: 0,
    pages: 0,
    read: 0,
    delivered: 0,
    notDelivered: 0,
    foundTwice: 0,
    inserted: 0,
    duplicates: 0,
    invalid: 0,
    ...emptyVerdictCounts(),
  };
}

/**
 * Runs the plan. Never throws for a failing lookup: it is reported, counted in `failed`, its progress
 * stays in the checkpoint, and the other lookups go on. A lane whose first lookup fails before any
 * page (no credentials, role not assumable, access denied) is skipped as a whole.
 */
export async function runBackfill(plan: BackfillPlan, deps: BackfillDeps): Promise<BackfillCounts> {
  const counts = emptyBackfillCounts();
  await inPool(plan.lanes, Math.max(1, plan.parallel), (lane) => backfillLane(lane, plan, deps, counts));
  return counts;
}

async function backfillLane(
  lane: Lane,
  plan: BackfillPlan,
  deps: BackfillDeps,
  counts: BackfillCounts,
): Promise<void> {
  const client = deps.clientFor(lane);
  const queries = plan.queries.filter((query) => queryAppliesTo(query, lane.region));
  const state: LaneState = { anyPage: false, warnedAccount: false, delivered: new Set(), pages: 0, read: 0 };
  let failed = 0;
  const done = () =>
    deps.report(
      `${failed > 0 ? '✖' : '✔'} ${lane.account} ${lane.region}: ${plural(queries.length, 'lookup')}, ${plural(state.pages, 'page')}, ${plural(state.read, 'event')}${failed > 0 ? `, ${failed} failed` : ''}`,
    );
  for (const [index, query] of queries.entries()) {
    counts.lookups++;
    const label = `${lane.account} ${lane.region} ${query.attribute}=${query.value}`;
    try {
      await backfillLookup({ lane, query, label, client, state }, plan, deps, counts);
    } catch (error) {
      counts.failed++;
      failed++;
      if (error instanceof CheckpointError) {
        deps.report(`✖ ${label}: ${describe(error)}`);
        continue;
      }
      deps.report(`✖ ${label}: ${describe(error)} (progress is saved: run again to resume)`);
      if (!state.anyPage) {
        const skipped = queries.length - index - 1;
        counts.lookups += skipped;
        counts.failed += skipped;
        failed += skipped;
        if (skipped > 0)
          deps.report(`  skipping the other ${plural(skipped, 'lookup')} of ${lane.account} ${lane.region}`);
        done();
        return;
      }
    }
  }
  done();
}

interface LaneState {
  /** Some page was fetched in this lane: credentials and permissions work. */
  anyPage: boolean;
  warnedAccount: boolean;
  /** EventIDs of the delivered events seen in this lane during this run. */
  delivered: Set<string>;
  /** Pages and events of this lane (the run's counts add up all lanes, read in parallel). */
  pages: number;
  read: number;
}

interface Lookup {
  lane: Lane;
  query: LookupQuery;
  label: string;
  client: CloudTrailClient;
  state: LaneState;
}

async function backfillLookup(
  lookup: Lookup,
  plan: BackfillPlan,
  deps: BackfillDeps,
  counts: BackfillCounts,
): Promise<void> {
  const { lane, query } = lookup;
  if (plan.restart) await deps.checkpoints.remove(lane.account, lane.region, query);
  const checkpoint = await deps.checkpoints.load(lane.account, lane.region, query);
  const before = { pages: lookup.state.pages, read: lookup.state.read };
  const saved = checkpoint.inProgress;
  if (saved && overlaps(saved, plan.window)) {
    counts.resumed++;
    deps.report(`↻ ${lookup.label}: resuming ${saved.start} → ${saved.end} at page ${saved.pages + 1}`);
    await fetchWindow(lookup, checkpoint, saved, saved.nextToken, deps, counts);
  } else if (saved) {
    checkpoint.inProgress = undefined;
  }
  const gaps = missingWindows(plan.window, checkpoint.covered);
  if (gaps.length === 0 && !saved) {
    counts.upToDate++;
    return;
  }
  // Newest first: the recent past is what a responder usually needs soonest.
  for (const gap of gaps.reverse()) await fetchWindow(lookup, checkpoint, gap, undefined, deps, counts);
  const read = lookup.state.read - before.read;
  // Most lookups find nothing; only those that did (or resumed) get a line of their own.
  if (read > 0 || saved)
    deps.report(
      `✔ ${lookup.label}: ${plural(lookup.state.pages - before.pages, 'page')}, ${plural(read, 'event')}`,
    );
}

/** Pages through one window from `token` (its first page when undefined), saving after each page. */
async function fetchWindow(
  lookup: Lookup,
  checkpoint: Checkpoint,
  window: TimeWindow,
  token: string | undefined,
  deps: BackfillDeps,
  counts: BackfillCounts,
): Promise<void> {
  const { query, client } = lookup;
  let nextToken = token;
  let pages = checkpoint.inProgress?.pages ?? 0;
  for (;;) {
    let page: LookupPage;
    try {
      page = await lookupPage(client, query, window, nextToken);
    } catch (error) {
      if (nextToken === token && token !== undefined && isExpiredToken(error)) {
        // Saved tokens do not live forever; the window starts over and duplicates are dropped.
        deps.report(
          `↻ ${lookup.label}: the saved NextToken expired; fetching ${window.start} → ${window.end} again`,
        );
        nextToken = undefined;
        pages = 0;
        continue;
      }
      throw error;
    }
    lookup.state.anyPage = true;
    counts.pages++;
    lookup.state.pages++;
    pages++;
    for (const event of page.events) await recordEvent(lookup, event, deps, counts);
    if (pages % PROGRESS_EVERY_PAGES === 0)
      deps.report(`… ${lookup.label}: page ${pages} of ${window.start} → ${window.end}`);
    if (page.nextToken) {
      checkpoint.inProgress = { ...window, nextToken: page.nextToken, pages };
      nextToken = page.nextToken;
    } else {
      checkpoint.inProgress = undefined;
      // Events of the last minutes may not be in LookupEvents yet: leave them for the next run.
      const settled = settledPart(window, deps.now());
      if (settled) checkpoint.covered.push(settled);
    }
    await deps.checkpoints.save(checkpoint, query, deps.now());
    if (!page.nextToken) return;
  }
}

async function recordEvent(
  lookup: Lookup,
  event: Event,
  deps: BackfillDeps,
  counts: BackfillCounts,
): Promise<void> {
  counts.read++;
  lookup.state.read++;
  const item = readLookedUpEvent(event);
  if (!item.ok) {
    counts.invalid++;
    deps.report(`invalid event ${item.eventId} (${lookup.label}): ${item.error.message}`);
    return;
  }
  for (const warning of item.warnings) {
    deps.report(`warning: event ${item.record.eventID} (${lookup.label}): ${warning.message}`);
  }
  const { lane } = lookup;
  const recipient = item.record.recipientAccountId;
  if (
    lane.account !== DEFAULT_ACCOUNT &&
    recipient &&
    recipient !== lane.account &&
    !lookup.state.warnedAccount
  ) {
    lookup.state.warnedAccount = true;
    deps.report(
      `! ${lane.account} ${lane.region}: events come from account ${recipient}; check --accounts / --role-arn`,
    );
  }
  if (!deps.isDelivered(item.envelope)) {
    counts.notDelivered++;
    return;
  }
  // Two lookups of a lane can return the same event (a root ConsoleLogin: by name and by user).
  if (lookup.state.delivered.has(item.record.eventID)) {
    counts.foundTwice++;
    return;
  }
  lookup.state.delivered.add(item.record.eventID);
  counts.delivered++;
  const result = await recordEnvelope(item.envelope, 'backfill', deps.record);
  for (const failure of result.detectionErrors) {
    deps.report(
      `detection ${failure.detectionId} failed on event ${item.record.eventID}: ${failure.error.message}`,
    );
  }
  if (result.outcome === 'duplicate') {
    counts.duplicates++;
  } else {
    counts.inserted++;
    countVerdict(counts, result.entry);
  }
  await deps.onRecorded?.(result);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function isExpiredToken(error: unknown): boolean {
  return error instanceof Error && error.name === 'InvalidNextTokenException';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause =
    error.cause instanceof Error && !error.message.includes(error.cause.message)
      ? ` (${error.cause.message})`
      : '';
  return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}${cause}`;
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function inPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
