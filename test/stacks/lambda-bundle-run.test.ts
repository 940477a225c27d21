/**
 * The record bundle itself, built as deployed (credential chain aliased to the environment, no
 * examples), run in a fresh `node` against dynalite: it signs with the credentials Lambda would put in
 * the environment and records the event. The sources' wiring is tested in test/e2e/lambda-wiring.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, type LocalLedger, startLocalLedger } from '../../handlers/ledger/local';
import { DEFAULT_LEDGER_TABLE_NAME } from '../../handlers/ledger/table';
import { toEnvelope } from '../../rules/cloudtrail/envelope';
import { actors, iamCall } from '../../rules/examples';
import { bundleLambda, LAMBDA_ENTRIES } from '../../stacks/constructs/lambda-bundle';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Imports the bundle and hands its `handler` the event, as the Lambda runtime would. */
const INVOKE = `const { handler } = await import(process.argv[1]);
await handler(JSON.parse(process.env.TEST_EVENT), { awsRequestId: 'bundle-run' });`;

let local: LocalLedger;
let dir: string;

beforeAll(async () => {
  local = await startLocalLedger({ persist: false });
  dir = mkdtempSync(path.join(tmpdir(), 'iamwatch-bundle-run-'));
  writeFileSync(path.join(dir, 'record.mjs'), (await bundleLambda(ROOT, LAMBDA_ENTRIES.record)).code);
}, 60_000);

afterAll(async () => {
  await local?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the record bundle', () => {
  it('records an event with the credentials Lambda puts in the environment', async () => {
    const envelope = toEnvelope(
      iamCall('CreateUser', { actor: actors.alice, request: { userName: 'mallory' } }),
    );
    // Asynchronously: dynalite answers from this process.
    const run = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', INVOKE, path.join(dir, 'record.mjs')],
      {
        cwd: dir,
        timeout: 30_000,
        // Only what Lambda provides: no profile, no config files (HOME is an empty folder).
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
          AWS_SESSION_TOKEN: 'execution-role-session',
          AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
          IAMWATCH_TABLE_NAME: DEFAULT_LEDGER_TABLE_NAME,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          TEST_EVENT: JSON.stringify(envelope),
        },
      },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('"message":"recorded"');
    expect(await local.store.get(envelope.detail.eventID)).toMatchObject({ eventName: 'CreateUser' });
  });
});
