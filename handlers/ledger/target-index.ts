/**
 * The in-process stores' stand-in for the facet index's `target` partitions: every slot under each
 * normalised value a `--target` query can match (`targetValues`). A superset of the matches — the
 * caller still applies `matchesFilter` — so a query for one target reads its entries, not the ledger.
 * What makes it matter: the record path asks for a policy's earlier versions by target on every
 * policy change, and replay records thousands of those into one process.
 */
import type { LedgerEntry } from '../../rules/types';
import { targetValues } from './facets';
import type { TargetQuery } from './filter';
import { normaliseFacetValue } from './keys';

export class TargetIndex<S> {
  private readonly byValue = new Map<string, S[]>();

  add(entry: LedgerEntry, slot: S): void {
    this.addValues(targetValues(entry), slot);
  }

  /** `add` for an entry known by its `targetValues` alone. */
  addValues(values: readonly string[], slot: S): void {
    for (const value of new Set(values.map(normaliseFacetValue))) {
      const slots = this.byValue.get(value);
      if (slots) slots.push(slot);
      else this.byValue.set(value, [slot]);
    }
  }

  /** The slots that may match `query`, in the order they were added. */
  candidates(query: TargetQuery): readonly S[] {
    return this.byValue.get('value' in query ? query.value : query.name) ?? [];
  }
}
