import { describe, expect, it } from 'vitest';
import {
  folderWanted,
  objectWanted,
  parseS3Url,
  parseTrailLogKey,
  positionOf,
  type TrailFilter,
} from '../../../handlers/s3/layout';
import { inOrder } from '../../../handlers/s3/source';

const ORG = 'AWSLogs/o-a1b2c3d4e5/';
const LOG = `${ORG}111122223333/CloudTrail/eu-west-1/2025/03/15/111122223333_CloudTrail_eu-west-1_20250315T0210Z_Mu0KsOhtH1ar15ZZ.json.gz`;

describe('the trail bucket layout', () => {
  it('reads s3:// URLs and refuses what is not one', () => {
    expect(parseS3Url('s3://trail-logs')).toEqual({ bucket: 'trail-logs', prefix: '' });
    expect(parseS3Url('s3://trail-logs/AWSLogs/o-a1b2c3d4e5/')).toEqual({
      bucket: 'trail-logs',
      prefix: 'AWSLogs/o-a1b2c3d4e5/',
    });
    expect(() => parseS3Url('s3://UPPER/x')).toThrow(/not an S3 location/);
    expect(() => parseS3Url('https://trail-logs/x')).toThrow(/not an S3 location/);
  });

  it('reads account, region and delivery time from a log file name, and nothing from a digest', () => {
    expect(parseTrailLogKey(LOG)).toEqual({
      account: '111122223333',
      region: 'eu-west-1',
      deliveredAt: new Date('2025-03-15T02:10:00Z'),
    });
    expect(
      parseTrailLogKey('111122223333_CloudTrail-Digest_eu-west-1_trail_us-east-1_20250315T021000Z.json.gz'),
    ).toBeUndefined();
  });

  it('knows each level of both layouts', () => {
    expect(positionOf('logs/')).toBeUndefined();
    expect(positionOf('logs/AWSLogs/')).toMatchObject({ level: 'org-or-account' });
    expect(positionOf(ORG)).toMatchObject({ level: 'account' });
    expect(positionOf(`${ORG}111122223333/`)).toMatchObject({ level: 'service', account: '111122223333' });
    expect(positionOf('AWSLogs/111122223333/CloudTrail/')).toMatchObject({
      level: 'region',
      account: '111122223333',
    });
    expect(positionOf(`${ORG}111122223333/CloudTrail/eu-west-1/2025/03/`)).toMatchObject({
      level: 'day',
      region: 'eu-west-1',
      date: ['2025', '03'],
    });
  });

  it('prunes folders by account, region, service and date', () => {
    const filter: TrailFilter = {
      accounts: ['111122223333'],
      regions: ['eu-west-1'],
      since: new Date('2025-03-15T00:00:00Z'),
      until: new Date('2025-03-15T12:00:00Z'),
    };
    const at = (prefix: string) => positionOf(prefix);
    expect(folderWanted(at('AWSLogs/'), 'o-a1b2c3d4e5', filter)).toBe(true);
    expect(folderWanted(at('AWSLogs/'), '111122223333', filter)).toBe(true);
    expect(folderWanted(at(ORG), '444455556666', filter)).toBe(false);
    expect(folderWanted(at(`${ORG}111122223333/`), 'CloudTrail-Digest', filter)).toBe(false);
    expect(folderWanted(at(`${ORG}111122223333/CloudTrail/`), 'us-east-1', filter)).toBe(false);
    const year = at(`${ORG}111122223333/CloudTrail/eu-west-1/`);
    expect(folderWanted(year, '2024', filter)).toBe(false);
    expect(folderWanted(year, '2025', filter)).toBe(true);
    const day = at(`${ORG}111122223333/CloudTrail/eu-west-1/2025/03/`);
    expect(folderWanted(day, '14', filter)).toBe(false);
    expect(folderWanted(day, '15', filter)).toBe(true);
    expect(folderWanted(day, '16', filter)).toBe(false);
  });

  it('wants log files in the window (with an hour of delivery lag) and never digests', () => {
    expect(objectWanted(LOG, {})).toBe(true);
    expect(objectWanted(LOG, { until: new Date('2025-03-15T01:30:00Z') })).toBe(true);
    expect(objectWanted(LOG, { until: new Date('2025-03-15T01:00:00Z') })).toBe(false);
    expect(objectWanted(LOG, { since: new Date('2025-03-15T02:11:00Z') })).toBe(false);
    expect(objectWanted(LOG, { accounts: ['444455556666'] })).toBe(false);
    expect(objectWanted(LOG.replace('/CloudTrail/', '/CloudTrail-Digest/'), {})).toBe(false);
    expect(objectWanted(`${ORG}111122223333/CloudTrail/eu-west-1/2025/03/15/notes.json`, {})).toBe(false);
    expect(objectWanted('exports/incident-42.json.gz', {})).toBe(true);
  });
});

describe('inOrder', () => {
  it('keeps input order, runs at most N at once, and reports failures in place', async () => {
    let running = 0;
    let peak = 0;
    async function* numbers() {
      yield* [5, 1, 4, 2, 3, 0];
    }
    const results: string[] = [];
    for await (const settled of inOrder(numbers(), 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n * 3));
      running--;
      if (n === 2) throw new Error('two');
      return n * 10;
    })) {
      results.push(settled.ok ? `${settled.item}:${settled.value}` : `${settled.item}:failed`);
    }
    expect(results).toEqual(['5:50', '1:10', '4:40', '2:failed', '3:30', '0:0']);
    expect(peak).toBe(3);
  });
});
