/** The bundled demo (`npm start`): valid CloudTrail log files telling the incident in demo/README.md. */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readInputs } from '../../../handlers/input/read';
import type { CloudTrailRecord } from '../../../rules/types';

const demoDir = fileURLToPath(new URL('../../../demo/cloudtrail', import.meta.url));

async function demoRecords(): Promise<CloudTrailRecord[]> {
  const records: CloudTrailRecord[] = [];
  for await (const item of readInputs([demoDir])) {
    if (!item.ok) throw new Error(`${item.location.source}: ${item.error.message}`);
    expect(item.location.record).toBeGreaterThan(0);
    records.push(item.record);
  }
  return records;
}

describe('demo events', () => {
  it('are CloudTrail log files, one plain and one gzipped', () => {
    const names = readdirSync(demoDir);
    expect(names.some((name) => /^111122223333_CloudTrail_us-east-1_.*\.json$/.test(name))).toBe(true);
    expect(names.some((name) => /^111122223333_CloudTrail_us-east-1_.*\.json\.gz$/.test(name))).toBe(true);
  });

  it('hold 30–60 valid records with distinct GUID eventIDs in time order', async () => {
    const records = await demoRecords();
    expect(records.length).toBeGreaterThanOrEqual(30);
    expect(records.length).toBeLessThanOrEqual(60);
    const ids = records.map((record) => record.eventID);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const times = records.map((record) => record.eventTime);
    expect(times).toEqual([...times].sort());
  });

  it('tell the incident the README describes, amid ordinary noise', async () => {
    const records = await demoRecords();
    const names = new Set(records.map((record) => record.eventName));
    for (const name of [
      'CreateUser',
      'CreateAccessKey',
      'AttachUserPolicy',
      'CreateLoginProfile',
      'PutUserPolicy',
      'DeactivateMFADevice',
      'UpdateAssumeRolePolicy',
      'StopLogging',
      'ConsoleLogin',
      'CreateServiceLinkedRole',
      'DescribeInstances',
      'ListBuckets',
    ]) {
      expect(names, name).toContain(name);
    }
    const key = records.find((record) => record.eventName === 'CreateAccessKey');
    expect(key?.userIdentity?.userName).toBe('ci-deploy');
    expect(key?.requestParameters).toEqual({ userName: 'svc-backup' });
    const inline = records.find((record) => record.eventName === 'PutUserPolicy');
    const document = String(inline?.requestParameters?.policyDocument);
    expect(document).toMatch(/^%7B/);
    expect(JSON.parse(decodeURIComponent(document)).Statement[0]).toMatchObject({
      Action: '*',
      Resource: '*',
    });
    const rootLogin = records.find(
      (record) => record.eventName === 'ConsoleLogin' && record.userIdentity?.type === 'Root',
    );
    expect(rootLogin?.additionalEventData).toMatchObject({ MFAUsed: 'No' });
    expect(rootLogin?.responseElements).toEqual({ ConsoleLogin: 'Success' });
    expect(records.some((record) => record.responseElements?.ConsoleLogin === 'Failure')).toBe(true);
    expect(
      records.filter((record) => record.errorCode?.startsWith('AccessDenied')).length,
    ).toBeGreaterThanOrEqual(3);
    expect(records.filter((record) => record.readOnly).length).toBeGreaterThanOrEqual(10);
  });
});
