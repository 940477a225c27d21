/**
 * Wire tests: the real `@slack/webhook` client posts to a local HTTP server standing in for Slack.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackNotifier } from '../../../handlers/notify/slack';
import type { SlackRetryOptions } from '../../../handlers/notify/slack-sender';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../handlers/ports';
import { hostileEntry, keyForAnotherUser } from './entries';
import { type LocalServer, type Reply, startLocalServer } from './local-server';
import { expectNoInjectedMarkup, expectWithinSlackLimits } from './slack-limits';

const SECRET_PATH = '/services/T0SECRET/B0SECRET/s3cr3tT0k3n';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A notifier on the local server, with sleeps recorded instead of slept. */
async function notifierFor(
  replies: Reply[] | ((index: number) => Reply | 'hang'),
  retry: SlackRetryOptions = {},
) {
  server = await startLocalServer((_request, index) =>
    typeof replies === 'function' ? replies(index) : (replies[index] ?? { status: 200, body: 'ok' }),
  );
  const sleeps: number[] = [];
  let rejected = 0;
  const notifier = createSlackNotifier({
    route: { name: 'sec', minSeverity: 'low' },
    webhookUrl: `${server.url}${SECRET_PATH}`,
    onUrlRejected: () => {
      rejected++;
    },
    retry: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...retry,
    },
  });
  return { notifier, sleeps, server, rejected: () => rejected };
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the send to fail');
}

describe('Slack notifier over the wire', () => {
  it('posts a hostile 100 KB entry escaped and within Slack limits, through @slack/webhook', async () => {
    const { notifier, server } = await notifierFor([{ status: 200, body: 'ok' }]);
    await notifier.send(hostileEntry());

    expect(server.requests).toHaveLength(1);
    const request = server.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(SECRET_PATH);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toMatch(/@slack:webhook/);
    const body = JSON.parse(request.body);
    expectWithinSlackLimits(body);
    expectNoInjectedMarkup(body);
    expect(request.body).toContain('&lt;!channel&gt;');
    expect(request.body).toMatch(/…\[truncated \d+ chars\]/);
    expect(request.body.length).toBeLessThan(20_000);
  });

  it('is named after its route and applies its routing', async () => {
    const { notifier } = await notifierFor([]);
    expect(notifier.channel).toBe('slack:sec');
    expect(notifier.wants(keyForAnotherUser())).toBe(true);
    expect(notifier.wants(keyForAnotherUser({ severity: 'info', detections: [] }))).toBe(false);
  });

  it('honours Retry-After on 429 and succeeds on the retry', async () => {
    const { notifier, sleeps, server } = await notifierFor([
      { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' },
      { status: 200, body: 'ok' },
    ]);
    await notifier.send(keyForAnotherUser());
    expect(sleeps).toEqual([1000]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body).toBe(server.requests[0]!.body);
  });

  it('does not wait for a Retry-After beyond its cap: transient, one request', async () => {
    const { notifier, sleeps, server } = await notifierFor(
      [{ status: 429, headers: { 'retry-after': '120' }, body: 'rate_limited' }],
      { maxRetryAfterMs: 10_000 },
    );
    const error = await failureOf(notifier.send(keyForAnotherUser()));
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error.message).toMatch(/Retry-After 120s exceeds the 10s/);
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up on a persistent 429 after maxAttempts as transient', async () => {
    const { notifier, sleeps, server } = await notifierFor(
      () => ({ status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' }),
      { maxAttempts: 3 },
    );
    const error = await failureOf(notifier.send(keyForAnotherUser()));
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error.message).toMatch(/after 3 attempt\(s\): rate limited \(HTTP 429\)/);
    expect(sleeps).toEqual([2000, 2000]);
    expect(server.requests).toHaveLength(3);
  });

  it('stops when the next wait would exceed its total wait budget: transient', async () => {
    const { notifier, sleeps, server } = await notifierFor(
      () => ({ status: 429, headers: { 'retry-after': '4' }, body: 'rate_limited' }),
      { maxAttempts: 10, maxTotalWaitMs: 10_000 },
    );
    const error = await failureOf(notifier.send(keyForAnotherUser()));
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error.message).toMatch(/retry budget of 10s spent/);
    expect(sleeps).toEqual([4000, 4000]);
    expect(server.requests).toHaveLength(3);
  });

  it('retries 5xx with exponential backoff and jitter, then recovers', async () => {
    const { notifier, sleeps, server } = await notifierFor([
      { status: 503, body: 'service unavailable' },
      { status: 500, body: 'oops' },
      { status: 200, body: 'ok' },
    ]);
    await notifier.send(keyForAnotherUser());
    // base 500 ms doubling, equal jitter with random() = 0.5: 0.75 × nominal.
    expect(sleeps).toEqual([375, 750]);
    expect(server.requests).toHaveLength(3);
  });

  it('caps the backoff and reports a persistent 5xx as transient', async () => {
    const { notifier, sleeps, server } = await notifierFor(() => ({ status: 502, body: '' }), {
      maxAttempts: 6,
      maxDelayMs: 2000,
    });
    const error = await failureOf(notifier.send(keyForAnotherUser()));
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error.message).toContain('HTTP 502');
    expect(server.requests).toHaveLength(6);
    expect(sleeps).toHaveLength(5);
    for (const ms of sleeps) expect(ms).toBeLessThanOrEqual(2000);
    expect(sleeps.at(-1)).toBe(1500);
  });

  const permanent: [number, string][] = [
    [400, 'invalid_payload'],
    [410, 'channel_is_archived'],
    [403, 'channel_is_archived'],
    [404, 'no_service'],
    [404, 'no_team'],
    [403, 'action_prohibited'],
    [403, 'posting_to_general_channel_denied'],
  ];
  for (const [status, code] of permanent) {
    it(`fails fast on ${status} ${code}: one request, the reason named, the URL never`, async () => {
      const { notifier, sleeps, server } = await notifierFor(() => ({ status, body: code }));
      const error = await failureOf(notifier.send(keyForAnotherUser()));
      expect(error).toBeInstanceOf(PermanentDeliveryError);
      expect((error as PermanentDeliveryError).channel).toBe('slack:sec');
      expect(error.message).toContain(`${code} (HTTP ${status})`);
      expect(error.message).not.toContain('s3cr3tT0k3n');
      expect(server.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });
  }

  it('treats an unexplained 4xx as permanent', async () => {
    const { notifier, server } = await notifierFor(() => ({ status: 400, body: '<html>Bad Request</html>' }));
    const error = await failureOf(notifier.send(keyForAnotherUser()));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toBe('Slack rejected the alert: HTTP 400');
    expect(server.requests).toHaveLength(1);
  });

  it('tells the URL source to forget a URL Slack says is gone', async () => {
    const archived = await notifierFor(() => ({ status: 410, body: 'channel_is_archived' }));
    await failureOf(archived.notifier.send(keyForAnotherUser()));
    expect(archived.rejected()).toBe(1);
    await archived.server.close();
    const invalid = await notifierFor(() => ({ status: 400, body: 'invalid_payload' }));
    await failureOf(invalid.notifier.send(keyForAnotherUser()));
    expect(invalid.rejected()).toBe(0);
  });

  it('times out a request that never answers and retries it, then reports transient', async () => {
    const { notifier, sleeps, server } = await notifierFor(() => 'hang', { timeoutMs: 200, maxAttempts: 2 });
    const error = await failureOf(notifier.send(keyForAnotherUser()));
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error.message).toContain('no response within 200 ms');
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('times out, then recovers on the retry', async () => {
    const { notifier, server } = await notifierFor(
      (index) => (index === 0 ? 'hang' : { status: 200, body: 'ok' }),
      {
        timeoutMs: 200,
      },
    );
    await notifier.send(keyForAnotherUser());
    expect(server.requests).toHaveLength(2);
  });

  it('reports a refused connection as transient without the URL', async () => {
    const closed = await startLocalServer(() => ({ status: 200 }));
    const url = `${closed.url}${SECRET_PATH}`;
    await closed.close();
    const notifier = createSlackNotifier({
      route: { name: 'sec', minSeverity: 'low' },
      webhookUrl: url,
      retry: { maxAttempts: 2, sleep: async () => {} },
    });
    const error = await failureOf(notifier.send(keyForAnotherUser()));
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error.message).toMatch(/network error/);
    expect(error.message).not.toContain('s3cr3tT0k3n');
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('s3cr3tT0k3n');
  });

  it('refuses a non-https URL outside localhost without sending, and without echoing it', async () => {
    const notifier = createSlackNotifier({
      route: { name: 'sec', minSeverity: 'low' },
      webhookUrl: 'http://hooks.slack.com/services/T0SECRET/B0SECRET/s3cr3tT0k3n',
    });
    const error = await failureOf(notifier.send(keyForAnotherUser()));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).not.toContain('s3cr3tT0k3n');
  });
});
