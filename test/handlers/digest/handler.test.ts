/**
 * The scheduled digest's handler at the wire: a dynalite ledger, the real SlackSender posting to a
 * local Slack server, one post per route with what that route would have received.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDigestHandler, DigestNotPostedError } from '../../../handlers/digest/handler';
import type { SlackRoute } from '../../../handlers/notify/routing';
import { SlackSender } from '../../../handlers/notify/slack-sender';
import { silentLogger } from '../../../handlers/shared/logger';
import { type FakeSlack, startFakeSlack } from '../../e2e/support/slack';
import { type DynaliteLedger, startDynaliteLedger } from '../ledger/support/dynalite';
import { expectNoInjectedMarkup, expectWithinSlackLimits, parseSlackMessage } from '../notify/slack-limits';
import { ACCOUNT_A, ACCOUNT_B, seed, WINDOW } from './support';

const ROUTES: SlackRoute[] = [
  { name: 'security', minSeverity: 'low' },
  { name: 'prod-critical', minSeverity: 'critical', accounts: [ACCOUNT_A] },
  { name: 'identity-team', minSeverity: 'low', detections: ['identity-center-user-created'] },
];

describe('the digest handler, posting to Slack per route', () => {
  let ledger: DynaliteLedger;
  let slack: FakeSlack;
  const posts = () => slack.accepted().map((request) => JSON.parse(request.body) as unknown);

  beforeAll(async () => {
    ledger = await startDynaliteLedger();
    await seed(ledger.store);
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack?.close();
    await ledger?.close();
  });
  beforeEach(() => {
    slack.reset();
    slack.answerWith();
    ledger.commands.length = 0;
  });

  const handler = (routes = ROUTES, retries = {}) =>
    createDigestHandler({
      store: ledger.store,
      routes: routes.map((route) => {
        const sender = new SlackSender(`${slack.webhookUrl}?route=${route.name}`, `slack:${route.name}`, {
          sleep: async () => undefined,
          ...retries,
        });
        return { route, post: (message) => sender.post(message) };
      }),
      clock: { now: () => new Date('2030-01-01T00:00:00Z') },
      logger: silentLogger,
      windowHours: 24,
    });

  it('posts one digest per route for the window ending at the scheduled time, read by Query', async () => {
    const result = await handler()({ scheduledTime: '2026-11-21T08:00:00Z' });
    expect(result).toEqual({
      window: WINDOW,
      entries: 7,
      posted: ['security', 'prod-critical', 'identity-team'],
    });
    expect(
      slack.accepted().map((request) => new URL(request.path, 'http://x').searchParams.get('route')),
    ).toEqual(['security', 'prod-critical', 'identity-team']);
    expect(ledger.commands).toContain('QueryCommand');
    expect(ledger.commands).not.toContain('ScanCommand');
  });

  it('gives each route the accounts, severities and detections it would receive', async () => {
    await handler()({ scheduledTime: '2026-11-21T08:00:00Z' });
    const [security, critical, identity] = posts().map((body) => JSON.stringify(body));
    // security: ≥ low everywhere (the info entry left out), its own suppressed and folded counts.
    expect(security).toContain('6 IAM events in 2 accounts; 1 alert suppressed, 1 folded into bursts');
    // prod-critical: account A's one critical change.
    expect(critical).toContain('1 IAM event in 1 account');
    expect(critical).toContain('iam-admin-policy-attached');
    expect(critical).not.toContain(ACCOUNT_B);
    expect(critical).toContain('Route prod-critical: severity ≥ critical; accounts 111122223333');
    // identity-team: only the Identity Center user.
    expect(identity).toContain('carol@example.com');
    expect(identity).not.toContain(ACCOUNT_A);
  });

  it('escapes a hostile actor name at the wire and stays within Slack limits', async () => {
    await handler()({ scheduledTime: '2026-11-21T08:00:00Z' });
    const [security] = slack.accepted();
    expect(security?.body).toContain('&lt;!channel&gt;');
    expect(security?.body).not.toContain('<!channel>');
    expect(security?.body).not.toContain('<http://evil.example');
    for (const body of posts()) {
      expectWithinSlackLimits(parseSlackMessage(body));
      expectNoInjectedMarkup(body);
    }
  });

  it('posts a short "no IAM events" digest for an empty window, so people see it ran', async () => {
    const result = await handler(ROUTES.slice(0, 1))({ scheduledTime: '2026-06-01T08:00:00Z' });
    expect(result.entries).toBe(0);
    const [body] = posts();
    expect(JSON.stringify(body)).toContain('No IAM events recorded in this window.');
  });

  it('uses the clock when invoked without a scheduled time', async () => {
    const result = await handler(ROUTES.slice(0, 1))({});
    expect(result.window).toEqual({ since: '2029-12-31T00:00:00.000Z', until: '2030-01-01T00:00:00.000Z' });
  });

  it('still posts to the other routes when one is rejected, then fails naming it', async () => {
    slack.answerWith(
      { status: 200, body: 'ok' },
      { status: 404, body: 'no_service' },
      { status: 200, body: 'ok' },
    );
    const run = handler(ROUTES, { maxAttempts: 1 })({ scheduledTime: '2026-11-21T08:00:00Z' });
    await expect(run).rejects.toThrow(DigestNotPostedError);
    await expect(run).rejects.toThrow(/prod-critical/);
    expect(slack.accepted()).toHaveLength(2);
  });
});
