/** The EventBridge pattern engine (matching, validation, `TestEventPattern`) and the derived patterns. */
export { MAX_OR_COMBINATIONS } from './compile';
export {
  API_CALL_DETAIL_TYPE,
  type DerivedPattern,
  deliveredBy,
  derivePatterns,
  describePatternLimits,
  EVENT_PATTERN_MAX_CHARS,
  PatternDerivationError,
  READ_ONLY_VERBS,
  RULES_PER_BUS_MAX,
  SIGN_IN_DETAIL_TYPES,
} from './derive';
export { InvalidEventPatternError, InvalidTestEventError } from './errors';
export { testEventPattern } from './json-match';
export {
  compilePattern,
  compilePatternText,
  type EventPattern,
  matchesPattern,
} from './matcher';
export { validatePattern } from './validate';
