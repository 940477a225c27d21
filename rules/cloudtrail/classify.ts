/**
 * Classifies two free-text CloudTrail fields for the ledger: `sourceIPAddress` (an IP, or a service
 * DNS name, or `AWS Internal`) and `userAgent` (the client that made the call).
 */
import type { Actor, SourceIpKind, Via } from '../types';

const CLOUDFORMATION = 'cloudformation.amazonaws.com';
const SIGNIN = 'signin.amazonaws.com';

/**
 * What kind of value CloudTrail wrote as `sourceIPAddress`. Calls AWS services make on a
 * principal's behalf carry the service's DNS name (`iam.amazonaws.com`), some carry `AWS Internal`.
 */
export function classifySourceIp(value: string): SourceIpKind {
  if (isIpv4(value)) return 'ipv4';
  if (isIpv6(value)) return 'ipv6';
  const lower = value.toLowerCase();
  if (lower === 'aws internal') return 'aws-internal';
  if (isServiceHost(lower)) return 'aws-service';
  return 'other';
}

/**
 * How the call was made, from its user agent, falling back to `invokedBy` and the source address
 * when the user agent is absent or unknown. `undefined` when CloudTrail gives nothing to go on.
 *
 * `fromConsole` is the record's `sessionCredentialFromConsole === "true"`: the IAM console now calls
 * with the agent `AWS Internal`, so only this flag tells a console click from an internal call.
 */
export function classifyVia(
  userAgent: string | undefined,
  actor: Actor,
  sourceIp: string | undefined,
  fromConsole = false,
): Via | undefined {
  // CloudFormation acting for a principal is the deployment tool that matters, whatever agent it reports.
  if (actor.invokedBy === CLOUDFORMATION) return 'cloudformation';
  const fromAgent = userAgent ? viaOfUserAgent(userAgent.toLowerCase()) : undefined;
  if (fromAgent && fromAgent !== 'aws-service') return fromAgent;
  // A service acting for the principal made the call, even when a console click started it.
  if (actor.invokedBy && actor.invokedBy !== SIGNIN) return 'aws-service';
  if (fromConsole || actor.invokedBy === SIGNIN) return 'console';
  if (fromAgent) return fromAgent;
  if (sourceIp && !userAgent) {
    const kind = classifySourceIp(sourceIp);
    if (kind === 'aws-service' || kind === 'aws-internal') return 'aws-service';
  }
  return userAgent ? 'other' : undefined;
}

/** Order matters: tools built on an SDK (Terraform, CDK) embed the SDK's own agent after theirs. */
function viaOfUserAgent(ua: string): Via | undefined {
  if (ua.includes('aws-cdk') || ua.includes('awscdk')) return 'cdk';
  if (ua.includes('terraform') || ua.includes('hashicorp') || ua.includes('opentofu')) return 'terraform';
  if (ua.includes(CLOUDFORMATION)) return 'cloudformation';
  if (isConsoleAgent(ua)) return 'console';
  if (ua.includes('aws-cli/') || ua.startsWith('awspowershell') || ua.startsWith('ec2-api-tools')) {
    return 'cli';
  }
  // The console's and services' own back ends call with an internal SDK build.
  if (ua === 'aws internal' || ua.startsWith('aws-internal/') || ua.startsWith('coral/'))
    return 'aws-service';
  if (
    ua.includes('aws-sdk') ||
    ua.includes('boto3/') ||
    ua.includes('botocore/') ||
    ua.includes('aws-go-sdk')
  ) {
    return 'sdk';
  }
  if (isServiceHost(ua)) return 'aws-service';
  return undefined;
}

/**
 * The console reports itself as `console.amazonaws.com`, `console.<service>.amazonaws.com`,
 * `signin.amazonaws.com`, `AWSConsole` or `[S3Console/…]`; sign-ins carry the browser's agent.
 */
function isConsoleAgent(ua: string): boolean {
  if (ua.startsWith('mozilla')) return true;
  if (ua.startsWith('signin.amazonaws.com') || ua.startsWith('console.') || ua.startsWith('awsconsole'))
    return true;
  return ua.includes('s3console/') || ua.includes('console.aws.amazon.com');
}

/** A bare service host such as `lambda.amazonaws.com` (or the China partition's `.com.cn`). */
function isServiceHost(lower: string): boolean {
  if (!(lower.endsWith('.amazonaws.com') || lower.endsWith('.amazonaws.com.cn'))) return false;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46;
    if (!ok) return false;
  }
  return true;
}

/** Dotted quad with each part 0–255 (leading zeros tolerated: CloudTrail writes what it received). */
export function isIpv4(value: string): boolean {
  const parts = DOTTED_QUAD.exec(value);
  if (!parts) return false;
  return (
    Number(parts[1]) <= 255 && Number(parts[2]) <= 255 && Number(parts[3]) <= 255 && Number(parts[4]) <= 255
  );
}

// One match per address: normalise classifies the source address of every recorded event.
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** RFC 4291 text form: up to eight hex groups, at most one `::`, optionally ending in an IPv4 address. */
export function isIpv6(value: string): boolean {
  if (!value.includes(':') || value.length > 45) return false;
  const halves = value.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string | undefined): string[] => (half ? half.split(':') : []);
  const all = [...groups(halves[0]), ...groups(halves[1])];
  let width = 0;
  for (let i = 0; i < all.length; i++) {
    const group = all[i] ?? '';
    if (i === all.length - 1 && group.includes('.')) {
      if (!isIpv4(group)) return false;
      width += 2;
    } else if (/^[0-9a-f]{1,4}$/i.test(group)) {
      width += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? width < 8 : width === 8;
}
