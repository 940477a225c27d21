/** The doctor's checklist: ✔ / ! / ✖ lines grouped by section for people, or JSON for machines. */
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
  const count = (status: CheckStatus) => checks.filter((c) => c.status === status).length;
  lines.push(
    `${allPassed(checks) ? 'All checks passed' : 'Some checks failed'}: ${count('pass')} passed, ${count('warn')} warnings, ${count('fail')} failed`,
  );
  return `${lines.join('\n')}\n`;
}

export function renderChecklistJson(checks: readonly Check[], checkedAt: Date): string {
  return `${JSON.stringify({ ok: allPassed(checks), checkedAt: checkedAt.toISOString(), checks }, null, 2)}\n`;
}

function oneLine(value: string): string {
  // Account names and trail names come from configuration and AWS; keep control characters off the terminal.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}
