/**
 * The scheduled digest Lambda's logic, over ports: read the window's entries from the ledger once
 * (Query on the day partitions, never Scan), then for each Slack route build the digest of what that
 * route would have received — its accounts, severities and detections (`routeWants`), its own
 * suppressed and folded counts — and post it. A route with nothing in the window still gets a short
 * "no IAM events" digest: silence would not tell people whether the digest ran.
 *
 * A route whose post fails does not stop the others; the run then fails with every failed route
 * named, so the on-failure queue and its alarm catch it. The function is not retried, which would
 * post the digest again to the routes that already have it.
 */
import * as z from 'zod/mini';
import { routeWants, type SlackRoute, slackChannel } from '../notify/routing';
import type { SlackMessage } from '../notify/slack-message';
import type { Clock, LedgerStore, Logger } from '../ports';
import { DigestBuilder, type DigestWindow } from './build';
import { digestEntries, windowEndingAt } from './query';
import { buildDigestSlackMessage } from './render-slack';

interface DigestRoute {
  route: SlackRoute;
  post(message: SlackMessage): Promise<unknown>;
}

export interface DigestHandlerDeps {
  store: Pick<LedgerStore, 'history'>;
  routes: readonly DigestRoute[];
  clock: Clock;
  logger: Logger;
  /** How far back a digest looks from its scheduled time. */
  windowHours: number;
}

export interface DigestRunResult {
  window: DigestWindow;
  entries: number;
  posted: string[];
}

/** One or more routes did not get their digest; the others did. */
export class DigestNotPostedError extends Error {
  override readonly name = 'DigestNotPostedError';
  constructor(
    readonly routes: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`digest not posted to Slack route(s) ${routes.join(', ')}`, options);
  }
}

/** The schedule's input is not what the stack sends. */
class InvalidDigestEventError extends Error {
  override readonly name = 'InvalidDigestEventError';
}

const digestEvent = z.object({
  /** EventBridge Scheduler's `<aws.scheduler.scheduled-time>`: a retried run covers the same window. */
  scheduledTime: z.optional(z.string()),
});

export function createDigestHandler(deps: DigestHandlerDeps): (event?: unknown) => Promise<DigestRunResult> {
  return async (event) => {
    const window = windowEndingAt(endOf(event, deps.clock), deps.windowHours);
    // One pass over the window feeds every route's digest; only counts are kept, never the entries.
    const targets = deps.routes.map(({ route, post }) => ({
      route,
      post,
      builder: new DigestBuilder(window, { channel: slackChannel(route) }),
    }));
    let entries = 0;
    for await (const entry of digestEntries(deps.store, window)) {
      entries++;
      for (const { route, builder } of targets) if (routeWants(route, entry)) builder.add(entry);
    }
    const posted: string[] = [];
    const failed: string[] = [];
    let firstError: unknown;
    for (const { route, post, builder } of targets) {
      const channel = slackChannel(route);
      const digest = builder.digest();
      try {
        await post(buildDigestSlackMessage(digest, { scope: routeScope(route) }));
        posted.push(route.name);
        deps.logger.info('digest posted', {
          channel,
          events: digest.events,
          accounts: digest.accounts.length,
        });
      } catch (error) {
        failed.push(route.name);
        firstError ??= error;
        deps.logger.error('digest not posted to Slack', {
          channel,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (failed.length > 0) throw new DigestNotPostedError(failed, { cause: firstError });
    return { window, entries, posted };
  };
}

function endOf(event: unknown, clock: Clock): Date {
  const parsed = digestEvent.safeParse(event ?? {});
  if (!parsed.success) throw new InvalidDigestEventError('digest event must be an object');
  const scheduled = parsed.data.scheduledTime;
  if (scheduled === undefined) return clock.now();
  const millis = Date.parse(scheduled);
  if (Number.isNaN(millis)) throw new InvalidDigestEventError(`scheduledTime is not a time: "${scheduled}"`);
  return new Date(millis);
}

/** "Route security: severity ≥ medium, accounts 111122223333" */
function routeScope(route: SlackRoute): string {
  const parts = [`severity ≥ ${route.minSeverity}`];
  if (route.accounts) parts.push(`accounts ${route.accounts.join(', ')}`);
  if (route.detections) parts.push(`detections ${route.detections.join(', ')}`);
  return `Route ${route.name}: ${parts.join('; ')}`;
}
