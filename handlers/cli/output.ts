/**
 * What replay and backfill do with each recorded entry: print it in the chosen format and alert on
 * new ones.
 */
import { severityAtLeast } from '../../rules/severity';
import type { Severity } from '../../rules/types';
import { deliverEntry } from '../notify/handler';
import type { Clock, LedgerStore, Notifier, StoredEntry } from '../ports';
import { silentLogger } from '../shared/logger';
import { ENTRY_HEADERS, entryRow, toContract } from './entries';
import type { CliIo } from './io';
import { renderTable } from './table';

export type EntryFormat = 'summary' | 'table' | 'jsonl';

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
}

export class EntryOutput {
  readonly alerts = { sent: 0, failed: 0 };
  private readonly rows: string[][] = [];

  constructor(private readonly options: EntryOutputOptions) {}

  /** Prints the entry (jsonl now, table rows at the end) and alerts when it was newly recorded. */
  async accept(entry: StoredEntry, outcome: 'inserted' | 'duplicate'): Promise<void> {
    const { format, io, notifiers } = this.options;
    if (severityAtLeast(entry.severity, this.options.minSeverity ?? 'info')) {
      if (format === 'jsonl') io.stdout.write(`${JSON.stringify(toContract(entry))}\n`);
      else if (format === 'table') this.rows.push(entryRow(entry));
    }
    if (outcome !== 'inserted' || notifiers.length === 0) return;
    this.options.beforeAlert?.();
    const report = await deliverEntry(entry, {
      store: this.options.store,
      notifiers,
      clock: this.options.clock,
      logger: silentLogger,
      alertOnReplay: true,
    });
    this.alerts.sent += report.delivered.length;
    for (const failure of [...report.permanentFailures, ...report.transientFailures]) {
      this.alerts.failed++;
      io.stderr.write(
        `alert for ${entry.eventId} not delivered to ${failure.channel}: ${failure.error.message}\n`,
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
