import { isRootTarget, isSamePrincipal } from '../target';
import { ATTACK, actorLabel, apiReference, defineDetection, succeeded } from './define';

const accessKeyId = (response: Record<string, unknown>): string | undefined => {
  const key = response.accessKey;
  if (key === null || typeof key !== 'object') return undefined;
  const id = (key as Record<string, unknown>).accessKeyId;
  return typeof id === 'string' ? id : undefined;
};

/** An IAM user mints an access key for itself: a new long-term credential. */
export const iamAccessKeyCreated = defineDetection({
  id: 'iam-access-key-created',
  title: (e) => {
    const id = accessKeyId(e.response);
    return `Access key ${id ? `${id} ` : ''}created by ${actorLabel(e.actor)} for their own user`;
  },
  severity: 'medium',
  description:
    'An IAM user created an access key for itself. Access keys are long-term credentials that work ' +
    'from anywhere until rotated; a stolen console session often mints one to keep access.',
  runbook: [
    'Ask the user whether they created the key, from where, and what for.',
    'Compare the source IP and user agent with their usual ones (`iamwatch history --actor <user>`).',
    'If not theirs: deactivate the key (UpdateAccessKey Inactive), reset the password, revoke sessions.',
  ],
  references: [
    apiReference.iam('CreateAccessKey'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
  ],
  mitre: [ATTACK.additionalCloudCredentials],
  falsePositives: ['Developers rotating their own keys.'],
  trigger: { sources: ['aws.iam'], eventNames: ['CreateAccessKey'] },
  match: (e) => succeeded(e) && !!e.target && !isRootTarget(e.target) && isSamePrincipal(e.actor, e.target),
});
