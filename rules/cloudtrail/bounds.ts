/**
 * Depth and size bounds on one input value, checked once at the edge (reader thread and main thread
 * alike, and the record Lambda) before anything else walks the value.
 *
 * `JSON.parse` is iterative, but `JSON.stringify`, structured cloning between threads and every
 * recursive walk in this code base are not: a record nested a few thousand levels deep ends them with
 * "Maximum call stack size exceeded". After this check every later walk of the record is bounded by
 * {@link RECORD_LIMITS}, not by what an attacker wrote. The check itself uses an explicit stack.
 */
import { InvalidRecordError } from './errors';

/**
 * Bounds on one record (or envelope, or LookupEvents wrapper) as it arrives.
 *
 * Real CloudTrail records nest about ten levels (the samples under `../shared` reach nine); 64 leaves
 * room for the most nested request parameters while keeping every recursive walk shallow. The size
 * bound counts string and key characters and is well above any single CloudTrail record: larger text
 * fields are recorded truncated and marked, not rejected.
 */
export const RECORD_LIMITS = {
  /** Containers (objects, arrays) inside one another, the value itself counting as 1. */
  depth: 64,
  /** Characters of strings and keys, plus one per container and scalar. */
  chars: 4 * 1024 * 1024,
} as const;

/**
 * Throws unless `value` is within {@link RECORD_LIMITS}. Cheap on ordinary records: one pass over the
 * containers, string lengths read, nothing copied.
 *
 * @throws InvalidRecordError saying which bound the value exceeds.
 */
export function checkRecordBounds(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  // An explicit stack, and no closure: this runs on every record read, hundreds of thousands per replay.
  const containers: object[] = [value];
  const depths: number[] = [1];
  let chars = 0;
  while (containers.length > 0) {
    const container = containers.pop() as object;
    const depth = depths.pop() as number;
    if (depth > RECORD_LIMITS.depth) {
      throw new InvalidRecordError(`record is nested more than ${RECORD_LIMITS.depth} levels deep`);
    }
    chars++;
    if (Array.isArray(container)) {
      for (const element of container) {
        if (typeof element === 'string') chars += element.length;
        else if (element !== null && typeof element === 'object') {
          containers.push(element);
          depths.push(depth + 1);
        } else chars++;
      }
    } else {
      const fields = container as Record<string, unknown>;
      for (const key in fields) {
        const element = fields[key];
        chars += key.length;
        if (typeof element === 'string') chars += element.length;
        else if (element !== null && typeof element === 'object') {
          containers.push(element);
          depths.push(depth + 1);
        } else chars++;
      }
    }
    if (chars > RECORD_LIMITS.chars) {
      throw new InvalidRecordError(
        `record is larger than ${RECORD_LIMITS.chars} characters (strings, keys and values counted)`,
      );
    }
  }
}
