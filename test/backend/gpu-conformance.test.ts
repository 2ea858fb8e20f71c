import { describe, it, expect } from 'vitest';
import { backendConformanceSuite, coveredKernels } from '../../src/testing/conformance.js';
import { createGpuBackend } from '../../src/backend/gpu/index.js';

// gpu.js computes in float32, so float32 only; minWork 0 sends even the suite's tiny cases to
// gpu.js instead of the small-input JS fallback (otherwise the suite would only test the fallback).
// gpujs-webasm-flat: the flattened kernel sources that the webgl2 mode runs (one thread per output
// element), here on gpu.js's webasm mode, since Node has no WebGL2
for (const [mode, flatten2d] of [['webasm', false], ['cpu', false], ['webasm', true]] as const) {
  const backend = createGpuBackend({ mode, minWork: 0, flatten2d, name: `gpujs-${mode}${flatten2d ? '-flat' : ''}` });
  backendConformanceSuite(backend, { describe, it }, { dtypes: ['float32'], rtol: { float32: 1e-5 } });

  describe(`${backend.name}: the suite ran the gpu.js kernels`, () => {
    it('every gpu.js kernel is exercised by the cases and ran on gpu.js, not the fallback', () => {
      const covered = coveredKernels();
      for (const op of Object.keys(backend.kernels)) expect(covered.has(op), op).toBe(true);
      // the conformance tests above have run by now (same file, sequential); axis-1 indexAdd falls back
      for (const op of ['segmentSum', 'segmentMax', 'segmentMin', 'indexSelect', 'segmentSoftmax', 'segmentSoftmaxGrad', 'gatherDot']) expect(backend.stats[op]?.gpu ?? 0, op).toBeGreaterThan(0);
    });
  });
}
