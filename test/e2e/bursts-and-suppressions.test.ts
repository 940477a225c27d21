/**
 * Alerts worth reading, at the wire: a `terraform apply` burst folded into a follow-up per channel,
 * critical alerts never folded, and suppressions that silence exactly what they match. dynalite holds
 * the ledger (entries, burst windows, suppressions); Slack and SNS are local servers.
 */
import { describe, expect, it } from 'vitest';
import type { Suppression } from '../../handlers/ports';
import { newSuppression } from '../../handlers/suppress/create';
import type { CloudTrailRecord } from '../../rules/types';
import { adminAttachEnvelope, createUserEnvelope } from './support/events';
import { NOW, type Pipeline, usePipeline } from './support/pipeline';
import { filterEntryInserts } from './support/stream';

const pipeline = usePipeline();

const TERRAFORM_ROLE = 'arn:aws:iam::111122223333:role/terraform-apply';
const SCHEDULED = { source: 'aws.events', 'detail-type': 'Scheduled Event' } as const;
const BURSTS = { windowMs: 10 * 60_000, postFirst: 3 };

function terraformSession(session: string): CloudTrailRecord['userIdentity'] {
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLETERRAFORM:${session}`,
    arn: `arn:aws:sts::111122223333:assumed-role/terraform-apply/${session}`,
    accountId: '111122223333',
    accessKeyId: 'ASIAEXAMPLETERRAFORM',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLETERRAFORM',
        arn: TERRAFORM_ROLE,
        accountId: '111122223333',
        userName: 'terraform-apply',
      },
      attributes: { creationDate: '2026-11-20T14:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

/** The i-th CreateUser of the apply: a medium alert, one second after the previous. */
function createUser(i: number, run = 'run-1', base = NOW.getTime()) {
  const name = `svc-tf-${String(i).padStart(2, '0')}`;
  return createUserEnvelope({
    userIdentity: terraformSession(run),
    userAgent:
      'APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.80.0',
    eventTime: new Date(base - 60_000 + i * 1000).toISOString().replace('.000', ''),
    requestParameters: { userName: name },
    responseElements: { user: { userName: name, arn: `arn:aws:iam::111122223333:user/${name}` } },
  });
}

/** Records the envelopes and hands their stream INSERTs to notify in batches of 10, as Lambda would. */
async function recordAndNotify(
  envelopes: ReturnType<typeof createUserEnvelope>[],
  notify: ReturnType<Pipeline['notify']>,
) {
  for (const envelope of envelopes) await pipeline.record(envelope);
  await pipeline.stream.settled();
  const inserts = filterEntryInserts(pipeline.stream.take());
  expect(inserts).toHaveLength(envelopes.length);
  for (let i = 0; i < inserts.length; i += 10) {
    expect(await notify({ Records: inserts.slice(i, i + 10) })).toEqual({ batchItemFailures: [] });
  }
}

describe('a 40-change terraform apply by one role', () => {
  it('posts the first three, folds the rest into one follow-up per channel, and keeps 40 entries', {
    timeout: 120_000,
  }, async () => {
    const envelopes = Array.from({ length: 40 }, (_, i) => createUser(i));
    const ids = envelopes.map((e) => e.detail.eventID);
    const notify = pipeline.notify({ bursts: BURSTS, snsMinSeverity: 'medium' });

    await recordAndNotify(envelopes, notify);

    // Not delayed: the first three are out at once; the rest wait for the window to close.
    expect(pipeline.slack.accepted()).toHaveLength(3);
    expect(pipeline.sns.published).toHaveLength(3);

    // The schedule after the window closed sends the follow-ups, once.
    const later = { now: () => new Date(NOW.getTime() + 11 * 60_000) };
    const flush = pipeline.notify({ bursts: BURSTS, snsMinSeverity: 'medium', clock: later });
    await flush(SCHEDULED);
    await flush(SCHEDULED);

    const posts = pipeline.slack.accepted();
    expect(posts.length).toBeLessThanOrEqual(5);
    expect(posts).toHaveLength(4);
    const slackText = posts.map((p) => p.body).join('\n');
    for (const id of ids) expect(slackText).toContain(id);
    expect(posts[3]!.body).toContain('37 more changes by terraform-apply');

    const published = pipeline.sns.published;
    expect(published.length).toBeLessThanOrEqual(5);
    expect(published).toHaveLength(4);
    const snsText = published.map((p) => p.rawMessage).join('\n');
    for (const id of ids) expect(snsText).toContain(id);
    expect(published[3]!.attributes.eventName?.value).toBe('iamwatch:burst');

    const entries = await pipeline.store.history({ actor: TERRAFORM_ROLE, limit: 100 });
    expect(entries.map((e) => e.eventId).sort()).toEqual([...ids].sort());
    const folded = entries.filter((e) => e.delivery?.['slack:default']?.status === 'folded');
    expect(folded).toHaveLength(37);
  });

  it('posts a critical alert inside the burst at once and never folds it', async () => {
    const run = 'run-2';
    const base = NOW.getTime() + 2 * 3_600_000; // a window of its own
    const envelopes = Array.from({ length: 10 }, (_, i) => createUser(i, run, base));
    const critical = adminAttachEnvelope({
      userIdentity: terraformSession(run),
      eventTime: new Date(base - 60_000 + 5500).toISOString(),
    });
    envelopes.splice(6, 0, critical);
    const notify = pipeline.notify({ bursts: BURSTS });

    await recordAndNotify(envelopes, notify);

    expect(pipeline.slack.mentioning(critical.detail.eventID)).toHaveLength(1);
    expect(pipeline.slack.accepted()).toHaveLength(4);
    expect(pipeline.sns.published.map((p) => p.subject)).toEqual([expect.stringMatching(/^CRITICAL/)]);
    const stored = await pipeline.store.get(critical.detail.eventID);
    expect(stored?.delivery?.['slack:default']?.status).toBe('delivered');
  });

  it('an actor alone in its window is never folded (near miss)', async () => {
    const notify = pipeline.notify({ bursts: BURSTS });
    await recordAndNotify([createUser(1, 'solo', NOW.getTime() + 4 * 3_600_000)], notify);
    expect(pipeline.slack.accepted()).toHaveLength(1);
  });
});

describe('suppressions at notify', () => {
  const now = NOW;
  async function suppress(request: Partial<Parameters<typeof newSuppression>[0]>): Promise<Suppression> {
    const suppression = newSuppression(
      {
        detection: 'iam-user-created',
        reason: 'onboarding batch, ticket SEC-42',
        until: '7d',
        createdBy: 'test',
        ...request,
      },
      now,
    );
    await pipeline.store.putSuppression(suppression);
    return suppression;
  }

  it('silences exactly what it matches, records suppressedBy, and still records the entry', async () => {
    const suppression = await suppress({ actor: 'alice', account: '111122223333' });
    const matched = createUserEnvelope();
    const otherActor = createUserEnvelope({
      userIdentity: terraformSession('someone-else'),
    });
    const otherAccount = createUserEnvelope({ recipientAccountId: '444455556666' });
    const notify = pipeline.notify({ suppressions: true });

    await recordAndNotify([matched, otherActor, otherAccount], notify);

    expect(pipeline.slack.mentioning(matched.detail.eventID)).toHaveLength(0);
    expect(pipeline.slack.mentioning(otherActor.detail.eventID)).toHaveLength(1);
    expect(pipeline.slack.mentioning(otherAccount.detail.eventID)).toHaveLength(1);
    const stored = await pipeline.store.get(matched.detail.eventID);
    expect(stored?.delivery?.['slack:default']).toMatchObject({
      status: 'suppressed',
      suppressionId: suppression.id,
    });
    expect(await pipeline.store.deleteSuppression(suppression.id)).toBeDefined();
  });

  it('an expired suppression silences nothing, and its expiry is recorded once', async () => {
    const suppression = await suppress({ actor: 'alice' });
    const envelope = createUserEnvelope();
    const afterExpiry = { now: () => new Date(Date.parse(suppression.until) + 1000) };
    const notify = pipeline.notify({ suppressions: true, clock: afterExpiry });

    await recordAndNotify([envelope], notify);

    expect(pipeline.slack.mentioning(envelope.detail.eventID)).toHaveLength(1);
    expect(await pipeline.store.listSuppressions()).not.toContainEqual(suppression);
    const expiries = (await pipeline.store.suppressionEvents()).filter(
      (e) => e.action === 'expired' && e.suppression.id === suppression.id,
    );
    expect(expiries).toHaveLength(1);
  });

  it('a critical alert is not silenced by a suppression made without --allow-critical', async () => {
    // Built as data directly: newSuppression itself refuses it (see the unit tests).
    const suppression: Suppression = {
      id: 'sup-critical-test',
      detection: 'iam-admin-policy-attached',
      reason: 'test',
      owner: 'test',
      createdBy: 'test',
      createdAt: now.toISOString(),
      until: new Date(now.getTime() + 86_400_000).toISOString(),
    };
    await pipeline.store.putSuppression(suppression);
    const envelope = adminAttachEnvelope();
    await recordAndNotify([envelope], pipeline.notify({ suppressions: true }));
    expect(pipeline.slack.mentioning(envelope.detail.eventID)).toHaveLength(1);
    await pipeline.store.deleteSuppression(suppression.id);
  });
});
