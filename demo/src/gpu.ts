/**
 * gpu.js WebGL2 aggregation in the page (loaded only when a WebGL2 context exists, after the page
 * is up, so gpu.js never delays the first render).
 *
 * erlangen's GEM layers run eagerly and synchronously, and gpu.js's WebGL2 kernels are asynchronous
 * (they belong to the compiled-plan executor, docs/design/gpu-backend.md), so the network's forward
 * pass itself runs on the wasm/JS kernels. What runs on WebGL2 here is the aggregation at the heart
 * of a GEM layer — the segment sum of the per-edge messages at their receivers — through erlangen's
 * `createAsyncGpuKernels({ mode: 'webgl2' })`, on the current mesh's real edge list and the first
 * hidden layer's features, checked against erlangen's JS reference kernel.
 * @module
 */
import { jsBackend } from '../../src/index.js';
import type { KernelTensor } from '../../src/index.js';
import type { DemoGeometry } from './geometry.js';
import type { LayerOutput } from './model.js';

/** The outcome of the WebGL2 aggregation. */
export interface GpuAggregation {
  /** 'gpu' when gpu.js ran it on WebGL2, 'fallback' when it declined and the JS reference ran. */
  path: 'gpu' | 'fallback';
  edges: number;
  features: number;
  /** Max |WebGL2 − JS reference| relative to the largest reference value. */
  error: number;
  ms: number;
}

const kt = (shape: number[], data: Float32Array | Int32Array, dtype: 'float32' | 'int32'): KernelTensor => ({ shape, data, dtype });

/** Messages x[sender] of every directed edge, summed at the receivers, on WebGL2 and in JS. */
export async function gpuAggregation(g: DemoGeometry, layer: LayerOutput): Promise<GpuAggregation> {
  const { createAsyncGpuKernels } = await import('../../src/backend/gpu/index.js');
  const gk = createAsyncGpuKernels({ mode: 'webgl2', minWork: 0 });
  try {
    const { senders, receivers, vertices: V } = g.geometry, E = senders.length, F = layer.data.length / V;
    const msg = new Float32Array(E * F);
    for (let k = 0; k < E; k++) msg.set(layer.data.subarray(senders[k]! * F, senders[k]! * F + F), k * F);
    const inputs = [kt([E, F], msg, 'float32'), kt([E], receivers, 'int32')];
    const attrs = { numSegments: V, sorted: true };
    const got = [kt([V, F], new Float32Array(V * F), 'float32')], want = [kt([V, F], new Float32Array(V * F), 'float32')];
    await gk.run('segmentSum', inputs, got, attrs); // warm-up: compiles the kernel
    got[0]!.data.fill(0);
    const t0 = performance.now();
    const path = await gk.run('segmentSum', inputs, got, attrs);
    const ms = performance.now() - t0;
    jsBackend.kernels.segmentSum!(inputs, want, attrs);
    let d = 0, r = 0;
    for (let i = 0; i < V * F; i++) {
      d = Math.max(d, Math.abs(got[0]!.data[i]! - want[0]!.data[i]!));
      r = Math.max(r, Math.abs(want[0]!.data[i]!));
    }
    return { path, edges: E, features: F, error: r > 0 ? d / r : d, ms };
  } finally {
    await gk.dispose();
  }
}
