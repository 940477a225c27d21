import { describe, expect, it } from 'vitest';
import {
  type JsonLoggerOptions,
  jsonLogger,
  levelFromEnv,
  withRequestIds,
} from '../../../handlers/shared/logger';

function capture(level?: JsonLoggerOptions['level']) {
  const lines: Record<string, unknown>[] = [];
  const logger = jsonLogger('svc', {
    ...(level ? { level } : {}),
    write: (line) => lines.push(JSON.parse(line)),
  });
  return { logger, lines };
}

describe('jsonLogger', () => {
  it('writes one JSON object per message with level, service, timestamp and the fields', () => {
    const { logger, lines } = capture();
    logger.info('recorded', { eventId: 'e-1', error: new Error('outer', { cause: new Error('inner') }) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'svc',
      message: 'recorded',
      eventId: 'e-1',
      error: { name: 'Error', message: 'outer', cause: { name: 'Error', message: 'inner' } },
    });
    expect(Number.isNaN(Date.parse(String(lines[0]?.timestamp)))).toBe(false);
  });

  it('adds the request id of the current invocation, and drops it when there is none', () => {
    const { logger, lines } = capture();
    logger.withRequestId('req-1');
    logger.info('first');
    logger.withRequestId('req-2');
    logger.warn('second');
    logger.withRequestId(undefined);
    logger.error('third');
    expect(lines.map((line) => line.requestId)).toEqual(['req-1', 'req-2', undefined]);
  });

  it('drops messages below its level', () => {
    const { logger, lines } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((line) => line.level)).toEqual(['warn', 'error']);
  });
});

describe('withRequestIds', () => {
  it("tags each invocation's lines with its request id and passes the event and result through", async () => {
    const { logger, lines } = capture();
    const handler = withRequestIds(logger, async (event: { n: number }) => {
      logger.info('handled', { n: event.n });
      return event.n * 2;
    });
    expect(await handler({ n: 1 }, { awsRequestId: 'req-a' })).toBe(2);
    expect(await handler({ n: 2 }, { awsRequestId: 'req-b' })).toBe(4);
    expect(await handler({ n: 3 })).toBe(6);
    expect(lines.map((line) => [line.requestId, line.n])).toEqual([
      ['req-a', 1],
      ['req-b', 2],
      [undefined, 3],
    ]);
  });
});

describe('levelFromEnv', () => {
  it.each([
    ['TRACE', 'debug'],
    ['DEBUG', 'debug'],
    ['INFO', 'info'],
    ['WARN', 'warn'],
    ['ERROR', 'error'],
    ['FATAL', 'error'],
    ['warn', 'warn'],
  ] as const)('reads AWS_LAMBDA_LOG_LEVEL=%s as %s', (value, level) => {
    expect(levelFromEnv({ AWS_LAMBDA_LOG_LEVEL: value })).toBe(level);
  });

  it('defaults to info when the variable is absent or unknown', () => {
    expect(levelFromEnv({})).toBe('info');
    expect(levelFromEnv({ AWS_LAMBDA_LOG_LEVEL: 'LOUD' })).toBe('info');
  });
});
