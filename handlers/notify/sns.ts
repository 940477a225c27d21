/**
 * The SNS notifier: publishes alerts at or above a minimum severity (default `high`) to one topic.
 * The `SNSClient` is built by the caller from standard SDK configuration (region, credentials,
 * `AWS_ENDPOINT_URL_SNS`); its standard retry mode already retries throttling and 5xx, so what
 * reaches this notifier is final for this invocation: throttling, 5xx and network failures become
 * TransientDeliveryError (the stream retries later), everything the request itself got wrong
 * (validation, authorization, missing topic, KMS key problems) becomes PermanentDeliveryError.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { severityAtLeast } from '../../rules/severity';
import type { LedgerEntry, Severity } from '../../rules/types';
import { type Notifier, PermanentDeliveryError, TransientDeliveryError } from '../ports';
import { DEFAULT_SNS_MIN_SEVERITY } from './routing';
import { buildSnsBurstPublishInput, buildSnsPublishInput } from './sns-message';

export interface SnsNotifierOptions {
  client: SNSClient;
  topicArn: string;
  /** Default `high`. */
  minSeverity?: Severity;
  /** Delivery channel name. Default `sns`. */
  channel?: string;
}

/** Errors that are the caller's or the topic's fault: retrying the same request cannot succeed. */
const PERMANENT_NAMES = new Set([
  'InvalidParameterException',
  'InvalidParameterValueException',
  'ValidationException',
  'AuthorizationErrorException',
  'InvalidSecurityException',
  'NotFoundException',
  'ResourceNotFoundException',
  'EndpointDisabledException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
  'PlatformApplicationDisabledException',
  'CredentialsProviderError',
  'AccessDeniedException',
  'UnrecognizedClientException',
]);

/** Throttling (ours or KMS's) and server-side failures: a later try may succeed. */
const TRANSIENT_NAMES = new Set([
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'KMSThrottlingException',
  'InternalErrorException',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
]);

export function createSnsNotifier(options: SnsNotifierOptions): Notifier {
  const channel = options.channel ?? 'sns';
  const minSeverity = options.minSeverity ?? DEFAULT_SNS_MIN_SEVERITY;
  return {
    channel,
    wants: (entry: LedgerEntry) => severityAtLeast(entry.severity, minSeverity),
    send: async (entry: LedgerEntry) => {
      try {
        await options.client.send(new PublishCommand(buildSnsPublishInput(entry, options.topicArn)));
      } catch (error) {
        throw toDeliveryError(error, channel);
      }
    },
    sendBurst: async (burst) => {
      try {
        await options.client.send(new PublishCommand(buildSnsBurstPublishInput(burst, options.topicArn)));
      } catch (error) {
        throw toDeliveryError(error, channel);
      }
    },
  };
}

/** Maps an SNS client error to the delivery error the notify handler understands. */
function toDeliveryError(error: unknown, channel: string): PermanentDeliveryError | TransientDeliveryError {
  const { name, status, fault, message } = describeSdkError(error);
  const text = `SNS publish failed: ${name}${status ? ` (HTTP ${status})` : ''}${message ? `: ${message}` : ''}`;
  const options = { cause: error, reason: name };
  if (
    TRANSIENT_NAMES.has(name) ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    fault === 'server'
  ) {
    return new TransientDeliveryError(text, channel, options);
  }
  if (PERMANENT_NAMES.has(name) || (status !== undefined && status >= 400) || fault === 'client') {
    return new PermanentDeliveryError(text, channel, options);
  }
  // No HTTP response at all: connection refused, DNS, socket timeout.
  return new TransientDeliveryError(text, channel, options);
}

function describeSdkError(error: unknown): {
  name: string;
  status?: number;
  fault?: string;
  message?: string;
} {
  if (!(error instanceof Error)) return { name: 'UnknownError', message: String(error).slice(0, 300) };
  const meta = error as Error & { $metadata?: { httpStatusCode?: number }; $fault?: string };
  const out: { name: string; status?: number; fault?: string; message?: string } = { name: error.name };
  if (meta.$metadata?.httpStatusCode !== undefined) out.status = meta.$metadata.httpStatusCode;
  if (meta.$fault) out.fault = meta.$fault;
  if (error.message) out.message = error.message.slice(0, 300);
  return out;
}
