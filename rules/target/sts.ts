import { arnOrUndefined, type CallView, compact, type ExtractedTarget, field, text } from './call';

/**
 * AssumeRoot (centralized root access): the member account whose root session was issued, named
 * by account id or by its root principal ARN; the task policy that scopes the session is the policy.
 * Other STS calls name no target here.
 */
export function stsTarget(call: CallView): ExtractedTarget {
  if (call.eventName !== 'AssumeRoot') return {};
  const { request } = call;
  const result: ExtractedTarget = {};
  const policyArn = text(field(request, 'taskPolicyArn', 'arn')) ?? text(request.taskPolicyArn);
  if (policyArn) result.policyArn = policyArn;
  const principal = text(request.targetPrincipal);
  if (!principal) return result;
  const accountId = /^\d{12}$/.test(principal)
    ? principal
    : /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(principal)?.[1];
  result.target = compact({
    type: 'account',
    name: accountId ?? principal,
    arn: arnOrUndefined(principal),
    accountId,
  });
  return result;
}
