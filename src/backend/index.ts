/**
 * Backends: the kernel interface on raw typed arrays, the JS reference backend, the registry.
 * @module
 */
export type { Backend, DType, FloatDType, FloatArray, Kernel, KernelTensor, TypedArray } from './types.js';
export { allocArray, sizeOf, stridesOf } from './types.js';
export { registerBackend, setBackend, getBackend, backendByName, resolveKernel, listBackends } from './registry.js';
export type { BackendInfo } from './registry.js';
export { jsBackend } from './js/backend.js';
export { cpuBackend } from './js/cpu-backend.js';
export { createWasmBackend } from './wasm/backend.js';
export { wasmKernels } from './wasm/kernels.js';
export type { WasmKernelOptions } from './wasm/kernels.js';
export { createWasmRuntime, wasmAvailable, wasmReady, wasmThreads } from './wasm/runtime.js';
export type { WasmArena } from './wasm/runtime.js';
export { UNARY_FNS, BINARY_FNS } from './js/elementwise.js';
export { gemm } from './js/gemm.js';
export type { Conv2dAttrs } from './js/conv.js';
export type { Pool2dAttrs } from './js/pool.js';
