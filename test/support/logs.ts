import type { Logger } from '../../handlers/ports';

/** A line as `recordingLogger` keeps it. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps every line in `lines`, for assertions. */
export function recordingLogger(lines: LogLine[]): Logger {
  const log =
    (level: LogLine['level']) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      lines.push({ level, message, fields });
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
