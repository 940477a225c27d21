/**
 * Structured JSON logs, one line per message. Never log whole events: callers pass the fields that
 * identify the event (eventId, eventName, accountId), not the record.
 */
import type { Logger } from '../ports';
import { printableJson } from './printable';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function jsonLogger(
  service: string,
  options: { level?: Level; write?: (line: string) => void } = {},
): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < threshold) return;
    // JSON escapes C0 controls but leaves bidirectional overrides and line separators raw.
    write(
      printableJson(
        JSON.stringify({
          level,
          service,
          message,
          timestamp: new Date().toISOString(),
          ...serialise(fields),
        }),
      ),
    );
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
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
