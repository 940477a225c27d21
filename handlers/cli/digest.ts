/** `iamwatch digest`: per account, what changed in IAM over a window, as the scheduled digest posts it. */
import { DigestBuilder, type DigestWindow } from '../digest/build';
import { digestEntries } from '../digest/query';
import { buildDigestSlackMessage } from '../digest/render-slack';
import { renderDigestText } from '../digest/render-text';
import { parseTimeBound } from '../ledger/time';
import { accountIdOption, formatOption, noPositionals, parse, printHelp } from './args';
import { flags } from './flags';
import { type CliIo, EXIT, UsageError } from './io';
import { STORE_HELP, storeKindOf, storeOptions, withStore } from './store';

const HELP = `Usage: iamwatch digest [--since 24h] [--until TIME] [--account ID] [--format text|slack|json]

Summarises the ledger per account over a window (the last 24 hours by default): IAM events by detection
and severity, the users, roles, access keys and Identity Center users created, the actors who made the
most calls, and how many alerts were suppressed or folded into bursts. Read with Query on the day
partitions (or the account's partition), never Scan.

  --since TIME             start of the window: ISO-8601 time or relative (30m, 12h, 7d, 2w); default 24h
  --until TIME             end of the window, not included (consecutive windows count each change
                           once); default now
  --account ID             one account only
  --format text|slack|json readable text (default), the Slack message as posted (Block Kit JSON), or the
                           digest as JSON
${STORE_HELP}`;

export async function digestCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...flags('since', 'until', 'account', 'format'),
    ...storeOptions,
  });
  if (values.help) return printHelp(HELP, io);
  noPositionals(positionals);
  const format = formatOption(values.format, ['text', 'slack', 'json']);
  const kind = storeKindOf(values);
  const account = accountIdOption(values.account?.trim(), '--account');
  const window = windowOf(values.since ?? '24h', values.until, new Date());
  const digest = await withStore(kind, values, io, async (store) => {
    const builder = new DigestBuilder(window);
    for await (const entry of digestEntries(store, window, account)) builder.add(entry);
    return builder.digest();
  });
  if (format === 'json') io.stdout.write(`${JSON.stringify(digest, null, 2)}\n`);
  else if (format === 'slack')
    io.stdout.write(`${JSON.stringify(buildDigestSlackMessage(digest), null, 2)}\n`);
  else io.stdout.write(renderDigestText(digest));
  return EXIT.ok;
}

function windowOf(since: string, until: string | undefined, now: Date): DigestWindow {
  let window: DigestWindow;
  try {
    window = {
      since: parseTimeBound(since, now),
      until: until ? parseTimeBound(until, now) : now.toISOString(),
    };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (window.since > window.until)
    throw new UsageError(`--since (${window.since}) is after --until (${window.until})`);
  return window;
}
