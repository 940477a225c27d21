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
import type { Actor, CloudTrailRecord, EventBridgeEnvelope, SourceIpKind, Via } from '../../../rules/types';

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

/** What a sample must give: any of its actor, envelope, record and classifications (others left free). */
interface SampleFacts {
  actor?: Partial<Actor>;
  envelope?: Partial<EventBridgeEnvelope>;
  record?: Partial<CloudTrailRecord>;
  sourceIpKind?: SourceIpKind;
  via?: Via;
}

const FACTS: { reads: string; file: string; expected: SampleFacts }[] = [
  {
    reads: 'Panther root CreateAccessKey',
    file: 'panther-analysis/CreateAccessKey__1.json',
    expected: {
      actor: { type: 'Root', name: 'root', accountId: '123456789012', mfa: true },
      envelope: { account: '123456789012' },
      sourceIpKind: 'ipv4',
      via: 'console',
    },
  },
  {
    reads: 'Panther CreateAccessKey by an IAM user through the Go SDK, with a Panther-rendered time',
    file: 'panther-analysis/CreateAccessKey__2.json',
    expected: {
      actor: { type: 'IAMUser', name: 'some_iam_user', mfa: true },
      record: { eventTime: '2023-01-03T01:52:07Z', errorCode: 'LimitExceededException' },
      via: 'sdk',
    },
  },
  {
    reads: 'Stratus Red Team CreateAccessKey',
    file: 'stratus-red-team/CreateAccessKey__1.json',
    expected: {
      actor: {
        type: 'IAMUser',
        name: 'christophe',
        arn: 'arn:aws:iam::946986569305:user/christophe',
        accountId: '946986569305',
        accessKeyId: 'AKIA30BEZSJBVKOFKZW0',
      },
      envelope: { account: '946986569305' },
      via: 'other',
    },
  },
  {
    reads: 'Stratus Red Team CreateUser',
    file: 'stratus-red-team/CreateUser__1.json',
    expected: {
      actor: { name: 'christophe' },
      envelope: { source: 'aws.iam', 'detail-type': 'AWS API Call via CloudTrail' },
    },
  },
  {
    reads: 'a Stratus Red Team federated session',
    file: 'stratus-red-team/GetCallerIdentity__3.json',
    expected: {
      actor: {
        type: 'FederatedUser',
        name: 'stratus_red_team',
        sessionIssuerArn: 'arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user',
      },
      via: 'sdk',
    },
  },
  {
    reads: 'a Stratus Red Team EC2 instance session',
    file: 'stratus-red-team/DescribeInstances__1.json',
    expected: {
      actor: {
        type: 'AssumedRole',
        name: 'i-786a3A8B5C0d92eF4',
        sessionIssuerArn: 'arn:aws:iam::017622104382:role/stratus-red-team-ec2-steal-credentials-role',
      },
    },
  },
  {
    reads: 'an AWS docs root console sign-in without MFA',
    file: 'aws-docs/ConsoleLogin__4.json',
    expected: {
      envelope: {
        source: 'aws.signin',
        'detail-type': 'AWS Console Sign In via CloudTrail',
        account: '111122223333',
      },
      sourceIpKind: 'ipv4',
      via: 'console',
    },
  },
  {
    reads: 'an AWS docs root console sign-in with MFA',
    file: 'aws-docs/ConsoleLogin__5.json',
    expected: { actor: { mfa: true } },
  },
  {
    reads: 'an AWS docs IAM user sign-in',
    file: 'aws-docs/ConsoleLogin__2.json',
    expected: { actor: { name: 'anaya', mfa: true } },
  },
  {
    reads: 'an Identity Center session from an EventBridge envelope as published',
    file: 'nuvibit-semper/DeleteRolePermissionsBoundary__1.eventbridge.json',
    expected: {
      actor: {
        name: 'michael.ullrich@nuvibit.com',
        sessionIssuerArn: expect.stringContaining('AWSReservedSSO_AdministratorAccess_'),
      },
      envelope: { id: 'd0fbe1ff-e281-4f61-ea20-b493c9a47826', account: '***' },
    },
  },
  {
    reads: 'a root MFA deactivation from an EventBridge envelope as published',
    file: 'cloud-buddy/DeactivateMFADevice__1.eventbridge.json',
    expected: {
      actor: { type: 'Root', name: 'root', invokedBy: 'signin.amazonaws.com', mfa: false },
      envelope: { id: '8f950901-82db-6ad4-96fc-f50e9762dc97' },
    },
  },
  {
    reads: 'a Terraform call',
    file: 'miquido-sns-formatter/PutRolePolicy__1.eventbridge.json',
    expected: { via: 'terraform' },
  },
  {
    reads: 'a service-invoked call',
    file: 'miquido-sns-formatter/CreateServiceLinkedRole__1.eventbridge.json',
    expected: {
      actor: { invokedBy: 'resource-explorer-2.amazonaws.com' },
      sourceIpKind: 'aws-service',
      via: 'aws-service',
    },
  },
  {
    reads: 'an internal call',
    file: 'panther-analysis/UpdateLoginProfile__1.json',
    expected: { sourceIpKind: 'aws-internal' },
  },
  {
    reads: 'a CloudFormation call',
    file: 'panther-analysis/CreateSAMLProvider__2.json',
    expected: { via: 'cloudformation' },
  },
  {
    reads: 'a Lambda service call',
    file: 'panther-analysis/AssumeRole__2.json',
    expected: { envelope: { account: '123456789123' } },
  },
];

/** Samples whose actor is checked whole: nothing missing, nothing more. */
const WHOLE_ACTORS: { reads: string; file: string; actor: Actor }[] = [
  {
    reads: 'an AWS docs root console sign-in without MFA',
    file: 'aws-docs/ConsoleLogin__4.json',
    actor: {
      type: 'Root',
      principalId: 'AIDACKCEVSQ6C2EXAMPLE',
      arn: 'arn:aws:iam::111122223333:root',
      name: 'root',
      accountId: '111122223333',
      mfa: false,
    },
  },
  {
    reads: 'a failed AWS docs IAM user sign-in without an ARN',
    file: 'aws-docs/ConsoleLogin__3.json',
    actor: {
      type: 'IAMUser',
      principalId: 'AIDACKCEVSQ6C2EXAMPLE',
      name: 'anaya',
      accountId: '111122223333',
      mfa: true,
    },
  },
  {
    reads: 'a Lambda service call',
    file: 'panther-analysis/AssumeRole__2.json',
    actor: { type: 'AWSService', name: 'lambda.amazonaws.com', invokedBy: 'lambda.amazonaws.com' },
  },
];

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

  for (const { reads, file, expected } of FACTS) {
    it(`reads ${reads} (${file})`, () => {
      expect(only(file)).toMatchObject(expected);
    });
  }

  for (const { reads, file, actor } of WHOLE_ACTORS) {
    it(`reads the whole actor of ${reads} (${file})`, () => {
      expect(only(file).actor).toEqual(actor);
    });
  }
});
