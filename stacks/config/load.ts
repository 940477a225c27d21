/**
 * Finds, reads and validates the deployment configuration. Every failure is a `ConfigError` whose
 * message names the source and each offending field, so `cdk synth` stops with a sentence a platform
 * engineer can act on.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { configSchema, type IamwatchConfig } from './schema';

/** The configuration is missing, unreadable or invalid. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** cdk context key holding a config file path (`cdk synth -c config=prod.json`). */
const CONFIG_PATH_CONTEXT_KEY = 'config';
/** cdk context key holding the configuration itself (an object, or its JSON text). */
const CONFIG_INLINE_CONTEXT_KEY = 'iamwatch';
const DEFAULT_CONFIG_FILE = 'iamwatch.config.json';
export const EXAMPLE_CONFIG_FILE = 'iamwatch.config.example.json';

/** Where the configuration came from, for messages. */
export interface ConfigSource {
  /** A file path, or `context:iamwatch`. */
  name: string;
  /** The parsed JSON. */
  value: unknown;
}

/** Reads context values the way `App.node.tryGetContext` does. */
export type ContextReader = (key: string) => unknown;

/**
 * Chooses the configuration source: inline context, then `-c config=FILE`, then
 * `iamwatch.config.json` in `cwd`, then the committed example.
 */
export function findConfigSource(readContext: ContextReader, cwd: string = process.cwd()): ConfigSource {
  const inline = readContext(CONFIG_INLINE_CONTEXT_KEY);
  if (inline !== undefined) {
    const name = `context:${CONFIG_INLINE_CONTEXT_KEY}`;
    return { name, value: typeof inline === 'string' ? parseJson(inline, name) : inline };
  }
  const requested = readContext(CONFIG_PATH_CONTEXT_KEY);
  if (requested !== undefined) {
    if (typeof requested !== 'string' || requested.trim() === '') {
      throw new ConfigError(`Context "${CONFIG_PATH_CONTEXT_KEY}" must be a file path`);
    }
    return readConfigFile(path.resolve(cwd, requested));
  }
  const own = path.resolve(cwd, DEFAULT_CONFIG_FILE);
  return readConfigFile(existsSync(own) ? own : path.resolve(cwd, EXAMPLE_CONFIG_FILE));
}

export function readConfigFile(file: string): ConfigSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read iamwatch configuration ${file}`, { cause });
  }
  return { name: file, value: parseJson(text, file) };
}

/** Validates a configuration value, applying defaults. */
export function parseConfig(source: ConfigSource): IamwatchConfig {
  const result = configSchema.safeParse(source.value, {
    error: (issue) =>
      issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined,
  });
  if (!result.success) {
    throw new ConfigError(
      `Invalid iamwatch configuration in ${source.name}:\n${describeIssues(result.error)}`,
      {
        cause: result.error,
      },
    );
  }
  return result.data;
}

/** `findConfigSource` + `parseConfig`. */
export function loadConfig(
  readContext: ContextReader,
  cwd?: string,
): { config: IamwatchConfig; source: string } {
  const source = findConfigSource(readContext, cwd);
  return { config: parseConfig(source), source: source.name };
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`iamwatch configuration ${name} is not valid JSON`, { cause });
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `  - ${where}: ${issue.message}`;
    })
    .join('\n');
}
