/** Argument parsing on node:util parseArgs, turning its errors into usage errors. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { SEVERITIES, type Severity } from '../../rules/types';
import { type CliIo, EXIT, type ExitCode, UsageError } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const;

/** Parses a command line; every command takes `--help` / `-h`. */
export function parse<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, ...HELP_FLAG },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
}

export function severityOption(value: string | undefined, flag = '--min-severity'): Severity | undefined {
  return oneOf(value?.toLowerCase(), SEVERITIES, flag);
}

export function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return parsed;
}

/** Prints a command's help: `if (values.help) return printHelp(HELP, io);`. */
export function printHelp(help: string, io: CliIo): ExitCode {
  io.stdout.write(help);
  return EXIT.ok;
}

/** For commands that take no positional arguments. */
export function noPositionals(positionals: readonly string[]): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
}

/** `--format`, one of `formats`; the first is the default. */
export function formatOption<T extends string>(value: string | undefined, formats: readonly [T, ...T[]]): T {
  return oneOf(value, formats, '--format') ?? formats[0];
}

const ACCOUNT_ID = /^\d{12}$/;

/** A flag naming one account (`--account`, `--management-account`): a 12-digit id, or undefined. */
export function accountIdOption(value: string | undefined, flag: string): string | undefined {
  if (value !== undefined && !ACCOUNT_ID.test(value)) {
    throw new UsageError(`${flag} must be a 12-digit account id, got "${value}"`);
  }
  return value;
}

/** `--accounts ID[,ID…]`, given once or more: every id, in order, each checked to be 12 digits. */
export function accountIdsOption(values: readonly string[]): string[] {
  const accounts = values
    .flatMap((list) => list.split(','))
    .map((account) => account.trim())
    .filter(Boolean);
  for (const account of accounts) {
    if (!ACCOUNT_ID.test(account))
      throw new UsageError(`--accounts: "${account}" is not a 12-digit account id`);
  }
  return accounts;
}
