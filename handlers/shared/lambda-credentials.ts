/**
 * The AWS SDK's default credential chain as iamwatch's Lambda bundles carry it: the environment only.
 *
 * esbuild puts this module in place of `@aws-sdk/credential-provider-node` in every Lambda bundle
 * (`LAMBDA_ALIASES` in stacks/constructs/lambda-bundle.ts), where each client's runtime configuration
 * imports `defaultProvider`. Lambda gives a function its execution role's credentials in
 * `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, which is the default chain's
 * first link; the chain stops there. Its other links (SSO, shared config files, `credential_process`,
 * web identity, container and instance metadata) and the STS, SSO and sign-in clients they bring are
 * never reached in a function, yet made up about 100 KB of every bundle. Roles a function assumes
 * (the organization reader, the audit's member accounts) still start from these credentials.
 *
 * Code run from the sources — the CLI, the tests — is not bundled this way and keeps the whole chain.
 */
import { type FromEnvInit, fromEnv } from '@aws-sdk/credential-provider-env';

/** What clients call `credentialDefaultProvider`: the same name and call as the chain it replaces. */
export function defaultProvider(init: FromEnvInit = {}): ReturnType<typeof fromEnv> {
  return fromEnv(init);
}
