import { describe, expect, it } from 'vitest';
import { apiCall } from '../../../rules/examples';
import { extractTarget } from '../../../rules/target';
import { itExtractsTargets, type TargetCase } from './support';

const ROOT_TASK_ARN = 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials';

const CASES: Record<string, TargetCase> = {
  // STS: the member account of a centralized root session; the task policy is the policy
  'aws.sts AssumeRoot': {
    options: {
      request: {
        targetPrincipal: '444455556666',
        taskPolicyArn: { arn: ROOT_TASK_ARN },
        durationSeconds: 900,
      },
      response: { credentials: { accessKeyId: 'ASIAROOTSESSION', expiration: 'Jan 15, 2026, 10:15:00 AM' } },
    },
    target: { type: 'account', name: '444455556666', accountId: '444455556666' },
    policyArn: ROOT_TASK_ARN,
  },
};

describe('STS targets', () => {
  itExtractsTargets(['aws.sts'], CASES);

  describe('AssumeRoot', () => {
    const assumeRoot = (request: Record<string, unknown>) =>
      extractTarget(apiCall('sts.amazonaws.com', 'AssumeRoot', { request }));

    it('takes the member account from a root principal ARN', () => {
      expect(
        assumeRoot({
          targetPrincipal: 'arn:aws:iam::444455556666:root',
          taskPolicyArn: { arn: ROOT_TASK_ARN },
        }),
      ).toEqual({
        target: {
          type: 'account',
          name: '444455556666',
          arn: 'arn:aws:iam::444455556666:root',
          accountId: '444455556666',
        },
        policyArn: ROOT_TASK_ARN,
      });
    });

    it('reads a task policy ARN rendered as a plain string', () => {
      expect(assumeRoot({ targetPrincipal: '444455556666', taskPolicyArn: ROOT_TASK_ARN }).policyArn).toBe(
        ROOT_TASK_ARN,
      );
    });

    it('names no target when the request was not logged', () => {
      expect(assumeRoot({})).toEqual({});
    });

    it('other STS calls (AssumeRole) name no target', () => {
      const record = apiCall('sts.amazonaws.com', 'AssumeRole', {
        request: { roleArn: 'arn:aws:iam::444455556666:role/admin', roleSessionName: 'alice' },
      });
      expect(extractTarget(record)).toEqual({});
    });
  });
});
