import { isCredentialCall, MUTATING_PREFIXES } from '../cloudtrail/verbs';
import { ATTACK, actorLabel, defineDetection, IAM_CONTROL_PLANE_SOURCES, succeeded } from './define';

/**
 * The catch-all: every successful mutating IAM, Organizations or Identity Center call on which no
 * other detection fired, so the ledger is a complete history of IAM changes.
 */
export const iamChange = defineDetection({
  id: 'iam-change',
  title: (e) => `${e.eventName}${e.target?.name ? ` on ${e.target.name}` : ''} by ${actorLabel(e.actor)}`,
  severity: 'info',
  description:
    'A successful mutating call to IAM, Organizations or Identity Center that no specific detection ' +
    'covers (tagging, groups, instance profiles, OUs …). Recorded so the ledger answers "what changed" ' +
    'completely; not alert-worthy on its own. AWS service events (e.g. CreateAccountResult) are not calls, ' +
    'and end-user credential calls (`aws sso login` tokens, access-portal federation) are sign-ins, not changes.',
  runbook: 'Informational. Use it in investigations: `iamwatch history --actor …` / `--target …`.',
  references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html'],
  mitre: [ATTACK.accountManipulation],
  falsePositives: ['By design: every routine change lands here.'],
  trigger: { sources: IAM_CONTROL_PLANE_SOURCES, eventNamePrefixes: MUTATING_PREFIXES },
  fallback: true,
  match: (e) =>
    succeeded(e) &&
    !e.readOnly &&
    e.eventType !== 'AwsServiceEvent' &&
    !isCredentialCall(e.eventSource, e.eventName),
});
