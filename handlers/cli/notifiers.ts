/**
 * The notifiers a CLI run alerts through: Slack and/or SNS when configured, otherwise the console.
 * The SNS client comes from standard SDK configuration (region, credentials, AWS_ENDPOINT_URL_SNS).
 */
import { SNSClient } from '@aws-sdk/client-sns';
import type { Severity } from '../../rules/types';
import { createConsoleNotifier, type WritableText } from '../notify/console';
import { defaultSlackRoute } from '../notify/routing';
import { createSlackNotifier } from '../notify/slack';
import { createSnsNotifier } from '../notify/sns';
import type { Notifier } from '../ports';
import { CLI_ENV } from '../shared/environment';
import { severityOption } from './args';
import { type CliIo, UsageError } from './io';

interface NotifierSettings {
  slackWebhook?: string;
  snsTopic?: string;
  snsMinSeverity?: Severity;
  /** Lowest severity alerted on Slack and the console (default low). */
  minSeverity?: Severity;
  /** Where console alerts go when no channel is configured; none when undefined. */
  console?: WritableText & { isTTY?: boolean };
}

function buildNotifiers(settings: NotifierSettings, io: CliIo): Notifier[] {
  const notifiers: Notifier[] = [];
  if (settings.slackWebhook) {
    if (!/^https?:\/\//.test(settings.slackWebhook)) {
      throw new UsageError('--slack-webhook must be an http(s) URL');
    }
    const route = defaultSlackRoute({ webhookUrl: settings.slackWebhook });
    if (settings.minSeverity) route.minSeverity = settings.minSeverity;
    notifiers.push(createSlackNotifier({ route, webhookUrl: settings.slackWebhook }));
  }
  if (settings.snsTopic) {
    if (!settings.snsTopic.startsWith('arn:')) throw new UsageError('--sns-topic must be a topic ARN');
    const region = settings.snsTopic.split(':')[3] || io.env.AWS_REGION || 'us-east-1';
    notifiers.push(
      createSnsNotifier({
        client: new SNSClient({ region }),
        topicArn: settings.snsTopic,
        ...(settings.snsMinSeverity ? { minSeverity: settings.snsMinSeverity } : {}),
      }),
    );
  }
  if (notifiers.length === 0 && settings.console) {
    notifiers.push(
      createConsoleNotifier({
        stream: settings.console,
        color: settings.console.isTTY === true && !io.env.NO_COLOR,
        ...(settings.minSeverity ? { minSeverity: settings.minSeverity } : {}),
      }),
    );
  }
  return notifiers;
}

/** The alert options replay and backfill share. */
export const alertOptions = {
  'slack-webhook': { type: 'string' },
  'sns-topic': { type: 'string' },
  'sns-min-severity': { type: 'string' },
} as const;

/** Notifiers from `alertOptions` values and their environment fallbacks; console alerts with `summary`. */
export function notifiersFromOptions(
  values: { 'slack-webhook'?: string; 'sns-topic'?: string; 'sns-min-severity'?: string },
  output: { format: string; minSeverity?: Severity | undefined },
  io: CliIo,
): Notifier[] {
  return buildNotifiers(
    {
      slackWebhook: values['slack-webhook'] ?? io.env[CLI_ENV.slackWebhook],
      snsTopic: values['sns-topic'] ?? snsTopicFromEnv(io),
      snsMinSeverity: severityOption(values['sns-min-severity'], '--sns-min-severity'),
      minSeverity: output.minSeverity,
      console: output.format === 'summary' ? io.stdout : undefined,
    },
    io,
  );
}

/** Runs already warned about the deprecated topic variable: the warning is printed once per run. */
const warnedOfDeprecatedTopic = new WeakSet<CliIo>();

/**
 * The alert topic from `IAMWATCH_SNS_TOPIC_ARN`, the notify function's name for it, or else from the
 * CLI's old name `IAMWATCH_SNS_TOPIC`, with a deprecation warning on stderr.
 */
export function snsTopicFromEnv(io: CliIo): string | undefined {
  const topic = io.env[CLI_ENV.snsTopicArn];
  if (topic) return topic;
  const deprecated = io.env[CLI_ENV.deprecatedSnsTopic];
  if (!deprecated) return undefined;
  if (!warnedOfDeprecatedTopic.has(io)) {
    warnedOfDeprecatedTopic.add(io);
    io.stderr.write(
      `iamwatch: ${CLI_ENV.deprecatedSnsTopic} is deprecated and will be removed; set ${CLI_ENV.snsTopicArn} instead\n`,
    );
  }
  return deprecated;
}
