/**
 * Neural-network building blocks: `Module` and `Parameter`, dense layers, containers,
 * activations, dropout, normalisation, embeddings, loss modules and seeded initialisers.
 * @module
 */
export { Parameter } from './parameter.js';
export type { FloatDType } from './parameter.js';
export { Module } from './module.js';
export type { AnyModule, StateDict, StateEntry, LoadResult } from './module.js';
export { Linear, Bilinear } from './linear.js';
export type { LinearOptions } from './linear.js';
export { Sequential, MLP } from './container.js';
export type { MLPOptions, TensorModule } from './container.js';
export { ReLU, LeakyReLU, ELU, GELU, SiLU, Tanh, Sigmoid, Softplus, Softmax, Identity, activation } from './activation.js';
export type { ActivationName } from './activation.js';
export { Dropout } from './dropout.js';
export { LayerNorm, BatchNorm1d, BatchNorm2d } from './normalization.js';
export type { LayerNormOptions, BatchNormLayerOptions } from './normalization.js';
export { Embedding } from './embedding.js';
export { MSELoss, L1Loss, HuberLoss, CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss } from './loss.js';
export type { ClassTargets } from './loss.js';
export type { EmbeddingOptions } from './embedding.js';
export {
  init,
  calculateGain,
  calculateFans,
  uniformInit,
  normalInit,
  constantInit,
  zerosInit,
  onesInit,
  xavierUniform,
  xavierNormal,
  kaimingUniform,
  kaimingNormal,
  orthogonal,
} from './init.js';
export type { Nonlinearity, FanMode, KaimingOptions } from './init.js';
