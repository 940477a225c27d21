import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLogger } from '../../../handlers/shared/logger';
import { printable, printableJson } from '../../../handlers/shared/printable';
import { cli } from '../cli/support';

const FORGED = 'x\u001b[2J\r\nReplay summary: all good\u202e\u0000\u2028\u{e0041}';

describe('printable', () => {
  it('escapes control, bidirectional and separator characters JSON-style, and nothing else', () => {
    expect(printable(FORGED)).toBe(
      'x\\u001b[2J\\r\\nReplay summary: all good\\u202e\\u0000\\u2028\\udb40\\udc41',
    );
    expect(printable('C:\\temp\\ü ✓ 日本')).toBe('C:\\\\temp\\\\ü ✓ 日本');
  });

  it('keeps JSON valid and equal in value while escaping what JSON.stringify leaves raw', () => {
    const json = JSON.stringify({ name: FORGED, del: '\u007f\u0085' });
    const safe = printableJson(json);
    expect(safe).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u);
    expect(JSON.parse(safe)).toEqual(JSON.parse(json));
  });

  it('log lines carry no raw bidirectional override or line separator', () => {
    const lines: string[] = [];
    jsonLogger('test', { write: (line) => lines.push(line) }).error('rejected', { name: FORGED });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u);
    expect(JSON.parse(lines[0] as string).name).toBe(FORGED);
  });

  it('replay cannot be made to clear the screen or print a forged line (log forging)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamwatch-forge-'));
    try {
      const file = join(dir, `evil\u001b[2J.json`);
      writeFileSync(
        file,
        JSON.stringify({
          eventID: 'e-1',
          eventName: 'CreateUser',
          eventSource: 'iam.amazonaws.com',
          eventTime: FORGED,
        }),
      );
      const run = await cli(['replay', file, '--store', 'memory', '--no-alerts']);
      expect(run.code).toBe(3);
      const reported = run.stderr.split('\n').filter((line) => line.startsWith('invalid input'));
      expect(reported).toEqual([
        `invalid input ${dir}/evil\\u001b[2J.json: "eventTime" is not an ISO 8601 time: "${printable(FORGED)}"`,
      ]);
      expect(run.stderr.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u);
      expect(run.stderr).not.toContain('\nReplay summary: all good');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
