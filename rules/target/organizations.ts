/** AWS Organizations calls: accounts, organizational units, organization policies and where they attach. */
import type { Target } from '../types';
import { type CallView, compact, type ExtractedTarget, field, fields, text, wrap } from './call';

export function organizationsTarget(call: CallView): ExtractedTarget {
  const { request, response, eventName } = call;
  switch (eventName) {
    case 'LeaveOrganization':
      return wrap(accountTarget(call.accountId));
    case 'CreateAccount':
    case 'CreateGovCloudAccount': {
      const status = fields(response.createAccountStatus);
      const accountId = text(status.accountId);
      return wrap(
        compact({
          type: 'account',
          name: text(request.accountName) ?? text(status.accountName) ?? accountId,
          accountId,
        }),
      );
    }
    case 'InviteAccountToOrganization': {
      const invited = fields(request.target);
      const id = text(invited.id);
      const isAccount = text(invited.type) === 'ACCOUNT' && !!id && /^\d{12}$/.test(id);
      return wrap(compact({ type: 'account', name: id, accountId: isAccount ? id : undefined }));
    }
    case 'CreatePolicy':
    case 'UpdatePolicy':
    case 'DeletePolicy': {
      const summary = fields(field(response, 'policy', 'policySummary'));
      return wrap(
        compact({
          type: 'organization-policy',
          name: text(summary.name) ?? text(request.name) ?? text(request.policyId),
          arn: text(summary.arn),
        }),
      );
    }
    case 'AttachPolicy':
    case 'DetachPolicy':
      return wrap(organizationNodeTarget(text(request.targetId)));
    case 'EnablePolicyType':
    case 'DisablePolicyType': {
      const root = fields(response.root);
      return wrap(compact({ type: 'resource', name: text(request.rootId), arn: text(root.arn) }));
    }
    case 'CreateOrganizationalUnit': {
      const ou = fields(response.organizationalUnit);
      return wrap(
        compact({
          type: 'organizational-unit',
          name: text(ou.name) ?? text(request.name),
          arn: text(ou.arn),
        }),
      );
    }
    default: {
      const accountId = text(request.accountId);
      if (accountId) return wrap(accountTarget(accountId));
      const ou = text(request.organizationalUnitId);
      if (ou) return wrap(compact({ type: 'organizational-unit', name: ou }));
      const policyId = text(request.policyId);
      if (policyId) return wrap(compact({ type: 'organization-policy', name: policyId }));
      const servicePrincipal = text(request.servicePrincipal);
      return wrap(servicePrincipal ? compact({ type: 'resource', name: servicePrincipal }) : undefined);
    }
  }
}

function accountTarget(accountId: string | undefined): Target | undefined {
  return accountId ? { type: 'account', name: accountId, accountId } : undefined;
}

/** A policy target id: an account (12 digits), an OU (`ou-…`) or the root (`r-…`). */
function organizationNodeTarget(id: string | undefined): Target | undefined {
  if (!id) return undefined;
  if (/^\d{12}$/.test(id)) return accountTarget(id);
  if (id.startsWith('ou-')) return { type: 'organizational-unit', name: id };
  return { type: 'resource', name: id };
}
