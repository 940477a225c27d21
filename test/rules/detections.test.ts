import { describe, expect, it } from 'vitest';
import { makeContext } from '../../rules/context';
import { judge, lowerSeverity } from '../../rules/engine';
import { normalise } from '../../rules/normalise';
import { CATALOG } from '../../rules/registry';

/**
 * Every example of every detection, through the real normaliser: the detection's own `match` must
 * agree with the example, and so must the whole catalog's verdict (so an example's expectation also
 * holds with fallback and severity handling in place).
 */
const cases = CATALOG.flatMap((detection) =>
  detection.examples.map((example) => ({ label: `${detection.id}: ${example.name}`, detection, example })),
);

describe('detection examples', () => {
  it.each(cases)('$label', ({ detection, example }) => {
    const ctx = makeContext(example.context);
    const event = normalise(example.event, ctx);

    expect(detection.match(event, ctx)).toBe(example.expect);

    const verdict = judge(event, ctx);
    expect(verdict.errors).toEqual([]);
    const hit = verdict.entry.detections.find((h) => h.id === detection.id);
    if (!example.expect) {
      expect(hit).toBeUndefined();
      return;
    }
    expect(hit).toBeDefined();
    expect(hit?.title.length).toBeGreaterThan(0);
    const own = detection.severityOf ? detection.severityOf(event, ctx) : detection.severity;
    expect(detection.severities).toContain(own);
    expect(hit?.severity).toBe(event.automation ? lowerSeverity(own) : own);
    if (example.severity) expect(hit?.severity).toBe(example.severity);
  });
});
