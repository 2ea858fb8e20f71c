/**
 * `erlangen/testing`: the tools erlangen tests itself with, shipped to users — the backend
 * conformance suite and gradient checking. (The equivariance harness joins it in a later issue.)
 * @module erlangen/testing
 */
export { backendConformanceSuite, conformanceCases, coveredKernels } from './conformance.js';
export type { ConformanceCase, ConformanceOptions, TestApi } from './conformance.js';
export { gradcheck, assertGradcheck, formatGradcheckReport } from './gradcheck.js';
export type { GradcheckOptions, GradcheckReport } from './gradcheck.js';
