/**
 * Optimizers (SGD, Adam, AdamW, RMSProp, Adagrad), learning-rate schedules, gradient clipping and
 * the exponential moving average of weights.
 * @module
 */
export { Optimizer, flag, nonNegative } from './optimizer.js';
export type { BaseHyper, FloatArray, OptimizerState, ParamGroup, ParamGroupInput, ParamState } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions } from './adam.js';
export { RMSProp } from './rmsprop.js';
export type { RMSPropOptions } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export {
  LRScheduler,
  StepLR,
  MultiStepLR,
  ExponentialLR,
  CosineAnnealingLR,
  LinearLR,
  LinearWarmup,
  LambdaLR,
  SequentialLR,
} from './scheduler.js';
export { clipGradNorm, clipGradValue } from './clip.js';
export { ExponentialMovingAverage } from './ema.js';
export type { EMAOptions, EMAState } from './ema.js';
