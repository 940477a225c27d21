/**
 * The ledger's control state held in the process — suppressions and their log, burst windows, folded
 * follow-ups, audit runs — with the same semantics for the memory store and the local journal.
 *
 * Every change is applied in memory before the first `await` (so concurrent callers see it at once) and
 * is then handed to `persist` as the record that reproduces it: the memory store keeps nothing more,
 * the journal appends the record and replays it with `applyControl` when it is next opened.
 */
import type { AuditRunRecord } from '../../rules/audit/compare';
import {
  type FoldedAlert,
  type FoldedBurst,
  type LedgerStore,
  MAX_FOLDED_LISTED,
  type Suppression,
  type SuppressionEvent,
} from '../ports';
import { SuppressionExistsError } from './errors';

/** One change to the control state, as the journal writes it. */
export type ControlChange =
  | { t: 'suppression'; suppression: Suppression }
  | { t: 'unsuppress'; id: string }
  | { t: 'suppression-event'; event: SuppressionEvent }
  | { t: 'burst-window'; key: string; closesAt: string; count: number }
  | { t: 'follow-up'; id: string; burst: FoldedBurst }
  | { t: 'follow-ups-taken'; ids: string[] }
  | { t: 'audit-run'; run: AuditRunRecord };

type ControlPart = Pick<
  LedgerStore,
  | 'putSuppression'
  | 'listSuppressions'
  | 'deleteSuppression'
  | 'appendSuppressionEvent'
  | 'suppressionEvents'
  | 'countInBurst'
  | 'addFolded'
  | 'takeClosedBursts'
  | 'putBurst'
  | 'latestAuditRun'
  | 'putAuditRun'
>;

export abstract class InProcessControlState implements ControlPart {
  private readonly suppressions = new Map<string, Suppression>();
  private readonly suppressionLog: SuppressionEvent[] = [];
  private readonly windows = new Map<string, { closesAt: string; count: number }>();
  private readonly followUps = new Map<string, FoldedBurst>();
  private readonly auditRuns: AuditRunRecord[] = [];

  /** Keeps a change that is already applied in memory; settles when it is kept. */
  protected abstract persist(change: ControlChange): Promise<void>;

  /** Brings the control state up to date with a change read back (the journal at open). */
  protected applyControl(change: ControlChange): void {
    switch (change.t) {
      case 'suppression':
        this.suppressions.set(change.suppression.id, change.suppression);
        return;
      case 'unsuppress':
        this.suppressions.delete(change.id);
        return;
      case 'suppression-event':
        this.suppressionLog.push(change.event);
        return;
      case 'burst-window':
        this.windows.set(change.key, { closesAt: change.closesAt, count: change.count });
        return;
      case 'follow-up':
        this.followUps.set(change.id, change.burst);
        return;
      case 'follow-ups-taken':
        for (const id of change.ids) this.followUps.delete(id);
        return;
      case 'audit-run':
        this.auditRuns.push(change.run);
        return;
    }
  }

  /** The control state as the fewest changes that rebuild it (what compaction keeps). */
  protected liveControl(): ControlChange[] {
    return [
      ...[...this.suppressions.values()].map((suppression) => ({ t: 'suppression' as const, suppression })),
      ...this.suppressionLog.map((event) => ({ t: 'suppression-event' as const, event })),
      ...[...this.windows].map(([key, window]) => ({ t: 'burst-window' as const, key, ...window })),
      ...[...this.followUps].map(([id, burst]) => ({ t: 'follow-up' as const, id, burst })),
      ...this.auditRuns.map((run) => ({ t: 'audit-run' as const, run })),
    ];
  }

  /** How many changes `liveControl` returns, without building them. */
  protected liveControlCount(): number {
    return (
      this.suppressions.size +
      this.suppressionLog.length +
      this.windows.size +
      this.followUps.size +
      this.auditRuns.length
    );
  }

  private change(change: ControlChange): Promise<void> {
    this.applyControl(change);
    return this.persist(change);
  }

  async putSuppression(suppression: Suppression): Promise<void> {
    if (this.suppressions.has(suppression.id)) throw new SuppressionExistsError(suppression.id);
    await this.change({ t: 'suppression', suppression: structuredClone(suppression) });
  }

  async listSuppressions(): Promise<Suppression[]> {
    return [...this.suppressions.values()].map((s) => structuredClone(s));
  }

  async deleteSuppression(id: string): Promise<Suppression | undefined> {
    const found = this.suppressions.get(id);
    if (!found) return undefined;
    await this.change({ t: 'unsuppress', id });
    return structuredClone(found);
  }

  async appendSuppressionEvent(event: SuppressionEvent): Promise<void> {
    await this.change({ t: 'suppression-event', event: structuredClone(event) });
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
    const window =
      open && open.closesAt > time
        ? { closesAt: open.closesAt, count: open.count + 1 }
        : { closesAt: new Date(Date.parse(time) + windowMs).toISOString(), count: 1 };
    await this.change({ t: 'burst-window', key, ...window });
    return { position: window.count, closesAt: window.closesAt };
  }

  async addFolded(burst: Omit<FoldedBurst, 'alerts' | 'total'>, alert: FoldedAlert): Promise<void> {
    const id = `${burst.closesAt}#${burst.key}`;
    const followUp = this.followUps.get(id) ?? { ...structuredClone(burst), alerts: [], total: 0 };
    if (followUp.alerts.length < MAX_FOLDED_LISTED) followUp.alerts.push(structuredClone(alert));
    followUp.total++;
    await this.change({ t: 'follow-up', id, burst: followUp });
  }

  async takeClosedBursts(now: string): Promise<FoldedBurst[]> {
    const due = [...this.followUps.entries()]
      .filter(([, b]) => b.closesAt <= now)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    if (due.length === 0) return [];
    await this.change({ t: 'follow-ups-taken', ids: due.map(([id]) => id) });
    return due.map(([, burst]) => burst);
  }

  async putBurst(burst: FoldedBurst): Promise<void> {
    await this.change({
      t: 'follow-up',
      id: `${burst.closesAt}#${burst.key}`,
      burst: structuredClone(burst),
    });
  }

  async latestAuditRun(): Promise<AuditRunRecord | undefined> {
    const newest = this.auditRuns.reduce<AuditRunRecord | undefined>(
      (found, run) => (!found || run.runAt > found.runAt ? run : found),
      undefined,
    );
    return newest ? structuredClone(newest) : undefined;
  }

  async putAuditRun(run: AuditRunRecord): Promise<void> {
    await this.change({ t: 'audit-run', run: structuredClone(run) });
  }
}
