/**
 * The ledger in memory: same contract and semantics as the DynamoDB store (conditional insert,
 * duplicates, validation, per-channel delivery, filters, newest-first order), for tests and
 * `--store memory` runs. Entries are copied in and out, so callers cannot mutate what is stored. The raw
 * record is kept by reference and copied only on the way out: parsed records are never mutated, and
 * copying every one on the way in would double the cost of a memory replay.
 */
import type { CloudTrailRecord } from '../../rules/types';
import type { ChannelDelivery, HistoryFilter, LedgerStore, PutResult, StoredEntry } from '../ports';
import { canonicalEntry } from './codec';
import { InProcessControlState } from './control-state';
import { LedgerEntryNotFoundError } from './errors';
import { matchesFilter, resolveFilter } from './filter';
import { sortTime } from './keys';
import { TargetIndex } from './target-index';

const COMMITTED = Promise.resolve();

interface Slot {
  entry: StoredEntry;
  raw: CloudTrailRecord;
  time: string;
}

export class MemoryLedgerStore extends InProcessControlState implements LedgerStore {
  private readonly slots = new Map<string, Slot>();
  private readonly byTarget = new TargetIndex<Slot>();

  /** Control changes live in memory only. */
  protected persist(): Promise<void> {
    return COMMITTED;
  }

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

  async close(): Promise<void> {}
}
