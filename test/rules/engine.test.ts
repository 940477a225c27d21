import { describe, expect, it } from 'vitest';
import { sourceFromEventSource } from '../../rules/cloudtrail/envelope';
import { makeContext } from '../../rules/context';
import { DetectionError, judge, triggerCovers } from '../../rules/engine';
import { actors, iamCall, orgCall, signinEvent } from '../../rules/examples';
import { normalise } from '../../rules/normalise';
import { lowerSeverity } from '../../rules/severity';
import type { Detection, NormalisedEvent, Severity, Trigger } from '../../rules/types';
import { LEDGER_ENTRY_FIELDS } from '../support/contract';

const ctx = makeContext();

function fake(id: string, overrides: Partial<Detection> = {}): Detection {
  return {
    id,
    status: 'stable',
    title: (e) => `${id} on ${e.eventName}`,
    severity: 'low',
    severities: ['low'],
    description: 'test detection',
    runbook: 'none',
    references: ['https://example.com'],
    mitre: [{ id: 'T1098', name: 'Account Manipulation' }],
    falsePositives: ['none'],
    trigger: [{ sources: ['aws.iam'], eventNames: ['CreateUser'] }],
    match: () => true,
    ...overrides,
  };
}

const createUser = () => normalise(iamCall('CreateUser', { request: { userName: 'bob' } }), ctx);

describe('judge', () => {
  it('isolates a throwing detection: reported in errors, the others still fire', () => {
    const boom = new Error('boom');
    const catalog = [
      fake('before', { severity: 'medium', severities: ['medium'] }),
      fake('throws', {
        match: () => {
          throw boom;
        },
      }),
      fake('after'),
    ];
    const { entry, errors } = judge(createUser(), ctx, catalog);
    expect(entry.detections.map((d) => d.id)).toEqual(['before', 'after']);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.detectionId).toBe('throws');
    expect(errors[0]?.error).toBeInstanceOf(DetectionError);
    expect(errors[0]?.error.cause).toBe(boom);
    expect(errors[0]?.error.message).toContain('throws');
  });

  it('keeps a hit whose title or severityOf throws, with a plain title and its base severity', () => {
    const catalog = [
      fake('bad-title', {
        title: () => {
          throw new Error('title');
        },
      }),
      fake('bad-severity', {
        severity: 'high',
        severities: ['high', 'critical'],
        severityOf: () => {
          throw 'not an error';
        },
      }),
    ];
    const { entry, errors } = judge(createUser(), ctx, catalog);
    expect(entry.detections).toEqual([
      { id: 'bad-severity', severity: 'high', title: 'bad-severity on CreateUser' },
      { id: 'bad-title', severity: 'low', title: 'bad-title: CreateUser' },
    ]);
    expect(errors.map((e) => [e.detectionId, (e.error as DetectionError).phase])).toEqual([
      ['bad-title', 'title'],
      ['bad-severity', 'severity'],
    ]);
  });

  it('runs fallback detections only when nothing else fired', () => {
    const fallback = fake('catch-all', { fallback: true, severity: 'info', severities: ['info'] });
    const specific = fake('specific', { match: (e) => e.request.userName === 'bob' });
    const fired = judge(createUser(), ctx, [fallback, specific]).entry.detections.map((d) => d.id);
    expect(fired).toEqual(['specific']);
    const other = normalise(iamCall('CreateUser', { request: { userName: 'carol' } }), ctx);
    expect(judge(other, ctx, [fallback, specific]).entry.detections.map((d) => d.id)).toEqual(['catch-all']);
  });

  it('a detection that throws does not count as fired: the fallback still records the change', () => {
    const catalog = [
      fake('throws', {
        match: () => {
          throw new Error('x');
        },
      }),
      fake('catch-all', { fallback: true, severity: 'info', severities: ['info'] }),
    ];
    const { entry, errors } = judge(createUser(), ctx, catalog);
    expect(entry.detections.map((d) => d.id)).toEqual(['catch-all']);
    expect(errors).toHaveLength(1);
  });

  it('uses severityOf when present', () => {
    const catalog = [fake('refined', { severities: ['low', 'critical'], severityOf: () => 'critical' })];
    expect(judge(createUser(), ctx, catalog).entry.severity).toBe('critical');
  });

  it('lowers every hit one step for automation, never below info and never dropping it', () => {
    const automated = normalise(
      iamCall('CreateUser', { actor: actors.cloudformation, request: { userName: 'x' } }),
      ctx,
    );
    expect(automated.automation).toBe(true);
    const catalog = [
      fake('crit', { severity: 'critical', severities: ['critical'] }),
      fake('info', { severity: 'info', severities: ['info'] }),
    ];
    const { entry } = judge(automated, ctx, catalog);
    expect(entry.detections.map((d) => [d.id, d.severity])).toEqual([
      ['crit', 'high'],
      ['info', 'info'],
    ]);
    expect(entry.severity).toBe('high');
    expect(entry.automation).toBe(true);
  });

  it('lowers for configured automation principals', () => {
    const deployCtx = makeContext({ automationPrincipals: ['arn:aws:iam::111122223333:role/github-*'] });
    const event = normalise(
      iamCall('CreateUser', { actor: actors.deployRole, request: { userName: 'x' } }),
      deployCtx,
    );
    const { entry } = judge(event, deployCtx, [fake('m', { severity: 'medium', severities: ['medium'] })]);
    expect(entry.detections[0]?.severity).toBe('low');
  });

  it('orders hits by severity, highest first, keeping catalog order on ties', () => {
    const at = (id: string, severity: Severity) => fake(id, { severity, severities: [severity] });
    const catalog = [
      at('a-low', 'low'),
      at('b-crit', 'critical'),
      at('c-med', 'medium'),
      at('d-crit', 'critical'),
    ];
    const { entry } = judge(createUser(), ctx, catalog);
    expect(entry.detections.map((d) => d.id)).toEqual(['b-crit', 'd-crit', 'c-med', 'a-low']);
    expect(entry.severity).toBe('critical');
  });

  it('is info with no detections when nothing fires', () => {
    const { entry } = judge(createUser(), ctx, [fake('never', { match: () => false })]);
    expect(entry.detections).toEqual([]);
    expect(entry.severity).toBe('info');
  });

  it('evaluates only detections whose trigger covers the event', () => {
    let calls = 0;
    const counting = (id: string, trigger: Trigger) =>
      fake(id, {
        trigger: [trigger],
        match: () => {
          calls += 1;
          return false;
        },
      });
    const catalog = [
      counting('other-source', { sources: ['aws.organizations'], eventNames: ['CreateUser'] }),
      counting('other-name', { sources: ['aws.iam'], eventNames: ['DeleteUser'] }),
      counting('prefix', { sources: ['aws.iam'], eventNamePrefixes: ['Delete'] }),
      counting('root-only', { userIdentityTypes: ['Root'] }),
    ];
    judge(createUser(), ctx, catalog);
    judge(createUser(), ctx, catalog);
    expect(calls).toBe(0);
    judge(normalise(iamCall('DeleteUser', { actor: actors.root }), ctx), ctx, catalog);
    expect(calls).toBe(3);
  });

  it('builds the ledger entry with exactly the contract fields', () => {
    const record = iamCall('CreateUser', {
      request: { userName: 'bob' },
      response: { user: { userName: 'bob', arn: 'arn:aws:iam::111122223333:user/bob' } },
    });
    const withName = makeContext({ accountNames: { '111122223333': 'prod-payments' } });
    const { entry } = judge(normalise(record, withName), withName, [fake('x')]);
    const allowed: readonly string[] = LEDGER_ENTRY_FIELDS;
    for (const key of Object.keys(entry)) expect(allowed).toContain(key);
    for (const dropped of ['request', 'response', 'additionalEventData', 'readOnly', 'eventType', 'record']) {
      expect(entry).not.toHaveProperty(dropped);
    }
    expect(entry).toMatchObject({
      eventId: record.eventID,
      eventName: 'CreateUser',
      accountId: '111122223333',
      accountName: 'prod-payments',
      region: 'us-east-1',
      result: 'success',
      automation: false,
      target: { type: 'user', name: 'bob', arn: 'arn:aws:iam::111122223333:user/bob' },
      sourceIp: '203.0.113.7',
    });
    expect(entry).not.toHaveProperty('errorCode');
    expect(entry).not.toHaveProperty('policyArn');
    expect(JSON.parse(JSON.stringify(entry))).toEqual(entry);
  });

  it('keeps errorCode on failures', () => {
    const failed = normalise(
      iamCall('CreateUser', { request: { userName: 'x' }, errorCode: 'AccessDenied' }),
      ctx,
    );
    expect(judge(failed, ctx, []).entry).toMatchObject({ result: 'failure', errorCode: 'AccessDenied' });
  });
});

describe('real catalog', () => {
  it('root attaching an SCP fires both org-policy-changed and root-activity', () => {
    const event = normalise(
      orgCall('AttachPolicy', { actor: actors.root, request: { policyId: 'p-1', targetId: 'ou-a-b' } }),
      ctx,
    );
    expect(
      judge(event, ctx)
        .entry.detections.map((d) => d.id)
        .sort(),
    ).toEqual(['org-policy-changed', 'root-activity']);
  });

  it('a failed CreateUser fires iam-write-denied, not iam-user-created or iam-change', () => {
    const event = normalise(
      iamCall('CreateUser', { actor: actors.bob, request: { userName: 'x' }, errorCode: 'AccessDenied' }),
      ctx,
    );
    expect(judge(event, ctx).entry.detections.map((d) => d.id)).toEqual(['iam-write-denied']);
  });

  it('iam-change records only what nothing else covered', () => {
    const tag = normalise(iamCall('TagRole', { request: { roleName: 'x', tags: [] } }), ctx);
    expect(judge(tag, ctx).entry.detections.map((d) => d.id)).toEqual(['iam-change']);
    const created = normalise(iamCall('CreateUser', { request: { userName: 'x' } }), ctx);
    expect(judge(created, ctx).entry.detections.map((d) => d.id)).toEqual(['iam-user-created']);
  });

  it('sign-ins and read-only calls get no detection', () => {
    const signin = normalise(signinEvent('ConsoleLogin', { mfaUsed: 'Yes' }), ctx);
    expect(judge(signin, ctx).entry.detections).toEqual([]);
    const read = normalise(iamCall('ListUsers', { readOnly: true }), ctx);
    expect(judge(read, ctx).entry.detections).toEqual([]);
  });
});

describe('triggerCovers', () => {
  const subject = (eventSource: string, eventName: string, type = 'IAMUser') =>
    ({ eventSource, eventName, actor: { type } }) as Pick<
      NormalisedEvent,
      'eventSource' | 'eventName' | 'actor'
    >;

  it('matches sources by EventBridge name and exact event names', () => {
    const trigger: Trigger = { sources: ['aws.iam'], eventNames: ['CreateUser'] };
    expect(triggerCovers([trigger], subject('iam.amazonaws.com', 'CreateUser'))).toBe(true);
    expect(triggerCovers([trigger], subject('iam.amazonaws.com', 'CreateUserX'))).toBe(false);
    expect(triggerCovers([trigger], subject('organizations.amazonaws.com', 'CreateUser'))).toBe(false);
  });

  it('matches prefixes, identity types and lists of triggers', () => {
    expect(
      triggerCovers([{ eventNamePrefixes: ['Delete'] }], subject('sns.amazonaws.com', 'DeleteTopic')),
    ).toBe(true);
    expect(
      triggerCovers([{ userIdentityTypes: ['Root'] }], subject('ec2.amazonaws.com', 'RunInstances', 'Root')),
    ).toBe(true);
    expect(
      triggerCovers([{ userIdentityTypes: ['Root'] }], subject('ec2.amazonaws.com', 'RunInstances')),
    ).toBe(false);
    const list: Trigger[] = [
      { sources: ['aws.sns'], eventNames: ['DeleteTopic'] },
      { sources: ['aws.lambda'], eventNames: ['DeleteFunction20150331'] },
    ];
    expect(triggerCovers(list, subject('lambda.amazonaws.com', 'DeleteFunction20150331'))).toBe(true);
    expect(triggerCovers(list, subject('lambda.amazonaws.com', 'DeleteTopic'))).toBe(false);
  });

  it('derives EventBridge sources from event sources', () => {
    expect(sourceFromEventSource('iam.amazonaws.com')).toBe('aws.iam');
    expect(sourceFromEventSource('sso-directory.amazonaws.com')).toBe('aws.sso-directory');
    expect(sourceFromEventSource('signin.amazonaws.com')).toBe('aws.signin');
  });
});

describe('lowerSeverity', () => {
  it.each([
    ['critical', 'high'],
    ['high', 'medium'],
    ['medium', 'low'],
    ['low', 'info'],
    ['info', 'info'],
  ] as const)('%s → %s', (from, to) => {
    expect(lowerSeverity(from)).toBe(to);
  });
});
