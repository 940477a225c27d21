/**
 * Lambda rejects a function whose environment variables exceed 4 KB in total, at deploy time. The
 * detection context and Slack routes grow with the organization, so check the size at synth time.
 */
import { Tokenization } from 'aws-cdk-lib';

/** Lambda's limit on the total size of a function's environment variables. */
const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/** What an unresolved token (an ARN, a table name) is assumed to take once deployed. */
const TOKEN_ALLOWANCE_BYTES = 128;

/** The configuration makes a function's environment too large for Lambda. */
export class EnvironmentTooLargeError extends Error {
  override readonly name = 'EnvironmentTooLargeError';
}

/** Estimated deployed size of an environment: keys, literal text, and an allowance per token. */
function environmentSize(environment: Readonly<Record<string, string>>): number {
  let size = 0;
  for (const [key, value] of Object.entries(environment)) {
    const estimated: unknown = Tokenization.reverseString(value)
      .mapTokens({ mapToken: () => 'x'.repeat(TOKEN_ALLOWANCE_BYTES) })
      .join({ join: (left, right) => `${left}${right}` });
    size += Buffer.byteLength(key) + Buffer.byteLength(String(estimated ?? ''));
  }
  return size;
}

export function assertEnvironmentFits(
  functionName: string,
  environment: Readonly<Record<string, string>>,
): void {
  const size = environmentSize(environment);
  if (size > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
    throw new EnvironmentTooLargeError(
      `The environment of ${functionName} would be about ${size} bytes; Lambda allows ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}. ` +
        'Shorten accountNames, memberAccountIds, automationPrincipals or the Slack routes in the iamwatch configuration.',
    );
  }
}
