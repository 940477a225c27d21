/**
 * Rule states, and the watched calls CloudTrail may record as read-only.
 *
 * AWS documents that a rule in state `ENABLED` matches every event *except* read-only management
 * events delivered through CloudTrail; `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` matches those
 * too. A rule watching a call CloudTrail marks `readOnly: true` therefore needs the second state, and
 * the offline replay must drop such events for an `ENABLED` rule, or replay and AWS disagree.
 */

/** The states iamwatch deploys its rules in. */
export type RuleState = 'ENABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export const ENABLED: RuleState = 'ENABLED';
export const ENABLED_WITH_READ_ONLY: RuleState = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/**
 * Watched calls that CloudTrail records, or may record, with `readOnly: true`, by EventBridge source.
 *
 * - `sts` `AssumeRoot`: a credential-issuing STS call like `AssumeRole`, which real CloudTrail records
 *   mark `readOnly: true` (the corpus has genuine ones); AWS's published AssumeRoot example omits the
 *   field, so the state is chosen to be right either way.
 *
 * Every other call a detection triggers on is a write (`readOnly: false` in the real records of the
 * corpus, e.g. ConsoleLogin, CreateUser, AttachRolePolicy, GetFederationToken), and triggers that name
 * no calls (root activity) ask for `readOnly: false` themselves. A test checks this table against the
 * catalog and the corpus.
 */
export const READ_ONLY_WATCHED_CALLS: Readonly<Record<string, readonly string[]>> = {
  'aws.sts': ['AssumeRoot'],
};

/**
 * True when EventBridge treats `envelope` as a read-only management event delivered through
 * CloudTrail: a `… via CloudTrail` detail-type, a management event (or no category), `readOnly: true`.
 */
export function isReadOnlyManagementEvent(envelope: unknown): boolean {
  if (!isRecord(envelope)) return false;
  const detailType = envelope['detail-type'];
  const detail = envelope.detail;
  if (typeof detailType !== 'string' || !detailType.endsWith('via CloudTrail') || !isRecord(detail)) {
    return false;
  }
  const category = detail.eventCategory;
  return detail.readOnly === true && (category === undefined || category === 'Management');
}

/** Whether a rule in `state` receives `envelope` at all (before its pattern is consulted). */
export function stateAdmits(state: RuleState | undefined, envelope: unknown): boolean {
  return state === ENABLED_WITH_READ_ONLY || !isReadOnlyManagementEvent(envelope);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
