/**
 * Configuration read once from the environment, with messages that name the variable and what is wrong.
 */
import { SEVERITIES, type Severity } from '../../rules/types';

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

type Env = Readonly<Record<string, string | undefined>>;

export function requiredEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`Environment variable ${name} is required but not set`);
  }
  return value;
}

export function optionalEnv(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function jsonEnv(env: Env, name: string): unknown {
  const text = optionalEnv(env, name);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ConfigurationError(`Environment variable ${name} is not valid JSON`, { cause });
  }
}

export function integerEnv(env: Env, name: string, fallback: number): number {
  const text = optionalEnv(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigurationError(`Environment variable ${name} must be a positive integer, got "${text}"`);
  }
  return value;
}

export function booleanEnv(env: Env, name: string, fallback: boolean): boolean {
  const text = optionalEnv(env, name)?.toLowerCase();
  if (text === undefined) return fallback;
  if (['true', '1', 'yes'].includes(text)) return true;
  if (['false', '0', 'no'].includes(text)) return false;
  throw new ConfigurationError(`Environment variable ${name} must be true or false, got "${text}"`);
}

export function parseSeverity(value: string, what: string): Severity {
  const lower = value.toLowerCase();
  if ((SEVERITIES as readonly string[]).includes(lower)) return lower as Severity;
  throw new ConfigurationError(`${what} must be one of ${SEVERITIES.join(', ')}, got "${value}"`);
}
