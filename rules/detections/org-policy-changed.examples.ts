import { actors, defineExamples, orgCall } from '../examples';
import { orgPolicyChanged } from './org-policy-changed';

export const orgPolicyChangedExamples = defineExamples(orgPolicyChanged, [
  {
    name: 'an SCP detached from an OU',
    expect: true,
    event: orgCall('DetachPolicy', { request: { policyId: 'p-bvdv3rx3', targetId: 'ou-ab12-cdef3456' } }),
  },
  {
    name: 'SCPs disabled on the root',
    expect: true,
    event: orgCall('DisablePolicyType', {
      actor: actors.root,
      request: { rootId: 'r-bmrv', policyType: 'SERVICE_CONTROL_POLICY' },
    }),
  },
  {
    name: 'attach fails because SCPs are not enabled (near miss)',
    expect: false,
    event: orgCall('AttachPolicy', {
      request: { policyId: 'p-examplepolicyid111', targetId: 'ou-examplerootid111-exampleouid111' },
      errorCode: 'PolicyTypeNotEnabledException',
    }),
  },
]);
