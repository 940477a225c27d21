import { describe, expect, it } from 'vitest';
import { buildSnsPublishInput, SNS_LIMITS, smsText, snsSubject } from '../../../handlers/notify/sns-message';
import { hostileEntry, keyForAnotherUser, ssoAdminAttach } from './entries';
import { MESSAGE_STRUCTURE_KEYS } from './sns-expected';

const TOPIC = 'arn:aws:sns:us-east-1:999988887777:iamwatch-alerts';

function structure(entry = keyForAnotherUser()): Record<string, string> {
  return JSON.parse(buildSnsPublishInput(entry, TOPIC).Message ?? '');
}

describe('snsSubject', () => {
  it('starts with the severity and carries the headline', () => {
    expect(snsSubject(keyForAnotherUser())).toBe('HIGH: Access key created for bob by alice');
  });

  it('is printable ASCII, one line, under 100 characters, whatever the title holds', () => {
    const subject = snsSubject(
      keyForAnotherUser({
        detections: [
          { id: 'x', severity: 'high', title: `Créé\nby ${'🚨'.repeat(50)} \u0007 ${'y'.repeat(200)}` },
        ],
      }),
    );
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^HIGH: Cree by \?+/);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.endsWith('...')).toBe(true);
  });
});

describe('smsText', () => {
  it('is compact ASCII of at most 140 characters', () => {
    expect(smsText(keyForAnotherUser())).toBe(
      'iamwatch HIGH iam-access-key-created-for-another-user acct 111122223333: alice CreateAccessKey -> bob',
    );
    const long = smsText(hostileEntry());
    expect(long.length).toBeLessThanOrEqual(SNS_LIMITS.sms);
    expect(long).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('buildSnsPublishInput', () => {
  it('publishes a JSON message structure to the topic', () => {
    const input = buildSnsPublishInput(keyForAnotherUser(), TOPIC);
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.MessageStructure).toBe('json');
    expect(Object.keys(structure()).sort()).toEqual(MESSAGE_STRUCTURE_KEYS);
  });

  it('gives email and default a readable alert with every field', () => {
    const { default: human, email } = structure(ssoAdminAttach());
    expect(email).toBe(human);
    const lines = (human ?? '').split('\n');
    expect(lines[0]).toBe('[HIGH] Admin policy attached to role deploy');
    expect(lines).toContain('  - HIGH iam-admin-policy-attached: Admin policy attached to role deploy');
    expect(lines).toContain('  - LOW iam-policy-attached: Policy attached to role deploy');
    const facts = Object.fromEntries(
      lines.flatMap((line) => {
        const match = /^([A-Z][A-Za-z ]+):\s+(.+)$/.exec(line);
        return match ? [[match[1], match[2]]] : [];
      }),
    );
    expect(facts).toMatchObject({
      Event: 'AttachRolePolicy (iam.amazonaws.com)',
      Result: 'success',
      Time: '2026-11-20T14:03:11Z',
      Account: 'prod-payments (111122223333)',
      Region: 'us-east-1',
      'Actor type': 'AssumedRole',
      'SSO user': 'carol@example.com',
      Role: 'AWSReservedSSO_AdminAccess_0123456789abcdef (permission set AdminAccess)',
      'Actor ARN':
        'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdminAccess_0123456789abcdef/carol@example.com',
      MFA: 'yes',
      'Target type': 'role',
      Target: 'deploy',
      'Target ARN': 'arn:aws:iam::111122223333:role/deploy',
      'Policy ARN': 'arn:aws:iam::aws:policy/AdministratorAccess',
      'Source IP': '203.0.113.7 (ipv4)',
      'VPC endpoint': 'vpce-0a1b2c3d4e5f67890',
      Via: 'console',
      'User agent': 'AWS Internal',
      Automation: 'no',
      'Event ID': '0f5e7c2a-1111-4222-8333-944455556666',
      CloudTrail:
        'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/0f5e7c2a-1111-4222-8333-944455556666',
    });
  });

  it('shows a failure with its error code in the readable alert', () => {
    const { default: human } = structure(keyForAnotherUser({ result: 'failure', errorCode: 'AccessDenied' }));
    expect(human).toMatch(/^Result: +failure: AccessDenied$/m);
    expect(human).toMatch(/^MFA: +no$/m);
    expect(human).toMatch(/^Access key: +AKIAEXAMPLEALICE$/m);
  });

  it('gives machines the ledger entry as JSON, unchanged when it fits', () => {
    const entry = keyForAnotherUser();
    const message = structure(entry);
    for (const protocol of ['sqs', 'lambda', 'http', 'https']) {
      expect(JSON.parse(message[protocol]!)).toEqual(entry);
    }
  });

  it('fits a hostile 100 KB entry in 256 KB, cutting values but keeping the JSON valid', () => {
    const input = buildSnsPublishInput(hostileEntry(), TOPIC);
    const attributes = JSON.stringify(input.MessageAttributes);
    expect(Buffer.byteLength(input.Message ?? '') + Buffer.byteLength(attributes)).toBeLessThanOrEqual(
      256 * 1024,
    );
    const message = JSON.parse(input.Message ?? '');
    const machine = JSON.parse(message.sqs);
    expect(machine.truncated).toBe(true);
    expect(machine.eventId).toBe(hostileEntry().eventId);
    expect(machine.userAgent).toMatch(/…\[truncated \d+ chars\]$/);
    expect(message.default).toMatch(/^User agent: +.*…\[truncated \d+ chars\]$/m);
    expect(message.default).not.toContain('\u001b');
  });

  it('sets filterable attributes, detection as a String.Array', () => {
    expect(buildSnsPublishInput(ssoAdminAttach(), TOPIC).MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      detection: {
        DataType: 'String.Array',
        StringValue: '["iam-admin-policy-attached","iam-policy-attached"]',
      },
      accountId: { DataType: 'String', StringValue: '111122223333' },
      eventName: { DataType: 'String', StringValue: 'AttachRolePolicy' },
      eventSource: { DataType: 'String', StringValue: 'iam.amazonaws.com' },
      automation: { DataType: 'String', StringValue: 'false' },
    });
  });

  it('leaves the detection attribute out when nothing fired (SNS rejects empty values)', () => {
    const attributes = buildSnsPublishInput(
      keyForAnotherUser({ detections: [], severity: 'info' }),
      TOPIC,
    ).MessageAttributes;
    expect(attributes).not.toHaveProperty('detection');
    expect(attributes?.severity?.StringValue).toBe('info');
  });
});
