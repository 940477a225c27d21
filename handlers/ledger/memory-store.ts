/**
 * The ledger in memory: same contract and semantics as the DynamoDB store (conditional insert,
 * duplicates, validation, per-channel delivery, filters, newest-first order), for tests and
 * `--store memory` runs. Entries are copied in and out, so callers cannot mutate what is stored. The raw
 * record is kept by reference and copied only on the way out: parsed records are never mutated, and
 * copying every one on the way in would double the cost of a memory replay.
 */
import type { AuditRunRecord } from '../../rules/audit/compare';
import type { CloudTrailRecord } from '../../rules/types';
import type {
  ChannelDelivery,
  FoldedAlert,
  FoldedBurst,
  HistoryFilter,
  LedgerStore,
  PutResult,
  StoredEntry,
  Suppression,
  SuppressionEvent,
} from '../ports';
import { canonicalEntry } from './codec';
import { MAX_FOLDED_LISTED } from './control-items';
import { LedgerEntryNotFoundError, SuppressionExistsError } from './errors';
import { matchesFilter, resolveFilter } from './filter';
import { sortTime } from './keys';
import { TargetIndex } from './target-index';

interface Slot {
  entry: StoredEntry;
  raw: CloudTrailRecord;
  time: string;
}

export class MemoryLedgerStore implements LedgerStore {
  private readonly slots = new Map<string, Slot>();
  private readonly byTarget = new TargetIndex<Slot>();
  private readonly suppressions = new Map<string, Suppression>();
  private readonly suppressionLog: SuppressionEvent[] = [];
  private readonly windows = new Map<string, { closesAt: string; count: number }>();
  private readonly followUps = new Map<string, FoldedBurst>();

  async putSuppression(suppression: Suppression): Promise<void> {
    if (this.suppressions.has(suppression.id)) throw new SuppressionExistsError(suppression.id);
    this.suppressions.set(suppression.id, structuredClone(suppression));
  }

  async listSuppressions(): Promise<Suppression[]> {
    return [...this.suppressions.values()].map((s) => structuredClone(s));
  }

  async deleteSuppression(id: string): Promise<Suppression | undefined> {
    const found = this.suppressions.get(id);
    this.suppressions.delete(id);
    return found;
  }

  async appendSuppressionEvent(event: SuppressionEvent): Promise<void> {
    this.suppressionLog.push(structuredClone(event));
  }

  async suppressionEvents(): Promise<SuppressionEvent[]> {
    return this.suppressionLog.map((e) => structuredClone(e)).sort((a, b) => (a.at < b.at ? -1 : 1));
  }

  async countInBurst(
    key: string,
    time: string,
    windowMs: number,
  ): Promise<{ position: number; closesAt: string }> {
    const open = this.windows.get(key);
    if (open && open.closesAt > time) {
      open.count++;
      return { position: open.count, closesAt: open.closesAt };
    }
    const closesAt = new Date(Date.parse(time) + windowMs).toISOString();
    this.windows.set(key, { closesAt, count: 1 });
    return { position: 1, closesAt };
  }

  async addFolded(burst: Omit<FoldedBurst, 'alerts' | 'total'>, alert: FoldedAlert): Promise<void> {
    const id = `${burst.closesAt}#${burst.key}`;
    const followUp = this.followUps.get(id) ?? { ...structuredClone(burst), alerts: [], total: 0 };
    if (followUp.alerts.length < MAX_FOLDED_LISTED) followUp.alerts.push(structuredClone(alert));
    followUp.total++;
    this.followUps.set(id, followUp);
  }

  async takeClosedBursts(now: string): Promise<FoldedBurst[]> {
    const due = [...this.followUps.entries()]
      .filter(([, b]) => b.closesAt <= now)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [id] of due) this.followUps.delete(id);
    return due.map(([, burst]) => burst);
  }

  async putBurst(burst: FoldedBurst): Promise<void> {
    this.followUps.set(`${burst.closesAt}#${burst.key}`, structuredClone(burst));
  }

  private readonly auditRuns: AuditRunRecord[] = [];

  async putIfAbsent(entry: StoredEntry, raw: CloudTrailRecord): Promise<PutResult> {
    const canonical = canonicalEntry(entry);
    // No await between the check and the set: concurrent puts of one eventId cannot both insert.
    if (this.slots.has(canonical.eventId)) return { outcome: 'duplicate' };
    const slot: Slot = {
      entry: canonical,
      raw,
      time: sortTime(canonical.eventTime, canonical.eventId),
    };
    this.slots.set(canonical.eventId, slot);
    this.byTarget.add(canonical, slot);
    return { outcome: 'inserted' };
  }

  async get(eventId: string): Promise<StoredEntry | undefined> {
    const slot = this.slots.get(eventId);
    return slot ? structuredClone(slot.entry) : undefined;
  }

  async getRaw(eventId: string): Promise<CloudTrailRecord | undefined> {
    const slot = this.slots.get(eventId);
    return slot ? structuredClone(slot.raw) : undefined;
  }

  async markDelivery(eventId: string, channel: string, state: ChannelDelivery): Promise<void> {
    const slot = this.slots.get(eventId);
    if (!slot) throw new LedgerEntryNotFoundError(eventId);
    slot.entry.delivery = { ...slot.entry.delivery, [channel]: JSON.parse(JSON.stringify(state)) };
  }

  async history(filter: HistoryFilter): Promise<StoredEntry[]> {
    const resolved = resolveFilter(filter);
    const slots = resolved.target ? this.byTarget.candidates(resolved.target) : [...this.slots.values()];
    const matches = slots
      .filter((slot) => matchesFilter(slot.entry, resolved))
      .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
    return matches.slice(0, resolved.limit ?? matches.length).map((slot) => structuredClone(slot.entry));
  }

  async oldestEntryTime(accountId?: string): Promise<string | undefined> {
    let oldest: Slot | undefined;
    for (const slot of this.slots.values()) {
      if (accountId && slot.entry.accountId !== accountId) continue;
      if (!oldest || slot.time < oldest.time) oldest = slot;
    }
    return oldest?.time.slice(0, oldest.time.indexOf('#'));
  }

  async latestAuditRun(): Promise<AuditRunRecord | undefined> {
    const newest = this.auditRuns.reduce<AuditRunRecord | undefined>(
      (found, run) => (!found || run.runAt > found.runAt ? run : found),
      undefined,
    );
    return newest ? structuredClone(newest) : undefined;
  }

  async putAuditRun(run: AuditRunRecord): Promise<void> {
    this.auditRuns.push(structuredClone(run));
  }

  async close(): Promise<void> {}
}
