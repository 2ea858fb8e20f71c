/**
 * Memory networks: the end-to-end memory network (MemN2N) with its position encoding.
 * @module
 */
export { MemN2N } from './memn2n.js';
export type { MemN2NOptions, MemN2NOutput, MemN2NTying } from './memn2n.js';
export { positionEncoding } from './position-encoding.js';
