/**
 * Operational messages as people read them in Slack. What arrives on the operations topic is either a
 * CloudWatch alarm notification (JSON SNS writes for alarm actions) or plain text (forwarder alarms
 * relayed by EventBridge, silence reports of the heartbeat check). Every field may hold text someone
 * else chose (alarm reasons quote metric values, account names come from Organizations), so all of it
 * is escaped before it reaches Slack.
 */
import * as z from 'zod/mini';
import { mrkdwnText } from '../notify/escape';
import type { SlackMessage } from '../notify/slack-message';

/** The parts of a CloudWatch alarm notification a person needs. */
const AlarmNotification = z.object({
  AlarmName: z.string(),
  AlarmDescription: z.nullish(z.string()),
  NewStateValue: z.string(),
  NewStateReason: z.nullish(z.string()),
  AWSAccountId: z.nullish(z.string()),
  Region: z.nullish(z.string()),
});

/** An SNS notification as the operations topic hands it to a subscriber. */
export interface OperationalNotification {
  subject?: string | null;
  message: string;
}

const STATE_EMOJI: Record<string, string> = {
  ALARM: ':red_circle:',
  OK: ':large_green_circle:',
  INSUFFICIENT_DATA: ':white_circle:',
};

/** Section text limit Slack documents is 3000 characters; keep well inside it. */
const SECTION_MAX = 2900;

/** The Slack message for one operational notification. */
export function operationalSlackMessage(notification: OperationalNotification): SlackMessage {
  const alarm = parseAlarm(notification.message);
  const text = alarm
    ? `${STATE_EMOJI[alarm.NewStateValue] ?? ':grey_question:'} iamwatch alarm ${mrkdwnText(alarm.AlarmName, 200)} is ${mrkdwnText(alarm.NewStateValue, 40)}`
    : `:warning: ${mrkdwnText(notification.subject ?? 'iamwatch operations', 200)}`;
  const details = alarm
    ? [alarm.AlarmDescription, alarm.NewStateReason, where(alarm)].filter((part): part is string => !!part)
    : [notification.message];
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: mrkdwnText(details.join(' — '), SECTION_MAX) || '(no details)',
          verbatim: true,
        },
      },
    ],
    unfurl_links: false,
    unfurl_media: false,
  };
}

function parseAlarm(message: string): z.infer<typeof AlarmNotification> | undefined {
  try {
    const parsed = AlarmNotification.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function where(alarm: z.infer<typeof AlarmNotification>): string | undefined {
  if (!alarm.AWSAccountId) return undefined;
  return `account ${alarm.AWSAccountId}${alarm.Region ? `, ${alarm.Region}` : ''}`;
}
