/**
 * Slack notifiers: one per route, each posting the Block Kit alert to its webhook through
 * {@link SlackSender}.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LedgerEntry } from '../../rules/types';
import type { Notifier } from '../ports';
import { routeWants, type SlackRoute, slackChannel } from './routing';
import { slackWebhookSecret } from './secret';
import { buildSlackBurstMessage, buildSlackMessage } from './slack-message';
import { type SlackRetryOptions, SlackSender, type WebhookUrlSource } from './slack-sender';

export interface SlackNotifierOptions {
  route: SlackRoute;
  /** Where the URL comes from; overrides the route's `webhookUrl`. */
  webhookUrl: WebhookUrlSource;
  /** Called when Slack says the URL is dead (403/404/410), e.g. to drop a cached secret. */
  onUrlRejected?: () => void;
  retry?: SlackRetryOptions;
}

/** A notifier for one Slack route. `send` throws Permanent/TransientDeliveryError on failure. */
export function createSlackNotifier(options: SlackNotifierOptions): Notifier {
  const channel = slackChannel(options.route);
  const sender = new SlackSender(options.webhookUrl, channel, {
    ...options.retry,
    ...(options.onUrlRejected ? { onUrlRejected: options.onUrlRejected } : {}),
  });
  return {
    channel,
    wants: (entry: LedgerEntry) => routeWants(options.route, entry),
    send: async (entry: LedgerEntry) => {
      await sender.post(buildSlackMessage(entry));
    },
    sendBurst: async (burst) => {
      await sender.post(buildSlackBurstMessage(burst));
    },
  };
}

export interface SlackRoutesDeps {
  /** Needed when any route names a `secretArn`. */
  secretsClient?: SecretsManagerClient;
  /** Cache lifetime of webhook URLs read from Secrets Manager. Default 5 minutes. */
  secretTtlMs?: number;
  retry?: SlackRetryOptions;
}

/** The configuration cannot be turned into notifiers (e.g. a secret route without a client). */
export class SlackNotifierConfigError extends Error {
  override readonly name = 'SlackNotifierConfigError';
}

/**
 * One notifier per route. Routes with a `secretArn` read the URL through a per-route cache that lives
 * as long as the notifier (build the notifiers once per Lambda container).
 */
export function createSlackNotifiers(routes: readonly SlackRoute[], deps: SlackRoutesDeps = {}): Notifier[] {
  return routes.map((route) => {
    const retry = deps.retry ? { retry: deps.retry } : {};
    if (route.secretArn) {
      if (!deps.secretsClient) {
        throw new SlackNotifierConfigError(
          `Slack route "${route.name}" reads its webhook from Secrets Manager, but no client was given`,
        );
      }
      const secret = slackWebhookSecret(
        deps.secretsClient,
        route.secretArn,
        deps.secretTtlMs === undefined ? {} : { ttlMs: deps.secretTtlMs },
      );
      return createSlackNotifier({
        route,
        webhookUrl: () => secret.get(),
        onUrlRejected: () => secret.invalidate(),
        ...retry,
      });
    }
    if (!route.webhookUrl) {
      throw new SlackNotifierConfigError(`Slack route "${route.name}" has neither webhookUrl nor secretArn`);
    }
    return createSlackNotifier({ route, webhookUrl: route.webhookUrl, ...retry });
  });
}
