/**
 * The GEM network on WebGL2 through gpu.js (loaded only when a WebGL2 context exists, after the
 * page is up, so gpu.js never delays the first render).
 *
 * gpu.js reads a WebGL2 kernel's result back with the blocking `readPixels`, so its WebGL2 kernels
 * are synchronous and back erlangen's eager execution: `createGpuBackend({ mode: 'webgl2',
 * fallback: cpuBackend })` is a dispatch chain that runs the aggregation ops on WebGL2 — in a GEM
 * layer the fused transport-and-gather (`so2Gather`) and the segment sum at the receivers
 * (`so2SegmentSum`) — and everything else (the dense matmuls, the gates) on the wasm kernels.
 * {@link prepareWebgl2} builds it, runs the network on it once, checks the output against the
 * wasm forward pass and times it; the page then runs the network on it when the check passes.
 * @module
 */
import { cpuBackend, getBackend, registerBackend, setBackend } from '../../src/index.js';
import type { GpuBackend } from '../../src/backend/gpu/index.js';
import type { DemoGeometry } from './geometry.js';
import type { DemoNet, Prediction } from './model.js';

/** The registry name of the page's WebGL2 backend. */
export const WEBGL2_BACKEND = 'gpujs-webgl2';

/** What {@link prepareWebgl2} found. */
export interface Webgl2Report {
  /** 'gpu' when gpu.js ran the network's aggregation ops on WebGL2. */
  path: 'gpu' | 'fallback';
  /** Max |WebGL2 − wasm| over the output (scalar and vector), relative to the largest wasm value. */
  error: number;
  /** Median ms of the forward pass on WebGL2 (after the first, compiling one). */
  ms: number;
  /** The first pass on WebGL2: compiles the kernels. */
  firstMs: number;
  /** gpu.js calls per aggregation op in one forward pass: run on WebGL2 / passed to the wasm kernels. */
  calls: Record<string, { gpu: number; fallback: number }>;
}

let backend: GpuBackend | null = null;

/** Run `fn` with `name` as the active backend (the previous one is restored). */
export function onBackend<T>(name: string, fn: () => T): T {
  const prev = getBackend().name;
  setBackend(name);
  try {
    return fn();
  } finally {
    setBackend(prev);
  }
}

function maxRelDiff(a: Float32Array, b: Float32Array, scale: number): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return scale > 0 ? d / scale : d;
}

function maxAbs(...xs: Float32Array[]): number {
  let r = 0;
  for (const x of xs) for (let i = 0; i < x.length; i++) r = Math.max(r, Math.abs(x[i]!));
  return r;
}

/**
 * Create (once) and register the WebGL2 backend, run `net` on it for `g`, and compare with
 * `reference`, the same network's forward pass on the wasm kernels.
 */
export async function prepareWebgl2(net: DemoNet, g: DemoGeometry, reference: Prediction, repeats = 5): Promise<Webgl2Report> {
  if (!backend) {
    const { createGpuBackend } = await import('../../src/backend/gpu/index.js');
    backend = createGpuBackend({ mode: 'webgl2', fallback: cpuBackend, name: WEBGL2_BACKEND });
    registerBackend(backend);
  }
  const b = backend;
  const before = snapshot(b);
  let t0 = performance.now();
  const p = onBackend(WEBGL2_BACKEND, () => net.run(g));
  const firstMs = performance.now() - t0;
  const after = snapshot(b);
  const calls: Webgl2Report['calls'] = {};
  for (const op of Object.keys(after)) {
    const gpu = after[op]!.gpu - before[op]!.gpu, fallback = after[op]!.fallback - before[op]!.fallback;
    if (gpu || fallback) calls[op] = { gpu, fallback };
  }
  const ts: number[] = [];
  for (let i = 0; i < repeats; i++) {
    t0 = performance.now();
    onBackend(WEBGL2_BACKEND, () => net.run(g));
    ts.push(performance.now() - t0);
  }
  ts.sort((x, y) => x - y);
  const scale = maxAbs(reference.scalar, reference.vector);
  const error = Math.max(maxRelDiff(p.scalar, reference.scalar, scale), maxRelDiff(p.vector, reference.vector, scale));
  const path = Object.values(calls).some((c) => c.gpu > 0) ? 'gpu' : 'fallback';
  return { path, error, ms: ts[Math.floor(ts.length / 2)]!, firstMs, calls };
}

function snapshot(b: GpuBackend): Record<string, { gpu: number; fallback: number }> {
  const r: Record<string, { gpu: number; fallback: number }> = {};
  for (const [op, s] of Object.entries(b.stats)) r[op] = { gpu: s.gpu ?? 0, fallback: s.fallback ?? 0 };
  return r;
}
