/**
 * A backend whose message-passing kernels run as WebAssembly SIMD (see ./kernels.ts) over the
 * default CPU kernels. The default `cpu` backend already includes these kernels with a work
 * threshold; this factory exists to test them at every size (`minWork: 0`) and to tune the
 * threshold.
 * @module
 */
import type { Backend } from '../types.js';
import { jsBackend } from '../js/backend.js';
import { csrKernels } from '../js/segment-csr.js';
import { wasmKernels, type WasmKernelOptions } from './kernels.js';

/** The reference kernels + CSR kernels + wasm SIMD kernels, under the name `name` (default `wasm`). */
export function createWasmBackend(opts: WasmKernelOptions & { name?: string } = {}): Backend {
  return {
    name: opts.name ?? 'wasm',
    alloc: jsBackend.alloc,
    kernels: { ...jsBackend.kernels, ...csrKernels, ...wasmKernels(opts) },
  };
}
