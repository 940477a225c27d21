/**
 * IP addresses and CIDR blocks as EventBridge reads them. Only strings shaped like an address
 * literal are addresses (four dotted decimal groups, or hex digits and colons); those are compared by
 * value, so `10.0.0.01` is `10.0.0.1`, `2001:DB8::1` is `2001:db8:0:0:0:0:0:1`, and an IPv4-mapped
 * IPv6 literal (`::ffff:a00:1`) is the IPv4 address it maps. An exact string in a pattern that is
 * such a literal matches every spelling of the address.
 */

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** True when the string has the shape of an address literal (whether or not it is a valid one). */
function looksLikeIp(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

/**
 * The address as a fixed-width uppercase hex string (8 digits for IPv4, 32 for IPv6), or undefined
 * when the text is not an address literal. Same-width keys order like the addresses they encode.
 */
export function ipKey(text: string): string | undefined {
  const bytes = ipBytes(text);
  return bytes ? toHex(bytes) : undefined;
}

function ipBytes(text: string): number[] | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (IPV6_SHAPE.test(text)) {
    const bytes = parseIpv6(text);
    return bytes && isIpv4Mapped(bytes) ? bytes.slice(12) : bytes;
  }
  return undefined;
}

function parseIpv4(text: string): number[] | undefined {
  const bytes: number[] = [];
  for (const part of text.split('.')) {
    let value = 0;
    for (const digit of part) {
      value = value * 10 + (digit.charCodeAt(0) - 48);
      if (value > 255) return undefined;
    }
    bytes.push(value);
  }
  return bytes;
}

function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.flatMap((group) => [group >> 8, group & 0xff]);
}

function groupsOf(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  for (const part of text.split(':')) {
    if (part.length === 0 || part.length > 4) return undefined;
    groups.push(Number.parseInt(part, 16));
  }
  return groups;
}

function isIpv4Mapped(bytes: readonly number[]): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

function toHex(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** An address range as same-width hex keys, inclusive at both ends. */
export interface IpRange {
  low: string;
  high: string;
}

/** Parses a CIDR block; throws the reason EventBridge gives when it refuses one. */
export function parseCidr(cidr: string): IpRange {
  const parts = splitLikeJava(cidr, '/');
  if (parts.length !== 2) throw new CidrError("Malformed CIDR, one '/' required");
  const [address = '', maskText = ''] = parts;
  const maskBits = Number(maskText);
  // Java's Integer.parseInt: optional sign, decimal digits, 32-bit range.
  if (!/^[+-]?\d+$/.test(maskText) || Math.abs(maskBits) > 2 ** 31 - 1) {
    throw new CidrError('Malformed CIDR, mask bits must be an integer');
  }
  if (maskBits < 0) throw new CidrError('Malformed CIDR, mask bits must not be negative');
  const shaped = looksLikeIp(address);
  const bytes = shaped ? ipBytes(address) : undefined;
  if (!bytes) throw new CidrError(`${shaped ? 'Invalid' : 'Nonstandard'} IP address: ${address}`);
  if (bytes.length === 4 && maskBits > 31) throw new CidrError('IPv4 mask bits must be < 32');
  if (bytes.length === 16 && maskBits > 127) throw new CidrError('IPv6 mask bits must be < 128');
  const low = bytes.map((byte, i) => byte & maskByte(maskBits, i));
  const high = bytes.map((byte, i) => byte | (~maskByte(maskBits, i) & 0xff));
  return { low: toHex(low), high: toHex(high) };
}

/** The network-mask byte at index `i` for a prefix of `bits` bits. */
function maskByte(bits: number, i: number): number {
  const covered = Math.min(Math.max(bits - i * 8, 0), 8);
  return (0xff << (8 - covered)) & 0xff;
}

/** True when `key` (from {@link ipKey}) lies in the range; addresses of the other family never do. */
export function inRange(key: string, range: IpRange): boolean {
  return key.length === range.low.length && key >= range.low && key <= range.high;
}

/** `String.split` as Java does it: trailing empty strings are dropped. */
function splitLikeJava(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** A CIDR block EventBridge refuses; the message is its reason. */
export class CidrError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CidrError';
  }
}
