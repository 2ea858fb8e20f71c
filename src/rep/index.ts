/** Representations: the Rep algebra, base reps, irreps, characters, spherical harmonics, grammar. @module */
export { Rep, leafRep, isScalar, directSum, tensorProduct, dualRep, Scalar, hom, MAX_REP_SIZE, MAX_DENSE_ENTRIES, MAX_TENSOR_FACTORS } from './rep.js';
export type { RepNode, SumTerm, TensorFactor } from './rep.js';
export type { RepLeaf, SignedPerm } from './leaf.js';
export { asSignedPerm } from './leaf.js';
export { V, regular, quotient, customRep } from './base-reps.js';
export { T } from './tensor-types.js';
export { planarIrrep, planarIrrepOf } from './planar-irreps.js';
export { so3Irrep, o3Irrep } from './so3-irreps.js';
export { irrep } from './irreps.js';
export { sphericalHarmonics, shWithGradient, e3nnToZUp, shNormalizationFactor, MAX_L } from './spherical-harmonics.js';
export type { ShNormalization, ShOptions } from './spherical-harmonics.js';
export { wignerDFromAngles, wignerDY } from './wigner-angles.js';
export { character, characterVector, characterInner } from './characters.js';
export { parseRep, MAX_REP_STRING_LENGTH, MAX_REP_NESTING } from './parse-rep.js';
export { su2CG, realCG } from './clebsch-gordan.js';
export { decomposeFinite, finiteIrreps, irrepMultiplicities } from './finite-irreps.js';
export type { Component, FiniteDecomposition, FiniteIrrep } from './finite-irreps.js';
export { applyRep } from './apply.js';
