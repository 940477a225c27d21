import { describe } from 'vitest';
import { itExtractsTargets, resource, type TargetCase } from './support';

const CASES: Record<string, TargetCase> = {
  // CloudTrail
  'aws.cloudtrail StopLogging': {
    options: { request: { name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail' } },
    target: {
      type: 'trail',
      name: 'org-trail',
      arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail',
    },
  },
  'aws.cloudtrail DeleteTrail': {
    options: { request: { name: 'org-trail' } },
    target: { type: 'trail', name: 'org-trail' },
  },
  'aws.cloudtrail UpdateTrail': {
    options: {
      request: { name: 'org-trail', isMultiRegionTrail: false },
      response: { name: 'org-trail', trailARN: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail' },
    },
    target: {
      type: 'trail',
      name: 'org-trail',
      arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail',
    },
  },
  'aws.cloudtrail PutEventSelectors': {
    options: { request: { trailName: 'org-trail', eventSelectors: [] } },
    target: { type: 'trail', name: 'org-trail' },
  },
  // EventBridge
  'aws.events DisableRule': {
    options: { request: { name: 'iamwatch-forward', eventBusName: 'default' } },
    target: { type: 'event-rule', name: 'iamwatch-forward' },
  },
  'aws.events DeleteRule': {
    options: { request: { name: 'iamwatch-forward' } },
    target: { type: 'event-rule', name: 'iamwatch-forward' },
  },
  'aws.events RemoveTargets': {
    options: { request: { rule: 'iamwatch-record', eventBusName: 'iamwatch-central', ids: ['1'] } },
    target: { type: 'event-rule', name: 'iamwatch-record' },
  },
  'aws.events PutRule': {
    options: {
      request: { name: 'iamwatch-record', state: 'DISABLED' },
      response: { ruleArn: 'arn:aws:events:us-east-1:111122223333:rule/iamwatch-record' },
    },
    target: {
      type: 'event-rule',
      name: 'iamwatch-record',
      arn: 'arn:aws:events:us-east-1:111122223333:rule/iamwatch-record',
    },
  },
  'aws.events DeleteEventBus': {
    options: { request: { name: 'iamwatch-central' } },
    target: resource('iamwatch-central'),
  },
  'aws.events RemovePermission': {
    options: {
      request: { eventBusName: 'arn:aws:events:us-east-1:111122223333:event-bus/iamwatch-central' },
    },
    target: resource('iamwatch-central', 'arn:aws:events:us-east-1:111122223333:event-bus/iamwatch-central'),
  },
  // Lambda (plain names, full and partial ARNs)
  'aws.lambda DeleteFunction': fn('iamwatch-record'),
  'aws.lambda DeleteFunction20150331': fn('iamwatch-record'),
  'aws.lambda UpdateFunctionCode': fn('iamwatch-record'),
  'aws.lambda UpdateFunctionCode20150331': fn('iamwatch-record'),
  'aws.lambda UpdateFunctionCode20150331v2': fn('111122223333:function:iamwatch-record'),
  'aws.lambda UpdateFunctionConfiguration': fn('iamwatch-record'),
  'aws.lambda UpdateFunctionConfiguration20150331': fn('iamwatch-record'),
  'aws.lambda UpdateFunctionConfiguration20150331v2': {
    options: {
      request: { functionName: 'arn:aws:lambda:us-east-1:111122223333:function:iamwatch-record:live' },
    },
    target: resource(
      'iamwatch-record',
      'arn:aws:lambda:us-east-1:111122223333:function:iamwatch-record:live',
    ),
  },
  'aws.lambda RemovePermission20150331': fn('iamwatch-record'),
  'aws.lambda RemovePermission20150331v2': fn('iamwatch-record'),
  'aws.lambda PutFunctionConcurrency20171031': fn('iamwatch-record'),
  'aws.lambda UpdateEventSourceMapping20150331': fn('iamwatch-record'),
  'aws.lambda DeleteEventSourceMapping20150331': {
    // Only the mapping's UUID is in the request; the response names the function.
    options: {
      request: { uUID: '14e0db71-5d35-4eb5-b481-8945cf9d10c2' },
      response: { functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:iamwatch-notify' },
    },
    target: resource('iamwatch-notify', 'arn:aws:lambda:us-east-1:111122223333:function:iamwatch-notify'),
  },
  // DynamoDB, SNS
  'aws.dynamodb DeleteTable': {
    options: { request: { tableName: 'iamwatch-ledger' } },
    target: resource('iamwatch-ledger'),
  },
  'aws.dynamodb UpdateTable': {
    options: { request: { tableName: 'arn:aws:dynamodb:us-east-1:111122223333:table/iamwatch-ledger' } },
    target: resource('iamwatch-ledger', 'arn:aws:dynamodb:us-east-1:111122223333:table/iamwatch-ledger'),
  },
  'aws.sns DeleteTopic': topicCase(),
  'aws.sns SetTopicAttributes': topicCase(),
  'aws.sns RemovePermission': topicCase(),
  'aws.sns Unsubscribe': subscriptionCase(),
  'aws.sns SetSubscriptionAttributes': subscriptionCase(),
};

/** A Lambda call naming the record function by `functionName` (a name or a full or partial ARN). */
function fn(functionName: string): TargetCase {
  return {
    options: { request: { functionName } },
    target: resource('iamwatch-record'),
  };
}

function topicCase(): TargetCase {
  const arn = 'arn:aws:sns:us-east-1:111122223333:iamwatch-alerts';
  return { options: { request: { topicArn: arn } }, target: resource('iamwatch-alerts', arn) };
}

function subscriptionCase(): TargetCase {
  const arn = 'arn:aws:sns:us-east-1:111122223333:iamwatch-alerts:7f0c1a52-0f2e-4b55-9d8a-1f0e4c2b9a11';
  return { options: { request: { subscriptionArn: arn } }, target: resource('iamwatch-alerts', arn) };
}

describe('targets on the services iamwatch relies on', () => {
  itExtractsTargets(['aws.cloudtrail', 'aws.events', 'aws.lambda', 'aws.dynamodb', 'aws.sns'], CASES);
});
