/** The canary Lambda entry point: the one wiring block. */
import { IAMClient } from '@aws-sdk/client-iam';
import { requiredEnv } from '../shared/env';
import { jsonLogger, levelFromEnv } from '../shared/logger';
import { type CanaryOutcome, createCanaryHandler } from './handler';

const roleName = requiredEnv(process.env, 'IAMWATCH_CANARY_ROLE_NAME');
const logger = jsonLogger('iamwatch-canary', { level: levelFromEnv(process.env) });

const writeCanary = createCanaryHandler({
  // IAM is a global service whose endpoint (and CloudTrail events) are in us-east-1.
  iam: new IAMClient({ region: 'us-east-1' }),
  roleName,
  clock: { now: () => new Date() },
  logger,
});

export const handler = async (
  event: unknown,
  context?: { awsRequestId?: string },
): Promise<CanaryOutcome> => {
  logger.withRequestId(context?.awsRequestId);
  return writeCanary(event);
};
