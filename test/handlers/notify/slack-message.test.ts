import { describe, expect, it } from 'vitest';
import { buildSlackMessage, type SlackBlock } from '../../../handlers/notify/slack-message';
import { HOSTILE_NAME, hostileEntry, keyForAnotherUser, ssoAdminAttach } from './entries';
import { expectNoInjectedMarkup, expectWithinSlackLimits, textsOf } from './slack-limits';

function allText(blocks: SlackBlock[]): string {
  return textsOf({ text: '', blocks }).slice(1).join('\n');
}

describe('buildSlackMessage', () => {
  it('heads with a short sentence (severity, what, to whom, by whom, account), with a notification fallback', () => {
    const message = buildSlackMessage(keyForAnotherUser());
    const header = message.blocks[0];
    expect(header?.type).toBe('header');
    expect(header && 'text' in header ? header.text.text : '').toBe(
      ':red_circle: HIGH: CreateAccessKey for bob by alice in prod-payments',
    );
    expect(allText(message.blocks)).toContain('Access key created for bob by alice');
    expect(message.text).toContain('[HIGH] Access key created for bob by alice');
    expect(message.text).toContain('CreateAccessKey by alice in prod-payments 111122223333');
    expect(message.unfurl_links).toBe(false);
  });

  it('carries everything a responder needs for an IAM user actor', () => {
    const text = allText(buildSlackMessage(keyForAnotherUser()).blocks);
    for (const expected of [
      '`alice`',
      'IAMUser',
      '`arn:aws:iam::111122223333:user/alice`',
      '*MFA*\n:warning: no',
      '`bob`',
      '`arn:aws:iam::111122223333:user/bob`',
      '`prod-payments` `111122223333`',
      '`us-east-1`',
      '`203.0.113.7` ipv4',
      'Via: cli',
      '`aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64`',
      ':white_check_mark: success',
      '`2026-11-20T14:03:11Z`',
      '`3c5bdbb4-8f11-4c43-9d3b-2f4f7e0c1a55`',
      '*Automation*\nno',
      '`iam-access-key-created-for-another-user`',
      'Access key created for bob by alice',
      'Access key: `AKIAEXAMPLEALICE`',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('names the SSO user, permission set and issuing role of an Identity Center session', () => {
    const text = allText(buildSlackMessage(ssoAdminAttach()).blocks);
    expect(text).toContain('SSO user: `carol@example.com`');
    expect(text).toContain(
      'Role: `AWSReservedSSO_AdminAccess_0123456789abcdef` (permission set `AdminAccess`)',
    );
    expect(text).toContain('MFA: yes');
    expect(text).toContain('Policy ARN: `arn:aws:iam::aws:policy/AdministratorAccess`');
    expect(text).toContain('VPC endpoint: `vpce-0a1b2c3d4e5f67890`');
    expect(text).toContain('`iam-admin-policy-attached`');
    expect(text).toContain('`iam-policy-attached`');
  });

  it('labels a plain role session by its session name and MFA unknown when CloudTrail is silent', () => {
    const entry = ssoAdminAttach();
    entry.actor = {
      type: 'AssumedRole',
      name: 'i-0abc',
      sessionIssuerArn: 'arn:aws:iam::111122223333:role/ec2-app',
    };
    const text = allText(buildSlackMessage(entry).blocks);
    expect(text).toContain('Session name: `i-0abc`');
    expect(text).toContain('Role: `ec2-app`');
    expect(text).toContain('MFA: unknown');
  });

  it('shows a failure with its error code and marks automation', () => {
    const message = buildSlackMessage(
      keyForAnotherUser({ result: 'failure', errorCode: 'AccessDenied', automation: true }),
    );
    const text = allText(message.blocks);
    expect(text).toContain(':x: failure `AccessDenied`');
    expect(text).toContain(':robot_face: automation');
    expect(text).toContain('*Automation*\nyes');
  });

  it('links the event in CloudTrail event history, as a button and as a link', () => {
    const message = buildSlackMessage(keyForAnotherUser({ region: 'eu-west-1' }));
    const url =
      'https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/3c5bdbb4-8f11-4c43-9d3b-2f4f7e0c1a55';
    const actions = message.blocks.find((block) => block.type === 'actions');
    expect(actions && 'elements' in actions ? actions.elements[0] : undefined).toMatchObject({
      type: 'button',
      url,
    });
    expect(allText(message.blocks)).toContain(`<${url}|CloudTrail event history>`);
  });

  it('leaves the link out when the region is not a region name', () => {
    const message = buildSlackMessage(keyForAnotherUser({ region: 'evil.example.com/x' }));
    expect(message.blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(allText(message.blocks)).not.toContain('console.aws.amazon.com');
  });

  it('says so when no detection fired', () => {
    const message = buildSlackMessage(keyForAnotherUser({ detections: [], severity: 'info' }));
    expect(allText(message.blocks)).toContain('none: recorded as IAM activity');
    expect(message.text).toContain('[INFO] CreateAccessKey by alice');
  });

  it('escapes every hostile string and never forms a mention, link or formatting', () => {
    const message = buildSlackMessage(hostileEntry());
    expectNoInjectedMarkup(message);
    const text = allText(message.blocks);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\nfake line');
    // In the header (plain_text) and fallback text the hostile title is escaped as well.
    expect(message.text).not.toContain('<!channel>');
    expect(message.text).not.toMatch(/(^|[^\u200b])\*bold\*/);
  });

  it('shortens a header with huge names at word boundaries, never with a truncation marker', () => {
    const entry = keyForAnotherUser();
    entry.actor.name = `deploy-${'pipeline-'.repeat(40)}end`;
    entry.target = { type: 'user', name: `svc&ops-${'team-'.repeat(60)}end` };
    const header = buildSlackMessage(entry).blocks[0];
    const text = header && 'text' in header ? header.text.text : '';
    expect(text.length).toBeLessThanOrEqual(150);
    expect(text).not.toMatch(/truncated/);
    expect(text).toMatch(
      /^:red_circle: HIGH: CreateAccessKey for svc&amp;ops(-team)+… by deploy(-pipeline)+… in prod-payments$/,
    );
  });

  it('keeps a hostile 100 KB message within every Slack limit, with visible truncation', () => {
    const message = buildSlackMessage(hostileEntry());
    expectWithinSlackLimits(message);
    expect(allText(message.blocks)).toMatch(/…\[truncated \d+ chars\]/);
  });

  it('keeps many long detections within limits and says how many were left out', () => {
    const detections = Array.from({ length: 60 }, (_, i) => ({
      id: `detection-${i}`,
      severity: 'medium' as const,
      title: `${HOSTILE_NAME} ${'t'.repeat(500)}`,
    }));
    const message = buildSlackMessage(keyForAnotherUser({ detections, severity: 'medium' }));
    expectWithinSlackLimits(message);
    expectNoInjectedMarkup(message);
    expect(allText(message.blocks)).toMatch(/…and \d+ more/);
  });

  it('sends mrkdwn verbatim so Slack does not auto-link names found in values', () => {
    for (const block of buildSlackMessage(keyForAnotherUser()).blocks) {
      if (block.type === 'section') {
        const objects = 'text' in block ? [block.text] : block.fields;
        for (const object of objects) expect(object.verbatim).toBe(true);
      }
    }
  });
});
