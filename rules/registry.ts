// PLACEHOLDER — replaced by the detection catalog work (see issue 2).
import type { Detection } from './types';

export const CATALOG: readonly Detection[] = [];
