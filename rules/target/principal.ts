/**
 * Principal identity: whether the actor of a call is the principal it acted on. This is where
 * well-known rule sets went wrong (Sigma's "access key created for another user" compared an ARN
 * with a literal string), so the comparison is spelled out once here.
 */
import { lastArnSegment } from '../arn';
import type { Actor, Target } from '../types';

/**
 * Whether the actor is the target principal itself ("bob creates his own key").
 *
 * - A user target is the actor only when the actor is that IAM user (same ARN, or same name in the
 *   same account; IAM names are case-insensitive). An assumed-role session is never the same
 *   principal as an IAM user, whatever its session name: that is the mistake behind Sigma's rule.
 * - The root user is the target of its own root calls only.
 * - A role target is the actor when the actor's session was issued by that role.
 */
export function isSamePrincipal(actor: Actor, target: Target): boolean {
  if (target.type === 'user') {
    if (isRootTarget(target)) return actor.type === 'Root' && sameAccountArn(actor.arn, target.arn);
    if (actor.type !== 'IAMUser') return false;
    if (actor.arn && target.arn) return actor.arn === target.arn;
    return (
      !!actor.name &&
      !!target.name &&
      sameName(actor.name, target.name) &&
      (!target.accountId || !actor.accountId || target.accountId === actor.accountId)
    );
  }
  if (target.type === 'role') {
    if (actor.type !== 'AssumedRole' || !actor.sessionIssuerArn) return false;
    if (target.arn) return target.arn === actor.sessionIssuerArn;
    const issuerRole = lastArnSegment(actor.sessionIssuerArn);
    return !!issuerRole && !!target.name && sameName(issuerRole, target.name);
  }
  return false;
}

/** Whether a target is an account's root user (`arn:aws:iam::<account>:root`). */
export function isRootTarget(target: Target): boolean {
  return !!target.arn && /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(target.arn);
}

function sameAccountArn(actorArn: string | undefined, targetArn: string | undefined): boolean {
  return !actorArn || !targetArn || actorArn === targetArn;
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
