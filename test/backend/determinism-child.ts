/**
 * Child process of test/backend/determinism.test.ts: with `ERLANGEN_WASM_THREADS` set by the
 * parent, load the kernels with `await wasmReady()` as the very first call, run every determinism
 * case on the shared runtime (split at every size) and print `{ threads, digests }` as JSON.
 */
import { wasmKernels, wasmReady, wasmThreads } from '../../src/backend/index.js';
import { determinismCases, digest, runCase } from './determinism-cases.js';

const ready = await wasmReady();
const threads = wasmThreads();
const k = wasmKernels({ minWork: 0, minGemm: 0, parallelMinWork: 0 });
const digests = Object.fromEntries(determinismCases().map((c) => [c.name, digest(runCase(k, c))]));
console.log(JSON.stringify({ ready, threads, digests }));
