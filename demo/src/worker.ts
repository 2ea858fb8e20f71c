/**
 * The "train in the page" Web Worker: fine-tunes the GEM-CNN on the page's current mesh for N Adam
 * steps off the main thread (so the page stays responsive) and posts progress after every step and
 * the new weights (safetensors bytes) at the end.
 *
 * in:  { positions: Float64Array, faces: Int32Array, phi?: Float64Array, weights: Uint8Array, steps, lr }
 * out: { type: 'progress', step, steps, loss } … then { type: 'done', weights, curve, ms } or { type: 'error', message }
 * @module
 */
import { parseSafetensors, serializeSafetensors, wasmAvailable, wasmReady } from '../../src/index.js';
import { demoGeometry } from './geometry.js';
import { GemNet } from './model.js';
import { train } from './training.js';

interface Job { positions: Float64Array; faces: Int32Array; phi?: Float64Array; weights: Uint8Array; steps: number; lr: number }

self.onmessage = async (ev: MessageEvent<Job>) => {
  const job = ev.data;
  try {
    if (!wasmAvailable()) await wasmReady();
    const g = demoGeometry({ positions: job.positions, faces: job.faces }, job.phi);
    const net = new GemNet();
    net.loadStateDict(parseSafetensors(job.weights).tensors);
    const t0 = performance.now();
    const curve = train(net, g, {
      steps: job.steps,
      lr: job.lr,
      onStep: (step, loss) => postMessage({ type: 'progress', step, steps: job.steps, loss }),
    });
    const weights = serializeSafetensors(net.stateDict() as Parameters<typeof serializeSafetensors>[0]);
    postMessage({ type: 'done', weights, curve, ms: performance.now() - t0 });
  } catch (e) {
    postMessage({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
};
