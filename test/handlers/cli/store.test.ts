/**
 * One store choice for every command: `--store` when given, `--table` alone means DynamoDB, and
 * `--store dynamodb` without a table is a usage error before anything is read.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../handlers/cli/io';
import { storeKindOf } from '../../../handlers/cli/store';
import type { OpenLedgerOptions } from '../../../handlers/ledger/open';
import { cli, FIXTURES } from './support';

const opened: OpenLedgerOptions[] = [];
const ROUTES = JSON.stringify([{ name: 'security', webhookUrl: 'https://hooks.slack.example/T/B/X' }]);

/** Records which ledger a command asks for, and stops it there: no DynamoDB is reached. */
vi.mock('../../../handlers/ledger/open', () => ({
  openLedger: async (options: OpenLedgerOptions) => {
    opened.push(options);
    throw new Error('ledger opened (test stops here)');
  },
}));

beforeEach(() => {
  opened.length = 0;
});

describe('storeKindOf', () => {
  it.each([
    [{}, 'local'],
    [{ table: 'iamwatch-ledger' }, 'dynamodb'],
    [{ store: 'dynamodb', table: 'iamwatch-ledger' }, 'dynamodb'],
    [{ store: 'memory' }, 'memory'],
    [{ store: 'local' }, 'local'],
  ] as const)('%o → %s', (values, kind) => {
    expect(storeKindOf(values)).toBe(kind);
  });

  it.each([
    [{ store: 'dynamodb' }, '--store dynamodb needs --table NAME'],
    [{ store: 'memory', table: 'iamwatch-ledger' }, '--table goes with --store dynamodb, not --store memory'],
    [{ store: 'cloud' }, '--store must be one of local, memory, dynamodb, got "cloud"'],
  ] as const)('%o is a usage error', (values, message) => {
    expect(() => storeKindOf(values)).toThrow(new UsageError(message));
  });
});

/** Each command that takes a ledger, with the arguments it needs to get as far as opening it. */
const COMMANDS: [string, string[]][] = [
  ['replay', ['replay', '--no-alerts', FIXTURES]],
  ['history', ['history']],
  ['show', ['show', 'some-event-id']],
  ['suppress list', ['suppress', 'list']],
  ['inventory (ledger only)', ['inventory']],
  ['resend', ['resend', '--since', '1h', '--slack-routes', ROUTES]],
  ['doctor', ['doctor']],
];

/** Commands that read AWS before they open the ledger: only the usage errors are checked here. */
const USAGE_ONLY: [string, string[]][] = [
  ['backfill', ['backfill', '--since', '1d']],
  ['audit', ['audit', '--accounts', '111122223333']],
];

describe.each([...COMMANDS, ...USAGE_ONLY])('%s', (_name, argv) => {
  it('rejects --store dynamodb without --table before reading anything', async () => {
    const { code, stderr } = await cli([...argv, '--store', 'dynamodb']);
    expect(code).toBe(2);
    expect(stderr).toContain('--store dynamodb needs --table NAME');
    expect(opened).toEqual([]);
  });

  it('rejects --table with another store', async () => {
    const { code, stderr } = await cli([...argv, '--store', 'memory', '--table', 'iamwatch-ledger']);
    expect(code).toBe(2);
    expect(stderr).toContain('--table goes with --store dynamodb');
  });
});

describe.each(COMMANDS)('%s', (_name, argv) => {
  it('opens the DynamoDB table --table names', async () => {
    await cli([...argv, '--table', 'iamwatch-ledger']);
    expect(opened).toEqual([expect.objectContaining({ kind: 'dynamodb', table: 'iamwatch-ledger' })]);
  });

  it('opens the local store without --store or --table', async () => {
    await cli(argv, { env: { IAMWATCH_HOME: '/nonexistent/iamwatch-home' } });
    expect(opened).toEqual([expect.objectContaining({ kind: 'local' })]);
  });
});
