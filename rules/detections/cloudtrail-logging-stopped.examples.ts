import { actors, cloudTrailCall, defineExamples } from '../examples';
import { cloudtrailLoggingStopped } from './cloudtrail-logging-stopped';

export const cloudtrailLoggingStoppedExamples = defineExamples(cloudtrailLoggingStopped, [
  {
    name: 'the organization trail stopped',
    expect: true,
    severity: 'critical',
    event: cloudTrailCall('StopLogging', {
      request: { name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail' },
    }),
  },
  {
    name: 'event selectors changed',
    expect: true,
    severity: 'high',
    event: cloudTrailCall('PutEventSelectors', {
      actor: actors.sso,
      request: {
        trailName: 'org-trail',
        eventSelectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: true }],
      },
    }),
  },
  {
    name: 'a refused StopLogging (near miss)',
    expect: false,
    event: cloudTrailCall('StopLogging', {
      actor: actors.bob,
      request: { name: 'org-trail' },
      errorCode: 'AccessDenied',
    }),
  },
]);
