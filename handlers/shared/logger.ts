/**
 * Structured JSON logs, one line per message. Never log whole events: callers pass the fields that
 * identify the event (eventId, eventName, accountId), not the record.
 *
 * The Lambdas use this logger rather than Powertools Logger: it is the port the handlers already take,
 * adds nothing to the bundles, and the two things Powertools would bring are small here — the request
 * id of the current invocation (`withRequestId`) and the application log level the stack sets, which
 * Lambda passes as `AWS_LAMBDA_LOG_LEVEL` (`levelFromEnv`). Lambda's JSON log format reads the `level`
 * and `timestamp` keys of each line.
 */
import type { Logger } from '../ports';
import { printableJson } from './printable';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Lambda's application log levels (TRACE … FATAL) on this logger's four. */
const LAMBDA_LEVELS: Record<string, Level> = {
  TRACE: 'debug',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
  FATAL: 'error',
};

export interface JsonLoggerOptions {
  level?: Level;
  write?: (line: string) => void;
}

/** A logger whose lines carry the request id of the invocation being handled. */
export interface RequestLogger extends Logger {
  /** Sets the request id added to every following line (undefined: none). */
  withRequestId(requestId: string | undefined): void;
}

export function jsonLogger(service: string, options: JsonLoggerOptions = {}): RequestLogger {
  const threshold = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  let requestId: string | undefined;
  const log = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < threshold) return;
    const line: Record<string, unknown> = { level, service, message, timestamp: new Date().toISOString() };
    if (requestId !== undefined) line.requestId = requestId;
    // JSON escapes C0 controls but leaves bidirectional overrides and line separators raw.
    write(printableJson(JSON.stringify({ ...line, ...serialise(fields) })));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    withRequestId: (id) => {
      requestId = id;
    },
  };
}

/** A Lambda entry point over `handle`: each invocation's lines carry its request id. */
export function withRequestIds<E, R>(
  logger: RequestLogger,
  handle: (event: E) => Promise<R>,
): (event: E, context?: { awsRequestId?: string }) => Promise<R> {
  return async (event, context) => {
    logger.withRequestId(context?.awsRequestId);
    return handle(event);
  };
}

/** The level Lambda's advanced logging controls set (`AWS_LAMBDA_LOG_LEVEL`), or `info`. */
export function levelFromEnv(env: Readonly<Record<string, string | undefined>>): Level {
  return LAMBDA_LEVELS[env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? ''] ?? 'info';
}

/** A logger that records nothing; for tests and quiet CLI runs. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function serialise(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!fields) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? describeError(value) : value;
  }
  return out;
}

export function describeError(error: Error): Record<string, unknown> {
  const described: Record<string, unknown> = { name: error.name, message: error.message };
  if (error.cause instanceof Error) described.cause = describeError(error.cause);
  return described;
}
