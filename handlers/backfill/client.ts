/**
 * CloudTrail clients for the backfill and doctor commands: one per account and region, optionally in
 * another account through an assumed role, with the SDK's adaptive retries for throttling and, for
 * LookupEvents, a token bucket every HTTP attempt (retries included) waits on.
 */
import { CloudTrailClient, type CloudTrailClientConfig } from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, type AssumeRoleCommandOutput, STSClient } from '@aws-sdk/client-sts';
import type { TokenBucket } from './rate-limiter';

/** SDK settings shared by every client of a run; absent ones come from the standard AWS configuration. */
export interface SdkSettings {
  /** Credentials of the caller (and the source of assumed roles); the default provider chain when absent. */
  credentials?: CloudTrailClientConfig['credentials'];
  /** Replaces the default adaptive retry strategy (tests use one without backoff delays). */
  retryStrategy?: CloudTrailClientConfig['retryStrategy'];
  /** Attempts per request, retries included (default 8). */
  maxAttempts?: number;
  /** CloudTrail endpoint (LocalStack, a test server); `AWS_ENDPOINT_URL_CLOUDTRAIL` also works. */
  endpoint?: string;
  /** STS endpoint for AssumeRole; `AWS_ENDPOINT_URL_STS` also works. */
  stsEndpoint?: string;
}

export interface CloudTrailClientOptions extends SdkSettings {
  region: string;
  /** Assume this role and call CloudTrail as it (one account per client). */
  roleArn?: string;
  /** Every HTTP attempt waits for a token first. */
  limiter?: TokenBucket;
}

/** The stack's middleware type is a union over steps; this one is a plain finalize-step middleware. */
type StackMiddleware = Parameters<CloudTrailClient['middlewareStack']['addRelativeTo']>[0];

/** Session name of assumed roles, so the backfill's own calls are recognisable in CloudTrail. */
const ROLE_SESSION_NAME = 'iamwatch-backfill';
const DEFAULT_MAX_ATTEMPTS = 8;

/** An assumed role returned no usable credentials. */
class AssumeRoleError extends Error {
  override readonly name = 'AssumeRoleError';
  constructor(
    message: string,
    readonly roleArn: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function createCloudTrailClient(options: CloudTrailClientOptions): CloudTrailClient {
  const config: CloudTrailClientConfig = {
    region: options.region,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
  if (options.retryStrategy) config.retryStrategy = options.retryStrategy;
  else config.retryMode = 'adaptive';
  if (options.endpoint) config.endpoint = options.endpoint;
  if (options.roleArn) config.credentials = assumeRoleCredentials(options.roleArn, options);
  else if (options.credentials) config.credentials = options.credentials;
  const client = new CloudTrailClient(config);
  const { limiter } = options;
  if (limiter) {
    const waitForToken = (next: (args: object) => Promise<unknown>) => async (args: object) => {
      await limiter.acquire();
      return next(args);
    };
    // After the retry middleware, so retries wait too; before signing, so the signature is fresh.
    client.middlewareStack.addRelativeTo(waitForToken as StackMiddleware, {
      name: 'iamwatchRateLimit',
      relation: 'before',
      toMiddleware: 'httpSigningMiddleware',
    });
  }
  return client;
}

/**
 * A credential provider that assumes `roleArn` with the caller's credentials. The SDK caches what it
 * returns and calls it again shortly before the session expires, so long backfills keep working.
 */
export function assumeRoleCredentials(
  roleArn: string,
  settings: SdkSettings & { region: string; sessionName?: string },
): NonNullable<CloudTrailClientConfig['credentials']> {
  const sts = new STSClient({
    region: settings.region,
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(settings.stsEndpoint ? { endpoint: settings.stsEndpoint } : {}),
  });
  return async () => {
    let response: AssumeRoleCommandOutput;
    try {
      response = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: settings.sessionName ?? ROLE_SESSION_NAME,
        }),
      );
    } catch (cause) {
      throw new AssumeRoleError(`cannot assume ${roleArn}: ${(cause as Error).message}`, roleArn, { cause });
    }
    const credentials = response.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new AssumeRoleError(`AssumeRole for ${roleArn} returned no credentials`, roleArn);
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
      ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
    };
  };
}
