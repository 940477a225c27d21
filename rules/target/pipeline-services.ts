/**
 * The services iamwatch itself relies on: CloudTrail, EventBridge, Lambda, DynamoDB, SNS. Calls on
 * them matter because they can switch the monitor off.
 */
import { lastArnSegment } from '../arn';
import { arnOrUndefined, arnPart, type CallView, compact, type ExtractedTarget, text } from './call';

export function cloudTrailTarget(call: CallView): ExtractedTarget {
  const { request, response } = call;
  const given = text(request.name) ?? text(request.trailName);
  const arn = given?.startsWith('arn:') ? given : text(response.trailARN);
  const name = given?.startsWith('arn:') ? lastArnSegment(given) : (given ?? text(response.name));
  return name || arn ? { target: compact({ type: 'trail', name, arn }) } : {};
}

export function eventsTarget(call: CallView): ExtractedTarget {
  const { request, response, eventName } = call;
  if (eventName === 'DeleteEventBus' || eventName === 'RemovePermission' || eventName === 'PutPermission') {
    const bus = text(request.name) ?? text(request.eventBusName) ?? 'default';
    return {
      target: compact({ type: 'resource', name: lastArnSegment(bus) ?? bus, arn: arnOrUndefined(bus) }),
    };
  }
  const rule = text(request.name) ?? text(request.rule);
  if (!rule) return {};
  return {
    target: compact({
      type: 'event-rule',
      name: lastArnSegment(rule) ?? rule,
      arn: arnOrUndefined(rule) ?? text(response.ruleArn),
    }),
  };
}

export function lambdaTarget(call: CallView): ExtractedTarget {
  const { request, response } = call;
  const given = text(request.functionName) ?? text(response.functionArn);
  if (!given) return {};
  return { target: compact({ type: 'resource', name: functionName(given), arn: arnOrUndefined(given) }) };
}

/** `name`, `arn:aws:lambda:r:a:function:name[:qualifier]` or `a:function:name` → `name`. */
function functionName(value: string): string {
  const parts = value.split(':');
  const at = parts.indexOf('function');
  return at >= 0 ? (parts[at + 1] ?? value) : value;
}

export function dynamodbTarget(call: CallView): ExtractedTarget {
  const table = text(call.request.tableName);
  if (!table) return {};
  return {
    target: compact({ type: 'resource', name: lastArnSegment(table) ?? table, arn: arnOrUndefined(table) }),
  };
}

export function snsTarget(call: CallView): ExtractedTarget {
  const { request } = call;
  const topicArn = text(request.topicArn);
  if (topicArn) return { target: compact({ type: 'resource', name: arnPart(topicArn, 5), arn: topicArn }) };
  // arn:aws:sns:<region>:<account>:<topic>:<subscription id> — the topic is what matters.
  const subscriptionArn = text(request.subscriptionArn);
  if (subscriptionArn) {
    return { target: compact({ type: 'resource', name: arnPart(subscriptionArn, 5), arn: subscriptionArn }) };
  }
  return {};
}
