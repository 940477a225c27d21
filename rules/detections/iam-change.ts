import { isCredentialCall, MUTATING_PREFIXES } from '../cloudtrail/verbs';
import { actors, awsService, iamCall, orgCall, ssoCall } from '../examples';
import {
  ATTACK,
  actorLabel,
  attackReference,
  defineDetection,
  IAM_CONTROL_PLANE_SOURCES,
  succeeded,
} from './define';

/**
 * The catch-all: every successful mutating IAM, Organizations or Identity Center call on which no
 * other detection fired, so the ledger is a complete history of IAM changes.
 */
export const iamChange = defineDetection({
  id: 'iam-change',
  title: (e) => `${e.eventName}${e.target?.name ? ` on ${e.target.name}` : ''} by ${actorLabel(e.actor)}`,
  severity: 'info',
  description:
    'A successful mutating call to IAM, Organizations or Identity Center that no specific detection ' +
    'covers (tagging, groups, instance profiles, OUs …). Recorded so the ledger answers "what changed" ' +
    'completely; not alert-worthy on its own. AWS service events (e.g. CreateAccountResult) are not calls, ' +
    'and end-user credential calls (`aws sso login` tokens, access-portal federation) are sign-ins, not changes.',
  runbook: 'Informational. Use it in investigations: `iamwatch history --actor …` / `--target …`.',
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html',
    attackReference(ATTACK.accountManipulation),
  ],
  mitre: [ATTACK.accountManipulation],
  falsePositives: ['By design: every routine change lands here.'],
  trigger: { sources: IAM_CONTROL_PLANE_SOURCES, eventNamePrefixes: MUTATING_PREFIXES },
  fallback: true,
  match: (e) =>
    succeeded(e) &&
    !e.readOnly &&
    e.eventType !== 'AwsServiceEvent' &&
    !isCredentialCall(e.eventSource, e.eventName),
  examples: [
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
  ],
});
