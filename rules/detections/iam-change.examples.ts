import { actors, awsService, defineExamples, iamCall, orgCall, ssoCall } from '../examples';
import { iamChange } from './iam-change';

export const iamChangeExamples = defineExamples(iamChange, [
  {
    name: 'a user tagged',
    expect: true,
    severity: 'info',
    event: iamCall('TagUser', { request: { userName: 'bob', tags: [{ key: 'team', value: 'payments' }] } }),
  },
  {
    name: 'a service-linked role created for an AWS service',
    expect: true,
    event: iamCall('CreateServiceLinkedRole', {
      actor: actors.sso,
      request: { aWSServiceName: 'resource-explorer-2.amazonaws.com' },
      response: {
        role: {
          roleName: 'AWSServiceRoleForResourceExplorer',
          path: '/aws-service-role/resource-explorer-2.amazonaws.com/',
          arn: 'arn:aws:iam::111122223333:role/aws-service-role/resource-explorer-2.amazonaws.com/AWSServiceRoleForResourceExplorer',
        },
      },
    }),
  },
  {
    name: 'an OU created',
    expect: true,
    event: orgCall('CreateOrganizationalUnit', { request: { name: 'Sandbox', parentId: 'r-a1b2' } }),
  },
  {
    name: 'a failed change is not a change (near miss)',
    expect: false,
    event: iamCall('TagUser', { request: { userName: 'nobody' }, errorCode: 'NoSuchEntity' }),
  },
  {
    name: 'a token minted for `aws sso login` is a sign-in, not a change (near miss)',
    expect: false,
    event: ssoCall('CreateToken', {
      actor: { type: 'Unknown', principalId: '111122223333', accountId: '111122223333' },
      request: { clientId: 'example-client', grantType: 'urn:ietf:params:oauth:grant-type:device_code' },
    }),
  },
  {
    name: 'an AWS service event is not a call',
    expect: false,
    event: orgCall('CreateAccountResult', {
      actor: awsService('organizations.amazonaws.com'),
      eventType: 'AwsServiceEvent',
    }),
  },
]);
