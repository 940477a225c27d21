import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENABLED_REGIONS } from '../../rules/regions';
import { parseConfig } from '../../stacks/config/load';
import { buildTestApp, exampleConfig, MIXED_PATTERNS, stackSetTemplateBody } from './support';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
}
type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

const templates = new Map<string, Resources>();

beforeAll(() => {
  const single = parseConfig({
    name: 'single',
    value: {
      mode: 'single-account',
      securityAccountId: '123456789012',
      slack: { routes: [{ name: 'alerts' }] },
    },
  });
  for (const [label, config] of [
    ['org', exampleConfig()],
    ['single', single],
  ] as const) {
    const { stacks } = buildTestApp(config, { patterns: MIXED_PATTERNS });
    const all = [stacks.trail, stacks.monitor, stacks.forwarderStackSet, ...stacks.forwarders].filter(
      (s) => s !== undefined,
    );
    for (const stack of all) {
      const template = Template.fromStack(stack);
      templates.set(`${label}:${stack.stackName}`, template.toJSON().Resources as Resources);
      if (stack === stacks.forwarderStackSet) {
        templates.set(
          `${label}:stackset-body`,
          (stackSetTemplateBody(template) as { Resources: Resources }).Resources,
        );
      }
    }
  }
});

/** Every statement of every identity policy (not resource policies) in a template. */
function identityStatements(resources: Resources): { owner: string; statement: Statement }[] {
  const out: { owner: string; statement: Statement }[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const documents: unknown[] = [];
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      documents.push(resource.Properties?.PolicyDocument);
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of (resource.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ??
        []) {
        documents.push(policy.PolicyDocument);
      }
    }
    for (const document of documents) {
      for (const statement of (document as { Statement: Statement[] }).Statement)
        out.push({ owner: id, statement });
    }
  }
  return out;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** Logical ids a value references through Ref or Fn::GetAtt. */
function referencedIds(value: unknown): Set<string> {
  const ids = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      const record = v as Record<string, unknown>;
      if (typeof record.Ref === 'string' && !record.Ref.startsWith('AWS::')) ids.add(record.Ref);
      const getAtt = record['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') ids.add(getAtt[0]);
      Object.values(record).forEach(walk);
    }
  };
  walk(value);
  return ids;
}

describe('least privilege across every template', () => {
  it('covers all the stacks and the StackSet template', () => {
    expect([...templates.keys()].sort()).toEqual(
      [
        ...DEFAULT_ENABLED_REGIONS.map((region) => `org:iamwatch-forwarder-management-${region}`),
        'org:iamwatch-forwarders',
        'org:iamwatch-monitor',
        'org:iamwatch-trail',
        'org:stackset-body',
        ...DEFAULT_ENABLED_REGIONS.filter((r) => r !== 'us-east-1').map(
          (r) => `single:iamwatch-forwarder-${r}`,
        ),
        'single:iamwatch-monitor',
        'single:iamwatch-trail',
      ].sort(),
    );
  });

  it('grants no action "*" and no whole-service wildcard', () => {
    for (const [name, resources] of templates) {
      // A Deny grants nothing: the canary role's deny-everything policy is the opposite of a grant.
      for (const { owner, statement } of identityStatements(resources).filter(
        (s) => s.statement.Effect !== 'Deny',
      )) {
        for (const action of actionsOf(statement)) {
          expect({ name, owner, action }).not.toMatchObject({
            action: expect.stringMatching(/^\*$|^[a-z0-9-]+:\*$/),
          });
        }
      }
    }
  });

  it('never grants data-plane actions on Resource "*"', () => {
    const guarded = /^(dynamodb|sns|secretsmanager|kms|sqs|events|logs|s3):/;
    let checked = 0;
    for (const [name, resources] of templates) {
      for (const { owner, statement } of identityStatements(resources)) {
        if (!actionsOf(statement).some((a) => guarded.test(a))) continue;
        checked++;
        expect({ name, owner, resources: resourcesOf(statement) }).not.toMatchObject({
          resources: expect.arrayContaining(['*']),
        });
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('scopes each Lambda role to its table, topic, secrets, key, queue and log group', () => {
    for (const label of ['org', 'single']) {
      const resources = templates.get(`${label}:iamwatch-monitor`)!;
      const idsOf = (type: string) => Object.keys(resources).filter((id) => resources[id]!.Type === type);
      const [table] = idsOf('AWS::DynamoDB::GlobalTable');
      const topicNamed = (name: string) =>
        idsOf('AWS::SNS::Topic').find((id) => resources[id]!.Properties?.TopicName === name);
      const [key] = idsOf('AWS::KMS::Key');
      const secrets = idsOf('AWS::SecretsManager::Secret');
      const functions = idsOf('AWS::Lambda::Function');
      expect(functions).toHaveLength(label === 'org' ? 7 : 6);
      for (const fn of functions) {
        const props = resources[fn]!.Properties!;
        const [roleId] = referencedIds(props.Role);
        const logGroup = [...referencedIds(props.LoggingConfig)][0];
        const ownQueues: Record<string, RegExp> = {
          'iamwatch-record': /^RecordFailures/,
          'iamwatch-notify': /^NotifyFailures/,
          'iamwatch-operations-relay': /^OperationsRelayFailures/,
          'iamwatch-heartbeat': /^HeartbeatFailures/,
          'iamwatch-organization': /^OrganizationFailures/,
          'iamwatch-canary': /^CanaryFailures/,
          'iamwatch-digest': /^DigestFailures/,
        };
        const ownQueue = ownQueues[props.FunctionName as string]!;
        const ownTopic: Record<string, string | undefined> = {
          'iamwatch-notify': topicNamed('iamwatch-alerts'),
          'iamwatch-heartbeat': topicNamed('iamwatch-operations'),
        };
        const statements = identityStatements(resources).filter(({ owner }) =>
          referencedIds(resources[owner]!.Properties?.Roles).has(roleId!),
        );
        const allowed: Record<string, Set<string | undefined>> = {
          dynamodb: new Set([table]),
          kms: new Set([key]),
          secretsmanager: new Set(secrets),
          sns: new Set([ownTopic[props.FunctionName as string]]),
          logs: new Set([logGroup]),
          sqs: new Set(
            [...referencedIds(resources)].filter(
              (id) => resources[id]?.Type === 'AWS::SQS::Queue' && !!ownQueue?.test(id),
            ),
          ),
          xray: new Set(),
          organizations: new Set(),
          // The organization read role in the management account, by ARN (another account's role).
          sts: new Set(),
          // The canary role, and only it.
          iam: new Set(
            Object.keys(resources).filter(
              (id) =>
                resources[id]!.Type === 'AWS::IAM::Role' &&
                resources[id]!.Properties?.RoleName === 'iamwatch-canary',
            ),
          ),
        };
        const services = new Set<string>();
        for (const { statement } of statements) {
          for (const action of actionsOf(statement)) {
            const service = action.split(':')[0]!;
            services.add(service);
            expect(Object.keys(allowed)).toContain(service);
            if (service === 'xray' || service === 'organizations') continue;
            for (const id of referencedIds(statement.Resource)) {
              expect({ fn, action, id, ok: allowed[service]!.has(id) }).toMatchObject({ ok: true });
            }
          }
        }
        const name = props.FunctionName;
        const expectedServices: Record<string, string[]> = {
          'iamwatch-record': ['dynamodb', 'kms', 'logs', 'sqs', 'xray'],
          'iamwatch-notify': ['dynamodb', 'kms', 'logs', 'secretsmanager', 'sns', 'sqs', 'xray'],
          'iamwatch-operations-relay': ['logs', 'secretsmanager', 'sqs', 'xray'],
          // Organizations only in organization mode: single-account mode expects its one account.
          'iamwatch-heartbeat': [
            'dynamodb',
            'kms',
            'logs',
            ...(label === 'org' ? ['organizations'] : []),
            'sns',
            'sqs',
            'xray',
          ],
          'iamwatch-organization': ['dynamodb', 'kms', 'logs', 'sqs', 'sts', 'xray'],
          'iamwatch-canary': ['iam', 'logs', 'sqs', 'xray'],
          'iamwatch-digest': ['dynamodb', 'kms', 'logs', 'secretsmanager', 'sqs', 'xray'],
        };
        expect([...services].sort()).toEqual(expectedServices[name as string]);
      }
    }
  });

  it('lets no function delete or scan the ledger, only record and the digest reach its facet index (Query), only what each one calls', () => {
    const expected: Record<string, string[]> = {
      // UpdateItem: the canary's arrival, in the heartbeat partition only (a LeadingKeys condition).
      'iamwatch-record': [
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        // On the byFacet index: the previous version of a changed policy.
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      'iamwatch-notify': [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      'iamwatch-heartbeat': ['dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      'iamwatch-operations-relay': [],
      'iamwatch-canary': [],
      'iamwatch-organization': [
        'dynamodb:BatchWriteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      'iamwatch-digest': ['dynamodb:BatchGetItem', 'dynamodb:Query'],
    };
    for (const label of ['org', 'single']) {
      const resources = templates.get(`${label}:iamwatch-monitor`)!;
      const [table] = Object.keys(resources).filter(
        (id) => resources[id]!.Type === 'AWS::DynamoDB::GlobalTable',
      );
      for (const fn of Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function')) {
        const [roleId] = referencedIds(fn.Properties!.Role);
        const onTable = identityStatements(resources)
          .filter(({ owner }) => referencedIds(resources[owner]!.Properties?.Roles).has(roleId!))
          .map(({ statement }) => statement)
          .filter((statement) => referencedIds(statement.Resource).has(table!))
          .filter((statement) => JSON.stringify(statement.Resource).includes('"Arn"'));
        const name = fn.Properties!.FunctionName as string;
        const tableArn = { 'Fn::GetAtt': [table, 'Arn'] };
        const facetIndexArn = { 'Fn::Join': ['', [tableArn, '/index/byFacet']] };
        // Record reads earlier policy versions on the facet index; the digest reads the day partitions there.
        const expectedResources: Record<string, unknown[]> = {
          'iamwatch-operations-relay': [],
          'iamwatch-canary': [],
          'iamwatch-record': [tableArn, facetIndexArn],
          'iamwatch-digest': [[tableArn, facetIndexArn], tableArn],
        };
        const onTableResources = [...new Set(onTable.map((statement) => JSON.stringify(statement.Resource)))];
        expect(onTableResources.map((resource) => JSON.parse(resource))).toEqual(
          expectedResources[name] ?? [tableArn],
        );
        expect(onTable.flatMap(actionsOf).sort()).toEqual(expected[fn.Properties!.FunctionName as string]);
      }
    }
  });
});
