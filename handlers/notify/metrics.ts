/**
 * Delivery failures as CloudWatch metrics, written as Embedded Metric Format lines to the function's
 * log (CloudWatch Logs extracts them; no SDK call, no dependency). Three failure kinds, each its own
 * metric so each can carry its own alarm:
 *
 * - `not-configured`: the route's secret still holds the placeholder (or nothing) — nobody stored the
 *   webhook URL yet;
 * - `permanent`: the channel refused for good (`channel_is_archived`, `no_service`, an SNS
 *   authorization or KMS error);
 * - `retries-exhausted`: the retries of this invocation are used up (rate limit, 5xx, timeouts); the
 *   stream retries later, so this says alerts are late, and the DLQ alarm says when they are lost.
 *
 * Each metric is published per `Service` (what the alarms watch) and per `Service` × `Channel` ×
 * `Reason` (what a person looks at next).
 */
import { PermanentDeliveryError, TransientDeliveryError } from '../ports';

export type DeliveryFailureKind = 'not-configured' | 'permanent' | 'retries-exhausted';

/** CloudWatch namespace of iamwatch's own metrics. */
export const METRICS_NAMESPACE = 'iamwatch';
/** The `Service` dimension value of the notify function's metrics. */
export const NOTIFY_METRICS_SERVICE = 'notify';

/** Metric name per failure kind (the stack builds one alarm per entry). */
export const DELIVERY_FAILURE_METRICS: Readonly<Record<DeliveryFailureKind, string>> = {
  'not-configured': 'ChannelNotConfigured',
  permanent: 'PermanentDeliveryFailures',
  'retries-exhausted': 'DeliveryRetriesExhausted',
};

export interface DeliveryFailure {
  kind: DeliveryFailureKind;
  channel: string;
  /** Short, bounded code: a Slack error code, `http-503`, an SNS error name, `unknown`. */
  reason: string;
}

/** Where the notify path reports delivery failures. */
export interface DeliveryMetrics {
  deliveryFailed(failure: DeliveryFailure): void;
}

/** What kind of failure an error from a notifier is, and why. */
export function classifyDeliveryFailure(error: Error): Omit<DeliveryFailure, 'channel'> {
  const coded = error instanceof PermanentDeliveryError || error instanceof TransientDeliveryError;
  const reason = dimensionValue((coded ? error.reason : undefined) ?? error.name);
  if (reason === 'not-configured') return { kind: 'not-configured', reason };
  if (error instanceof PermanentDeliveryError) return { kind: 'permanent', reason };
  return { kind: 'retries-exhausted', reason };
}

/**
 * Metrics as EMF lines through `write` (one JSON document per line; in Lambda, stdout is the log).
 * `now` stamps each document, so a replayed log does not pretend to be current.
 */
export function emfDeliveryMetrics(
  write: (line: string) => void,
  now: () => number = Date.now,
): DeliveryMetrics {
  return {
    deliveryFailed(failure) {
      const metric = DELIVERY_FAILURE_METRICS[failure.kind];
      write(
        JSON.stringify({
          _aws: {
            Timestamp: now(),
            CloudWatchMetrics: [
              {
                Namespace: METRICS_NAMESPACE,
                Dimensions: [['Service'], ['Service', 'Channel', 'Reason']],
                Metrics: [{ Name: metric, Unit: 'Count' }],
              },
            ],
          },
          Service: NOTIFY_METRICS_SERVICE,
          Channel: dimensionValue(failure.channel),
          Reason: failure.reason,
          [metric]: 1,
        }),
      );
    },
  };
}

/** CloudWatch dimension values are at most 1024 characters; keep ours short and printable. */
function dimensionValue(text: string): string {
  const clean = text.replace(/[^\w:.@/-]/g, '_').slice(0, 128);
  return clean === '' ? 'unknown' : clean;
}
