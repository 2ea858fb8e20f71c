/**
 * Synthetic datasets with known symmetries (EMLP's O5Synthetic, Inertia, ParticleInteraction)
 * and equivariance-preserving standardisation.
 * @module
 */
export {
  o5Synthetic, inertia, particleInteraction, EMLP_DATASETS, equivariantStandardization, standardize, unstandardize, datasetSymmetry,
} from './emlp-synthetic.js';
export type { SyntheticDataset, Standardization } from './emlp-synthetic.js';
export { NBODY, generateNBody, generateNBodyFrom, nbodySplits, nbodyGraphs, parseNBodyStates, simulateCharged, simulateChargedFrom, chargedForces } from './nbody.js';
export type { NBodySample, NBodySplits, NBodyTrajectory, GenerateNBodyOptions, NBodyGraphsOptions, NBodyInitialState, NBodyStateSplits } from './nbody.js';
