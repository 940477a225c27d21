/**
 * DynamoDB item size as DynamoDB counts it (attribute names + values, UTF-8 strings, container
 * overhead), computed on the native JavaScript item the document client marshals. Slightly
 * pessimistic, so an item this module accepts is never refused by DynamoDB's 400 KB limit.
 */

/** DynamoDB's hard item limit. */
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;

/** Size in bytes of a top-level item. */
export function itemSize(item: Readonly<Record<string, unknown>>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    total += utf8Bytes(name) + valueSize(value);
  }
  return total;
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return utf8Bytes(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value) || value instanceof Set) {
    let total = 3;
    for (const element of value) total += 1 + valueSize(element);
    return total;
  }
  if (typeof value === 'object') {
    let total = 3;
    for (const [name, element] of Object.entries(value)) {
      if (element === undefined) continue;
      total += 1 + utf8Bytes(name) + valueSize(element);
    }
    return total;
  }
  return utf8Bytes(String(value));
}

function numberSize(value: number | bigint): number {
  const digits = String(value)
    .replace(/[^0-9]/g, '')
    .replace(/^0+/, '').length;
  return Math.min(21, Math.ceil(digits / 2) + 1);
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
