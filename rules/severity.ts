/**
 * The one order of severities (info < low < medium < high < critical, as listed in `SEVERITIES`) and
 * every comparison iamwatch makes with it: engine, alert routing, ledger filters, CLI output, stacks.
 */
import { SEVERITIES, type Severity } from './types';

/** Position on the scale: info 0 … critical 4. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Whether `severity` is `min` or above. */
export function severityAtLeast(severity: Severity, min: Severity): boolean {
  return severityRank(severity) >= severityRank(min);
}

/** `min` and every severity above it, lowest first. */
export function severitiesFrom(min: Severity): Severity[] {
  return SEVERITIES.slice(severityRank(min));
}

/** Sort comparator: most severe first. */
export function bySeverityDescending(a: Severity, b: Severity): number {
  return severityRank(b) - severityRank(a);
}

/** Lowers a severity one step, never below `info`. */
export function lowerSeverity(severity: Severity): Severity {
  return SEVERITIES[Math.max(0, severityRank(severity) - 1)] ?? 'info';
}
