/**
 * The account selection `inventory` and `audit` share: a Config aggregator (`--aggregator`), or IAM
 * in each account of `--accounts` / `--org` through `--role-name`; plus `--output FILE` and a progress
 * line on a terminal.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AccountFailure, AccountSnapshot } from '../../rules/audit/snapshot';
import { type AccountRef, listOrganizationAccounts, readAccounts } from '../audit/accounts';
import { readAggregator } from '../audit/config-aggregator';
import type { SdkSettings } from '../backfill/client';
import { accountIdsOption } from './args';
import { flags } from './flags';
import { type CliIo, UsageError } from './io';

export const SOURCE_OPTIONS = {
  ...flags('accounts', 'org', 'role-name', 'region', 'endpoint-url'),
  aggregator: { type: 'string' },
  resources: { type: 'string' },
  output: { type: 'string' },
} as const;

export const SOURCE_HELP = `Where the users come from (one of):
  --accounts ID[,ID…]      read IAM in these accounts
  --org                    read IAM in every active account of the organization (Organizations ListAccounts)
  --role-name NAME         role assumed in each account (e.g. iamwatch-audit-read); without it, the caller's own account
  --aggregator NAME        an AWS Config aggregator (advanced query, every account and region it covers)
  --region REGION          the aggregator's region (default us-east-1)
  --resources users[,roles]  what to read (default users; audit always reads roles from IAM)
  --endpoint-url URL       AWS endpoint for IAM, STS, Organizations and Config (LocalStack, moto, a test server)
  --output FILE            write the report to FILE instead of stdout
`;

export interface SourceDeps {
  sdk: SdkSettings;
  now(): Date;
  /** Pause between credential-report polls (tests pass 0). */
  reportPollMs?: number;
}

/**
 * A command over an account source, as `createXCommand(overrides)`: its deps are the real SDK
 * settings and clock unless a test overrides them (pointing them at moto).
 */
export function sourceCommand(
  run: (argv: string[], io: CliIo, deps: SourceDeps) => Promise<number>,
): (overrides?: Partial<SourceDeps>) => (argv: string[], io: CliIo) => Promise<number> {
  return (overrides = {}) => {
    const deps: SourceDeps = { sdk: {}, now: () => new Date(), ...overrides };
    return (argv, io) => run(argv, io, deps);
  };
}

export interface SourceValues {
  accounts?: string[];
  org?: boolean;
  'role-name'?: string;
  aggregator?: string;
  region?: string;
  resources?: string;
  'endpoint-url'?: string;
}

/** Whether any source flag was given (without one, `inventory` falls back to the ledger alone). */
export function hasSource(values: SourceValues): boolean {
  return !!(values.accounts || values.org || values.aggregator);
}

export interface SourceRead {
  snapshots: AccountSnapshot[];
  failures: AccountFailure[];
}

/** Reads the selected source; per-account failures are returned, not thrown. */
/** The SDK settings of a read: `--endpoint-url` (a test server, LocalStack) over the command's own. */
export function sourceSdk(values: SourceValues, deps: SourceDeps): SdkSettings {
  const endpoint = values['endpoint-url'];
  if (endpoint !== undefined && !/^https?:\/\/\S+$/.test(endpoint)) {
    throw new UsageError(`--endpoint-url must be an http(s) URL, got "${endpoint}"`);
  }
  return endpoint ? { ...deps.sdk, endpoint, stsEndpoint: deps.sdk.stsEndpoint ?? endpoint } : deps.sdk;
}

export async function readSource(
  values: SourceValues,
  io: CliIo,
  deps: SourceDeps,
  options: { roles: boolean; accountNames: Readonly<Record<string, string>> },
): Promise<SourceRead> {
  const sdk = sourceSdk(values, deps);
  const resources = resourcesOption(values.resources, options.roles);
  const roleName = values['role-name'];
  if (roleName !== undefined && !/^[\w+=,.@/-]{1,64}$/.test(roleName)) {
    throw new UsageError(`--role-name must be an IAM role name, got "${roleName}"`);
  }
  const progress = progressLine(io);
  if (values.aggregator) {
    if (values.accounts || values.org) throw new UsageError('--aggregator goes without --accounts / --org');
    const snapshots = await readAggregator({
      aggregator: values.aggregator,
      region: values.region ?? 'us-east-1',
      resources,
      sdk,
      now: deps.now,
      onPage: (read) => progress(`aggregator ${values.aggregator}: ${read} resources`),
    });
    progress();
    for (const snapshot of snapshots) {
      const name = options.accountNames[snapshot.accountId];
      if (name) snapshot.accountName = name;
    }
    return { snapshots, failures: [] };
  }
  if (values.accounts && values.org) throw new UsageError('--accounts and --org exclude each other');
  let accounts: AccountRef[];
  if (values.org) accounts = await listOrganizationAccounts(sdk);
  else if (values.accounts)
    accounts = [...new Set(accountIdsOption(values.accounts))].map((accountId) => ({ accountId }));
  else throw new UsageError('name the accounts: --accounts ID,…, --org or --aggregator NAME');
  for (const account of accounts) {
    const name = options.accountNames[account.accountId] ?? account.accountName;
    if (name) account.accountName = name;
  }
  const read = await readAccounts(accounts, {
    roles: resources.roles,
    ...(roleName ? { roleName } : {}),
    sdk,
    now: deps.now,
    ...(deps.reportPollMs !== undefined ? { reportPollMs: deps.reportPollMs } : {}),
    onAccount: (done, total, accountId) => progress(`accounts ${done}/${total} (last: ${accountId})`),
  });
  progress();
  return read;
}

/** Prints each unreadable account and each partial read on stderr. */
export function reportProblems(read: SourceRead, io: CliIo): void {
  for (const failure of read.failures) {
    io.stderr.write(`account ${failure.accountId} not read: ${failure.error}\n`);
  }
  for (const snapshot of read.snapshots) {
    for (const warning of snapshot.warnings) io.stderr.write(`account ${snapshot.accountId}: ${warning}\n`);
  }
}

/** Writes the report to `--output FILE` or stdout. */
export async function emit(text: string, output: string | undefined, io: CliIo): Promise<void> {
  if (!output) {
    io.stdout.write(text);
    return;
  }
  const path = resolve(io.cwd, output);
  await writeFile(path, text, 'utf8');
  io.stderr.write(`written to ${path}\n`);
}

function resourcesOption(
  value: string | undefined,
  rolesAlways: boolean,
): { users: boolean; roles: boolean } {
  const kinds = (value ?? 'users').split(',').map((kind) => kind.trim());
  for (const kind of kinds) {
    if (kind !== 'users' && kind !== 'roles')
      throw new UsageError(`--resources takes users and/or roles, got "${kind}"`);
  }
  return { users: kinds.includes('users') || rolesAlways, roles: kinds.includes('roles') || rolesAlways };
}

/** A line redrawn on a terminal's stderr; nothing when stderr is not a terminal. */
export function progressLine(io: CliIo): (text?: string) => void {
  let drawn = false;
  return (text) => {
    if (!io.stderr.isTTY) return;
    if (text === undefined) {
      if (drawn) io.stderr.write('\r\u001b[2K');
      drawn = false;
      return;
    }
    io.stderr.write(`\r\u001b[2K${text}`);
    drawn = true;
  };
}
