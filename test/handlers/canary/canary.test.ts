/**
 * The canary function at the wire: the real IAMClient against moto's IAM. TagRole really changes the
 * role's tags; a second run overwrites the value; a missing role is an error the platform retries.
 */
import {
  CreateRoleCommand,
  IAMClient,
  ListRoleTagsCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCanaryHandler } from '../../../handlers/canary/handler';
import { silentLogger } from '../../../handlers/shared/logger';
import { CANARY_TAG_KEY } from '../../../rules/canary';
import { describeWithMoto, type MotoServer, startMoto } from '../../support/moto';

const ROLE = 'iamwatch-canary';

describeWithMoto('canary function against moto IAM', () => {
  let moto: MotoServer;
  let iam: IAMClient;

  beforeAll(async () => {
    moto = await startMoto();
    iam = new IAMClient(moto.clientConfig('us-east-1'));
    await iam.send(
      new CreateRoleCommand({
        RoleName: ROLE,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::123456789012:root' },
              Action: 'sts:AssumeRole',
              Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::123456789012:role/${ROLE}` } },
            },
          ],
        }),
      }),
    );
  }, 60_000);
  afterAll(async () => {
    iam?.destroy();
    await moto?.close();
  });

  const tagsOf = async (roleName: string) =>
    (await iam.send(new ListRoleTagsCommand({ RoleName: roleName }))).Tags ?? [];

  it('tags the canary role with the time of the write, and overwrites it on the next run', async () => {
    let now = new Date('2026-12-02T12:00:02.871Z');
    const run = createCanaryHandler({
      iam,
      roleName: ROLE,
      clock: { now: () => now },
      logger: silentLogger,
    });

    expect(await run()).toEqual({ roleName: ROLE, at: '2026-12-02T12:00:02.871Z' });
    expect(await tagsOf(ROLE)).toEqual([{ Key: CANARY_TAG_KEY, Value: '2026-12-02T12:00:02.871Z' }]);

    now = new Date('2026-12-02T12:15:02.004Z');
    await run();
    expect(await tagsOf(ROLE)).toEqual([{ Key: CANARY_TAG_KEY, Value: '2026-12-02T12:15:02.004Z' }]);
  });

  it('fails, for Lambda to retry, when the role is missing', async () => {
    const run = createCanaryHandler({
      iam,
      roleName: 'no-such-role',
      clock: { now: () => new Date('2026-12-02T12:00:00Z') },
      logger: silentLogger,
    });
    await expect(run()).rejects.toBeInstanceOf(NoSuchEntityException);
  });
});
