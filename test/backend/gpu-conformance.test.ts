import { describe, it, expect } from 'vitest';
import { backendConformanceSuite, coveredKernels } from '../../src/testing/conformance.js';
import { createGpuBackend } from '../../src/backend/gpu/index.js';

// gpu.js computes in float32, so float32 only; minWork 0 sends even the suite's tiny cases to
// gpu.js instead of the small-input JS fallback (otherwise the suite would only test the fallback).
for (const mode of ['webasm', 'cpu'] as const) {
  const backend = createGpuBackend({ mode, minWork: 0 });
  backendConformanceSuite(backend, { describe, it }, { dtypes: ['float32'], rtol: { float32: 1e-5 } });

  describe(`gpujs-${mode}: the suite ran the gpu.js kernels`, () => {
    it('every gpu.js kernel is exercised by the cases and ran on gpu.js, not the fallback', () => {
      const covered = coveredKernels();
      for (const op of Object.keys(backend.kernels)) expect(covered.has(op), op).toBe(true);
      // the conformance tests above have run by now (same file, sequential); axis-1 indexAdd falls back
      for (const op of ['segmentSum', 'segmentMax', 'segmentMin', 'indexSelect', 'segmentSoftmax', 'segmentSoftmaxGrad', 'gatherDot']) expect(backend.stats[op]?.gpu ?? 0, op).toBeGreaterThan(0);
    });
  });
}
