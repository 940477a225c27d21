import { describe, expect, it } from 'vitest';
import { makeContext } from '../../../rules/context';
import {
  EXAMPLE_ACCOUNT,
  EXAMPLE_EXTERNAL_ACCOUNT,
  EXAMPLE_ORG_ACCOUNT,
  iamCall,
  ssoCall,
  trustPolicy,
} from '../../../rules/examples';
import {
  DIFF_ITEM_CHARS,
  DIFF_LIST_ITEMS,
  describeStatement,
  diffPolicyDocuments,
} from '../../../rules/policy/diff';
import { policyVersionOf } from '../../../rules/policy/versions';
import { text } from './support';

const context = makeContext({ organizationAccountIds: [EXAMPLE_ACCOUNT, EXAMPLE_ORG_ACCOUNT] });
const ec2Trust = trustPolicy({ Service: 'ec2.amazonaws.com' });
const assume = (principal: unknown, condition?: Record<string, unknown>) => {
  const statement: Record<string, unknown> = {
    Effect: 'Allow',
    Principal: principal,
    Action: 'sts:AssumeRole',
  };
  if (condition) statement.Condition = condition;
  return statement;
};

describe('diffPolicyDocuments: trust policies', () => {
  it('names a newly trusted account outside the organization', () => {
    const after = text(
      assume({ Service: 'ec2.amazonaws.com' }),
      assume({ AWS: `arn:aws:iam::${EXAMPLE_EXTERNAL_ACCOUNT}:root` }),
    );
    const diff = diffPolicyDocuments('trust', ec2Trust, after, { context, accountId: EXAMPLE_ACCOUNT });
    expect(diff.status).toBe('changed');
    expect(diff.principalsAdded).toEqual({
      items: [
        `AWS arn:aws:iam::${EXAMPLE_EXTERNAL_ACCOUNT}:root (account ${EXAMPLE_EXTERNAL_ACCOUNT} outside the organization)`,
      ],
      total: 1,
    });
    expect(diff.principalsRemoved).toBeUndefined();
    expect(diff.statementsAdded?.items).toEqual([
      `Allow sts:AssumeRole for AWS arn:aws:iam::${EXAMPLE_EXTERNAL_ACCOUNT}:root`,
    ]);
    expect(diff.statementsRemoved).toBeUndefined();
    // The action was already allowed (to ec2): no action is new.
    expect(diff.actionsAdded).toBeUndefined();
  });

  it('does not mark an organization account as external', () => {
    const after = text(assume({ AWS: EXAMPLE_ORG_ACCOUNT }));
    const diff = diffPolicyDocuments('trust', ec2Trust, after, { context, accountId: EXAMPLE_ACCOUNT });
    expect(diff.principalsAdded?.items).toEqual([`AWS ${EXAMPLE_ORG_ACCOUNT}`]);
    expect(diff.principalsRemoved?.items).toEqual(['Service ec2.amazonaws.com']);
  });

  it('marks `*` without a condition as public, with a condition as limited by it', () => {
    const open = diffPolicyDocuments('trust', ec2Trust, text(assume('*')), { context });
    expect(open.principalsAdded?.items).toEqual(['anyone (*) (public, no condition)']);
    const guarded = diffPolicyDocuments(
      'trust',
      ec2Trust,
      text(assume({ AWS: '*' }, { StringEquals: { 'sts:ExternalId': '12345' } })),
      { context },
    );
    expect(guarded.principalsAdded?.items).toEqual(['anyone (*) (public, limited only by a condition)']);
    expect(guarded.statementsAdded?.items[0]).toContain('when StringEquals sts:ExternalId=12345');
  });

  it('lists federated principals added and removed', () => {
    const before = text(assume({ Federated: 'arn:aws:iam::111122223333:saml-provider/Okta' }));
    const after = text({
      ...assume({ Federated: 'token.actions.githubusercontent.com' }),
      Action: 'sts:AssumeRoleWithWebIdentity',
    });
    const diff = diffPolicyDocuments('trust', before, after, { context });
    expect(diff.principalsAdded?.items).toEqual(['Federated token.actions.githubusercontent.com']);
    expect(diff.principalsRemoved?.items).toEqual(['Federated arn:aws:iam::111122223333:saml-provider/Okta']);
    expect(diff.actionsAdded?.items).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(diff.actionsRemoved?.items).toEqual(['sts:AssumeRole']);
  });

  it('reads NotPrincipal in an Allow as everyone but the listed principals', () => {
    const after = text({
      Effect: 'Allow',
      NotPrincipal: { AWS: 'arn:aws:iam::111122223333:user/eve' },
      Action: 'sts:AssumeRole',
    });
    const diff = diffPolicyDocuments('trust', ec2Trust, after, { context });
    expect(diff.principalsAdded?.items).toEqual([
      'everyone except AWS arn:aws:iam::111122223333:user/eve (public, no condition)',
    ]);
  });
});

describe('diffPolicyDocuments: permission policies', () => {
  const s3Read = { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' };

  it('lists statements and actions added and removed (managed policy version)', () => {
    const before = text(s3Read);
    const after = text(s3Read, {
      Sid: 'Escalate',
      Effect: 'Allow',
      Action: ['iam:PassRole', 's3:GetObject'],
      Resource: '*',
    });
    const diff = diffPolicyDocuments('managed', before, after);
    expect(diff).toEqual({
      status: 'changed',
      kind: 'managed',
      statementsAdded: { items: ['[Escalate] Allow iam:PassRole, s3:GetObject on *'], total: 1 },
      actionsAdded: { items: ['iam:PassRole'], total: 1 },
    });
  });

  it('does not count an action a previous wildcard covered as newly allowed', () => {
    const diff = diffPolicyDocuments(
      'inline',
      text({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
      text({ Effect: 'Allow', Action: 'S3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
    );
    expect(diff.actionsAdded).toBeUndefined();
    expect(diff.actionsRemoved?.items).toEqual(['s3:*']);
  });

  it('reports a NotAction Allow as every action except the listed ones', () => {
    const diff = diffPolicyDocuments(
      'permission-set',
      text(s3Read),
      text({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }),
    );
    expect(diff.actionsAdded?.items).toEqual(['every action except iam:*, organizations:*']);
    expect(diff.statementsAdded?.items).toEqual(['Allow every action except iam:*, organizations:* on *']);
    // Both s3 actions are still allowed through the NotAction.
    expect(diff.actionsRemoved).toBeUndefined();
  });

  it('treats Statement as object or list, Action as string or list, order, case and Sid alike', () => {
    const before = JSON.stringify({
      Version: '2012-10-17',
      Statement: { Sid: 'A', Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b/*'] },
    });
    const after = JSON.stringify({
      Statement: [
        { Resource: 'arn:aws:s3:::b/*', Action: ['S3:GetObject', 's3:getobject'], Effect: 'Allow' },
      ],
      Version: '2012-10-17',
    });
    expect(diffPolicyDocuments('inline', before, after)).toEqual({ status: 'unchanged', kind: 'inline' });
  });

  it('reads URL-encoded documents (form encoding too)', () => {
    const encoded = encodeURIComponent(text(s3Read)).replace(/%20/g, '+');
    const diff = diffPolicyDocuments(
      'inline',
      encoded,
      text(s3Read, { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }),
    );
    expect(diff.status).toBe('changed');
    expect(diff.statementsAdded?.items).toEqual(['Deny s3:DeleteObject on *']);
    expect(diff.actionsAdded).toBeUndefined();
  });

  it('says identical documents did not change', () => {
    expect(diffPolicyDocuments('managed', text(s3Read), text(s3Read)).status).toBe('unchanged');
  });

  it('says `unreadable` for a malformed previous document, never throwing', () => {
    for (const previous of ['{"Statement": [', '%E0%A4%A', { Statement: [{ Action: 7 }] }, 42, null]) {
      expect(diffPolicyDocuments('inline', previous, text(s3Read))).toEqual({
        status: 'unreadable',
        kind: 'inline',
      });
    }
  });

  it('keeps lists and items short whatever the document holds', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      Effect: 'Allow',
      Action: `svc${i}:${'x'.repeat(400)}`,
      Resource: '*',
    }));
    const diff = diffPolicyDocuments('inline', text(s3Read), text(...many));
    expect(diff.statementsAdded?.total).toBe(50);
    expect(diff.statementsAdded?.items).toHaveLength(DIFF_LIST_ITEMS);
    expect(diff.actionsAdded?.total).toBe(50);
    for (const item of [...(diff.statementsAdded?.items ?? []), ...(diff.actionsAdded?.items ?? [])]) {
      expect(item.length).toBeLessThanOrEqual(DIFF_ITEM_CHARS);
    }
    expect(JSON.stringify(diff).length).toBeLessThan(8_000);
  });

  it('describes a statement on one line with its parts', () => {
    expect(
      describeStatement({
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: ['arn:aws:iam::999988887777:root', '444455556666'] },
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      }),
    ).toBe(
      'Allow sts:AssumeRole for AWS arn:aws:iam::999988887777:root, AWS 444455556666 when Bool aws:MultiFactorAuthPresent=true',
    );
  });
});

describe('policyVersionOf: the identity of each policy kind', () => {
  it('trust: role name and account, CreateRole is a previous version, UpdateAssumeRolePolicy is diffed', () => {
    const created = policyVersionOf(
      iamCall('CreateRole', { request: { roleName: 'Deploy', assumeRolePolicyDocument: ec2Trust } }),
      EXAMPLE_ACCOUNT,
    );
    const updated = policyVersionOf(
      iamCall('UpdateAssumeRolePolicy', { request: { roleName: 'deploy', policyDocument: ec2Trust } }),
      EXAMPLE_ACCOUNT,
    );
    expect(created?.identity).toBe(updated?.identity);
    expect([created?.diffed, updated?.diffed]).toEqual([false, true]);
    expect(created?.document).toBe(ec2Trust);
    expect(updated?.lookup).toEqual({ target: 'role/deploy', account: EXAMPLE_ACCOUNT });
    const elsewhere = policyVersionOf(
      iamCall('UpdateAssumeRolePolicy', { request: { roleName: 'deploy', policyDocument: ec2Trust } }),
      EXAMPLE_ORG_ACCOUNT,
    );
    expect(elsewhere?.identity).not.toBe(updated?.identity);
  });

  it('managed: the policy ARN, from CreatePolicy’s response and CreatePolicyVersion’s request', () => {
    const arn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:policy/team/deploy`;
    const created = policyVersionOf(
      iamCall('CreatePolicy', {
        request: { policyName: 'deploy', policyDocument: '{}' },
        response: { policy: { arn } },
      }),
      EXAMPLE_ACCOUNT,
    );
    const version = policyVersionOf(
      iamCall('CreatePolicyVersion', {
        request: { policyArn: arn, policyDocument: '{}', setAsDefault: true },
      }),
      EXAMPLE_ACCOUNT,
    );
    expect(created?.identity).toBe(`managed#${arn}`);
    expect(version?.identity).toBe(created?.identity);
    expect(version?.lookup).toEqual({ target: arn });
  });

  it('inline: principal kind, principal name and policy name', () => {
    const of = (eventName: string, request: Record<string, unknown>) =>
      policyVersionOf(
        iamCall(eventName, { request: { policyName: 'p', policyDocument: '{}', ...request } }),
        EXAMPLE_ACCOUNT,
      )?.identity;
    const user = of('PutUserPolicy', { userName: 'bob' });
    expect(
      new Set([user, of('PutGroupPolicy', { groupName: 'bob' }), of('PutRolePolicy', { roleName: 'bob' })])
        .size,
    ).toBe(3);
    expect(of('PutUserPolicy', { userName: 'BOB', policyName: 'P' })).toBe(user);
    expect(of('PutUserPolicy', { userName: 'bob', policyName: 'other' })).not.toBe(user);
  });

  it('permission set: instance and permission set ARN, the document from inlinePolicy', () => {
    const request = {
      instanceArn: 'arn:aws:sso:::instance/ssoins-1111111111111111',
      permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222',
      inlinePolicy: '{"Statement":[]}',
    };
    const version = policyVersionOf(ssoCall('PutInlinePolicyToPermissionSet', { request }), EXAMPLE_ACCOUNT);
    expect(version?.kind).toBe('permission-set');
    expect(version?.document).toBe(request.inlinePolicy);
    expect(version?.lookup).toEqual({ target: request.permissionSetArn, account: EXAMPLE_ACCOUNT });
  });

  it('deleting an inline policy writes an empty version that is never diffed itself', () => {
    const put = policyVersionOf(
      iamCall('PutGroupPolicy', { request: { groupName: 'ops', policyName: 'p', policyDocument: '{}' } }),
      EXAMPLE_ACCOUNT,
    );
    const deleted = policyVersionOf(
      iamCall('DeleteGroupPolicy', { request: { groupName: 'ops', policyName: 'p' } }),
      EXAMPLE_ACCOUNT,
    );
    expect(deleted).toMatchObject({ identity: put?.identity, diffed: false, document: { Statement: [] } });
    const request = {
      instanceArn: 'arn:aws:sso:::instance/ssoins-1111111111111111',
      permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222',
    };
    const setDeleted = policyVersionOf(
      ssoCall('DeleteInlinePolicyFromPermissionSet', { request }),
      EXAMPLE_ACCOUNT,
    );
    const setPut = policyVersionOf(
      ssoCall('PutInlinePolicyToPermissionSet', { request: { ...request, inlinePolicy: '{}' } }),
      EXAMPLE_ACCOUNT,
    );
    expect(setDeleted?.identity).toBe(setPut?.identity);
    expect(setDeleted?.diffed).toBe(false);
  });

  it('failed calls and other events write no version', () => {
    expect(
      policyVersionOf(
        iamCall('PutUserPolicy', { request: { userName: 'b', policyName: 'p' }, errorCode: 'AccessDenied' }),
        EXAMPLE_ACCOUNT,
      ),
    ).toBeUndefined();
    expect(
      policyVersionOf(iamCall('AttachUserPolicy', { request: { userName: 'b' } }), EXAMPLE_ACCOUNT),
    ).toBeUndefined();
  });
});
