/**
 * The console notifier: what `iamwatch replay` prints when no Slack webhook or SNS topic is
 * configured. A readable multi-line alert per entry on the given stream (stderr by convention, since
 * stdout carries the machine output), optionally coloured by severity. Values are made one line first,
 * so a hostile user agent cannot smuggle ANSI escapes or fake lines into the terminal.
 */

import { severityAtLeast } from '../../rules/severity';
import type { LedgerEntry, Severity } from '../../rules/types';
import type { FoldedBurst, Notifier } from '../ports';
import { burstHistoryCommand, burstSummary, foldedLine } from './burst';
import { singleLine } from './escape';
import { plainTextAlert, renderPlainText } from './plain-text';
import { DEFAULT_SLACK_MIN_SEVERITY } from './routing';
import { truncate } from './truncate';

/** Anything with `write(text)`: `process.stderr`, a PassThrough in tests. */
export interface WritableText {
  write(text: string): unknown;
}

export interface ConsoleNotifierOptions {
  stream: WritableText;
  /** ANSI colours by severity. Default false (pass `stream.isTTY` to colour only terminals). */
  color?: boolean;
  /** Default `low`, like the default Slack route. */
  minSeverity?: Severity;
  /** Longest value printed. Default 500. */
  maxValueLength?: number;
  /** Delivery channel name. Default `console`. */
  channel?: string;
}

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
} as const;

const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '\u001b[1;97;41m',
  high: '\u001b[1;31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
};

export function createConsoleNotifier(options: ConsoleNotifierOptions): Notifier {
  const minSeverity = options.minSeverity ?? DEFAULT_SLACK_MIN_SEVERITY;
  return {
    channel: options.channel ?? 'console',
    wants: (entry: LedgerEntry) => severityAtLeast(entry.severity, minSeverity),
    send: async (entry: LedgerEntry) => {
      options.stream.write(formatConsoleAlert(entry, options));
    },
    sendBurst: async (burst: FoldedBurst) => {
      options.stream.write(formatConsoleBurst(burst, options.maxValueLength ?? 500));
    },
  };
}

/** A burst follow-up as printed: the summary, one line per folded alert, the command listing them all. */
function formatConsoleBurst(burst: FoldedBurst, maxValueLength: number): string {
  const line = (text: string) => truncate(singleLine(text), maxValueLength);
  const rows = burst.alerts.map((alert) => `  ${line(foldedLine(alert))}`);
  const more = burst.total - burst.alerts.length;
  if (more > 0) rows.push(`  …and ${more} more`);
  return `${'-'.repeat(72)}\n${line(burstSummary(burst))} (folded)\n${rows.join('\n')}\n  all: ${line(burstHistoryCommand(burst))}\n`;
}

/** The alert as printed: a separator line, then the plain-text alert, coloured when asked. */
export function formatConsoleAlert(
  entry: LedgerEntry,
  options: { color?: boolean; maxValueLength?: number } = {},
): string {
  const alert = plainTextAlert(entry, options.maxValueLength ?? 500);
  if (!options.color) return `${'-'.repeat(72)}\n${renderPlainText(alert)}`;
  const paint = SEVERITY_COLOR[entry.severity];
  const coloured = {
    title: `${paint}${alert.title}${ANSI.reset}`,
    detections: alert.detections.map((line) => `${ANSI.bold}${line}${ANSI.reset}`),
    facts: alert.facts.map((fact) => ({
      label: `${ANSI.dim}${fact.label}`,
      value: `${ANSI.reset}${fact.value}`,
    })),
    policyChange: alert.policyChange,
  };
  return `${ANSI.dim}${'-'.repeat(72)}${ANSI.reset}\n${renderPlainText(coloured)}`;
}
