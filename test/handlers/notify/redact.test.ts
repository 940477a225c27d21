import { describe, expect, it } from 'vitest';
import { REDACTED_URL, redactWebhookUrl } from '../../../handlers/notify/redact';
import { parseRetryAfter } from '../../../handlers/notify/slack-sender';

describe('redactWebhookUrl', () => {
  it('removes the given URL and its path', () => {
    const url = 'https://hooks.example.test/services/T1/B2/tok3n';
    expect(redactWebhookUrl(`failed to post to ${url} (path /services/T1/B2/tok3n)`, url)).toBe(
      `failed to post to ${REDACTED_URL} (path ${REDACTED_URL})`,
    );
  });

  it('removes anything shaped like a Slack webhook URL even when not given', () => {
    const out = redactWebhookUrl(
      'Failed to parse URL from https://hooks.slack.com/services/T0AB/B0CD/xyzSECRET',
    );
    expect(out).toBe(`Failed to parse URL from ${REDACTED_URL}`);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, ignores junk', () => {
    const now = Date.parse('2026-11-20T14:00:00Z');
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 30 ', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 20 Nov 2026 14:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Fri, 20 Nov 2026 13:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
