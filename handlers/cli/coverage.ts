/**
 * `iamwatch rules --coverage`: detection × where AWS emits its events × which deployed rules deliver
 * them, computed by the placement `cdk synth` uses (rules/placement.ts) for a deployment configuration.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import * as z from 'zod/mini';
import { derivePatterns } from '../../rules/eventbridge/derive';
import {
  type CoverageConfig,
  type CoverageRow,
  coverage,
  coverageGaps,
  type Emission,
} from '../../rules/placement';
import type { RegionsConfig } from '../../rules/regions';
import { CATALOG } from '../../rules/registry';
import { describeFirstIssue } from '../shared/issues';
import { regionsSchema } from '../shared/regions-config';
import { type CliIo, EXIT, UsageError } from './io';
import { renderTable } from './table';

/** The parts of the deployment configuration coverage depends on; the rest is `cdk synth`'s to check. */
const deploymentFields = z.looseObject({
  resourcePrefix: z._default(z.string().check(z.minLength(1)), 'iamwatch'),
  mode: z._default(z.enum(['organization', 'single-account']), 'organization'),
  regions: z.prefault(regionsSchema, {}),
});

/** Reads the deployment configuration (`--config`, else `iamwatch.config.json` here, else defaults). */
async function loadCoverageConfig(path: string | undefined, io: CliIo): Promise<CoverageConfig> {
  const candidate = path ?? join(io.cwd, 'iamwatch.config.json');
  if (path === undefined && !existsSync(candidate)) return deploymentFields.parse({});
  const file = isAbsolute(candidate) ? candidate : join(io.cwd, candidate);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new UsageError(`cannot read config file ${file}: ${(cause as Error).message}`);
  }
  const parsed = deploymentFields.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(`config file ${file}: ${describeFirstIssue(parsed.error.issues)}`);
  }
  return parsed.data;
}

/** Prints the coverage; exit 1 when some detection's events can be emitted where no rule delivers them. */
export async function coverageCommand(
  options: { config?: string; format: 'table' | 'json' },
  io: CliIo,
): Promise<number> {
  const config = await loadCoverageConfig(options.config, io);
  const rows = coverage(CATALOG, derivePatterns(CATALOG), config);
  for (const warning of config.regions.warnings) io.stderr.write(`iamwatch: warning: ${warning}\n`);
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ regions: config.regions, mode: config.mode, rows }, null, 2)}\n`);
  } else {
    io.stdout.write(renderCoverage(rows, config));
  }
  const gaps = coverageGaps(rows);
  for (const gap of gaps) io.stderr.write(`iamwatch: not covered: ${gap}\n`);
  return gaps.length > 0 ? EXIT.failure : EXIT.ok;
}

/** The table: one row per detection and source, deployed rules grouped by name and state. */
function renderCoverage(rows: readonly CoverageRow[], config: CoverageConfig): string {
  const body = rows.map((row) => [
    row.detection,
    row.source,
    whereEmitted(row.emitted, config.regions),
    rulesSummary(row, config.regions),
    row.uncovered.length > 0 ? `NOT COVERED: ${row.uncovered.join(', ')}` : 'covered',
  ]);
  const table = renderTable(
    ['DETECTION', 'SOURCE', 'EMITTED IN', 'DEPLOYED RULES (REGION, NAME, STATE)', 'COVERAGE'],
    body,
    {
      maxWidth: 140,
    },
  );
  const notes = [
    `forwarder regions: ${config.regions.forwarders.join(', ')}`,
    `Identity Center home region: ${config.regions.identityCenter}${config.regions.identityCenterAssumed ? ' (assumed: regions.identityCenter is not set)' : ''}`,
    ...[
      ...new Set(rows.flatMap((r) => (r.note ? [`${r.source}: watched in us-east-1 only, ${r.note}`] : []))),
    ],
  ];
  return `${table}\n${notes.join('\n')}\n`;
}

function whereEmitted(emitted: Emission, regions: RegionsConfig): string {
  if (emitted === 'us-east-1') return 'us-east-1';
  if (emitted === 'identity-center-home') {
    return `${regions.identityCenter} (Identity Center home${regions.identityCenterAssumed ? ', assumed' : ''})`;
  }
  return 'every region';
}

/** `<regions>: <forwarder rule> → <central rule> [state]`, forwarder regions grouped by rule. */
function rulesSummary(row: CoverageRow, regions: RegionsConfig): string {
  const groups = new Map<string, string[]>();
  for (const rule of row.rules.filter((r) => r.kind === 'forwarder')) {
    groups.set(rule.name, [...(groups.get(rule.name) ?? []), rule.region]);
  }
  const forwarded = [...groups.entries()].map(([name, where]) => {
    const all = where.length > 1 && where.length === regions.forwarders.length;
    return `${all ? `all ${where.length} forwarder regions` : where.join(',')}: ${name}`;
  });
  const central = row.rules.filter((r) => r.kind === 'monitor').map((r) => r.name);
  const states = [...new Set(row.rules.map((r) => r.state))].map(shortState);
  const sent = forwarded.length > 0 ? `${forwarded.join('; ')} → ` : 'us-east-1: ';
  return `${sent}${central.join(', ')} [${states.join(', ')}]`;
}

function shortState(state: string): string {
  return state;
}
