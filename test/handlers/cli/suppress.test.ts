import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, FIXTURES } from './support';

/** `suppress` and `show` against the local ledger (embedded dynalite), as a user runs them. */
const home = mkdtempSync(join(tmpdir(), 'iamwatch-suppress-'));
const env = { IAMWATCH_HOME: home, IAMWATCH_USER: 'alice-admin' };
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('iamwatch suppress', () => {
  it('adds, lists, replays silenced, shows suppressedBy, removes, and records each step', async () => {
    const added = await cli(
      [
        'suppress',
        'add',
        '--detection',
        'iam-user-created',
        '--actor',
        'alice',
        '--reason',
        'onboarding',
        '--until',
        '7d',
      ],
      { env },
    );
    expect(added.code).toBe(0);
    const id = added.stdout.trim();
    expect(id).toMatch(/^sup-[0-9a-f]{8}$/);

    const listed = await cli(['suppress', 'list', '--format', 'json'], { env });
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ id, detection: 'iam-user-created', actor: 'alice', owner: 'alice-admin' }),
    ]);

    const replay = await cli(['replay', `${FIXTURES}create-user.json`, '--format', 'summary'], { env });
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('alerts suppressed     1');
    const history = await cli(['history', '--event', 'CreateUser', '--format', 'json'], { env });
    const [entry] = JSON.parse(history.stdout);
    expect(entry.suppressedBy).toBe(id);
    const shown = await cli(['show', entry.eventId], { env });
    expect(JSON.parse(shown.stdout)).toMatchObject({
      entry: { eventId: entry.eventId, suppressedBy: id },
      raw: { eventName: 'CreateUser' },
    });

    expect((await cli(['suppress', 'remove', id, '--reason', 'done'], { env })).code).toBe(0);
    expect((await cli(['suppress', 'remove', id, '--reason', 'again'], { env })).code).toBe(1);
    const log = JSON.parse((await cli(['suppress', 'list', '--log', '--format', 'json'], { env })).stdout);
    expect(log.map((e: { action: string; by: string }) => `${e.action} by ${e.by}`)).toEqual([
      'created by alice-admin',
      'removed by alice-admin',
    ]);
  }, 60_000);

  it('refuses a critical detection without --allow-critical, and a lifetime over the maximum', async () => {
    const critical = await cli(
      ['suppress', 'add', '--detection', 'root-access-key-created', '--reason', 'x', '--until', '1d'],
      { env },
    );
    expect(critical.code).toBe(2);
    expect(critical.stderr).toContain('needs --allow-critical');
    const tooLong = await cli(
      ['suppress', 'add', '--detection', 'iam-user-created', '--reason', 'x', '--until', '91d'],
      { env },
    );
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain('beyond the maximum lifetime of 90 days');
    const unknown = await cli(
      ['suppress', 'add', '--detection', 'no-such-thing', '--reason', 'x', '--until', '1d'],
      { env },
    );
    expect(unknown.code).toBe(2);
  });
});
