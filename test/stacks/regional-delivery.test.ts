/**
 * The "done when" scenario of issue 8: with the example configuration (Identity Center home eu-west-1),
 * watched events emitted outside us-east-1 each match an enabled forwarder rule in their region (in a
 * state that admits them) and then a central rule, judged by the project's EventBridge matcher against
 * the synthesized templates: the StackSet body (member accounts) and the management-account stacks.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { toEnvelope } from '../../rules/cloudtrail/envelope';
import { matchesPattern } from '../../rules/eventbridge/matcher';
import { type RuleState, stateAdmits } from '../../rules/eventbridge/rule-state';
import { actors, apiCall, assumedRole, cloudTrailCall, ssoCall, stsCall } from '../../rules/examples';
import type { CloudTrailRecord, EventBridgeEnvelope } from '../../rules/types';
import { buildTestApp, exampleConfig, stackSetTemplateBody } from './support';

interface Resource {
  Type: string;
  Condition?: string;
  Properties: { Name?: string; State?: RuleState; EventPattern?: Record<string, unknown> };
}
interface TemplateJson {
  Resources: Record<string, Resource>;
  Conditions?: Record<string, { 'Fn::Equals': [{ Ref: string }, string] }>;
}

const config = exampleConfig();
let memberBody: TemplateJson;
let managementByRegion: Map<string, TemplateJson>;
let central: TemplateJson;

beforeAll(() => {
  const { stacks } = buildTestApp(config);
  memberBody = stackSetTemplateBody(Template.fromStack(stacks.forwarderStackSet!)) as unknown as TemplateJson;
  managementByRegion = new Map(
    stacks.forwarders.map((s) => [s.region, Template.fromStack(s).toJSON() as TemplateJson]),
  );
  central = Template.fromStack(stacks.monitor).toJSON() as TemplateJson;
});

/** Rules of a template that exist in `region` (their condition, if any, holds there). */
function rulesIn(template: TemplateJson, region: string): Resource[] {
  return Object.values(template.Resources).filter((r) => {
    // The alarm-forwarding rule names its alarm by Fn::GetAtt: not an IAM event route.
    // Scheduled rules (the heartbeat check) have no pattern and route no event.
    if (
      r.Type !== 'AWS::Events::Rule' ||
      r.Properties.EventPattern === undefined ||
      JSON.stringify(r.Properties.EventPattern).includes('"Fn::')
    ) {
      return false;
    }
    if (!r.Condition) return true;
    const [ref, value] = template.Conditions?.[r.Condition]?.['Fn::Equals'] ?? [];
    expect(ref).toEqual({ Ref: 'AWS::Region' });
    return value === region;
  });
}

/** Names of the rules that would deliver the envelope: enabled in a state that admits it, pattern matching. */
function delivering(rules: readonly Resource[], envelope: EventBridgeEnvelope): string[] {
  return rules
    .filter((r) => r.Properties.State !== undefined && r.Properties.State !== ('DISABLED' as RuleState))
    .filter((r) => stateAdmits(r.Properties.State, envelope))
    .filter((r) => matchesPattern(r.Properties.EventPattern ?? {}, envelope))
    .map((r) => r.Properties.Name ?? '');
}

const root = {
  type: 'Root',
  principalId: '333333333333',
  arn: 'arn:aws:iam::333333333333:root',
  accountId: '333333333333',
};

const SCENARIO: [string, CloudTrailRecord][] = [
  [
    'Identity Center CreateAccountAssignment in eu-west-1',
    ssoCall('CreateAccountAssignment', {
      region: 'eu-west-1',
      request: { instanceArn: 'arn:aws:sso:::instance/ssoins-1', targetId: '333333333333' },
    }),
  ],
  [
    'AssumeRoot in eu-central-1, recorded read-only',
    stsCall('AssumeRoot', {
      actor: assumedRole('JohnDoe', 'JohnRole1'),
      region: 'eu-central-1',
      readOnly: true,
      request: {
        targetPrincipal: '333333333333',
        taskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy' },
      },
    }),
  ],
  [
    'root DeleteBucketPolicy in ap-southeast-2',
    apiCall('s3.amazonaws.com', 'DeleteBucketPolicy', {
      actor: root as CloudTrailRecord['userIdentity'],
      region: 'ap-southeast-2',
      request: { bucketName: 'payments-logs' },
    }),
  ],
  [
    'StopLogging in us-west-2',
    cloudTrailCall('StopLogging', { region: 'us-west-2', request: { name: 'org-trail' } }),
  ],
  [
    'DeleteRule on a forwarder rule in eu-north-1',
    apiCall('events.amazonaws.com', 'DeleteRule', {
      actor: actors.bob,
      region: 'eu-north-1',
      request: { name: 'iamwatch-fwd-events-1' },
    }),
  ],
];

describe('watched events outside us-east-1 reach the monitor (example config, Identity Center in eu-west-1)', () => {
  it.each(SCENARIO)('%s', (_name, record) => {
    const envelope = toEnvelope(record);
    const region = envelope.region;
    const member = delivering(rulesIn(memberBody, region), envelope);
    const management = delivering(
      rulesIn(managementByRegion.get(region) ?? { Resources: {} }, region),
      envelope,
    );
    expect(member, `member-account forwarder rule in ${region}`).not.toEqual([]);
    expect(management, `management-account forwarder rule in ${region}`).toEqual(member);
    expect(delivering(rulesIn(central, 'us-east-1'), envelope), 'central rule').not.toEqual([]);
  });

  it('drops the read-only AssumeRoot at a rule left ENABLED (the state is what admits it)', () => {
    const [, record] = SCENARIO[1]!;
    const envelope = toEnvelope(record);
    const rules = rulesIn(memberBody, 'eu-central-1').filter((r) =>
      matchesPattern(r.Properties.EventPattern ?? {}, envelope),
    );
    expect(rules.map((r) => r.Properties.State)).toEqual(['ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS']);
    expect(
      delivering(
        rules.map((r) => ({ ...r, Properties: { ...r.Properties, State: 'ENABLED' } })),
        envelope,
      ),
    ).toEqual([]);
  });

  it('does not forward Identity Center events from a region that is not its home', () => {
    const elsewhere = toEnvelope(ssoCall('CreateAccountAssignment', { region: 'eu-central-1' }));
    expect(delivering(rulesIn(memberBody, 'eu-central-1'), elsewhere)).toEqual([]);
  });

  it('has a central rule for every pattern any forwarder sends, in every region', () => {
    const centralPatterns = Object.values(central.Resources)
      .filter((r) => r.Type === 'AWS::Events::Rule')
      .map((r) => JSON.stringify(r.Properties.EventPattern));
    const forwarded = Object.values(memberBody.Resources).filter(
      (r) => r.Type === 'AWS::Events::Rule' && r.Properties.Name !== 'iamwatch-fwd-alarms',
    );
    for (const rule of forwarded) {
      const name = rule.Properties.Name ?? '';
      const pattern = JSON.stringify(rule.Properties.EventPattern);
      const same = Object.values(central.Resources).find(
        (r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.EventPattern) === pattern,
      );
      expect(same?.Properties.EventPattern, name).toEqual(rule.Properties.EventPattern);
      expect(same?.Properties.State ?? 'ENABLED', name).toBe(rule.Properties.State ?? 'ENABLED');
    }
    expect(centralPatterns.length).toBeGreaterThanOrEqual(forwarded.length);
  });
});

describe('forwarder rules per region (management account, real catalog)', () => {
  const rulesOf = (region: string) =>
    Object.fromEntries(
      rulesIn(managementByRegion.get(region) ?? { Resources: {} }, region).map((r) => [
        r.Properties.Name,
        r.Properties.State,
      ]),
    );

  it('us-east-1 carries every us-east-1 and every-region pattern, no Identity Center ones', () => {
    const rules = rulesOf('us-east-1');
    expect(rules).toMatchObject({
      'iamwatch-fwd-iam-1': 'ENABLED',
      'iamwatch-fwd-organizations-1': 'ENABLED',
      'iamwatch-fwd-lambda-1': 'ENABLED',
      'iamwatch-fwd-sts-1': 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      'iamwatch-fwd-root-activity': 'ENABLED',
    });
    expect(rules['iamwatch-fwd-sso-1']).toBeUndefined();
  });

  /** The rules of the patterns placed in every region, and the heartbeat's. */
  const everyRegionRules = [
    'iamwatch-fwd-cloudtrail-1',
    'iamwatch-fwd-events-1',
    'iamwatch-fwd-heartbeat',
    'iamwatch-fwd-root-activity',
    'iamwatch-fwd-signin-1',
    'iamwatch-fwd-sts-1',
  ];

  it('the Identity Center home region carries the Identity Center patterns and the every-region ones', () => {
    expect(Object.keys(rulesOf('eu-west-1')).sort()).toEqual(
      [
        ...everyRegionRules,
        'iamwatch-fwd-identitystore-1',
        'iamwatch-fwd-sso-1',
        'iamwatch-fwd-sso-directory-1',
      ].sort(),
    );
  });

  it('another region carries only the every-region patterns', () => {
    expect(Object.keys(rulesOf('sa-east-1')).sort()).toEqual([...everyRegionRules].sort());
  });
});
