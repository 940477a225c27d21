/**
 * How long the Slack sender keeps trying one post. Plain data (no imports), so the CDK app can size the
 * notify function's timeout from the same numbers the sender runs with.
 */
export const SLACK_RETRY_DEFAULTS = {
  maxAttempts: 4,
  timeoutMs: 5000,
  maxRetryAfterMs: 15_000,
  maxTotalWaitMs: 20_000,
  baseDelayMs: 500,
  maxDelayMs: 8000,
} as const;

/** The longest one post can take with the defaults: every attempt timing out plus every wait. */
export function slackPostWorstCaseMs(): number {
  return (
    SLACK_RETRY_DEFAULTS.maxAttempts * SLACK_RETRY_DEFAULTS.timeoutMs + SLACK_RETRY_DEFAULTS.maxTotalWaitMs
  );
}
