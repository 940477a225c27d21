import { describe, expect, it } from 'vitest';
import { createConsoleNotifier, formatConsoleAlert } from '../../../handlers/notify/console';
import { hostileEntry, keyForAnotherUser } from './entries';

function capture() {
  const chunks: string[] = [];
  return { stream: { write: (text: string) => chunks.push(text) }, output: () => chunks.join('') };
}

const ESC = '\u001b';

describe('console notifier', () => {
  it('writes a readable multi-line alert to the given stream', async () => {
    const sink = capture();
    const notifier = createConsoleNotifier({ stream: sink.stream });
    await notifier.send(keyForAnotherUser());
    const output = sink.output();
    expect(notifier.channel).toBe('console');
    expect(output).toContain('[HIGH] Access key created for bob by alice');
    expect(output).toContain(
      '  - HIGH iam-access-key-created-for-another-user: Access key created for bob by alice',
    );
    expect(output).toMatch(/^Name: +alice$/m);
    expect(output).toMatch(/^Target: +bob$/m);
    expect(output).toMatch(/^Account: +prod-payments \(111122223333\)$/m);
    expect(output).toMatch(/^Source IP: +203\.0\.113\.7 \(ipv4\)$/m);
    expect(output).toMatch(/^MFA: +no$/m);
    expect(output).not.toContain(ESC);
  });

  it('colours by severity only when asked', () => {
    const plain = formatConsoleAlert(keyForAnotherUser());
    const coloured = formatConsoleAlert(keyForAnotherUser(), { color: true });
    expect(plain).not.toContain(ESC);
    expect(coloured).toContain(`${ESC}[1;31m[HIGH] Access key created for bob by alice${ESC}[0m`);
    expect(coloured.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '')).toBe(plain);
  });

  it('keeps hostile values from writing escapes or extra lines to the terminal, and cuts them', () => {
    const output = formatConsoleAlert(hostileEntry(), { maxValueLength: 200 });
    expect(output).not.toContain(ESC);
    expect(output).not.toMatch(/^fake line/m);
    for (const line of output.split('\n')) expect(line.length).toBeLessThan(260);
    expect(output).toMatch(/^User agent: +.*…\[truncated \d+ chars\]$/m);
  });

  it('applies its minimum severity, low by default', () => {
    const sink = capture();
    const notifier = createConsoleNotifier({ stream: sink.stream });
    expect(notifier.wants(keyForAnotherUser({ severity: 'info', detections: [] }))).toBe(false);
    expect(notifier.wants(keyForAnotherUser({ severity: 'low' }))).toBe(true);
    const critical = createConsoleNotifier({ stream: sink.stream, minSeverity: 'critical' });
    expect(critical.wants(keyForAnotherUser())).toBe(false);
  });
});
