import { describe, expect, it } from 'vitest';
import { checkOrganization } from '../../../handlers/doctor/organization-checks';
import type { OrganizationSnapshot } from '../../../handlers/organization/snapshot';

const NOW = new Date('2026-11-20T14:00:00.000Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const snapshot = (ids: string[]): OrganizationSnapshot => ({
  takenAt: ago(10),
  accounts: ids.map((id) => ({ id, name: `acct-${id}`, status: 'ACTIVE' })),
});
const head = (checkedMinutesAgo: number, extra: Record<string, string> = {}) => ({
  snapshotId: 's1',
  checkedAt: ago(checkedMinutesAgo),
  accountCount: 2,
  ...extra,
});

describe('doctor: organization', () => {
  it('passes a fresh snapshot and warns or fails as it ages', () => {
    const status = (minutes: number) =>
      checkOrganization({ now: NOW, monitor: { head: head(minutes) } })[0]?.status;
    expect(status(10)).toBe('pass');
    expect(status(90)).toBe('warn');
    expect(status(25 * 60)).toBe('fail');
  });

  it('says when Organizations could not be read at the last refresh, and the fallback', () => {
    const [found] = checkOrganization({
      now: NOW,
      monitor: { head: head(40, { lastError: 'AccessDenied: not authorized', lastErrorAt: ago(5) }) },
    });
    expect(found?.status).toBe('warn');
    expect(found?.detail).toMatch(
      /Organizations unreadable since .*AccessDenied.*detections use this snapshot and the configuration/,
    );
  });

  it('fails when the monitor has no snapshot, naming the failure', () => {
    const [found] = checkOrganization({
      now: NOW,
      monitor: { lastFailure: { lastError: 'AccessDenied', lastErrorAt: ago(3) } },
    });
    expect(found).toMatchObject({ id: 'organization:snapshot', status: 'fail' });
    expect(found?.detail).toMatch(/Organizations unreadable since .*AccessDenied/);
  });

  it('names accounts that joined since the monitor last read the organization', () => {
    const checks = checkOrganization({
      now: NOW,
      monitor: { head: head(5), snapshot: snapshot(['111111111111']) },
      cli: { snapshot: snapshot(['111111111111', '222222222222']), source: 'organizations', ageMs: 0 },
    });
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['organization:snapshot', 'pass'],
      ['organization:cli', 'pass'],
      ['organization:joined', 'warn'],
    ]);
    expect(checks[2]?.detail).toMatch(/^1 joined since its last refresh: acct-222222222222 \(222222222222\)/);
  });
});
