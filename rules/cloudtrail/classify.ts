// PLACEHOLDER — replaced by the CloudTrail input work (see issue 2).
import type { Actor, SourceIpKind, Via } from '../types';

export function classifySourceIp(_value: string): SourceIpKind {
  return 'other';
}

export function classifyVia(
  _userAgent: string | undefined,
  _actor: Actor,
  _sourceIp: string | undefined,
): Via | undefined {
  return undefined;
}
