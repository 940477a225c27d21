import { actors, assumedRole, defineExamples, EXAMPLE_ORG_ACCOUNT, iamUser, stsCall } from '../examples';
import { rootSessionAssumed } from './root-session-assumed';

const rootTaskArn = (task: string) => `arn:aws:iam::aws:policy/root-task/${task}`;

const credentials = {
  accessKeyId: 'ASIAROOTSESSIONEXAMPLE',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN',
  expiration: 'Jan 15, 2026, 10:15:00 AM',
};

export const rootSessionAssumedExamples = defineExamples(rootSessionAssumed, [
  {
    name: 'an administrator opens a root session to delete a member account root credentials',
    expect: true,
    severity: 'high',
    event: stsCall('AssumeRoot', {
      actor: actors.sso,
      region: 'eu-west-1',
      request: {
        targetPrincipal: EXAMPLE_ORG_ACCOUNT,
        taskPolicyArn: { arn: rootTaskArn('IAMDeleteRootUserCredentials') },
        durationSeconds: 900,
      },
      response: { credentials },
    }),
  },
  {
    name: 'a compromised user opens a root session that can set the root password',
    expect: true,
    severity: 'critical',
    event: stsCall('AssumeRoot', {
      actor: iamUser('CompromisedUser'),
      request: {
        targetPrincipal: EXAMPLE_ORG_ACCOUNT,
        taskPolicyArn: { arn: rootTaskArn('IAMCreateRootUserPassword') },
        durationSeconds: 900,
      },
      response: { credentials },
    }),
  },
  {
    name: 'a root session that deletes an S3 bucket policy, logged read-only',
    expect: true,
    severity: 'critical',
    event: stsCall('AssumeRoot', {
      actor: assumedRole('JohnDoe', 'JohnRole1'),
      region: 'us-west-2',
      readOnly: true,
      request: {
        targetPrincipal: EXAMPLE_ORG_ACCOUNT,
        taskPolicyArn: { arn: rootTaskArn('S3UnlockBucketPolicy') },
      },
      response: { credentials },
    }),
  },
  {
    name: 'the configured clean-up pipeline audits root credentials: lowered, not dropped',
    expect: true,
    severity: 'medium',
    context: { automationPrincipals: ['arn:aws:iam::111122223333:role/github-deploy'] },
    event: stsCall('AssumeRoot', {
      actor: actors.deployRole,
      request: {
        targetPrincipal: `arn:aws:iam::${EXAMPLE_ORG_ACCOUNT}:root`,
        taskPolicyArn: { arn: rootTaskArn('IAMAuditRootUserCredentials') },
      },
      response: { credentials },
    }),
  },
  {
    name: 'AssumeRoot refused by an SCP issues no session (near miss)',
    expect: false,
    event: stsCall('AssumeRoot', {
      actor: iamUser('CompromisedUser'),
      request: {
        targetPrincipal: EXAMPLE_ORG_ACCOUNT,
        taskPolicyArn: { arn: rootTaskArn('IAMCreateRootUserPassword') },
      },
      errorCode: 'AccessDenied',
    }),
  },
  {
    name: 'AssumeRoot sent to the global STS endpoint is rejected',
    expect: false,
    event: stsCall('AssumeRoot', {
      actor: actors.sso,
      request: {
        targetPrincipal: EXAMPLE_ORG_ACCOUNT,
        taskPolicyArn: { arn: rootTaskArn('IAMAuditRootUserCredentials') },
      },
      errorCode: 'InvalidOperation',
      errorMessage: 'The global endpoint is not supported for AssumeRoot. Use a Regional STS endpoint.',
    }),
  },
]);
