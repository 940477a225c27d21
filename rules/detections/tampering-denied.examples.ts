import { actors, assumedRole, cloudTrailCall, defineExamples, eventBridgeCall } from '../examples';
import { tamperingDenied } from './tampering-denied';

export const tamperingDeniedExamples = defineExamples(tamperingDenied, [
  {
    name: 'StopLogging on the organization trail blocked by an SCP',
    expect: true,
    severity: 'high',
    event: cloudTrailCall('StopLogging', {
      actor: assumedRole('admin', 'mallory'),
      request: { name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail' },
      errorCode: 'AccessDenied',
    }),
  },
  {
    name: 'a refused DisableRule on the iamwatch forwarder rule',
    expect: true,
    event: eventBridgeCall('DisableRule', {
      actor: actors.bob,
      request: { name: 'iamwatch-forward-iam', eventBusName: 'default' },
      errorCode: 'AccessDeniedException',
    }),
  },
  {
    name: 'a successful StopLogging is cloudtrail-logging-stopped, not this (near miss)',
    expect: false,
    event: cloudTrailCall('StopLogging', { request: { name: 'org-trail' } }),
  },
  {
    name: 'a refused DisableRule on an unrelated rule (near miss)',
    expect: false,
    event: eventBridgeCall('DisableRule', {
      actor: actors.bob,
      request: { name: 'nightly-report', eventBusName: 'default' },
      errorCode: 'AccessDeniedException',
    }),
  },
  {
    name: 'a trail update failing validation is not a denial (near miss)',
    expect: false,
    event: cloudTrailCall('UpdateTrail', {
      request: { name: 'org-trail', s3BucketName: 'missing-bucket' },
      errorCode: 'S3BucketDoesNotExistException',
    }),
  },
]);
