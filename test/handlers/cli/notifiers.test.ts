import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../handlers/cli/io';
import { snsTopicFromEnv } from '../../../handlers/cli/notifiers';
import { cli, FIXTURES } from './support';

const TOPIC = 'arn:aws:sns:us-east-1:222222222222:iamwatch-alerts';

function fakeIo(env: Record<string, string>): CliIo & { errors: () => string } {
  let stderr = '';
  return {
    stdout: { write: () => true },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin: Readable.from(['']),
    env,
    cwd: process.cwd(),
    errors: () => stderr,
  };
}

describe('the alert topic from the environment', () => {
  it('reads IAMWATCH_SNS_TOPIC_ARN, the name the notify function reads, without a warning', () => {
    const io = fakeIo({ IAMWATCH_SNS_TOPIC_ARN: TOPIC });
    expect(snsTopicFromEnv(io)).toBe(TOPIC);
    expect(io.errors()).toBe('');
  });

  it('still reads the old IAMWATCH_SNS_TOPIC, warning once on stderr', () => {
    const io = fakeIo({ IAMWATCH_SNS_TOPIC: TOPIC });
    expect(snsTopicFromEnv(io)).toBe(TOPIC);
    expect(snsTopicFromEnv(io)).toBe(TOPIC);
    expect(io.errors()).toBe(
      'iamwatch: IAMWATCH_SNS_TOPIC is deprecated and will be removed; set IAMWATCH_SNS_TOPIC_ARN instead\n',
    );
  });

  it('prefers the new name when both are set, and then does not warn', () => {
    const other = 'arn:aws:sns:us-east-1:222222222222:old';
    const io = fakeIo({ IAMWATCH_SNS_TOPIC_ARN: TOPIC, IAMWATCH_SNS_TOPIC: other });
    expect(snsTopicFromEnv(io)).toBe(TOPIC);
    expect(io.errors()).toBe('');
  });

  it('is undefined when neither is set', () => {
    const io = fakeIo({});
    expect(snsTopicFromEnv(io)).toBeUndefined();
    expect(io.errors()).toBe('');
  });
});

describe('replay with the old topic variable', () => {
  it('uses its value (here rejected as no ARN) after the deprecation warning', async () => {
    const { code, stderr } = await cli(['replay', '--store', 'memory', FIXTURES], {
      env: { IAMWATCH_SNS_TOPIC: 'not-an-arn' },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('IAMWATCH_SNS_TOPIC is deprecated');
    expect(stderr).toContain('--sns-topic must be a topic ARN');
  });
});
