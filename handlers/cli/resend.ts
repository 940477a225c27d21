/**
 * `iamwatch resend --since TIME`: sends the alerts that failed because a Slack route had no webhook URL
 * yet, once the URL is stored. Reads the deployed routes (`IAMWATCH_SLACK_ROUTES` of the notify
 * function) so channel names and secrets are exactly the deployed ones.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseTimeBound } from '../ledger/time';
import { resendNotConfigured } from '../notify/resend';
import { parseSlackRoutes, SlackRoutesError } from '../notify/routing';
import { createSlackNotifiers } from '../notify/slack';
import { CLI_ENV } from '../shared/environment';
import { jsonLogger } from '../shared/logger';
import { noPositionals, parse, positiveInteger, printHelp } from './args';
import { flags } from './flags';
import { type CliIo, EXIT, UsageError } from './io';
import { storeKindOf, storeOptions, withStore } from './store';

const HELP = `Usage: iamwatch resend --since TIME [--until TIME] --slack-routes JSON|@FILE --table NAME

Re-sends alerts whose Slack delivery failed as "not configured" (the route's secret still held the
placeholder), now that the webhook URL is stored. Only those channels are tried; delivery state is
updated, so running it twice sends nothing twice.

  --since TIME             ISO-8601 time or relative: 30m, 12h, 7d (required)
  --until TIME             ISO-8601 time or relative
  --slack-routes JSON      the deployed routes, as the notify function's IAMWATCH_SLACK_ROUTES
                           (or @FILE; default: that environment variable)
  --limit N                at most N entries examined (default 10000)
  --store local|memory|dynamodb, --table NAME, --home DIR   which ledger
`;

export async function resendCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...flags('since', 'until', 'limit'),
    'slack-routes': { type: 'string' },
    ...storeOptions,
  });
  if (values.help) return printHelp(HELP, io);
  noPositionals(positionals);
  if (!values.since) throw new UsageError('--since is required');
  const now = new Date();
  let since: string;
  let until: string | undefined;
  try {
    since = parseTimeBound(values.since, now);
    until = values.until ? parseTimeBound(values.until, now) : undefined;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const routesText = values['slack-routes'] ?? io.env[CLI_ENV.slackRoutes];
  if (!routesText) throw new UsageError(`--slack-routes (or ${CLI_ENV.slackRoutes}) is required`);
  let routes: ReturnType<typeof parseSlackRoutes>;
  try {
    routes = parseSlackRoutes(routesText.startsWith('@') ? await readText(routesText.slice(1)) : routesText);
  } catch (error) {
    if (error instanceof SlackRoutesError) throw new UsageError(`--slack-routes: ${error.message}`);
    throw error;
  }
  const notifiers = createSlackNotifiers(routes, { secretsClient: new SecretsManagerClient({}) });
  const kind = storeKindOf(values);
  return withStore(kind, values, io, async (store) => {
    const report = await resendNotConfigured({
      store,
      notifiers,
      clock: { now: () => new Date() },
      logger: jsonLogger('iamwatch-resend', { level: 'warn', write: (line) => io.stderr.write(`${line}\n`) }),
      since,
      ...(until ? { until } : {}),
      limit: positiveInteger(values.limit, '--limit') ?? 10_000,
    });
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    for (const channel of report.unknownChannels) {
      io.stderr.write(`channel ${channel} had "not configured" failures but is not in --slack-routes\n`);
    }
    return report.failed.length > 0 ? EXIT.failure : EXIT.ok;
  });
}

async function readText(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(path, 'utf8');
}
