/**
 * The credential chain Lambda bundles carry instead of the SDK's default one (see
 * handlers/shared/lambda-credentials.ts); that the bundles really carry it is checked on esbuild's
 * metafile in test/stacks/lambda-bundles.test.ts and on the synthesized assets in test/stacks/app.test.ts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../../handlers/shared/lambda-credentials';

/** What Lambda sets for the execution role. */
const LAMBDA_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEROLEKEY',
  AWS_SECRET_ACCESS_KEY: 'role-secret',
  AWS_SESSION_TOKEN: 'role-session-token',
};

afterEach(() => {
  vi.unstubAllEnvs();
});

function stubCredentials(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) vi.stubEnv(name, value);
}

describe('the Lambda credential chain', () => {
  it("resolves the execution role's credentials from the environment, session token included", async () => {
    stubCredentials(LAMBDA_CREDENTIALS);
    await expect(defaultProvider()()).resolves.toMatchObject({
      accessKeyId: 'ASIAEXAMPLEROLEKEY',
      secretAccessKey: 'role-secret',
      sessionToken: 'role-session-token',
    });
  });

  it('is what a client calls when it is given no credentials, as the alias makes every client do', async () => {
    stubCredentials(LAMBDA_CREDENTIALS);
    const client = new DynamoDBClient({ region: 'us-east-1', credentialDefaultProvider: defaultProvider });
    await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLEROLEKEY' });
    client.destroy();
  });

  it('fails with the SDK error, never trying files or metadata services, when the environment has none', async () => {
    stubCredentials({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: 'sso' });
    await expect(defaultProvider()()).rejects.toMatchObject({ name: 'CredentialsProviderError' });
  });
});
