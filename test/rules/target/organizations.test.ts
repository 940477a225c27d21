import { describe } from 'vitest';
import { iamUser } from '../../../rules/examples';
import { itExtractsTargets, resource, type TargetCase } from './support';

const CASES: Record<string, TargetCase> = {
  'aws.organizations LeaveOrganization': {
    options: { actor: iamUser('admin', '444455556666') },
    target: { type: 'account', name: '444455556666', accountId: '444455556666' },
  },
  'aws.organizations RemoveAccountFromOrganization': {
    options: { request: { accountId: '444455556666' } },
    target: { type: 'account', name: '444455556666', accountId: '444455556666' },
  },
  'aws.organizations CreateAccount': {
    options: {
      request: { accountName: 'sandbox', email: 'a@example.com' },
      response: { createAccountStatus: { id: 'car-1', accountName: 'sandbox', accountId: '555566667777' } },
    },
    target: { type: 'account', name: 'sandbox', accountId: '555566667777' },
  },
  'aws.organizations CreateGovCloudAccount': {
    options: { request: { accountName: 'gov', email: 'g@example.com' } },
    target: { type: 'account', name: 'gov' },
  },
  'aws.organizations InviteAccountToOrganization': {
    options: { request: { target: { type: 'ACCOUNT', id: '999988887777' } } },
    target: { type: 'account', name: '999988887777', accountId: '999988887777' },
  },
  'aws.organizations CreatePolicy': {
    options: {
      request: { name: 'deny-leave', type: 'SERVICE_CONTROL_POLICY', content: '{}' },
      response: {
        policy: {
          policySummary: {
            id: 'p-1',
            name: 'deny-leave',
            arn: 'arn:aws:organizations::111122223333:policy/o-1/service_control_policy/p-1',
          },
        },
      },
    },
    target: {
      type: 'organization-policy',
      name: 'deny-leave',
      arn: 'arn:aws:organizations::111122223333:policy/o-1/service_control_policy/p-1',
    },
  },
  'aws.organizations UpdatePolicy': {
    options: { request: { policyId: 'p-bvdv3rx3', content: '{}' } },
    target: { type: 'organization-policy', name: 'p-bvdv3rx3' },
  },
  'aws.organizations DeletePolicy': {
    options: { request: { policyId: 'p-bvdv3rx3' } },
    target: { type: 'organization-policy', name: 'p-bvdv3rx3' },
  },
  'aws.organizations AttachPolicy': {
    options: { request: { policyId: 'p-bvdv3rx3', targetId: '444455556666' } },
    target: { type: 'account', name: '444455556666', accountId: '444455556666' },
  },
  'aws.organizations DetachPolicy': {
    options: { request: { policyId: 'p-bvdv3rx3', targetId: 'ou-ab12-cdef3456' } },
    target: { type: 'organizational-unit', name: 'ou-ab12-cdef3456' },
  },
  'aws.organizations EnablePolicyType': {
    options: { request: { rootId: 'r-bmrv', policyType: 'SERVICE_CONTROL_POLICY' } },
    target: resource('r-bmrv'),
  },
  'aws.organizations DisablePolicyType': {
    options: {
      request: { rootId: 'r-bmrv', policyType: 'SERVICE_CONTROL_POLICY' },
      response: { root: { id: 'r-bmrv', arn: 'arn:aws:organizations::111122223333:root/o-1/r-bmrv' } },
    },
    target: resource('r-bmrv', 'arn:aws:organizations::111122223333:root/o-1/r-bmrv'),
  },
};

describe('Organizations targets', () => {
  itExtractsTargets(['aws.organizations'], CASES);
});
