/**
 * The Slack webhook URL lives in Secrets Manager, not in Lambda environment variables (anyone who can
 * read the function configuration could otherwise post to the channel). It is fetched once per
 * container and kept for a short TTL, so a rotated URL is picked up within minutes without a
 * deployment and a burst of alerts costs one GetSecretValue call.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';

/** The secret could not be read or used. `retryable` tells the sender whether a later try can help. */
export class SecretUnavailableError extends Error {
  override readonly name: string = 'SecretUnavailableError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface CachedSecretOptions<T> {
  /** How long a fetched value is used before it is fetched again. Default 5 minutes. */
  ttlMs?: number;
  /** Turns the SecretString into the value; throw to reject it. */
  parse: (secretString: string) => T;
  /** Injected for tests. Default `Date.now`. */
  now?: () => number;
}

/** Errors on which asking again cannot help: the secret is gone, forbidden or undecryptable. */
const PERMANENT_ERRORS = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
  'InvalidRequestException',
  'InvalidParameterException',
  'UnrecognizedClientException',
]);

/**
 * One secret, cached for `ttlMs`. Concurrent callers share one in-flight fetch. When a refresh fails
 * with a transient error and an older value exists, the older value is served rather than dropping
 * the alert.
 */
export class CachedSecret<T> {
  private value: { data: T; fetchedAt: number } | undefined;
  private inFlight: Promise<T> | undefined;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly parse: (secretString: string) => T;

  constructor(
    private readonly client: SecretsManagerClient,
    /** Secret ARN or name (named in errors; the value never is). */
    readonly secretId: string,
    options: CachedSecretOptions<T>,
  ) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
    this.parse = options.parse;
  }

  /** The cached value, fetching it when absent or older than the TTL. */
  async get(): Promise<T> {
    if (this.value && this.now() - this.value.fetchedAt < this.ttlMs) return this.value.data;
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Forgets the value, e.g. after Slack rejected the URL, so the next `get` fetches it again. */
  invalidate(): void {
    this.value = undefined;
  }

  private async refresh(): Promise<T> {
    try {
      const data = this.parse(await this.fetch());
      this.value = { data, fetchedAt: this.now() };
      return data;
    } catch (error) {
      const stale = this.value;
      if (stale && error instanceof SecretUnavailableError && error.retryable) return stale.data;
      throw error;
    }
  }

  private async fetch(): Promise<string> {
    let secretString: string | undefined;
    try {
      const output = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
      secretString = output.SecretString;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'UnknownError';
      throw new SecretUnavailableError(
        `could not read secret ${this.secretId}: ${name}`,
        !PERMANENT_ERRORS.has(name),
        { cause: error },
      );
    }
    if (secretString === undefined || secretString.trim() === '') {
      throw new WebhookNotConfiguredError(`secret ${this.secretId} has no SecretString`);
    }
    return secretString;
  }
}

/**
 * The secret holds no webhook yet: the random placeholder the stack creates, or nothing. Delivery on
 * that route cannot work until someone stores the URL; `iamwatch resend` sends what failed meanwhile.
 */
export class WebhookNotConfiguredError extends SecretUnavailableError {
  override readonly name = 'WebhookNotConfiguredError';
  constructor(message: string) {
    super(message, false);
  }
}

const WebhookSecretJson = z.union([
  z.object({ webhookUrl: z.string().check(z.minLength(1)) }),
  z.object({ url: z.string().check(z.minLength(1)) }),
]);

/**
 * Reads a webhook URL from a SecretString: either the bare URL or JSON `{"webhookUrl": "…"}`
 * (`{"url": "…"}` also accepted).
 * @throws SecretUnavailableError (not retryable) naming what is wrong, never the value.
 */
export function webhookUrlFromSecret(secretString: string): string {
  const trimmed = secretString.trim();
  if (!trimmed.startsWith('{')) {
    if (!/^https?:\/\/\S+$/.test(trimmed)) {
      throw new WebhookNotConfiguredError(
        'secret value is neither a URL nor JSON with "webhookUrl" (still the placeholder? store the webhook URL)',
      );
    }
    return trimmed;
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw new SecretUnavailableError('secret value starts like JSON but does not parse', false);
  }
  const parsed = WebhookSecretJson.safeParse(json);
  if (!parsed.success) {
    throw new SecretUnavailableError('secret JSON has no non-empty "webhookUrl" (or "url") string', false);
  }
  return ('webhookUrl' in parsed.data ? parsed.data.webhookUrl : parsed.data.url).trim();
}

/** A cached Slack webhook URL read from Secrets Manager. */
export function slackWebhookSecret(
  client: SecretsManagerClient,
  secretArn: string,
  options: { ttlMs?: number; now?: () => number } = {},
): CachedSecret<string> {
  return new CachedSecret(client, secretArn, { ...options, parse: webhookUrlFromSecret });
}
