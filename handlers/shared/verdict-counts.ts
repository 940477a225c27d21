/** Counts of newly recorded entries by severity and detection, and the summary lines that show them. */
import { type LedgerEntry, SEVERITIES, type Severity } from '../../rules/types';

/** Counts by severity and detection of newly recorded entries. */
export interface VerdictCounts {
  bySeverity: Record<Severity, number>;
  byDetection: Map<string, number>;
}

export function emptyVerdictCounts(): VerdictCounts {
  return { bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 }, byDetection: new Map() };
}

export function countVerdict(counts: VerdictCounts, entry: LedgerEntry): void {
  counts.bySeverity[entry.severity]++;
  for (const hit of entry.detections)
    counts.byDetection.set(hit.id, (counts.byDetection.get(hit.id) ?? 0) + 1);
}

/** The summary lines by severity and by detection, most frequent first. */
export function verdictLines(counts: VerdictCounts): string[] {
  const lines = [
    `  by severity           ${[...SEVERITIES]
      .reverse()
      .map((s) => `${s} ${counts.bySeverity[s]}`)
      .join(', ')}`,
  ];
  const detections = [...counts.byDetection.entries()].sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  );
  if (detections.length > 0) {
    lines.push('  detections');
    for (const [id, n] of detections) lines.push(`    ${String(n).padStart(5)}  ${id}`);
  }
  return lines;
}
