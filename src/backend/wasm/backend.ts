/**
 * A backend whose kernels run as WebAssembly SIMD where they can (see ./kernels.ts): the same
 * chain as the default `cpu` backend (wasm → JS CSR → JS reference), with the wasm provider's
 * thresholds and runtime chosen by the caller — to test the wasm kernels at every size
 * (`minWork: 0`), on a pool of a given size (`runtime`), or to tune the thresholds.
 * @module
 */
import { jsBackend } from '../js/backend.js';
import { csrProvider } from '../js/segment-csr.js';
import { chainBackend, everyCall, type ChainBackend } from '../dispatch.js';
import { wasmProvider, type WasmKernelOptions } from './kernels.js';

/** wasm SIMD → JS CSR → JS reference, under the name `name` (default `wasm`). */
export function createWasmBackend(opts: WasmKernelOptions & { name?: string } = {}): ChainBackend {
  return chainBackend(opts.name ?? 'wasm', [wasmProvider(opts), csrProvider, everyCall(jsBackend)], jsBackend.alloc);
}
