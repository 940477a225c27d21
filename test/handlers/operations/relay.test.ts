/**
 * The operations relay at the wire: SNS notifications (a CloudWatch alarm, a forwarder alarm text, a
 * silence report) become Slack messages posted to a local webhook server, escaped like every alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackSender } from '../../../handlers/notify/slack-sender';
import { operationalSlackMessage } from '../../../handlers/operations/message';
import { createOperationsRelay } from '../../../handlers/operations/relay';
import { silentLogger } from '../../../handlers/shared/logger';
import { type FakeSlack, startFakeSlack } from '../../e2e/support/slack';

const ALARM = JSON.stringify({
  AlarmName: 'iamwatch-notify-not-configured',
  AlarmDescription: 'An alert could not be sent because a Slack route has no webhook URL yet',
  AWSAccountId: '222222222222',
  NewStateValue: 'ALARM',
  NewStateReason: 'Threshold Crossed: 1 datapoint [1.0] was greater than the threshold (0.0).',
  Region: 'US East (N. Virginia)',
});

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});

describe('operational messages in Slack', () => {
  it('posts every notification of the batch, alarm and text alike', async () => {
    const sender = new SlackSender(slack.webhookUrl, 'slack:operations', { sleep: async () => {} });
    const relay = createOperationsRelay({ post: (m) => sender.post(m), logger: silentLogger });
    await relay({
      Records: [
        { Sns: { Message: ALARM, Subject: 'ALARM: "iamwatch-notify-not-configured"' } },
        {
          Sns: {
            Message: 'account 333333333333 / region eu-north-1 silent since 2026-12-02T12:00:00.000Z',
            Subject: 'iamwatch: 333333333333 / eu-north-1 silent',
          },
        },
      ],
    });
    expect(slack.accepted()).toHaveLength(2);
    const [alarm, silence] = slack.accepted().map((r) => JSON.parse(r.body));
    expect(alarm.text).toContain('iamwatch-notify-not-configured');
    expect(alarm.text).toContain('ALARM');
    expect(JSON.stringify(alarm.blocks)).toContain('account 222222222222');
    expect(silence.text).toContain('333333333333 / eu-north-1 silent');
  });

  it('fails the invocation when Slack refuses, so Lambda retries and then dead-letters it', async () => {
    slack.answerWith({ status: 404, body: 'no_service' });
    const sender = new SlackSender(slack.webhookUrl, 'slack:operations', { sleep: async () => {} });
    const relay = createOperationsRelay({ post: (m) => sender.post(m), logger: silentLogger });
    await expect(relay({ Records: [{ Sns: { Message: ALARM } }] })).rejects.toThrow(/no_service/);
    slack.answerWith();
  });

  it('escapes whatever text the message carries', () => {
    const message = operationalSlackMessage({
      subject: '<!channel> *urgent*',
      message: 'reason <https://evil.example|click> & <@U123>',
    });
    const text = JSON.stringify(message);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil');
    expect(text).not.toContain('<@U123>');
    expect(text).toContain('&lt;!channel&gt;');
  });
});
