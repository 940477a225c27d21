import { actors, defineExamples, iamCall, rootUser } from '../examples';
import { rootAccessKeyCreated } from './root-access-key-created';

export const rootAccessKeyCreatedExamples = defineExamples(rootAccessKeyCreated, [
  {
    name: 'root creates its own access key',
    expect: true,
    severity: 'critical',
    event: iamCall('CreateAccessKey', {
      actor: actors.root,
      response: { accessKey: { accessKeyId: 'AKIAROOTNEWKEY', status: 'Active' } },
    }),
  },
  {
    name: "a key call an AWS service made on the root user's behalf (invokedBy, near miss)",
    expect: false,
    event: iamCall('CreateAccessKey', { actor: { ...rootUser(), invokedBy: 'sso.amazonaws.com' } }),
  },
  {
    name: 'root creates a key for IAM user bob is not a root key (near miss)',
    expect: false,
    event: iamCall('CreateAccessKey', { actor: actors.root, request: { userName: 'bob' } }),
  },
  {
    name: 'an IAM user named "root" creating its own key is not the root user',
    expect: false,
    event: iamCall('CreateAccessKey', {
      actor: { ...actors.bob, userName: 'root', arn: 'arn:aws:iam::111122223333:user/root' },
    }),
  },
]);
