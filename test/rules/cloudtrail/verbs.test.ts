import { describe, expect, it } from 'vitest';
import { isMutatingEventName, isReadOnlyEventName } from '../../../rules/cloudtrail/verbs';

describe('event-name verbs', () => {
  it.each(['GetUser', 'ListRoles', 'DescribeInstances', 'BatchGetItem', 'SimulatePrincipalPolicy', 'Get'])(
    '%s is read-only',
    (name) => {
      expect(isReadOnlyEventName(name)).toBe(true);
      expect(isMutatingEventName(name)).toBe(false);
    },
  );

  it.each([
    'CreateUser',
    'AttachUserPolicy',
    'DeactivateMFADevice',
    'PutRolePolicy',
    'UpdateAssumeRolePolicy',
  ])('%s is mutating', (name) => {
    expect(isMutatingEventName(name)).toBe(true);
    expect(isReadOnlyEventName(name)).toBe(false);
  });

  it('matches verbs as whole words only', () => {
    expect(isMutatingEventName('SettleInvoice')).toBe(false);
    expect(isReadOnlyEventName('Getaway')).toBe(false);
    expect(isReadOnlyEventName('ListObjectsV2')).toBe(true);
  });

  it('treats sign-in and unknown verbs as neither', () => {
    expect(isReadOnlyEventName('ConsoleLogin')).toBe(false);
    expect(isMutatingEventName('ConsoleLogin')).toBe(false);
  });
});
