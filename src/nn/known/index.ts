/**
 * Known operators (Maier et al., "Learning with known operators reduces maximum error bounds",
 * Nature Machine Intelligence 2019): fixed, differentiable operators with few or no parameters
 * to put inside networks — spectral filtering through the FFT, Gaussian derivative filters,
 * Frangi vesselness, parallel-beam Radon projection/backprojection and filtered backprojection.
 * @module
 */
export { SpectralFilter, spectralFilter, spectrumShape } from './spectral-filter.js';
export type { SpectralFilterOptions, SpectralFilterModuleOptions } from './spectral-filter.js';
export { gaussianKernel1d, gaussianKernel2d, defaultRadius, separableOrders, GAUSSIAN_KINDS } from './gaussian-kernels.js';
export type { GaussianKind, GaussianOrder } from './gaussian-kernels.js';
export { GaussianFilter2d, gaussianFilter2d, separableFilter2d } from './gaussian-filter.js';
export type { FilterPadding, GaussianFilterOptions, GaussianFilter2dOptions } from './gaussian-filter.js';
export { hessian2d, symmetricEigenvalues2x2, blobnessSquared } from './hessian.js';
export type { Hessian2d } from './hessian.js';
export { FrangiVesselness, frangiVesselness } from './frangi.js';
export type { FrangiOptions, FrangiVesselnessOptions, ScaleReduce, VesselPolarity } from './frangi.js';
export { ParallelBeamProjector } from './radon.js';
export type { ParallelBeamOptions } from './radon.js';
export { FilteredBackprojection, rampFilter, fbpFftSize } from './fbp.js';
export type { FilteredBackprojectionOptions } from './fbp.js';
