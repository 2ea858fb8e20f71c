/**
 * The default CPU backend, as a dispatch chain (./dispatch.ts): the WebAssembly SIMD kernels
 * (docs/design/wasm-kernels.md) where the wasm runtime is loaded and the call is large enough,
 * then the register-blocked plain-JS CSR kernels for the segment and index ops
 * (docs/design/gpu-backend.md), then the JS reference for everything — which is also where bad
 * input ends up and throws its named error. docs/design/kernel-dispatch.md describes the chain.
 * It must — and in the conformance suite does — agree with the reference.
 * @module
 */
import { chainBackend, everyCall, type ChainBackend } from './dispatch.js';
import { jsBackend } from './js/backend.js';
import { csrProvider } from './js/segment-csr.js';
import { wasmProvider } from './wasm/kernels.js';

/** wasm SIMD → JS CSR → JS reference; the active backend by default. */
export const cpuBackend: ChainBackend = chainBackend('cpu', [wasmProvider(), csrProvider, everyCall(jsBackend)], jsBackend.alloc);
