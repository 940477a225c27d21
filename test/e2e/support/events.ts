/**
 * CloudTrail events for end-to-end tests, from the project's own fixtures (`test/fixtures/cloudtrail`),
 * each given a fresh eventID so every test owns its ledger entries even though the files share one
 * ledger.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { toEnvelope } from '../../../rules/cloudtrail/envelope';
import type { CloudTrailRecord, EventBridgeEnvelope } from '../../../rules/types';

const FIXTURES = new URL('../../fixtures/cloudtrail/', import.meta.url);

/** A fixture file as parsed JSON. */
function readFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;
}

/** A fixture record with a new eventID, and `changes` applied on top. */
export function fixtureRecord(name: string, changes: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  return { ...(readFixture(name) as CloudTrailRecord), eventID: randomUUID(), ...changes };
}

/** The envelope EventBridge delivers for a fixture record (fresh eventID). */
function fixtureEnvelope(name: string, changes: Partial<CloudTrailRecord> = {}): EventBridgeEnvelope {
  return toEnvelope(fixtureRecord(name, changes));
}

/** alice creates IAM user bob with the CLI: `iam-user-created`, medium. */
export function createUserEnvelope(changes: Partial<CloudTrailRecord> = {}): EventBridgeEnvelope {
  return fixtureEnvelope('create-user.json', changes);
}

/** alice attaches AdministratorAccess to user svc-backup: `iam-admin-policy-attached`, critical. */
export function adminAttachEnvelope(changes: Partial<CloudTrailRecord> = {}): EventBridgeEnvelope {
  return fixtureEnvelope('attach-user-policy-admin.json', changes);
}

/**
 * An envelope from an EventBridge archive replay (it carries `replay-name`): alice deactivates bob's
 * MFA device, `iam-mfa-device-removed`, high.
 */
export function archiveReplayEnvelope(): EventBridgeEnvelope {
  const envelope = readFixture(
    'deactivate-mfa-device.replay.eventbridge.json',
  ) as unknown as EventBridgeEnvelope;
  return { ...envelope, detail: { ...envelope.detail, eventID: randomUUID() } };
}
