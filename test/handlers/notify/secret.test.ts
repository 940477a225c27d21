/**
 * The webhook-URL cache over the real Secrets Manager client, pointed at a local server that speaks
 * its JSON 1.1 protocol (`X-Amz-Target: secretsmanager.GetSecretValue`).
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CachedSecret,
  SecretUnavailableError,
  slackWebhookSecret,
  webhookUrlFromSecret,
} from '../../../handlers/notify/secret';
import { createSlackNotifiers, SlackNotifierConfigError } from '../../../handlers/notify/slack';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../handlers/ports';
import { keyForAnotherUser } from './entries';
import { type LocalServer, type Reply, startLocalServer } from './local-server';

const ARN = 'arn:aws:secretsmanager:us-east-1:999988887777:secret:iamwatch/slack-AbCdEf';

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function secretReply(secretString: string): Reply {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ ARN, Name: 'iamwatch/slack', SecretString: secretString, VersionId: 'v1' }),
  };
}

function errorReply(type: string, status = 400): Reply {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ __type: type, message: 'nope' }),
  };
}

async function secretsManager(responder: (index: number) => Reply) {
  const server = await startLocalServer((_request, index) => responder(index));
  servers.push(server);
  const client = new SecretsManagerClient({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
    maxAttempts: 1,
  });
  return { server, client };
}

describe('CachedSecret', () => {
  it('asks Secrets Manager once per TTL, then again after it', async () => {
    let now = 0;
    const { server, client } = await secretsManager(() =>
      secretReply('https://hooks.slack.com/services/T/B/one'),
    );
    const secret = slackWebhookSecret(client, ARN, { ttlMs: 60_000, now: () => now });
    expect(await secret.get()).toBe('https://hooks.slack.com/services/T/B/one');
    now = 59_999;
    await secret.get();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ SecretId: ARN });
    now = 60_000;
    await secret.get();
    expect(server.requests).toHaveLength(2);
  });

  it('shares one fetch between concurrent callers', async () => {
    const { server, client } = await secretsManager(() =>
      secretReply('https://hooks.slack.com/services/T/B/one'),
    );
    const secret = slackWebhookSecret(client, ARN);
    await Promise.all([secret.get(), secret.get(), secret.get()]);
    expect(server.requests).toHaveLength(1);
  });

  it('fetches again after invalidate', async () => {
    const { server, client } = await secretsManager((index) =>
      secretReply(`https://hooks.slack.com/services/T/B/v${index}`),
    );
    const secret = slackWebhookSecret(client, ARN);
    expect(await secret.get()).toBe('https://hooks.slack.com/services/T/B/v0');
    secret.invalidate();
    expect(await secret.get()).toBe('https://hooks.slack.com/services/T/B/v1');
    expect(server.requests).toHaveLength(2);
  });

  it('serves the previous value when a refresh fails transiently', async () => {
    let now = 0;
    const { client } = await secretsManager((index) =>
      index === 0
        ? secretReply('https://hooks.slack.com/services/T/B/one')
        : errorReply('InternalServiceError', 500),
    );
    const secret = slackWebhookSecret(client, ARN, { ttlMs: 1000, now: () => now });
    await secret.get();
    now = 5000;
    expect(await secret.get()).toBe('https://hooks.slack.com/services/T/B/one');
  });

  it('reports a missing secret as not retryable, naming the secret and not a value', async () => {
    const { client } = await secretsManager(() => errorReply('ResourceNotFoundException'));
    const error = await slackWebhookSecret(client, ARN)
      .get()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect((error as SecretUnavailableError).retryable).toBe(false);
    expect((error as Error).message).toBe(`could not read secret ${ARN}: ResourceNotFoundException`);
  });

  it('reports a server error as retryable', async () => {
    const { client } = await secretsManager(() => errorReply('InternalServiceError', 500));
    const error = await new CachedSecret(client, ARN, { parse: (s) => s })
      .get()
      .catch((caught: unknown) => caught);
    expect((error as SecretUnavailableError).retryable).toBe(true);
  });
});

describe('webhookUrlFromSecret', () => {
  it('accepts a bare URL or JSON with webhookUrl or url', () => {
    expect(webhookUrlFromSecret(' https://hooks.slack.com/services/T/B/x\n')).toBe(
      'https://hooks.slack.com/services/T/B/x',
    );
    expect(webhookUrlFromSecret('{"webhookUrl":"https://hooks.slack.com/services/T/B/x"}')).toBe(
      'https://hooks.slack.com/services/T/B/x',
    );
    expect(webhookUrlFromSecret('{"url":"https://hooks.slack.com/services/T/B/y"}')).toBe(
      'https://hooks.slack.com/services/T/B/y',
    );
  });

  it('rejects anything else without quoting the value', () => {
    for (const value of ['not a url s3cr3t', '{"token":"s3cr3t"}', '{s3cr3t']) {
      try {
        webhookUrlFromSecret(value);
        expect.unreachable('should have thrown');
      } catch (error) {
        expect(error).toBeInstanceOf(SecretUnavailableError);
        expect((error as SecretUnavailableError).retryable).toBe(false);
        expect((error as Error).message).not.toContain('s3cr3t');
      }
    }
  });
});

describe('Slack notifiers from routes with a secret', () => {
  it('reads the URL from Secrets Manager once, and again after Slack says the channel is gone', async () => {
    const slack = await startLocalServer((_request, index) =>
      index === 1 ? { status: 410, body: 'channel_is_archived' } : { status: 200, body: 'ok' },
    );
    servers.push(slack);
    const { server: sm, client } = await secretsManager(() =>
      secretReply(JSON.stringify({ webhookUrl: `${slack.url}/services/T0/B0/tok` })),
    );
    const [notifier] = createSlackNotifiers([{ name: 'sec', secretArn: ARN, minSeverity: 'low' }], {
      secretsClient: client,
      retry: { sleep: async () => {} },
    });
    await notifier!.send(keyForAnotherUser());
    await expect(notifier!.send(keyForAnotherUser())).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(sm.requests).toHaveLength(1);
    await notifier!.send(keyForAnotherUser());
    expect(sm.requests).toHaveLength(2);
    expect(slack.requests.map((request) => request.path)).toEqual([
      '/services/T0/B0/tok',
      '/services/T0/B0/tok',
      '/services/T0/B0/tok',
    ]);
  });

  it('maps a missing secret to a permanent failure and an outage to a transient one', async () => {
    const missing = await secretsManager(() => errorReply('ResourceNotFoundException'));
    const [gone] = createSlackNotifiers([{ name: 'sec', secretArn: ARN, minSeverity: 'low' }], {
      secretsClient: missing.client,
    });
    await expect(gone!.send(keyForAnotherUser())).rejects.toBeInstanceOf(PermanentDeliveryError);

    const down = await secretsManager(() => errorReply('InternalServiceError', 500));
    const [later] = createSlackNotifiers([{ name: 'sec', secretArn: ARN, minSeverity: 'low' }], {
      secretsClient: down.client,
    });
    await expect(later!.send(keyForAnotherUser())).rejects.toBeInstanceOf(TransientDeliveryError);
  });

  it('refuses a secret route without a Secrets Manager client', () => {
    expect(() => createSlackNotifiers([{ name: 'sec', secretArn: ARN, minSeverity: 'low' }])).toThrowError(
      SlackNotifierConfigError,
    );
  });

  it('builds one notifier per route, named slack:<route>', () => {
    const notifiers = createSlackNotifiers([
      { name: 'a', webhookUrl: 'https://hooks.slack.com/services/T/B/a', minSeverity: 'low' },
      { name: 'b', webhookUrl: 'https://hooks.slack.com/services/T/B/b', minSeverity: 'critical' },
    ]);
    expect(notifiers.map((notifier) => notifier.channel)).toEqual(['slack:a', 'slack:b']);
    expect(notifiers.map((notifier) => notifier.wants(keyForAnotherUser()))).toEqual([true, false]);
  });
});
