import { describe, expect, it } from 'vitest';
import { apiCall, signinEvent } from '../../../rules/examples';
import { extractTarget } from '../../../rules/target';
import { itExtractsTargets, SERVICE_HOST, type TargetCase, triggeredEventNames } from './support';

/** Sign-in: the actor is the subject, there is no target. */
const SIGNIN: Record<string, TargetCase> = {
  'aws.signin ConsoleLogin': { record: signinEvent('ConsoleLogin'), target: undefined },
};

describe('extractTarget', () => {
  it('every source a detection triggers on has a per-service case table', () => {
    const sources = new Set(triggeredEventNames().map((key) => key.split(' ')[0] ?? ''));
    expect([...sources].filter((source) => !(source in SERVICE_HOST))).toEqual([]);
  });

  itExtractsTargets(['aws.signin'], SIGNIN);

  it('is total: odd parameters or unknown services give no target', () => {
    expect(extractTarget(apiCall('iam.amazonaws.com', 'CreateUser', { request: { userName: 42 } }))).toEqual(
      {},
    );
    expect(
      extractTarget(apiCall('ec2.amazonaws.com', 'RunInstances', { request: { userName: 'x' } })),
    ).toEqual({});
    const noParams = apiCall('iam.amazonaws.com', 'DeleteRole');
    expect(extractTarget({ ...noParams, requestParameters: null, responseElements: null })).toEqual({});
  });
});
