/**
 * Slack failing under a real `@slack/webhook` client: an outage (5xx) delays alerts through the
 * stream's partial batch failure without repeating channels that already succeeded; a permanent
 * rejection is recorded and never retried.
 */
import { describe, expect, it } from 'vitest';
import { adminAttachEnvelope, createUserEnvelope } from './support/events';
import { NOW, usePipeline } from './support/pipeline';
import { SLACK_OK } from './support/slack';
import { eventIdsOf, type StreamRecord } from './support/stream';

const pipeline = usePipeline();

/** Records a critical admin attach (Slack + SNS) then a medium CreateUser (Slack only); their INSERTs. */
async function recordTwoAlerts(): Promise<{ critical: string; medium: string; batch: StreamRecord[] }> {
  const critical = adminAttachEnvelope();
  const medium = createUserEnvelope();
  const batch = await pipeline.recordInserts(critical, medium);
  expect(eventIdsOf(batch)).toEqual([critical.detail.eventID, medium.detail.eventID]);
  return { critical: critical.detail.eventID, medium: medium.detail.eventID, batch };
}

/** The first Slack attempt at `eventId` failed (`status`, `error`) while SNS delivered it at once. */
async function expectSlackFailedSnsDelivered(eventId: string, status: string, error: string): Promise<void> {
  const delivery = (await pipeline.store.get(eventId))?.delivery;
  expect(delivery?.['slack:default']).toEqual({ status, at: NOW.toISOString(), attempts: 1, error });
  expect(delivery?.sns).toMatchObject({ status: 'delivered', attempts: 1 });
}

describe('Slack down, then back', () => {
  it('fails the batch at the first undelivered record, keeps SNS, and delivers everything once on recovery', async () => {
    const { critical, medium, batch } = await recordTwoAlerts();
    const notify = pipeline.notify({ slackRetry: { maxAttempts: 2 } });
    pipeline.slack.answerWith({ status: 503, body: 'service unavailable' });

    const first = await notify({ Records: batch });

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: batch[0]!.dynamodb.SequenceNumber }] });
    expect(pipeline.slack.mentioning(critical)).toHaveLength(2);
    // Notify stops at the failing record: the next one waits for the retry, in stream order.
    expect(pipeline.slack.mentioning(medium)).toHaveLength(0);
    expect(pipeline.sns.published).toHaveLength(1);
    await expectSlackFailedSnsDelivered(
      critical,
      'failed',
      'Slack delivery failed after 2 attempt(s): HTTP 503',
    );
    expect(pipeline.logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'delivery failed, will retry',
        fields: expect.objectContaining({ eventId: critical, channel: 'slack:default', attempts: 1 }),
      }),
    );

    // Still down: Lambda retries the same batch; the failure count grows, SNS is not repeated.
    const second = await notify({ Records: batch });
    expect(second.batchItemFailures).toEqual([{ itemIdentifier: batch[0]!.dynamodb.SequenceNumber }]);
    expect((await pipeline.store.get(critical))?.delivery?.['slack:default']).toMatchObject({
      status: 'failed',
      attempts: 2,
    });

    pipeline.slack.answerWith();
    const recovered = await notify({ Records: batch });
    const again = await notify({ Records: batch });

    expect(recovered).toEqual({ batchItemFailures: [] });
    expect(again).toEqual({ batchItemFailures: [] });
    expect(pipeline.slack.accepted().filter((request) => request.body.includes(critical))).toHaveLength(1);
    expect(pipeline.slack.accepted().filter((request) => request.body.includes(medium))).toHaveLength(1);
    expect(pipeline.slack.accepted()).toHaveLength(2);
    expect(pipeline.sns.requestCount()).toBe(1);
    expect((await pipeline.store.get(critical))?.delivery).toEqual({
      'slack:default': { status: 'delivered', at: NOW.toISOString(), attempts: 3 },
      sns: { status: 'delivered', at: NOW.toISOString(), attempts: 1 },
    });
    expect((await pipeline.store.get(medium))?.delivery).toEqual({
      'slack:default': { status: 'delivered', at: NOW.toISOString(), attempts: 1 },
    });
  });

  it('reports the later record when the earlier ones went through', async () => {
    const { critical, medium, batch } = await recordTwoAlerts();
    const notify = pipeline.notify({ slackRetry: { maxAttempts: 1 } });
    pipeline.slack.answerWith(SLACK_OK, { status: 500, body: 'internal_error' });

    const response = await notify({ Records: batch });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: batch[1]!.dynamodb.SequenceNumber }] });
    expect(pipeline.slack.mentioning(critical).map((request) => request.status)).toEqual([200]);
    expect(pipeline.slack.mentioning(medium).map((request) => request.status)).toEqual([500]);
    expect((await pipeline.store.get(medium))?.delivery?.['slack:default']).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: 'Slack delivery failed after 1 attempt(s): HTTP 500 internal_error',
    });
  });

  it('waits out a 429 for the Retry-After Slack asked for, within the invocation', async () => {
    const { critical, batch } = await recordTwoAlerts();
    const slept: number[] = [];
    const notify = pipeline.notify({
      slackRetry: {
        maxAttempts: 3,
        sleep: async (ms) => {
          slept.push(ms);
        },
      },
    });
    pipeline.slack.answerWith(
      { status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' },
      SLACK_OK,
    );

    const response = await notify({ Records: batch.slice(0, 1) });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(slept).toEqual([2000]);
    expect(pipeline.slack.mentioning(critical).map((request) => request.status)).toEqual([429, 200]);
  });
});

describe('Slack rejects the alert for good', () => {
  it('records a permanent failure, asks for no retry, and still delivers SNS', async () => {
    const { critical, medium, batch } = await recordTwoAlerts();
    const notify = pipeline.notify();
    pipeline.slack.answerWith({ status: 400, body: 'invalid_payload' });

    const response = await notify({ Records: batch });

    expect(response).toEqual({ batchItemFailures: [] });
    // Permanent errors are not retried inside the sender either: one request per alert.
    expect(pipeline.slack.mentioning(critical)).toHaveLength(1);
    expect(pipeline.slack.mentioning(medium)).toHaveLength(1);
    await expectSlackFailedSnsDelivered(
      critical,
      'permanent',
      'Slack rejected the alert: invalid_payload (HTTP 400): Slack could not accept the message body',
    );
    expect(pipeline.sns.published).toHaveLength(1);
    expect(pipeline.logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'delivery failed permanently' }),
    );

    // A later invocation (a replayed batch, or Slack fixed) does not resend a permanently failed channel.
    pipeline.slack.answerWith();
    expect(await notify({ Records: batch })).toEqual({ batchItemFailures: [] });
    expect(pipeline.slack.requests).toHaveLength(2);
    expect(pipeline.sns.requestCount()).toBe(1);
  });
});
