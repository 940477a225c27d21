/** The canary Lambda entry point: the one wiring block. */
import { IAMClient } from '@aws-sdk/client-iam';
import { jsonLogger, levelFromEnv, withRequestIds } from '../shared/logger';
import { readCanaryConfig } from './config';
import { type CanaryOutcome, createCanaryHandler } from './handler';

const { roleName } = readCanaryConfig(process.env);
const logger = jsonLogger('iamwatch-canary', { level: levelFromEnv(process.env) });

const writeCanary = createCanaryHandler({
  // IAM is a global service whose endpoint (and CloudTrail events) are in us-east-1.
  iam: new IAMClient({ region: 'us-east-1' }),
  roleName,
  clock: { now: () => new Date() },
  logger,
});

export const handler = withRequestIds<unknown, CanaryOutcome>(logger, writeCanary);
