/**
 * Capsule networks (Sabour, Frosst & Hinton, "Dynamic Routing Between Capsules", NeurIPS 2017):
 * the squash nonlinearity, primary capsules, a capsule layer with dynamic routing by agreement, the
 * margin loss and the reconstruction decoder.
 * @module
 */
export { squash } from './squash.js';
export type { SquashOptions } from './squash.js';
export { PrimaryCapsules } from './primary.js';
export type { PrimaryCapsulesOptions } from './primary.js';
export { CapsuleLayer, dynamicRouting } from './routing.js';
export type { CapsuleLayerOptions, RoutingOptions, RoutingResult } from './routing.js';
export { marginLoss, capsuleLengths } from './margin-loss.js';
export type { MarginLossOptions } from './margin-loss.js';
export { CapsuleDecoder } from './decoder.js';
export type { CapsuleDecoderOptions } from './decoder.js';
