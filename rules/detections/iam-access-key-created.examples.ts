import { actors, defineExamples, iamCall } from '../examples';
import { iamAccessKeyCreated } from './iam-access-key-created';

export const iamAccessKeyCreatedExamples = defineExamples(iamAccessKeyCreated, [
  {
    name: 'bob creates his own key (no userName in the request)',
    expect: true,
    event: iamCall('CreateAccessKey', {
      actor: actors.bob,
      response: { accessKey: { userName: 'bob', accessKeyId: 'AKIANEWBOBKEY', status: 'Active' } },
    }),
  },
  {
    name: 'bob creates his own key naming himself',
    expect: true,
    event: iamCall('CreateAccessKey', { actor: actors.bob, request: { userName: 'bob' } }),
  },
  {
    name: 'alice creates a key for bob is not "for itself" (near miss)',
    expect: false,
    event: iamCall('CreateAccessKey', { actor: actors.alice, request: { userName: 'bob' } }),
  },
  {
    name: 'root creating its own key has its own detection',
    expect: false,
    event: iamCall('CreateAccessKey', {
      actor: actors.root,
      response: { accessKey: { accessKeyId: 'AKIAROOT' } },
    }),
  },
  {
    name: 'bob hits the two-key limit',
    expect: false,
    event: iamCall('CreateAccessKey', { actor: actors.bob, errorCode: 'LimitExceeded' }),
  },
]);
