import { describe, expect, it } from 'vitest';
import {
  defaultSlackRoute,
  parseSlackRoutes,
  routeWants,
  type SlackRoute,
  SlackRoutesError,
  slackChannel,
} from '../../../handlers/notify/routing';
import { keyForAnotherUser } from './entries';

const SECRET = 'arn:aws:secretsmanager:us-east-1:999988887777:secret:iamwatch/slack-critical-AbCdEf';

describe('routeWants', () => {
  const high = keyForAnotherUser();

  it('compares severity on the info < low < medium < high < critical scale', () => {
    const route = (minSeverity: SlackRoute['minSeverity']): SlackRoute => ({ name: 'r', minSeverity });
    expect(routeWants(route('low'), high)).toBe(true);
    expect(routeWants(route('high'), high)).toBe(true);
    expect(routeWants(route('critical'), high)).toBe(false);
    expect(routeWants(route('low'), keyForAnotherUser({ severity: 'info', detections: [] }))).toBe(false);
    expect(routeWants(route('info'), keyForAnotherUser({ severity: 'info', detections: [] }))).toBe(true);
  });

  it('filters by account', () => {
    const route: SlackRoute = { name: 'payments', minSeverity: 'low', accounts: ['111122223333'] };
    expect(routeWants(route, high)).toBe(true);
    expect(routeWants(route, keyForAnotherUser({ accountId: '444455556666' }))).toBe(false);
  });

  it('filters by detection id: any fired detection in the list', () => {
    const route: SlackRoute = {
      name: 'keys',
      minSeverity: 'info',
      detections: ['root-access-key-created', high.detections[0]!.id],
    };
    expect(routeWants(route, high)).toBe(true);
    expect(routeWants({ ...route, detections: ['root-console-login'] }, high)).toBe(false);
  });

  it('names channels slack:<route>', () => {
    expect(slackChannel({ name: 'critical' })).toBe('slack:critical');
  });

  it('defaults to one route "default" at low and above', () => {
    expect(defaultSlackRoute({ secretArn: SECRET })).toEqual({
      name: 'default',
      minSeverity: 'low',
      secretArn: SECRET,
    });
  });
});

describe('parseSlackRoutes', () => {
  it('parses routes and defaults minSeverity to low', () => {
    const routes = parseSlackRoutes(
      JSON.stringify([
        { name: 'critical', secretArn: SECRET, minSeverity: 'critical' },
        {
          name: 'payments',
          webhookUrl: 'https://hooks.slack.com/services/T0/B0/x',
          accounts: ['111122223333'],
        },
        { name: 'keys', secretArn: SECRET, minSeverity: 'medium', detections: ['iam-access-key-created'] },
      ]),
    );
    expect(routes).toEqual([
      { name: 'critical', secretArn: SECRET, minSeverity: 'critical' },
      {
        name: 'payments',
        webhookUrl: 'https://hooks.slack.com/services/T0/B0/x',
        minSeverity: 'low',
        accounts: ['111122223333'],
      },
      { name: 'keys', secretArn: SECRET, minSeverity: 'medium', detections: ['iam-access-key-created'] },
    ]);
  });

  const invalid: [string, unknown, RegExp][] = [
    ['not JSON', undefined, /not valid JSON/],
    ['an object instead of an array', { name: 'x' }, /routes: .*expected array/i],
    ['an empty array', [], /at least one route/],
    ['no destination', [{ name: 'a' }], /routes\[0\]: needs exactly one of "webhookUrl" or "secretArn"/],
    [
      'both destinations',
      [{ name: 'a', secretArn: SECRET, webhookUrl: 'https://hooks.slack.com/services/T/B/x' }],
      /exactly one/,
    ],
    [
      'a bad severity',
      [{ name: 'a', secretArn: SECRET, minSeverity: 'urgent' }],
      /routes\[0\]\.minSeverity: must be one of info, low, medium, high, critical/,
    ],
    [
      'a bad account id',
      [{ name: 'a', secretArn: SECRET, accounts: ['1234'] }],
      /routes\[0\]\.accounts\[0\]: must be a 12-digit account id/,
    ],
    [
      'a bad secret ARN',
      [{ name: 'a', secretArn: 'my-secret' }],
      /routes\[0\]\.secretArn: must be a Secrets Manager secret ARN/,
    ],
    [
      'a duplicate name',
      [
        { name: 'a', secretArn: SECRET },
        { name: 'a', secretArn: SECRET },
      ],
      /routes\[1\]\.name: duplicate route name "a"/,
    ],
    [
      'an unknown field',
      [{ name: 'a', secretArn: SECRET, minSeverty: 'high' }],
      /unknown field\(s\) minSeverty/,
    ],
    [
      'an empty account list',
      [{ name: 'a', secretArn: SECRET, accounts: [] }],
      /routes\[0\]\.accounts: must list at least one account/,
    ],
  ];

  for (const [what, value, message] of invalid) {
    it(`rejects ${what} with a clear message`, () => {
      const json = value === undefined ? '[{"name":' : JSON.stringify(value);
      expect(() => parseSlackRoutes(json)).toThrowError(SlackRoutesError);
      expect(() => parseSlackRoutes(json)).toThrowError(message);
    });
  }

  it('never echoes a webhook URL in its errors', () => {
    const url = 'https://hooks.slack.com/services/T0SECRET/B0SECRET/verysecrettoken';
    try {
      parseSlackRoutes(JSON.stringify([{ name: 'a', webhookUrl: url, minSeverity: 'nope' }]));
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('verysecrettoken');
    }
  });
});
