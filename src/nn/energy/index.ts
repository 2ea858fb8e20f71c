/**
 * Energy-based learning: contrastive losses on energies, noise-contrastive estimation, denoising
 * score matching, an MLP energy with a closed-form score, and a Langevin sampler.
 * @module
 */
export { hingeEnergyLoss, logEnergyLoss, squareSquareEnergyLoss, squareExponentialEnergyLoss, nllEnergyLoss } from './contrastive.js';
export { nceLoss, DiagonalGaussian } from './nce.js';
export type { NceInputs } from './nce.js';
export { denoisingScoreMatchingLoss } from './score-matching.js';
export { langevinSample } from './langevin.js';
export type { LangevinOptions } from './langevin.js';
export { EnergyMLP } from './energy-mlp.js';
export type { EnergyActivation, EnergyMLPOptions } from './energy-mlp.js';
