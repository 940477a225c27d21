/**
 * The project's own CloudTrail fixtures (test/fixtures/cloudtrail): hand-written in AWS's shapes with
 * documentation placeholder values, so a fresh clone tests the essentials without the shared corpus.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { normaliseActor } from '../../../rules/cloudtrail/actor';
import { classifySourceIp, classifyVia } from '../../../rules/cloudtrail/classify';
import { type ParsedItem, parseInputText } from '../../../rules/cloudtrail/parse';

const dir = new URL('../../fixtures/cloudtrail/', import.meta.url);

function load(name: string): ParsedItem[] {
  const bytes = readFileSync(new URL(name, dir));
  const text = name.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  return [...parseInputText(text, name)];
}

function one(name: string) {
  const items = load(name);
  expect(items).toHaveLength(1);
  const item = items[0];
  if (!item?.ok) throw new Error(`${name}: ${item?.error.message}`);
  const actor = normaliseActor(item.record);
  const { sourceIPAddress: ip, userAgent } = item.record;
  return {
    record: item.record,
    envelope: item.envelope,
    actor,
    sourceIpKind: ip ? classifySourceIp(ip) : undefined,
    via: classifyVia(userAgent, actor, ip, item.record.sessionCredentialFromConsole === 'true'),
  };
}

describe('CloudTrail fixtures', () => {
  const names = readdirSync(dir).filter((name) => /\.json(\.gz)?$/.test(name));

  it('all parse, with distinct GUID eventIDs and placeholder accounts only', () => {
    const items = names.flatMap(load);
    expect(items.length).toBeGreaterThanOrEqual(names.length);
    const ids = items.map((item) => {
      if (!item.ok) throw new Error(`${item.location.source}: ${item.error.message}`);
      expect(item.envelope.account).toMatch(/^(111122223333|444455556666|777788889999)$/);
      return item.record.eventID;
    });
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('CreateUser by an IAM user through the CLI', () => {
    const { record, envelope, actor, sourceIpKind, via } = one('create-user.json');
    expect(actor).toMatchObject({ type: 'IAMUser', name: 'alice', accountId: '111122223333' });
    expect(record.requestParameters).toEqual({ userName: 'bob' });
    expect(envelope).toMatchObject({ source: 'aws.iam', 'detail-type': 'AWS API Call via CloudTrail' });
    expect(sourceIpKind).toBe('ipv4');
    expect(via).toBe('cli');
  });

  it('CreateAccessKey for oneself names the user only in the response', () => {
    const { record, actor, via } = one('create-access-key-own.json');
    expect(actor.name).toBe('bob');
    expect(record.requestParameters).toBeNull();
    expect(record.responseElements).toMatchObject({ accessKey: { userName: 'bob', status: 'Active' } });
    expect(via).toBe('sdk');
  });

  it('CreateAccessKey for another user names the target in the request', () => {
    const { record, actor } = one('create-access-key-other.json');
    expect(actor.name).toBe('alice');
    expect(record.requestParameters).toEqual({ userName: 'svc-backup' });
  });

  it('AttachUserPolicy AdministratorAccess and PutUserPolicy with a URL-encoded document', () => {
    expect(one('attach-user-policy-admin.json').record.requestParameters).toEqual({
      userName: 'svc-backup',
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    });
    const inline = one('put-user-policy.json').record.requestParameters as { policyDocument: string };
    expect(JSON.parse(decodeURIComponent(inline.policyDocument))).toMatchObject({ Version: '2012-10-17' });
  });

  it('CreateRole through Terraform', () => {
    const { record, via } = one('create-role.json');
    expect(record.requestParameters).toMatchObject({ roleName: 'report-builder' });
    expect(via).toBe('terraform');
  });

  it('an Identity Center session in the console', () => {
    const { actor, via } = one('sso-attach-role-policy.json');
    expect(actor).toMatchObject({
      type: 'AssumedRole',
      name: 'alice@example.com',
      sessionIssuerArn:
        'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef',
      mfa: false,
    });
    expect(via).toBe('console');
  });

  it('root console sign-ins with and without MFA', () => {
    const without = one('root-console-login-no-mfa.json');
    expect(without.actor).toMatchObject({ type: 'Root', name: 'root', mfa: false });
    expect(without.actor).not.toHaveProperty('accessKeyId');
    expect(without.envelope).toMatchObject({
      source: 'aws.signin',
      'detail-type': 'AWS Console Sign In via CloudTrail',
    });
    expect(without.via).toBe('console');
    expect(one('root-console-login-mfa.json').actor.mfa).toBe(true);
  });

  it('a failed console sign-in', () => {
    const { record, actor } = one('console-login-failed.json');
    expect(record.responseElements).toEqual({ ConsoleLogin: 'Failure' });
    expect(record.errorMessage).toBe('Failed authentication');
    expect(actor).toEqual({
      type: 'IAMUser',
      principalId: 'AIDACKCEVSQ6C2EXAMPLE',
      name: 'alice',
      accountId: '111122223333',
      mfa: false,
    });
  });

  it('StopLogging, a read-only call and a non-IAM call', () => {
    expect(one('stop-logging.json').envelope.source).toBe('aws.cloudtrail');
    expect(one('read-only-list-users.json').record.readOnly).toBe(true);
    const ec2 = one('non-iam-stop-instances.json');
    expect(ec2.envelope).toMatchObject({ source: 'aws.ec2', region: 'eu-west-1' });
  });

  it('a service-linked role created by CloudFormation', () => {
    const { actor, sourceIpKind, via } = one('create-service-linked-role.json');
    expect(actor).toMatchObject({ name: 'AWSCloudFormation', invokedBy: 'cloudformation.amazonaws.com' });
    expect(sourceIpKind).toBe('aws-service');
    expect(via).toBe('cloudformation');
  });

  it('EventBridge envelopes keep their own fields', () => {
    expect(one('create-login-profile.eventbridge.json').envelope.id).toBe(
      '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    );
    expect(one('deactivate-mfa-device.replay.eventbridge.json').envelope['replay-name']).toBe(
      'iamwatch-backfill-2025-03-14',
    );
  });

  it('CloudTrail log files, plain and gzipped, and LookupEvents output', () => {
    const plain = load('111122223333_CloudTrail_us-east-1_20250314T1305Z_ExAmPlE0LoGfIlE1.json');
    expect(plain.map((item) => (item.ok ? item.record.eventName : 'error'))).toEqual([
      'GetUser',
      'AddUserToGroup',
      'DeleteUser',
    ]);
    expect(plain[2]?.location.record).toBe(3);
    const gz = load('111122223333_CloudTrail_us-east-1_20250314T1315Z_ExAmPlE0LoGfIlE2.json.gz');
    expect(gz.map((item) => (item.ok ? item.record.eventName : 'error'))).toEqual([
      'UpdateAssumeRolePolicy',
      'DescribeInstances',
    ]);
    const lookup = load('lookup-events.json');
    expect(lookup.map((item) => (item.ok ? item.record.eventName : 'error'))).toEqual(['CreateGroup']);
  });
});
