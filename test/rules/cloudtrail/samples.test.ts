/**
 * Runs the parser, actor and classifiers over the shared corpus of real CloudTrail records
 * (`../shared/cloudtrail-samples`, see its SOURCES.md). A fresh clone has no such folder: the suite
 * then skips, and `fixtures.test.ts` covers the essentials with the project's own records.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normaliseActor } from '../../../rules/cloudtrail/actor';
import { classifySourceIp, classifyVia } from '../../../rules/cloudtrail/classify';
import { type ParsedItem, parseInputText } from '../../../rules/cloudtrail/parse';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const samplesDir = join(repoRoot, '../shared/cloudtrail-samples');

/**
 * Samples that are not valid CloudTrail records, and why. All lack `eventID`, without which an event
 * cannot be keyed in the ledger: pre-2015 documentation examples and hand-written Panther test cases.
 */
const MALFORMED: Record<string, string> = {
  'aws-docs/AddUserToGroup__1.json': 'missing required field "eventID"',
  'aws-docs/CreateUser__1.json': 'missing required field "eventID"',
  'aws-docs/StartInstances__1.json': 'missing required field "eventID"',
  'panther-analysis/CreateSAMLProvider__1.json': 'missing required field "eventID"',
  'panther-analysis/DescribeInstances__1.json': 'missing required field "eventID"',
  'panther-analysis/GetObject__1.json': 'missing required field "eventID"',
};

function sampleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sampleFiles(path);
      return entry.name.endsWith('.json') ? [path] : [];
    })
    .sort();
}

describe.skipIf(!existsSync(samplesDir))('shared CloudTrail samples', () => {
  const files = existsSync(samplesDir) ? sampleFiles(samplesDir) : [];
  const parsed = new Map<string, ParsedItem[]>(
    files.map((file) => [relative(samplesDir, file), [...parseInputText(readFileSync(file, 'utf8'), file)]]),
  );

  function only(name: string) {
    const items = parsed.get(name);
    expect(items, name).toHaveLength(1);
    const item = items?.[0];
    if (!item?.ok) throw new Error(`${name} did not parse: ${item?.error.message}`);
    const actor = normaliseActor(item.record);
    const { sourceIPAddress: ip, userAgent } = item.record;
    return {
      ...item,
      actor,
      sourceIpKind: ip ? classifySourceIp(ip) : undefined,
      via: classifyVia(userAgent, actor, ip, item.record.sessionCredentialFromConsole === 'true'),
    };
  }

  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('parses every sample except the documented malformed ones', () => {
    const outcomes = Object.fromEntries(
      [...parsed].map(([name, items]) => {
        expect(items, name).toHaveLength(1);
        const item = items[0];
        return [name, item?.ok ? 'ok' : item?.error.message];
      }),
    );
    const failures = Object.fromEntries(Object.entries(outcomes).filter(([, outcome]) => outcome !== 'ok'));
    expect(failures).toEqual(MALFORMED);
  });

  it('derives an actor and classifications for every valid sample without empty strings', () => {
    for (const [name, items] of parsed) {
      const item = items[0];
      if (!item?.ok) continue;
      const actor = normaliseActor(item.record);
      expect(actor.type, name).not.toBe('');
      for (const value of Object.values(actor)) expect(value, name).not.toBe('');
      if (item.record.sourceIPAddress) expect(classifySourceIp(item.record.sourceIPAddress)).toBeTruthy();
    }
  });

  it('reads Panther root CreateAccessKey', () => {
    const sample = only('panther-analysis/CreateAccessKey__1.json');
    expect(sample.actor).toMatchObject({ type: 'Root', name: 'root', accountId: '123456789012', mfa: true });
    expect(sample.envelope.account).toBe('123456789012');
    expect(sample.sourceIpKind).toBe('ipv4');
    expect(sample.via).toBe('console');
  });

  it('reads Panther CreateAccessKey by an IAM user through the Go SDK, with a Panther-rendered time', () => {
    const sample = only('panther-analysis/CreateAccessKey__2.json');
    expect(sample.actor).toMatchObject({ type: 'IAMUser', name: 'some_iam_user', mfa: true });
    expect(sample.record.eventTime).toBe('2023-01-03T01:52:07Z');
    expect(sample.record.errorCode).toBe('LimitExceededException');
    expect(sample.via).toBe('sdk');
  });

  it('reads Stratus Red Team CreateAccessKey and CreateUser', () => {
    const key = only('stratus-red-team/CreateAccessKey__1.json');
    expect(key.actor).toMatchObject({
      type: 'IAMUser',
      name: 'christophe',
      arn: 'arn:aws:iam::946986569305:user/christophe',
      accountId: '946986569305',
      accessKeyId: 'AKIA30BEZSJBVKOFKZW0',
    });
    expect(key.envelope.account).toBe('946986569305');
    expect(key.via).toBe('other');
    const user = only('stratus-red-team/CreateUser__1.json');
    expect(user.actor.name).toBe('christophe');
    expect(user.envelope).toMatchObject({ source: 'aws.iam', 'detail-type': 'AWS API Call via CloudTrail' });
  });

  it('reads Stratus Red Team session identities', () => {
    const federated = only('stratus-red-team/GetCallerIdentity__3.json');
    expect(federated.actor).toMatchObject({
      type: 'FederatedUser',
      name: 'stratus_red_team',
      sessionIssuerArn: 'arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user',
    });
    expect(federated.via).toBe('sdk');
    const ec2 = only('stratus-red-team/DescribeInstances__1.json');
    expect(ec2.actor).toMatchObject({
      type: 'AssumedRole',
      name: 'i-786a3A8B5C0d92eF4',
      sessionIssuerArn: 'arn:aws:iam::017622104382:role/stratus-red-team-ec2-steal-credentials-role',
    });
  });

  it('reads AWS docs root console sign-ins with and without MFA', () => {
    const withoutMfa = only('aws-docs/ConsoleLogin__4.json');
    expect(withoutMfa.actor).toEqual({
      type: 'Root',
      principalId: 'AIDACKCEVSQ6C2EXAMPLE',
      arn: 'arn:aws:iam::111122223333:root',
      name: 'root',
      accountId: '111122223333',
      mfa: false,
    });
    expect(withoutMfa.envelope).toMatchObject({
      source: 'aws.signin',
      'detail-type': 'AWS Console Sign In via CloudTrail',
      account: '111122223333',
    });
    expect(withoutMfa.sourceIpKind).toBe('ipv4');
    expect(withoutMfa.via).toBe('console');
    expect(only('aws-docs/ConsoleLogin__5.json').actor.mfa).toBe(true);
  });

  it('reads AWS docs IAM user sign-ins, including a failed one without an ARN', () => {
    expect(only('aws-docs/ConsoleLogin__2.json').actor).toMatchObject({ name: 'anaya', mfa: true });
    const failed = only('aws-docs/ConsoleLogin__3.json');
    expect(failed.actor).toEqual({
      type: 'IAMUser',
      principalId: 'AIDACKCEVSQ6C2EXAMPLE',
      name: 'anaya',
      accountId: '111122223333',
      mfa: true,
    });
  });

  it('reads Identity Center sessions from EventBridge envelopes as published', () => {
    const sample = only('nuvibit-semper/DeleteRolePermissionsBoundary__1.eventbridge.json');
    expect(sample.actor.name).toBe('michael.ullrich@nuvibit.com');
    expect(sample.actor.sessionIssuerArn).toContain('AWSReservedSSO_AdministratorAccess_');
    expect(sample.envelope).toMatchObject({ id: 'd0fbe1ff-e281-4f61-ea20-b493c9a47826', account: '***' });
    const mfa = only('cloud-buddy/DeactivateMFADevice__1.eventbridge.json');
    expect(mfa.envelope.id).toBe('8f950901-82db-6ad4-96fc-f50e9762dc97');
    expect(mfa.actor).toMatchObject({
      type: 'Root',
      name: 'root',
      invokedBy: 'signin.amazonaws.com',
      mfa: false,
    });
  });

  it('classifies Terraform, service-invoked and internal calls', () => {
    expect(only('miquido-sns-formatter/PutRolePolicy__1.eventbridge.json').via).toBe('terraform');
    const linked = only('miquido-sns-formatter/CreateServiceLinkedRole__1.eventbridge.json');
    expect(linked.sourceIpKind).toBe('aws-service');
    expect(linked.via).toBe('aws-service');
    expect(linked.actor.invokedBy).toBe('resource-explorer-2.amazonaws.com');
    expect(only('panther-analysis/UpdateLoginProfile__1.json').sourceIpKind).toBe('aws-internal');
    expect(only('panther-analysis/CreateSAMLProvider__2.json').via).toBe('cloudformation');
    const service = only('panther-analysis/AssumeRole__2.json');
    expect(service.actor).toEqual({
      type: 'AWSService',
      name: 'lambda.amazonaws.com',
      invokedBy: 'lambda.amazonaws.com',
    });
    expect(service.envelope.account).toBe('123456789123');
  });
});
