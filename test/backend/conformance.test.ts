import { describe, it } from 'vitest';
import { backendConformanceSuite } from '../../src/testing/conformance.js';
import { cpuBackend, createWasmBackend, jsBackend, type Backend } from '../../src/backend/index.js';

// The reference backend against itself (proves the suite runs and covers every kernel).
backendConformanceSuite(jsBackend, { describe, it });

// The default backend (reference + CSR aggregation kernels) against the reference.
backendConformanceSuite(cpuBackend, { describe, it });

// The WebAssembly SIMD kernels at every size (the default backend only uses them above a work threshold).
backendConformanceSuite(createWasmBackend({ minWork: 0, minGemm: 0, parallelMinWork: 0 }), { describe, it });

// A backend that only overrides a subset of kernels falls back to the reference for the rest;
// this "naive" backend replaces matmul with a textbook triple loop, as a real backend would.
const naive: Backend = {
  name: 'naive-matmul',
  alloc: jsBackend.alloc,
  kernels: {
    matmul: ([a, b], [o], { transA, transB }: { transA: boolean; transB: boolean }) => {
      const as = a!.shape, os = o!.shape;
      const M = os[os.length - 2]!, N = os[os.length - 1]!;
      const K = transA ? as[as.length - 2]! : as[as.length - 1]!;
      const nb = o!.data.length / (M * N);
      const aBatch = a!.data.length / (M * K), bBatch = b!.data.length / (K * N);
      for (let t = 0; t < nb; t++) {
        const ao = (aBatch === 1 ? 0 : t) * M * K, bo = (bBatch === 1 ? 0 : t) * K * N;
        for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += a!.data[ao + (transA ? k * M + i : i * K + k)]! * b!.data[bo + (transB ? j * K + k : k * N + j)]!;
          o!.data[t * M * N + i * N + j] = s;
        }
      }
    },
  },
};
backendConformanceSuite(naive, { describe, it }, { rtol: { float32: 1e-5, float64: 1e-13 } });
