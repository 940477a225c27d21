import { describe, expect, it } from 'vitest';
import {
  judgeSelectors,
  judgeTrail,
  judgeTrailStatus,
  watchedEventSources,
} from '../../../handlers/doctor/trail-checks';
import { CATALOG } from '../../../rules/registry';

const NOW = new Date('2025-03-20T12:00:00Z');
const HOUR = 3_600_000;
const SOURCES = ['iam.amazonaws.com', 'signin.amazonaws.com'];

/** The trail's status judged at NOW, a delivery older than an hour counting as stale. */
const judgeStatusNow = (status: Parameters<typeof judgeTrailStatus>[0]) =>
  judgeTrailStatus(status, NOW, HOUR);

describe('judgeTrailStatus', () => {
  it('passes a logging trail that delivered recently without error', () => {
    const checks = judgeStatusNow({
      IsLogging: true,
      LatestDeliveryTime: new Date('2025-03-20T11:55:00Z'),
      StartLoggingTime: new Date('2025-01-01T00:00:00Z'),
    });
    expect(checks.map((c) => `${c.id} ${c.status}`)).toEqual(['trail:logging pass', 'trail:delivery pass']);
    expect(checks[1]?.detail).toContain('5m ago');
  });

  it('fails a stopped trail, a delivery error and a stale delivery', () => {
    const stopped = judgeStatusNow({ IsLogging: false, StopLoggingTime: new Date('2025-03-19T00:00:00Z') });
    expect(stopped[0]).toMatchObject({ status: 'fail' });
    expect(stopped[0]?.detail).toContain('EventBridge receives no CloudTrail events');
    expect(stopped[1]).toMatchObject({ status: 'warn', detail: 'no log file delivered yet' });
    const error = judgeStatusNow({ IsLogging: true, LatestDeliveryError: 'AccessDenied' });
    expect(error[1]).toMatchObject({ status: 'fail', detail: 'the last delivery failed: AccessDenied' });
    const stale = judgeStatusNow({ IsLogging: true, LatestDeliveryTime: new Date('2025-03-20T09:00:00Z') });
    expect(stale[1]).toMatchObject({ status: 'fail' });
    expect(stale[1]?.detail).toContain('older than 1h');
  });
});

describe('judgeTrail', () => {
  it('wants a multi-region trail with global service events, organization-wide when expected', () => {
    const good = judgeTrail(
      { IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, IsOrganizationTrail: true },
      true,
    );
    expect(good.every((c) => c.status === 'pass')).toBe(true);
    const narrow = judgeTrail(
      { IsMultiRegionTrail: false, IncludeGlobalServiceEvents: false, IsOrganizationTrail: false },
      true,
    );
    expect(narrow.map((c) => c.status)).toEqual(['fail', 'fail', 'fail']);
    const single = judgeTrail({ IsMultiRegionTrail: true, IsOrganizationTrail: false }, false);
    expect(single.map((c) => c.status)).toEqual(['pass', 'pass', 'warn']);
  });
});

describe('judgeSelectors', () => {
  it('accepts classic selectors taking all or write-only management events', () => {
    for (const ReadWriteType of ['All', 'WriteOnly'] as const) {
      expect(
        judgeSelectors({ EventSelectors: [{ ReadWriteType, IncludeManagementEvents: true }] }, SOURCES)
          .status,
      ).toBe('pass');
    }
  });

  it('fails selectors that leave out management writes', () => {
    expect(
      judgeSelectors(
        { EventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }] },
        SOURCES,
      ).status,
    ).toBe('fail');
    expect(
      judgeSelectors({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false }] }, SOURCES)
        .status,
    ).toBe('fail');
    expect(judgeSelectors({}, SOURCES).status).toBe('fail');
  });

  it('evaluates advanced selectors on category, read-only and source', () => {
    const management = (
      ...extra: { Field: string; Equals?: string[]; NotEquals?: string[]; StartsWith?: string[] }[]
    ) => ({
      AdvancedEventSelectors: [
        { Name: 'm', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, ...extra] },
      ],
    });
    expect(judgeSelectors(management(), SOURCES).status).toBe('pass');
    expect(judgeSelectors(management({ Field: 'readOnly', Equals: ['false'] }), SOURCES).status).toBe('pass');
    expect(judgeSelectors(management({ Field: 'readOnly', Equals: ['true'] }), SOURCES).status).toBe('fail');
    const noIam = judgeSelectors(
      management({ Field: 'eventSource', NotEquals: ['iam.amazonaws.com'] }),
      SOURCES,
    );
    expect(noIam).toMatchObject({ status: 'fail', detail: expect.stringContaining('iam.amazonaws.com') });
    expect(noIam.detail).not.toContain('signin');
    expect(judgeSelectors(management({ Field: 'eventName', StartsWith: ['Create'] }), SOURCES).status).toBe(
      'warn',
    );
    expect(
      judgeSelectors(
        {
          AdvancedEventSelectors: [
            {
              FieldSelectors: [
                { Field: 'eventCategory', Equals: ['Data'] },
                { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
              ],
            },
          ],
        },
        SOURCES,
      ).status,
    ).toBe('fail');
  });

  it('watches every service the catalog names', () => {
    expect(watchedEventSources(CATALOG)).toEqual(
      expect.arrayContaining([
        'iam.amazonaws.com',
        'signin.amazonaws.com',
        'organizations.amazonaws.com',
        'cloudtrail.amazonaws.com',
      ]),
    );
  });
});
