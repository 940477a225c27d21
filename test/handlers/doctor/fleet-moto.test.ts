/**
 * The fleet checks over the real SDK ports against moto_server: a healthy fleet passes, and each fault
 * moto can produce is named (missing instance, missing/disabled/edited forwarder rule, non-empty
 * dead-letter queue, alarm in ALARM, placeholder Slack secret). Instance statuses other than CURRENT,
 * PendingConfirmation subscriptions and denied access are beyond moto: fleet-checks.test.ts feeds them.
 */

import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  DeleteRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PurgeQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, expect, it } from 'vitest';
import type { SdkSettings } from '../../../handlers/backfill/client';
import {
  callerAccount,
  centralPort,
  forwarderPort,
  notificationPort,
  stackSetPort,
} from '../../../handlers/doctor/aws-ports';
import type { Check } from '../../../handlers/doctor/check';
import { checkFleet, type FleetCheckOptions, type FleetPorts } from '../../../handlers/doctor/fleet-checks';
import { expectedForwarderRules } from '../../../handlers/doctor/forwarder-checks';
import { describeWithMoto, MOTO_CREDENTIALS, useMoto } from '../../support/moto';
import { deepFleetOptions, PATTERNS, PLACEMENT } from './support/fleet';
import {
  ALARM,
  buildMotoFleet,
  type MotoFleet,
  ROLE_NAME,
  SLACK_SECRET,
  WEBHOOK,
} from './support/moto-fleet';

const notPassed = (checks: readonly Check[]) => checks.filter((c) => c.status !== 'pass');

describeWithMoto('fleet checks on moto', () => {
  const moto = useMoto();
  let fleet: MotoFleet;
  let sdk: SdkSettings;
  let ports: FleetPorts;
  let options: FleetCheckOptions;

  beforeAll(async () => {
    fleet = await buildMotoFleet(moto);
    sdk = {
      endpoint: moto.endpoint,
      stsEndpoint: moto.endpoint,
      credentials: MOTO_CREDENTIALS,
      maxAttempts: 2,
    };
    ports = {
      stackSet: stackSetPort(sdk, 'us-east-1', 'SELF'),
      forwarders: forwarderPort(sdk, ROLE_NAME, await callerAccount(sdk, 'us-east-1')),
      central: centralPort(sdk, 'us-east-1'),
      notifications: notificationPort(sdk, 'us-east-1'),
    };
    options = deepFleetOptions(
      [{ accountId: fleet.managementAccountId, accountName: 'management' }, ...fleet.members],
      new Date(),
    );
  }, 120_000);

  it('passes a healthy fleet (heartbeats aside: no table here)', async () => {
    const checks = await checkFleet(ports, options);
    expect(notPassed(checks).map((c) => c.id)).toEqual(['heartbeats:store']);
    expect(checks.find((c) => c.id === 'stackset:instances')?.detail).toBe(
      '4 of 4 instances CURRENT (2 accounts × 2 regions: us-east-1, eu-west-1)',
    );
    expect(checks.filter((c) => c.group === 'forwarders' && c.status === 'pass')).toHaveLength(6);
    expect(checks.find((c) => c.id === 'central:bus-policy')?.detail).toMatch(/^closed/);
    expect(checks.find((c) => c.id === `slack:${SLACK_SECRET}`)?.status).toBe('pass');
  });

  it('names a forwarder rule that is missing, disabled or carries another pattern, in the member account', async () => {
    const [prod, dev] = fleet.members;
    const inProd = new EventBridgeClient(await fleet.configFor(prod?.accountId ?? '', 'eu-west-1'));
    const inDev = new EventBridgeClient(await fleet.configFor(dev?.accountId ?? '', 'us-east-1'));
    const signIn = expectedForwarderRules(PATTERNS, 'eu-west-1', PLACEMENT, 'iamwatch').find(
      (r) => r.name === 'iamwatch-fwd-signin-1',
    );
    try {
      await inProd.send(new DisableRuleCommand({ Name: 'iamwatch-fwd-sts-1' }));
      await inProd.send(
        new PutRuleCommand({ Name: 'iamwatch-fwd-signin-1', EventPattern: '{"source":["aws.signin"]}' }),
      );
      await inDev.send(new DeleteRuleCommand({ Name: 'iamwatch-fwd-iam-1' }));
      const checks = notPassed(await checkFleet(ports, options)).filter((c) => c.group === 'forwarders');
      expect(checks.map((c) => c.id)).toEqual([
        `forwarders:${prod?.accountId}:eu-west-1`,
        `forwarders:${dev?.accountId}:us-east-1`,
      ]);
      expect(checks[0]?.title).toBe(`payments-prod (${prod?.accountId}) eu-west-1`);
      expect(checks[0]?.detail).toContain(
        'iamwatch-fwd-sts-1 is DISABLED, not ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      );
      expect(checks[0]?.detail).toContain(
        'pattern differs from the derived one (edited by hand, or an old deployment): iamwatch-fwd-signin-1',
      );
      expect(checks[1]?.detail).toBe('missing: iamwatch-fwd-iam-1');
    } finally {
      await inProd.send(new EnableRuleCommand({ Name: 'iamwatch-fwd-sts-1' }));
      await inProd.send(
        new PutRuleCommand({
          Name: 'iamwatch-fwd-sts-1',
          State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
          EventPattern: JSON.stringify(
            expectedForwarderRules(PATTERNS, 'eu-west-1', PLACEMENT, 'iamwatch').find(
              (r) => r.name === 'iamwatch-fwd-sts-1',
            )?.pattern,
          ),
        }),
      );
      await inProd.send(
        new PutRuleCommand({
          Name: 'iamwatch-fwd-signin-1',
          State: 'ENABLED',
          EventPattern: JSON.stringify(signIn?.pattern),
        }),
      );
      const iam = expectedForwarderRules(PATTERNS, 'us-east-1', PLACEMENT, 'iamwatch').find(
        (r) => r.name === 'iamwatch-fwd-iam-1',
      );
      await inDev.send(
        new PutRuleCommand({
          Name: 'iamwatch-fwd-iam-1',
          State: 'ENABLED',
          EventPattern: JSON.stringify(iam?.pattern),
        }),
      );
      inProd.destroy();
      inDev.destroy();
    }
    expect(notPassed(await checkFleet(ports, options)).map((c) => c.id)).toEqual(['heartbeats:store']);
  });

  it('names a non-empty dead-letter queue, an alarm in ALARM and a placeholder Slack secret', async () => {
    const home = moto.clientConfig();
    const sqs = new SQSClient(home);
    const cloudWatch = new CloudWatchClient(home);
    const secrets = new SecretsManagerClient(home);
    try {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: fleet.queueUrl('iamwatch-notify-failures'), MessageBody: '{}' }),
      );
      await cloudWatch.send(
        new SetAlarmStateCommand({
          AlarmName: ALARM,
          StateValue: 'ALARM',
          StateReason: 'Threshold Crossed: 1 datapoint',
        }),
      );
      await secrets.send(
        new PutSecretValueCommand({ SecretId: SLACK_SECRET, SecretString: 'pLaceh0lder-r4ndom-value' }),
      );
      const checks = notPassed(await checkFleet(ports, options));
      expect(checks.map((c) => `${c.id} ${c.status}`)).toEqual([
        'heartbeats:store warn',
        'central:dlq:iamwatch-notify-failures fail',
        `central:alarm:${ALARM} fail`,
        `slack:${SLACK_SECRET} fail`,
      ]);
      expect(checks[1]?.detail).toMatch(/^1 message waiting/);
      expect(checks[2]?.detail).toContain('Threshold Crossed: 1 datapoint');
      expect(checks[3]?.detail).toContain(`aws secretsmanager put-secret-value --secret-id ${SLACK_SECRET}`);
      expect(JSON.stringify(checks)).not.toContain('pLaceh0lder');
    } finally {
      await sqs.send(new PurgeQueueCommand({ QueueUrl: fleet.queueUrl('iamwatch-notify-failures') }));
      await cloudWatch.send(
        new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: 'OK', StateReason: 'test over' }),
      );
      await secrets.send(new PutSecretValueCommand({ SecretId: SLACK_SECRET, SecretString: WEBHOOK }));
      sqs.destroy();
      cloudWatch.destroy();
      secrets.destroy();
    }
  });

  it('names the instances missing for an account that joined after the StackSet was deployed', async () => {
    const organizations = new OrganizationsClient(moto.clientConfig());
    const joined = await organizations.send(
      new CreateAccountCommand({ AccountName: 'late-joiner', Email: 'late@example.com' }),
    );
    organizations.destroy();
    const accountId = joined.CreateAccountStatus?.AccountId ?? '';
    const checks = await checkFleet(ports, {
      ...options,
      accounts: [...options.accounts, { accountId, accountName: 'late-joiner' }],
      deep: false,
      sampleSize: 1,
    });
    const stackSet = notPassed(checks).filter((c) => c.group === 'stackset');
    expect(stackSet.map((c) => c.id)).toEqual([
      'stackset:instances',
      `stackset:${accountId}:us-east-1`,
      `stackset:${accountId}:eu-west-1`,
    ]);
    expect(stackSet[1]?.detail).toContain('no stack instance');
  });
});
