/** One line of the doctor's checklist. */

/** `warn` is worth reading but does not fail the run; `fail` makes `iamwatch doctor` exit 1. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface Check {
  /** The section it belongs to, e.g. `ledger` or `trail`. */
  group: string;
  /** Stable id for machines (`account:111122223333`, `trail:logging`). */
  id: string;
  /** What was checked, short. */
  title: string;
  status: CheckStatus;
  /** Why it passed or failed, for a human. */
  detail: string;
}

export function check(group: string, id: string, title: string, status: CheckStatus, detail: string): Check {
  return { group, id, title, status, detail };
}

/** Whether every check passed or only warned. */
export function allPassed(checks: readonly Check[]): boolean {
  return checks.every((c) => c.status !== 'fail');
}

/** `3d 4h`, `2h`, `40s`: an age for people, in its largest unit and the next one when not zero. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const index = units.findIndex(([, size]) => seconds >= size);
  const [unit, size] = units[index < 0 ? units.length - 1 : index] ?? ['s', 1];
  const whole = `${Math.floor(seconds / size)}${unit}`;
  const next = units[index + 1];
  if (index < 0 || !next) return whole;
  const remainder = Math.floor((seconds % size) / next[1]);
  return remainder > 0 ? `${whole} ${remainder}${next[0]}` : whole;
}
