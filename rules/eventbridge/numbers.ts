/**
 * Numbers as EventBridge compares them. Numeric matching works on IEEE-754 doubles, and a number in
 * a pattern operand (`numeric`, `anything-but`) must be exactly the double it denotes: `300`,
 * `300.0` and `3.0e2` are fine and equal, `0.10000000000000001` is refused because it silently
 * becomes `0.1`.
 */

/**
 * The double a JSON number text denotes, or undefined when the text is not exactly representable
 * (more digits than a double holds, or beyond its range) and EventBridge refuses to compare it.
 */
export function comparableNumber(text: string): number | undefined {
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  const written = decimalOf(text);
  // String(value) is the shortest text that reads back as the same double.
  const stored = decimalOf(String(value));
  if (!written || !stored) return undefined;
  return written.digits === stored.digits &&
    written.exponent === stored.exponent &&
    written.negative === stored.negative
    ? value
    : undefined;
}

/** A decimal number as significant digits × 10^exponent, without leading or trailing zeros. */
interface Decimal {
  negative: boolean;
  digits: string;
  exponent: number;
}

function decimalOf(text: string): Decimal | undefined {
  const match = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return undefined;
  const [, sign, whole = '', fraction = '', exponentText = '0'] = match;
  const allDigits = whole + fraction;
  const firstSignificant = allDigits.search(/[1-9]/);
  if (firstSignificant < 0) return { negative: false, digits: '', exponent: 0 };
  const trimmedEnd = allDigits.replace(/0+$/, '');
  const digits = trimmedEnd.slice(firstSignificant);
  const trailingZeros = allDigits.length - trimmedEnd.length;
  const exponent = Number(exponentText) - fraction.length + trailingZeros;
  return { negative: sign === '-', digits, exponent };
}
