/**
 * The alert as plain text: one headline, the detections, then one labelled line per fact. Used for
 * SNS email/default messages and for the console notifier. Every value is made one line (no control
 * characters, so no ANSI escapes or forged extra lines from a hostile user agent) and cut to a
 * maximum length with a marker.
 */
import type { LedgerEntry } from '../../rules/types';
import { alertFacts, headline, policyChange, severityLabel } from './describe';
import { singleLine } from './escape';
import { truncate } from './truncate';

export interface PlainTextAlert {
  /** "[HIGH] Access key created for bob by alice". */
  title: string;
  /** One line per detection: "HIGH iam-access-key-created-for-another-user: <title>". */
  detections: string[];
  /** Labelled facts, values safe and cut. */
  facts: { label: string; value: string }[];
  /** The policy diff, one line each (summary, group headings, indented items); empty without one. */
  policyChange: string[];
}

/** Builds the parts of a plain-text alert; every value at most `maxValueLength` characters. */
export function plainTextAlert(entry: LedgerEntry, maxValueLength: number): PlainTextAlert {
  const clean = (value: string) => truncate(singleLine(value), maxValueLength);
  return {
    title: `[${severityLabel(entry.severity)}] ${clean(headline(entry))}`,
    detections: entry.detections.map(
      (hit) => `${severityLabel(hit.severity)} ${clean(hit.id)}: ${clean(hit.title)}`,
    ),
    facts: alertFacts(entry).map((fact) => ({ label: fact.label, value: clean(fact.value) })),
    policyChange: policyChangeText(entry, clean),
  };
}

function policyChangeText(entry: LedgerEntry, clean: (value: string) => string): string[] {
  const change = policyChange(entry);
  if (!change) return [];
  const lines = [clean(change.summary)];
  for (const group of change.groups) {
    lines.push(`${group.label}:`, ...group.items.map((item) => `  - ${clean(item)}`));
    if (group.more > 0) lines.push(`  - …and ${group.more} more (iamwatch show ${clean(entry.eventId)})`);
  }
  return lines;
}

/** The alert as a multi-line string, labels aligned. */
export function renderPlainText(alert: PlainTextAlert): string {
  const width = Math.max(...alert.facts.map((fact) => fact.label.length), 0) + 2;
  const lines = [alert.title, ''];
  if (alert.detections.length > 0) {
    lines.push('Detections:', ...alert.detections.map((line) => `  - ${line}`), '');
  } else {
    lines.push('Detections: none (recorded IAM activity)', '');
  }
  if (alert.policyChange.length > 0) {
    lines.push('Policy change:', ...alert.policyChange.map((line) => `  ${line}`), '');
  }
  for (const fact of alert.facts) lines.push(`${`${fact.label}:`.padEnd(width)}${fact.value}`);
  return `${lines.join('\n')}\n`;
}
