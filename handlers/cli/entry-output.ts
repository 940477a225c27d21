/**
 * What replay and backfill do with each recorded entry: print it in the chosen format and alert on
 * new ones.
 */
import { severityAtLeast } from '../../rules/severity';
import type { Severity } from '../../rules/types';
import { DEFAULT_BURST_SETTINGS } from '../notify/burst';
import { deliverEntry, flushBursts, type NotifyDeps } from '../notify/delivery';
import type { Clock, LedgerStore, Notifier, StoredEntry } from '../ports';
import { isSettled } from '../shared/delivery-state';
import { silentLogger } from '../shared/logger';
import { printable, printableJson } from '../shared/printable';
import { cachedSuppressions } from '../suppress/suppression';
import { ENTRY_HEADERS, entryRow, toContract } from './entries';
import type { CliIo } from './io';
import { renderTable } from './table';

/** Later than any window can close. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

type EntryFormat = 'summary' | 'table' | 'jsonl';

export interface EntryOutputOptions {
  format: EntryFormat;
  /** Entries below this are neither printed nor alerted on (alerts also follow each channel's routing). */
  minSeverity?: Severity;
  io: CliIo;
  notifiers: readonly Notifier[];
  store: LedgerStore;
  clock: Clock;
  /** Called before an alert is printed or sent (e.g. to clear a progress line). */
  beforeAlert?: () => void;
  /** Fold bursts as the notify Lambda does (default on); the follow-ups are sent by `flush()`. */
  foldBursts?: boolean;
}

export class EntryOutput {
  /** Channel deliveries: sent (of which `resumed` on an entry already in the ledger), failed, suppressed, folded. */
  readonly alerts = { sent: 0, failed: 0, resumed: 0, suppressed: 0, folded: 0, followUps: 0 };
  private readonly rows: string[][] = [];
  private readonly deps: NotifyDeps;

  constructor(private readonly options: EntryOutputOptions) {
    this.deps = {
      store: options.store,
      notifiers: options.notifiers,
      clock: options.clock,
      logger: silentLogger,
      alertOnReplay: true,
      // One read per run: suppressions created during a replay are not expected to apply to it.
      suppressions: cachedSuppressions(options.store, options.clock, silentLogger, Number.POSITIVE_INFINITY),
      ...(options.foldBursts === false ? {} : { bursts: DEFAULT_BURST_SETTINGS }),
    };
  }

  /**
   * Prints the entry (jsonl now, table rows at the end) and alerts. A new entry alerts every channel
   * that wants it; an entry already in the ledger alerts the channels its stored delivery state does
   * not show as delivered (nor permanently failed), so a run that died between commit and post is
   * resumed by the next one instead of forgotten.
   */
  async accept(entry: StoredEntry, outcome: 'inserted' | 'duplicate'): Promise<void> {
    const { format, io, notifiers } = this.options;
    if (severityAtLeast(entry.severity, this.options.minSeverity ?? 'info')) {
      if (format === 'jsonl') io.stdout.write(`${printableJson(JSON.stringify(toContract(entry)))}\n`);
      else if (format === 'table') this.rows.push(entryRow(entry));
    }
    if (notifiers.length === 0) return;
    const stored = outcome === 'inserted' ? entry : await this.options.store.get(entry.eventId);
    if (!stored || (outcome === 'duplicate' && !hasPendingChannel(stored, notifiers))) return;
    this.options.beforeAlert?.();
    const report = await deliverEntry(stored, this.deps);
    this.alerts.sent += report.delivered.length;
    if (outcome === 'duplicate') this.alerts.resumed += report.delivered.length;
    this.alerts.suppressed += report.suppressed.length;
    this.alerts.folded += report.folded.length;
    for (const failure of [...report.permanentFailures, ...report.transientFailures]) {
      this.alerts.failed++;
      io.stderr.write(
        `${printable(
          `alert for ${entry.eventId} not delivered to ${failure.channel}: ${failure.error.message}`,
        )}\n`,
      );
    }
  }

  /** Sends every pending burst follow-up: the end of a run closes every window. */
  async flush(): Promise<void> {
    if (this.options.notifiers.length === 0) return;
    this.options.beforeAlert?.();
    const report = await flushBursts(this.deps, END_OF_TIME);
    this.alerts.followUps += report.sent.length;
    for (const failure of report.failed) {
      this.alerts.failed++;
      this.options.io.stderr.write(
        `burst follow-up not delivered to ${failure.channel}: ${failure.error.message}\n`,
      );
    }
  }

  /** Prints what is printed at the end (the table). */
  finish(): void {
    if (this.options.format === 'table') {
      this.options.io.stdout.write(renderTable(ENTRY_HEADERS, this.rows, { maxWidth: 48 }));
    }
  }
}

/**
 * Whether a channel that wants the entry has not delivered it yet. The entry is printed before, but
 * `deliverEntry` makes the final decision; this only saves calling it (and clearing the progress line)
 * for the common duplicate whose every alert went out.
 */
function hasPendingChannel(entry: StoredEntry, notifiers: readonly Notifier[]): boolean {
  return notifiers.some((notifier) => {
    const state = entry.delivery?.[notifier.channel];
    return !isSettled(state) && notifier.wants(entry);
  });
}
