/** `iamwatch history`: query the ledger by actor, target, account, event, detection, severity, IP, time. */

import { makeContext } from '../../rules/context';
import type { DetectionContext } from '../../rules/types';
import { parseTimeBound } from '../ledger/time';
import type { HistoryFilter } from '../ports';
import { formatOption, noPositionals, parse, positiveInteger, printHelp, severityOption } from './args';
import { CSV_HEADERS, csvRow, ENTRY_HEADERS, entryRow, toContract, withSuppressedBy } from './entries';
import { flags } from './flags';
import { type CliIo, EXIT, UsageError } from './io';
import { applyOrganization, ORGANIZATION_HELP, organizationOptions } from './organization';
import { STORE_HELP, storeKindOf, storeOptions, withStore } from './store';
import { renderTable } from './table';

const HELP = `Usage: iamwatch history [filters] [--format table|json|csv]

Queries the ledger (local store by default; --table NAME for a real DynamoDB table). Newest first.

  --actor ARN|NAME         who made the calls (actor ARN, or IAM user / role session name)
  --target NAME|ARN        what they were made to (user, role, group, policy … name or ARN;
                           type/name such as user/bob pins the kind)
  --account ID             the account the calls were recorded in
  --event NAME             an event name, e.g. CreateUser
  --detection ID           entries that fired this detection
  --min-severity LEVEL     info, low, medium, high or critical
  --ip ADDRESS             source IP address
  --since TIME             ISO-8601 time or relative: 30m, 12h, 7d, 2w
  --until TIME             ISO-8601 time or relative
  --limit N                at most N entries (default 100)
  --format table|json|csv  readable table (default), JSON array of ledger entries, or CSV
${STORE_HELP}${ORGANIZATION_HELP}`;

export async function historyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...flags('actor', 'target', 'account', 'detection', 'min-severity', 'since', 'until', 'limit', 'format'),
    event: { type: 'string' },
    ip: { type: 'string' },
    ...organizationOptions,
    ...storeOptions,
  });
  if (values.help) return printHelp(HELP, io);
  noPositionals(positionals);
  const format = formatOption(values.format, ['table', 'json', 'csv']);
  const kind = storeKindOf(values);
  const filter = buildFilter(values, new Date());
  const { context } = await applyOrganization(makeContext({}), values, io);
  const found = await withStore(kind, values, io, (store) => store.history(filter));
  const stored = withAccountNames(found, context);
  const entries = stored.map(toContract);
  if (format === 'json') {
    const shown = entries.map((entry, index) => withSuppressedBy(entry, stored[index]!));
    io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  } else if (format === 'csv')
    io.stdout.write(`${[CSV_HEADERS.join(','), ...entries.map(csvRow)].join('\n')}\n`);
  else {
    io.stdout.write(renderTable(ENTRY_HEADERS, entries.map(entryRow), { maxWidth: 48 }));
    io.stderr.write(`${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}\n`);
  }
  return EXIT.ok;
}

function buildFilter(values: Record<string, string | boolean | undefined>, now: Date): HistoryFilter {
  const text = (key: string) => {
    const value = values[key];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  const filter: HistoryFilter = { limit: positiveInteger(text('limit'), '--limit') ?? 100 };
  const fields = {
    actor: 'actor',
    target: 'target',
    account: 'account',
    event: 'eventName',
    detection: 'detection',
    ip: 'ip',
  } as const;
  for (const [flag, key] of Object.entries(fields)) {
    const value = text(flag);
    if (value) filter[key] = value;
  }
  const minSeverity = severityOption(text('min-severity'));
  if (minSeverity) filter.minSeverity = minSeverity;
  try {
    const since = text('since');
    const until = text('until');
    if (since) filter.since = parseTimeBound(since, now);
    if (until) filter.until = parseTimeBound(until, now);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (filter.since && filter.until && filter.since > filter.until) {
    throw new UsageError(`--since (${filter.since}) is after --until (${filter.until})`);
  }
  return filter;
}

/** With `--org`, entries recorded before an account was named get its name and OU path now. */
function withAccountNames<T extends { accountId: string; accountName?: string; ouPath?: string }>(
  entries: T[],
  context: DetectionContext,
): T[] {
  return entries.map((entry) => {
    const accountName = entry.accountName ?? context.accountNames[entry.accountId];
    const ouPath = entry.ouPath ?? context.accountOuPaths[entry.accountId];
    return {
      ...entry,
      ...(accountName ? { accountName } : {}),
      ...(ouPath ? { ouPath } : {}),
    };
  });
}
