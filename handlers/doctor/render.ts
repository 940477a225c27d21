/** The doctor's checklist: ✔ / ! / ✖ lines grouped by section, an aligned table, or JSON for machines. */
import { renderTable } from '../cli/table';
import { allPassed, type Check, type CheckStatus } from './check';

const MARKS: Record<CheckStatus, string> = { pass: '✔', warn: '!', fail: '✖' };

export interface Section {
  group: string;
  heading: string;
}

export function renderChecklist(checks: readonly Check[], sections: readonly Section[]): string {
  const width = Math.min(40, Math.max(0, ...checks.map((c) => oneLine(c.title).length)));
  const lines: string[] = [];
  for (const section of sections) {
    const inSection = checks.filter((c) => c.group === section.group);
    if (inSection.length === 0) continue;
    lines.push(section.heading);
    for (const c of inSection)
      lines.push(`  ${MARKS[c.status]} ${oneLine(c.title).padEnd(width)}  ${oneLine(c.detail)}`);
    lines.push('');
  }
  lines.push(summary(checks));
  return `${lines.join('\n')}\n`;
}

function summary(checks: readonly Check[]): string {
  const count = (status: CheckStatus) => checks.filter((c) => c.status === status).length;
  return `${allPassed(checks) ? 'All checks passed' : 'Some checks failed'}: ${count('pass')} passed, ${count('warn')} warnings, ${count('fail')} failed`;
}

/** One row per check (status, group, check, detail), in section order, then the same summary line. */
export function renderChecklistTable(checks: readonly Check[], sections: readonly Section[]): string {
  const order = sections.map((s) => s.group);
  const rank = (group: string) => (order.includes(group) ? order.indexOf(group) : order.length);
  const sorted = checks
    .map((c, index) => ({ c, index }))
    .sort((a, b) => rank(a.c.group) - rank(b.c.group) || a.index - b.index)
    .map(({ c }) => c);
  const rows = sorted.map((c) => [c.status.toUpperCase(), c.group, c.title, c.detail]);
  return `${renderTable(['STATUS', 'GROUP', 'CHECK', 'DETAIL'], rows, { maxWidth: 400 })}\n${summary(checks)}\n`;
}

export function renderChecklistJson(checks: readonly Check[], checkedAt: Date): string {
  return `${JSON.stringify({ ok: allPassed(checks), checkedAt: checkedAt.toISOString(), checks }, null, 2)}\n`;
}

function oneLine(value: string): string {
  // Account names and trail names come from configuration and AWS; keep control characters off the terminal.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}
