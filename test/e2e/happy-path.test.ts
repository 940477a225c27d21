/**
 * End to end over real components: EventBridge envelope → record handler → DynamoDB ledger (dynalite)
 * → stream INSERT (filtered as the deployed event-source filter does) → notify handler → Slack
 * (`@slack/webhook` to a local server) and SNS (`SNSClient` to a local server).
 */
import { describe, expect, it } from 'vitest';
import { expectNoInjectedMarkup, expectWithinSlackLimits, textsOf } from '../handlers/notify/slack-limits';
import { iamAlertAttributes } from '../handlers/notify/sns-expected';
import { adminAttachEnvelope, createUserEnvelope } from './support/events';
import { ACCOUNT_NAME, NOW, usePipeline } from './support/pipeline';
import { TOPIC_ARN } from './support/sns';
import { eventIdsOf, filterEntryInserts, kindOf } from './support/stream';

const pipeline = usePipeline();

const ESCAPED_ACCOUNT = '`payments &amp; billing &lt;prod&gt;` `111122223333`';

describe('a CreateUser from EventBridge to Slack', () => {
  it('is written to the ledger once, readable by eventId and by history', async () => {
    const envelope = createUserEnvelope();
    const eventId = envelope.detail.eventID;

    const result = await pipeline.record(envelope);

    expect(result.outcome).toBe('inserted');
    const stored = await pipeline.store.get(eventId);
    expect(stored).toMatchObject({
      eventId,
      eventName: 'CreateUser',
      accountId: '111122223333',
      accountName: ACCOUNT_NAME,
      actor: { type: 'IAMUser', name: 'alice', arn: 'arn:aws:iam::111122223333:user/alice' },
      target: { type: 'user', name: 'bob', arn: 'arn:aws:iam::111122223333:user/bob' },
      sourceIp: '192.0.2.10',
      via: 'cli',
      result: 'success',
      severity: 'medium',
      detections: [{ id: 'iam-user-created', severity: 'medium', title: 'IAM user bob created by alice' }],
      origin: 'live',
      recordedAt: NOW.toISOString(),
    });
    expect(stored?.delivery).toBeUndefined();
    expect(await pipeline.store.getRaw(eventId)).toEqual(envelope.detail);
    const byActor = await pipeline.store.history({ actor: 'alice', eventName: 'CreateUser' });
    expect(byActor.filter((entry) => entry.eventId === eventId)).toHaveLength(1);
    const byTarget = await pipeline.store.history({ target: 'bob', detection: 'iam-user-created' });
    expect(byTarget.map((entry) => entry.eventId)).toContain(eventId);
  });

  it('streams exactly one entry INSERT, which alerts Slack once and leaves SNS alone (medium < high)', async () => {
    const envelope = createUserEnvelope();
    const eventId = envelope.detail.eventID;
    await pipeline.record(envelope);

    const written = pipeline.stream.take();
    const inserts = filterEntryInserts(written);
    expect(inserts).toHaveLength(1);
    const insert = inserts[0]!;
    expect(insert.eventName).toBe('INSERT');
    expect(kindOf(insert)).toBe('entry');
    expect(insert.dynamodb.NewImage).toEqual(await pipeline.readEntryItem(eventId));
    expect(eventIdsOf([insert])).toEqual([eventId]);
    // The raw record and the index items arrive on the stream too; the filter keeps them from notify.
    expect(written.filter((record) => kindOf(record) === 'raw')).toHaveLength(1);
    expect(written.filter((record) => kindOf(record) === 'index').length).toBeGreaterThan(3);

    const response = await pipeline.notify()({ Records: inserts });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(pipeline.slack.requests).toHaveLength(1);
    const request = pipeline.slack.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    const body: unknown = JSON.parse(request.body);
    const texts = textsOf(body);
    expect(texts[0]).toBe(
      '[MEDIUM] IAM user bob created by alice (CreateUser by alice in payments &amp; billing &lt;prod&gt; 111122223333, us-east-1)',
    );
    expect(texts).toContain('*Actor*\n`alice` IAMUser');
    expect(texts).toContain('*Target*\n`bob` user');
    expect(texts).toContain(`*Account*\n${ESCAPED_ACCOUNT}`);
    expect(texts).toContain('*Source IP*\n`192.0.2.10` ipv4');
    expect(texts.join('\n')).toContain(`Event ID \`${eventId}\``);
    expect(request.body).not.toContain(ACCOUNT_NAME);
    expectWithinSlackLimits(body);
    expectNoInjectedMarkup(body);
    expect(pipeline.sns.requestCount()).toBe(0);

    const delivered = await pipeline.store.get(eventId);
    expect(delivered?.delivery).toEqual({
      'slack:default': { status: 'delivered', at: NOW.toISOString(), attempts: 1 },
    });
  });
});

describe('AdministratorAccess attached to a user, from EventBridge to Slack and SNS', () => {
  it('posts to Slack and publishes one critical alert with filterable attributes', async () => {
    const envelope = adminAttachEnvelope();
    const eventId = envelope.detail.eventID;
    const inserts = await pipeline.recordInserts(envelope);
    expect(inserts).toHaveLength(1);

    const response = await pipeline.notify()({ Records: inserts });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(pipeline.slack.requests).toHaveLength(1);
    const texts = textsOf(JSON.parse(pipeline.slack.requests[0]!.body));
    expect(texts).toContain(
      ':rotating_light: CRITICAL: AttachUserPolicy for svc-backup by alice in payments &amp; billing &lt;prod&gt;',
    );
    expect(texts.join('\n')).toContain('AdministratorAccess attached to user svc-backup by alice');
    expect(texts).toContain('*Target*\n`svc-backup` user');
    expect(texts.join('\n')).toContain('Policy ARN: `arn:aws:iam::aws:policy/AdministratorAccess`');

    expect(pipeline.sns.published).toHaveLength(1);
    const publication = pipeline.sns.published[0]!;
    expect(publication.topicArn).toBe(TOPIC_ARN);
    expect(publication.subject).toBe('CRITICAL: AdministratorAccess attached to user svc-backup by alice');
    expect(publication.messageStructure).toBe('json');
    expect(publication.attributes).toEqual(
      iamAlertAttributes('critical', ['iam-admin-policy-attached'], 'AttachUserPolicy'),
    );
    expect(publication.message.default).toMatch(
      /^\[CRITICAL\] AdministratorAccess attached to user svc-backup/,
    );
    expect(publication.message.sms).toContain('iam-admin-policy-attached');
    // Subscribers get the ledger entry contract: no ledger bookkeeping, no other channel's delivery state.
    const { origin, recordedAt, delivery, ...contract } = (await pipeline.store.get(eventId))!;
    expect({ origin, recordedAt, delivery: Object.keys(delivery ?? {}) }).toEqual({
      origin: 'live',
      recordedAt: NOW.toISOString(),
      delivery: ['slack:default', 'sns'],
    });
    expect(JSON.parse(publication.message.sqs!)).toStrictEqual(contract);

    const delivered = await pipeline.store.get(eventId);
    expect(delivered?.delivery).toEqual({
      'slack:default': { status: 'delivered', at: NOW.toISOString(), attempts: 1 },
      sns: { status: 'delivered', at: NOW.toISOString(), attempts: 1 },
    });
  });

  it('delivers a batch of both events in stream order', async () => {
    const first = createUserEnvelope();
    const second = adminAttachEnvelope();
    const inserts = await pipeline.recordInserts(first, second);
    expect(eventIdsOf(inserts)).toEqual([first.detail.eventID, second.detail.eventID]);

    expect(await pipeline.notify()({ Records: inserts })).toEqual({ batchItemFailures: [] });

    expect(pipeline.slack.requests.map((request) => request.body.includes(first.detail.eventID))).toEqual([
      true,
      false,
    ]);
    expect(pipeline.slack.mentioning(second.detail.eventID)).toHaveLength(1);
    expect(pipeline.sns.published).toHaveLength(1);
  });
});
