/**
 * Posts a message to a Slack incoming webhook with the real `@slack/webhook` client, adding what it
 * lacks: `@slack/webhook` 8.x fails at once on HTTP 429 and hides the `Retry-After` header. This
 * sender hands the client a fetch that remembers the last response's headers, turns the client's own
 * retries off, and retries itself:
 *
 * - 429: after the server's `Retry-After` (seconds or an HTTP date); a wait longer than
 *   `maxRetryAfterMs` is not attempted inside this invocation but reported as transient, so the
 *   stream retry or the DLQ re-sends later instead of the Lambda sleeping through its timeout;
 * - 5xx, 408, timeouts and network errors: bounded exponential backoff with jitter;
 * - all waits of one message together stay within `maxTotalWaitMs`, so an invocation stays bounded;
 * - permanent rejections (`invalid_payload`, `channel_is_archived`, `no_service`, …, HTTP 400/403/
 *   404/410): fail fast, with a message naming the reason.
 *
 * Errors never contain the webhook URL.
 */
import {
  type FetchFunction,
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
} from '@slack/webhook';
import { PermanentDeliveryError, TransientDeliveryError } from '../ports';
import { redactWebhookUrl } from './redact';
import { WebhookNotConfiguredError } from './secret';
import type { SlackMessage } from './slack-message';
import { SLACK_RETRY_DEFAULTS } from './slack-retry';

export interface SlackRetryOptions {
  /** Total tries per message, first one included. Default 4. */
  maxAttempts?: number;
  /** Per-request timeout. Default 5000 ms. */
  timeoutMs?: number;
  /** Longest `Retry-After` this sender waits for. Default 15 000 ms. */
  maxRetryAfterMs?: number;
  /**
   * Total time one `post` may spend sleeping between tries, so a Lambda invocation stays bounded:
   * worst case per message is about `maxAttempts × timeoutMs + maxTotalWaitMs`. Default 20 000 ms.
   */
  maxTotalWaitMs?: number;
  /** First backoff delay for 5xx and network errors, doubled per try. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on one backoff delay. Default 8000 ms. */
  maxDelayMs?: number;
  /** Injected for tests. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Transport under `@slack/webhook`. Default the global fetch. */
  fetch?: FetchFunction;
}

export interface SlackPostResult {
  attempts: number;
}

/** The webhook URL, or how to get it (e.g. from Secrets Manager). */
export type WebhookUrlSource = string | (() => Promise<string>);

/** Thrown by a {@link WebhookUrlSource} that knows whether a retry could help. */
interface UrlSourceFailure extends Error {
  retryable: boolean;
}

const DEFAULTS = SLACK_RETRY_DEFAULTS;

/** Slack's documented permanent webhook errors, with what they mean for the operator. */
const PERMANENT_REASONS: Readonly<Record<string, string>> = {
  invalid_payload: 'Slack could not accept the message body',
  channel_is_archived: 'the channel the webhook posts to is archived',
  no_service: 'the webhook is disabled, revoked or its URL is wrong',
  no_team: 'the Slack workspace is gone or the webhook URL is wrong',
  team_disabled: 'the Slack workspace is disabled',
  action_prohibited: 'a workspace admin has restricted posting to this channel',
  posting_to_general_channel_denied: 'only admins may post to this channel',
  channel_not_found: 'the webhook channel no longer exists',
  user_not_found: 'the webhook user no longer exists',
  invalid_token: 'the webhook token is invalid',
  no_active_hooks: 'the webhook is not active',
  too_many_attachments: 'the message has too many attachments',
};

const PERMANENT_STATUS = new Set([400, 401, 403, 404, 410, 413]);
/** Statuses that say the URL itself is dead: a cached URL should be fetched again next time. */
const URL_REJECTED_STATUS = new Set([403, 404, 410]);

/** `code` is short and bounded (a Slack error code, `http-503`, `timeout`): the metric dimension. */
type Failure =
  | { kind: 'permanent'; reason: string; code: string; status?: number }
  | { kind: 'transient'; reason: string; code: string; retryAfterMs?: number };

/** Sends Slack messages to one webhook with bounded, typed retries. */
export class SlackSender {
  private readonly options: Required<Omit<SlackRetryOptions, 'fetch'>> & { fetch?: FetchFunction };
  private readonly onUrlRejected: (() => void) | undefined;

  constructor(
    private readonly url: WebhookUrlSource,
    private readonly channel: string,
    options: SlackRetryOptions & { onUrlRejected?: () => void } = {},
  ) {
    this.onUrlRejected = options.onUrlRejected;
    this.options = {
      maxAttempts: Math.max(1, options.maxAttempts ?? DEFAULTS.maxAttempts),
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
      maxTotalWaitMs: options.maxTotalWaitMs ?? DEFAULTS.maxTotalWaitMs,
      baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: options.random ?? Math.random,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    };
  }

  /**
   * Posts `message`, retrying as described above.
   * @throws PermanentDeliveryError when Slack rejects the message or the URL for good.
   * @throws TransientDeliveryError when the tries are used up or the rate-limit wait is too long.
   */
  async post(message: SlackMessage): Promise<SlackPostResult> {
    const url = await this.resolveUrl();
    const { maxAttempts, maxRetryAfterMs, maxTotalWaitMs } = this.options;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(url, message);
      if (!failure) return { attempts: attempt };
      if (failure.kind === 'permanent') {
        if (failure.status !== undefined && URL_REJECTED_STATUS.has(failure.status)) this.onUrlRejected?.();
        throw new PermanentDeliveryError(`Slack rejected the alert: ${failure.reason}`, this.channel, {
          reason: failure.code,
        });
      }
      if (attempt >= maxAttempts) {
        throw new TransientDeliveryError(
          `Slack delivery failed after ${attempt} attempt(s): ${failure.reason}`,
          this.channel,
          { reason: failure.code },
        );
      }
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > maxRetryAfterMs) {
        throw new TransientDeliveryError(
          `Slack rate limit: Retry-After ${failure.retryAfterMs / 1000}s exceeds the ${
            maxRetryAfterMs / 1000
          }s this sender waits; retry later`,
          this.channel,
          { reason: failure.code },
        );
      }
      const delay = failure.retryAfterMs ?? this.backoff(attempt);
      if (waited + delay > maxTotalWaitMs) {
        throw new TransientDeliveryError(
          `Slack delivery failed after ${attempt} attempt(s), retry budget of ${maxTotalWaitMs / 1000}s spent: ${
            failure.reason
          }`,
          this.channel,
          { reason: failure.code },
        );
      }
      waited += delay;
      await this.options.sleep(delay);
    }
  }

  private async resolveUrl(): Promise<string> {
    let url: string;
    try {
      url = typeof this.url === 'string' ? this.url : await this.url();
    } catch (error) {
      const retryable = isUrlSourceFailure(error) ? error.retryable : true;
      const reason = redactWebhookUrl(error instanceof Error ? error.message : String(error));
      const message = `Slack webhook URL unavailable: ${reason}`;
      const code = error instanceof WebhookNotConfiguredError ? 'not-configured' : 'secret-unavailable';
      throw retryable
        ? new TransientDeliveryError(message, this.channel, { cause: error, reason: code })
        : new PermanentDeliveryError(message, this.channel, { cause: error, reason: code });
    }
    if (!isAcceptableWebhookUrl(url)) {
      throw new PermanentDeliveryError(
        'Slack webhook URL is not a valid https URL (plain http is allowed only to localhost)',
        this.channel,
        { reason: 'invalid-webhook-url' },
      );
    }
    return url;
  }

  /** One request through `@slack/webhook`; `undefined` on success. */
  private async attempt(url: string, message: SlackMessage): Promise<Failure | undefined> {
    let headers: Awaited<ReturnType<FetchFunction>>['headers'] | undefined;
    const transport = this.options.fetch ?? (globalThis.fetch as FetchFunction);
    const recordingFetch: FetchFunction = async (input, init) => {
      const response = await transport(input, init);
      headers = response.headers;
      return response;
    };
    const webhook = new IncomingWebhook(url, {
      fetch: recordingFetch,
      timeout: this.options.timeoutMs,
      retryConfig: { retries: 0 },
    });
    try {
      await webhook.send(message);
      return undefined;
    } catch (error) {
      return classify(error, headers?.get('retry-after') ?? undefined, this.options.timeoutMs, url);
    }
  }

  /** Exponential, capped, with "equal jitter": never less than half the nominal delay. */
  private backoff(attempt: number): number {
    const nominal = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(nominal / 2 + (this.options.random() * nominal) / 2);
  }
}

function classify(error: unknown, retryAfter: string | undefined, timeoutMs: number, url: string): Failure {
  if (error instanceof IncomingWebhookHTTPError) {
    const status = error.statusCode;
    const code = slackErrorCode(error.body);
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(retryAfter);
      return retryAfterMs === undefined
        ? { kind: 'transient', reason: 'rate limited (HTTP 429)', code: 'rate-limited' }
        : { kind: 'transient', reason: 'rate limited (HTTP 429)', code: 'rate-limited', retryAfterMs };
    }
    if (code && code in PERMANENT_REASONS) {
      return {
        kind: 'permanent',
        status,
        code,
        reason: `${code} (HTTP ${status}): ${PERMANENT_REASONS[code]}`,
      };
    }
    if (status >= 500 || status === 408) {
      return { kind: 'transient', code: `http-${status}`, reason: `HTTP ${status}${code ? ` ${code}` : ''}` };
    }
    if (PERMANENT_STATUS.has(status) || (status >= 400 && status < 500)) {
      return {
        kind: 'permanent',
        status,
        code: `http-${status}`,
        reason: `HTTP ${status}${code ? ` ${code}` : ''}`,
      };
    }
    return { kind: 'transient', code: `http-${status}`, reason: `unexpected HTTP ${status}` };
  }
  if (error instanceof IncomingWebhookRequestError) {
    const original = error.original;
    if (original.name === 'TimeoutError' || original.name === 'AbortError') {
      return { kind: 'transient', code: 'timeout', reason: `no response within ${timeoutMs} ms` };
    }
    const cause = (original as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
    return {
      kind: 'transient',
      code: 'network',
      reason: `network error: ${redactWebhookUrl(original.message, url)}${code}`,
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  return {
    kind: 'transient',
    code: 'unexpected',
    reason: `unexpected error: ${redactWebhookUrl(text, url)}`,
  };
}

/** Slack answers webhook errors with a bare code such as `channel_is_archived`; anything else is ignored. */
function slackErrorCode(body: string): string | undefined {
  const trimmed = body.trim();
  return /^[a-z_]{2,64}$/.test(trimmed) ? trimmed : undefined;
}

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds; `undefined` when absent or junk. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isAcceptableWebhookUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}

function isUrlSourceFailure(error: unknown): error is UrlSourceFailure {
  return error instanceof Error && typeof (error as Partial<UrlSourceFailure>).retryable === 'boolean';
}
