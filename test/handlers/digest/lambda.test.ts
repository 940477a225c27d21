/**
 * The digest Lambda entry point as deployed: configuration from the environment, the DynamoDB client
 * from the standard SDK configuration (`AWS_ENDPOINT_URL_DYNAMODB` points it at dynalite), the input
 * EventBridge Scheduler sends, one post per route to a local Slack server.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readDigestConfig } from '../../../handlers/digest/config';
import { LOCAL_CREDENTIALS, type LocalLedger, startLocalLedger } from '../../../handlers/ledger/local';
import { DEFAULT_LEDGER_TABLE_NAME } from '../../../handlers/ledger/table';
import { ConfigurationError } from '../../../handlers/shared/env';
import { type FakeSlack, startFakeSlack } from '../../e2e/support/slack';
import { textsOf } from '../notify/slack-limits';
import { ACCOUNT_A, seed } from './support';

let local: LocalLedger;
let slack: FakeSlack;

beforeAll(async () => {
  [local, slack] = await Promise.all([startLocalLedger({ persist: false }), startFakeSlack()]);
  await seed(local.store);
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
    IAMWATCH_TABLE_NAME: DEFAULT_LEDGER_TABLE_NAME,
    IAMWATCH_SLACK_ROUTES: JSON.stringify([
      { name: 'sec', webhookUrl: slack.webhookUrl, minSeverity: 'high' },
      { name: 'payments', webhookUrl: slack.webhookUrl, accounts: [ACCOUNT_A] },
    ]),
    IAMWATCH_DIGEST_WINDOW_HOURS: '24',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterAll(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await slack?.close();
  await local?.close();
});

describe('the deployed digest entry point', () => {
  it('posts one digest per route for the scheduled window', async () => {
    const { handler } = await import('../../../handlers/digest/lambda');
    const result = await handler({ scheduledTime: '2026-11-21T08:00:00Z' }, { awsRequestId: 'r-1' });
    expect(result).toMatchObject({ entries: 7, posted: ['sec', 'payments'] });
    const [sec, payments] = slack.accepted().map((request) => textsOf(JSON.parse(request.body)).join('\n'));
    expect(sec).toContain('2 IAM events in 1 account');
    // Low and above by default: the info change is left out.
    expect(payments).toContain('4 IAM events in 1 account');
  });
});

describe('readDigestConfig', () => {
  it('needs the table, takes the routes and the window', () => {
    expect(() => readDigestConfig({})).toThrow(/IAMWATCH_TABLE_NAME/);
    expect(readDigestConfig({ IAMWATCH_TABLE_NAME: 't' })).toEqual({
      tableName: 't',
      slackRoutes: [],
      windowHours: 24,
    });
    expect(() =>
      readDigestConfig({ IAMWATCH_TABLE_NAME: 't', IAMWATCH_SLACK_ROUTES: '[{"name":"x"}]' }),
    ).toThrow(ConfigurationError);
    expect(() => readDigestConfig({ IAMWATCH_TABLE_NAME: 't', IAMWATCH_DIGEST_WINDOW_HOURS: '0' })).toThrow(
      /IAMWATCH_DIGEST_WINDOW_HOURS/,
    );
  });
});
