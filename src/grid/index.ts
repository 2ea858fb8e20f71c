/**
 * Pixel grids: the action of planar rotations, reflections and circular translations on square
 * images with a fibre representation on the channels (used by grid CNNs and by the equivariance
 * harness in erlangen/testing). See docs/design/harness.md.
 * @module
 */
export { gridLayout, isLatticeSymmetry, actOnChannels, resampleGrid, shiftGrid, actOnGrid, smoothImage } from './action.js';
export type { GridLayout, GridMoveOptions } from './action.js';
