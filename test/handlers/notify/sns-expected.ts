/** What an alert publication carries, as the SNS tests expect it (unit, wire and end to end). */

/** The keys of an alert's JSON message structure, sorted: one message per SNS protocol, plus `default`. */
export const MESSAGE_STRUCTURE_KEYS = ['default', 'email', 'http', 'https', 'lambda', 'sms', 'sqs'];

/** The message attributes subscribers filter on, for an alert on a person's IAM call in 111122223333. */
export function iamAlertAttributes(severity: string, detectionIds: string[], eventName: string) {
  return {
    severity: { type: 'String', value: severity },
    detection: { type: 'String.Array', value: JSON.stringify(detectionIds) },
    accountId: { type: 'String', value: '111122223333' },
    eventName: { type: 'String', value: eventName },
    eventSource: { type: 'String', value: 'iam.amazonaws.com' },
    automation: { type: 'String', value: 'false' },
  };
}
