/**
 * `iamwatch resend` end to end in-process: a local ledger (embedded dynalite under a temporary home)
 * holds an entry whose Slack delivery failed as "not configured"; the command re-sends it to a local
 * webhook server with the deployed route contract, and only that channel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../../handlers/ledger/open';
import { type FakeSlack, startFakeSlack } from '../../e2e/support/slack';
import { entry, hit, rawOf } from '../ledger/support/entries';
import { cli } from './support';

let home: string;
let slack: FakeSlack;
const EVENT_ID = '00000000-0000-4000-8000-00000000cafe';
const DELIVERED_ID = '00000000-0000-4000-8000-00000000beef';

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'iamwatch-resend-'));
  slack = await startFakeSlack();
  const store = await openLedger({ kind: 'local', home });
  for (const [eventId, status, error] of [
    [EVENT_ID, 'failed', 'not-configured: Slack webhook URL unavailable: secret value is neither a URL'],
    [DELIVERED_ID, 'failed', 'permanent: Slack rejected the alert: channel_is_archived'],
  ] as const) {
    const stored = entry({
      eventId,
      eventTime: new Date(Date.now() - 3_600_000).toISOString(),
      detections: [hit('iam-user-created', 'medium')],
      severity: 'medium',
      origin: 'live',
    });
    await store.putIfAbsent(stored, rawOf(stored));
    await store.markDelivery(eventId, 'slack:security', {
      status,
      at: new Date().toISOString(),
      attempts: 1,
      error,
    });
  }
  await store.close();
});
afterAll(async () => {
  await slack.close();
  rmSync(home, { recursive: true, force: true });
});

describe('iamwatch resend', () => {
  it('needs --since and a routes contract, with usage errors', async () => {
    expect((await cli(['resend', '--home', home])).code).toBe(2);
    const noRoutes = await cli(['resend', '--home', home, '--since', '1d']);
    expect(noRoutes.code).toBe(2);
    expect(noRoutes.stderr).toContain('--slack-routes');
    const badRoutes = await cli([
      'resend',
      '--home',
      home,
      '--since',
      '1d',
      '--slack-routes',
      '[{"name":"x"}]',
    ]);
    expect(badRoutes.code).toBe(2);
    expect((await cli(['resend', '--help'])).stdout).toContain('Usage: iamwatch resend');
  });

  it('re-sends only what failed as not configured, once', async () => {
    const routes = JSON.stringify([{ name: 'security', minSeverity: 'low', webhookUrl: slack.webhookUrl }]);
    const first = await cli(['resend', '--home', home, '--since', '1d', '--slack-routes', routes]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      examined: 2,
      resent: [{ eventId: EVENT_ID, channel: 'slack:security' }],
      failed: [],
    });
    expect(slack.mentioning(EVENT_ID)).toHaveLength(1);
    expect(slack.mentioning(DELIVERED_ID)).toHaveLength(0);

    const again = await cli(['resend', '--home', home, '--since', '1d', '--slack-routes', routes]);
    expect(JSON.parse(again.stdout)).toMatchObject({ resent: [] });
    expect(slack.mentioning(EVENT_ID)).toHaveLength(1);
  });
});
