/**
 * Attacker-controlled values end to end: the ledger keeps them verbatim, Slack receives them escaped
 * (no mention, link or formatting can form; checked on the raw request body), and a huge request
 * neither breaks the DynamoDB item limit nor the SNS message limit.
 */
import { randomBytes } from 'node:crypto';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { DYNAMODB_MAX_ITEM_BYTES, itemSize } from '../../handlers/ledger/size';
import { SNS_LIMITS } from '../../handlers/notify/sns-message';
import { toEnvelope } from '../../rules/cloudtrail/envelope';
import { expectNoInjectedMarkup, expectWithinSlackLimits, textsOf } from '../handlers/notify/slack-limits';
import { fixtureRecord } from './support/events';
import { usePipeline } from './support/pipeline';
import { filterEntryInserts } from './support/stream';

const HOSTILE_NAME = '<!channel> *pwn* <https://evil.example|click>';
const HOSTILE_AGENT = 'aws-cli/2.15.30 <!here> `code` ~strike~ _it_ \u001b[31mred\u202eevil\n<@U012345>';
const POLICY_BYTES = 300 * 1024;

const pipeline = usePipeline();

function hostileCreateUser() {
  return toEnvelope(
    fixtureRecord('create-user.json', {
      userAgent: HOSTILE_AGENT,
      requestParameters: { userName: HOSTILE_NAME },
      responseElements: {
        user: {
          path: '/',
          userName: HOSTILE_NAME,
          userId: 'AIDAJ45Q7YFFAREXAMPLE',
          arn: `arn:aws:iam::111122223333:user/${HOSTILE_NAME}`,
          createDate: 'Mar 14, 2025, 9:12:04 AM',
        },
      },
    }),
  );
}

/**
 * An inline policy of about 300 KB, URL-encoded as CloudTrail logs it: statements on distinct random
 * resources, so it does not shrink to nothing when compressed.
 */
function hugePolicyDocument(): string {
  const statements: unknown[] = [];
  let size = 0;
  while (size < POLICY_BYTES) {
    const statement = {
      Sid: `S${statements.length}`,
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::bucket-${randomBytes(48).toString('hex')}/*`,
    };
    statements.push(statement);
    size += encodeURIComponent(JSON.stringify(statement)).length;
  }
  return encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
}

describe('a user name written to mention the channel', () => {
  it('is stored verbatim and reaches Slack escaped, SNS printable and within limits', async () => {
    const envelope = hostileCreateUser();
    const eventId = envelope.detail.eventID;

    await pipeline.record(envelope);
    const stored = await pipeline.store.get(eventId);
    expect(stored?.target).toEqual({
      type: 'user',
      name: HOSTILE_NAME,
      arn: `arn:aws:iam::111122223333:user/${HOSTILE_NAME}`,
    });
    expect(stored?.userAgent).toBe(HOSTILE_AGENT);
    const byTarget = await pipeline.store.history({ target: HOSTILE_NAME });
    expect(byTarget.map((entry) => entry.eventId)).toContain(eventId);

    const response = await pipeline.notify({ snsMinSeverity: 'medium' })({
      Records: filterEntryInserts(pipeline.stream.take()),
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(pipeline.slack.requests).toHaveLength(1);
    const raw = pipeline.slack.requests[0]!.body;
    for (const markup of ['<!channel>', '<!here>', '<https://evil', '<@U012345>']) {
      expect(raw).not.toContain(markup);
    }
    const body: unknown = JSON.parse(raw);
    expectNoInjectedMarkup(body);
    expectWithinSlackLimits(body);
    const texts = textsOf(body);
    expect(texts).toContain('*Target*\n`&lt;!channel&gt; *pwn* &lt;https://evil.example|click&gt;` user');
    expect(texts.join('\n')).toContain('&lt;!here&gt;');
    // No terminal escapes or bidi overrides survive, and the agent's newline cannot fake a new line.
    expect(texts.filter((text) => text.includes('\u001b') || text.includes('\u202e'))).toEqual([]);
    expect(texts.join('\n')).toContain('User agent: `aws-cli/2.15.30 &lt;!here&gt;');
    expect(texts.every((text) => !text.includes('evil\n'))).toBe(true);

    expect(pipeline.sns.published).toHaveLength(1);
    const publication = pipeline.sns.published[0]!;
    expect(publication.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    expect(publication.subject).toContain('IAM user <!channel> *pwn*');
    expect(publication.message.sms).toMatch(/^[\x20-\x7e]{1,140}$/);
    expect(JSON.parse(publication.message.sqs!)).toMatchObject({ target: { name: HOSTILE_NAME } });
  });
});

describe('a 300 KB inline policy document', () => {
  it('is recorded within the DynamoDB item limit and alerts within Slack and SNS limits', async () => {
    const policyDocument = hugePolicyDocument();
    expect(policyDocument.length).toBeGreaterThan(POLICY_BYTES);
    const record = fixtureRecord('put-user-policy.json', {
      requestParameters: { userName: HOSTILE_NAME, policyName: 'x'.repeat(128), policyDocument },
    });
    const eventId = record.eventID;

    const result = await pipeline.record(toEnvelope(record));

    expect(result.outcome).toBe('inserted');
    expect(result.entry.detections.map((hit) => hit.id)).toEqual(['iam-inline-policy-added']);
    const [entryItem, rawItem] = await Promise.all([
      pipeline.readEntryItem(eventId),
      pipeline.readRawItem(eventId),
    ]);
    expect(itemSize(unmarshall(entryItem!))).toBeLessThan(DYNAMODB_MAX_ITEM_BYTES);
    expect(itemSize(unmarshall(rawItem!))).toBeLessThan(DYNAMODB_MAX_ITEM_BYTES);
    // Compressed, the evidence fits whole: the stored raw record is the record CloudTrail wrote.
    expect(await pipeline.store.getRaw(eventId)).toEqual(record);

    const response = await pipeline.notify({ snsMinSeverity: 'medium' })({
      Records: filterEntryInserts(pipeline.stream.take()),
    });

    expect(response).toEqual({ batchItemFailures: [] });
    const slackBody = pipeline.slack.requests[0]!.body;
    expect(slackBody).not.toContain('<!channel>');
    expectWithinSlackLimits(JSON.parse(slackBody));
    expect(pipeline.sns.published).toHaveLength(1);
    const publication = pipeline.sns.published[0]!;
    expect(Buffer.byteLength(publication.rawMessage)).toBeLessThanOrEqual(SNS_LIMITS.publishBytes);
    expect(publication.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    expect((await pipeline.store.get(eventId))?.delivery?.sns?.status).toBe('delivered');
  });
});
