/**
 * The scheduled audit's handler with its real outputs at the wire: the report bucket on moto's S3,
 * the Slack webhook on a local server (the real SlackSender), the SNS topic on a local server (the real
 * SNSClient). Two runs over a dynalite ledger show what is new and what was fixed.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { beforeAll, expect, it } from 'vitest';
import { createAuditHandler } from '../../../handlers/audit/handler';
import { SlackSender } from '../../../handlers/notify/slack-sender';
import { silentLogger } from '../../../handlers/shared/logger';
import { DEFAULT_AUDIT_OPTIONS } from '../../../rules/audit/findings';
import type { AccountSnapshot } from '../../../rules/audit/snapshot';
import { makeContext } from '../../../rules/context';
import { startFakeSlack } from '../../e2e/support/slack';
import { startFakeSns, TOPIC_ARN } from '../../e2e/support/sns';
import { describeWithMoto, useMoto } from '../../support/moto';
import { useSuiteResource } from '../../support/suite';
import { startDynaliteLedger } from '../ledger/support/dynalite';

const BUCKET = 'iamwatch-audit-reports';
const A = '111122223333';
const DAY = 86_400_000;

function accountA(now: Date, withOldKey: boolean): AccountSnapshot {
  const ago = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
  return {
    accountId: A,
    accountName: 'prod <!channel> payments',
    readAt: now.toISOString(),
    source: 'iam',
    users: [
      {
        userName: 'svc-legacy',
        createdAt: ago(400),
        passwordEnabled: true,
        mfaActive: false,
        mfaDevices: [],
        accessKeys: withOldKey
          ? [{ accessKeyId: 'AKIAOLDKEY000000001', active: true, createdAt: ago(300), lastUsedAt: ago(200) }]
          : [],
        attachedPolicies: [],
        inlinePolicies: [],
        groups: [],
      },
    ],
    root: { mfaActive: true, accessKeys: [] },
    passwordPolicy: null,
    warnings: [],
  };
}

describeWithMoto('the scheduled audit: report in S3, summary in Slack and SNS', () => {
  const moto = useMoto();
  const slack = useSuiteResource(startFakeSlack);
  const sns = useSuiteResource(startFakeSns);
  const ledger = useSuiteResource(startDynaliteLedger);
  let s3: S3Client;

  beforeAll(async () => {
    s3 = moto.client(S3Client);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  const handlerAt = (now: Date, withOldKey: boolean) =>
    createAuditHandler({
      read: async () => ({ snapshots: [accountA(now, withOldKey)], failures: [] }),
      store: ledger.store,
      bucket: {
        location: `s3://${BUCKET}`,
        put: async (key, body, contentType) => {
          await s3.send(
            new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: contentType }),
          );
        },
      },
      slack: [
        {
          channel: 'slack:security',
          post: (message) => new SlackSender(slack.webhookUrl, 'slack:security').post(message),
        },
      ],
      sns: {
        publish: async (subject, message) => {
          await sns.client.send(
            new PublishCommand({ TopicArn: TOPIC_ARN, Subject: subject, Message: message }),
          );
        },
      },
      clock: { now: () => now },
      logger: silentLogger,
      options: { ...DEFAULT_AUDIT_OPTIONS, context: makeContext({}) },
    });

  it('writes the report first, then tells Slack and SNS; the next run says what was fixed', async () => {
    const first = await handlerAt(new Date('2026-11-01T06:00:00Z'), true)();
    expect(first.findings).toBeGreaterThanOrEqual(3);
    expect(first.new).toBe(first.findings);

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const keys = (listed.Contents ?? []).map((object) => object.Key);
    expect(keys).toEqual([`${first.reportKey.replace(/report\.json$/, '')}findings.csv`, first.reportKey]);
    const report = JSON.parse(
      (await (
        await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: first.reportKey }))
      ).Body?.transformToString()) ?? '',
    ) as { findings: { title: string; accountId: string }[] };
    expect(report.findings).toHaveLength(first.findings);
    expect(report.findings.map((finding) => finding.title).join('\n')).toMatch(
      /AKIAOLDKEY000000001|older than|MFA/,
    );

    const [post] = slack.accepted();
    expect(post?.body).toContain(`s3://${BUCKET}/audits/`);
    expect(post?.body).not.toContain('<!channel>');
    const [publication] = sns.published;
    expect(publication?.subject).toMatch(/^iamwatch audit: \d+ findings/);
    expect(publication?.rawMessage).toContain(`Full report: s3://${BUCKET}/audits/`);

    const second = await handlerAt(new Date('2026-11-15T06:00:00Z'), false)();
    expect(second.fixed).toBeGreaterThanOrEqual(1);
    expect(second.new).toBe(0);
    expect(second.findings).toBe(first.findings - second.fixed);
    expect(slack.accepted()).toHaveLength(2);
    expect(sns.published[1]?.subject).toContain('0 new');
  });
});
