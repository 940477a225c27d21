/**
 * The scheduled audit Lambda entry point: the one wiring block. It reads every account of the
 * organization (Organizations ListAccounts, or the accounts configured) through the read-only audit
 * role deployed in each, keeps the run in the ledger, writes the report to the report bucket and
 * posts the summary to the Slack routes and the alert topic.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { createDocumentClient, DynamoLedgerStore } from '../ledger/dynamo-store';
import { slackChannel } from '../notify/routing';
import { slackWebhookSecret } from '../notify/secret';
import { SlackSender } from '../notify/slack-sender';
import { jsonLogger, levelFromEnv, withRequestIds } from '../shared/logger';
import { type AccountRef, listOrganizationAccounts, readAccounts } from './accounts';
import { readAuditConfig } from './config';
import { type AuditRunResult, createAuditHandler } from './handler';

const config = readAuditConfig(process.env);
const { tableName, retentionDays, context } = config.record;
const { notify, bucketName, roleName } = config;
const s3 = new S3Client({});
const sns = new SNSClient({});
const secrets = new SecretsManagerClient({});
const topicArn = notify.snsTopicArn;
const logger = jsonLogger('iamwatch-audit', { level: levelFromEnv(process.env) });

const audit: () => Promise<AuditRunResult> = createAuditHandler({
  read: async () => {
    const accounts: AccountRef[] =
      config.accountIds.length > 0
        ? config.accountIds.map((accountId) => ({ accountId }))
        : await listOrganizationAccounts({});
    for (const account of accounts) {
      const name = context.accountNames[account.accountId];
      if (name) account.accountName = name;
    }
    return readAccounts(accounts, { roleName, roles: true, sdk: {} });
  },
  store: new DynamoLedgerStore({ client: createDocumentClient(), tableName, retentionDays }),
  bucket: {
    location: `s3://${bucketName}`,
    put: async (key, body, contentType) => {
      await s3.send(
        new PutObjectCommand({ Bucket: bucketName, Key: key, Body: body, ContentType: contentType }),
      );
    },
  },
  slack: notify.slackRoutes.map((route) => {
    const url = route.secretArn
      ? (() => {
          const secret = slackWebhookSecret(secrets, route.secretArn ?? '');
          return () => secret.get();
        })()
      : (route.webhookUrl ?? '');
    const sender = new SlackSender(url, slackChannel(route));
    return { channel: slackChannel(route), post: (message) => sender.post(message) };
  }),
  ...(topicArn
    ? {
        sns: {
          publish: async (subject: string, message: string) => {
            await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
          },
        },
      }
    : {}),
  clock: { now: () => new Date() },
  logger,
  options: {
    staleDays: config.staleDays,
    keyAgeDays: config.keyAgeDays,
    maxSessionSeconds: config.maxSessionSeconds,
    context,
  },
});

export const handler = withRequestIds<unknown, AuditRunResult>(logger, () => audit());
