/** IAM Identity Center calls: sso admin (permission sets, assignments), identity store, legacy sso-directory. */
import { lastArnSegment } from '../arn';
import { type CallView, compact, type ExtractedTarget, field, fields, text } from './call';

export function ssoTarget(call: CallView): ExtractedTarget {
  const { request, response, eventName } = call;
  const policyArn =
    text(request.managedPolicyArn) ?? text(field(request, 'permissionsBoundary', 'managedPolicyArn'));
  const result: ExtractedTarget = policyArn ? { policyArn } : {};

  if (eventName === 'CreateAccountAssignment' || eventName === 'DeleteAccountAssignment') {
    const principalId = text(request.principalId);
    const accountId = text(request.targetId);
    if (principalId || accountId) {
      result.target = compact({
        type: 'account-assignment',
        name: principalId,
        accountId: accountId && /^\d{12}$/.test(accountId) ? accountId : undefined,
      });
    }
    return result;
  }
  const created = fields(response.permissionSet);
  const arn = text(request.permissionSetArn) ?? text(created.permissionSetArn);
  const name = text(created.name) ?? (eventName === 'CreatePermissionSet' ? text(request.name) : undefined);
  if (arn || name)
    result.target = compact({ type: 'permission-set', name: name ?? lastArnSegment(arn), arn });
  return result;
}

export function identityStoreTarget(call: CallView): ExtractedTarget {
  const { request, response } = call;
  const user = fields(response.user);
  const member = fields(request.member);
  const memberId = fields(request.memberId);
  const name =
    text(request.userName) ??
    text(user.userName) ??
    text(request.displayName) ??
    text(response.userId) ??
    text(user.userId) ??
    text(request.userId) ??
    text(member.memberId) ??
    text(memberId.userId);
  if (name) return { target: { type: 'identity-center-user', name } };
  const groupId = text(request.groupId) ?? text(field(response, 'group', 'groupId'));
  return groupId ? { target: { type: 'resource', name: groupId } } : {};
}
