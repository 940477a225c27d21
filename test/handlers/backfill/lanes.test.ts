import { describe, expect, it } from 'vitest';
import { LaneOptionsError, resolveLanes } from '../../../handlers/backfill/lanes';

const base = { regions: ['us-east-1'], roleArns: [], accounts: [], organizationAccountIds: [] };

describe('resolveLanes', () => {
  it('reads the caller’s own account when nothing else is named', () => {
    expect(resolveLanes(base)).toEqual([{ account: 'default', region: 'us-east-1' }]);
    expect(
      resolveLanes({ ...base, accounts: ['111122223333'], regions: ['us-east-1', 'eu-north-1'] }),
    ).toEqual([
      { account: '111122223333', region: 'us-east-1' },
      { account: '111122223333', region: 'eu-north-1' },
    ]);
  });

  it('assumes one role per account, from --role-arn or --role-name with the accounts', () => {
    expect(
      resolveLanes({ ...base, roleArns: ['arn:aws:iam::222233334444:role/audit/iamwatch-read'] }),
    ).toEqual([
      {
        account: '222233334444',
        region: 'us-east-1',
        roleArn: 'arn:aws:iam::222233334444:role/audit/iamwatch-read',
      },
    ]);
    const lanes = resolveLanes({
      ...base,
      roleName: 'iamwatch-read',
      organizationAccountIds: ['111122223333', '222233334444'],
    });
    expect(lanes.map((l) => l.roleArn)).toEqual([
      'arn:aws:iam::111122223333:role/iamwatch-read',
      'arn:aws:iam::222233334444:role/iamwatch-read',
    ]);
    expect(
      resolveLanes({
        ...base,
        roleName: 'r',
        accounts: ['333344445555'],
        organizationAccountIds: ['111122223333'],
      }),
    ).toEqual([
      { account: '333344445555', region: 'us-east-1', roleArn: 'arn:aws:iam::333344445555:role/r' },
    ]);
  });

  it('rejects options that do not name a set of accounts', () => {
    expect(() => resolveLanes({ ...base, accounts: ['111122223333', '222233334444'] })).toThrow(
      /--role-name/,
    );
    expect(() => resolveLanes({ ...base, roleName: 'r' })).toThrow(/--accounts/);
    expect(() => resolveLanes({ ...base, accounts: ['1234'] })).toThrow(LaneOptionsError);
    expect(() => resolveLanes({ ...base, roleArns: ['arn:aws:iam::111122223333:user/bob'] })).toThrow(
      /role ARN/,
    );
    expect(() => resolveLanes({ ...base, regions: ['us-east'] })).toThrow(/region/);
    expect(() =>
      resolveLanes({ ...base, roleArns: ['arn:aws:iam::111122223333:role/r'], roleName: 'r' }),
    ).toThrow(/cannot be combined/);
  });
});
