/**
 * The asynchronous gpu.js path (prototype of the compiled-plan executor's kernel launcher):
 * `webgpu` and `webgl2` kernels return Promises, so they cannot back the eager `Backend`. The
 * same planners as the eager backend prepare CSR and arguments on the host; `run` awaits the
 * launch and writes the pre-allocated outputs, falling back to the JS reference like the eager
 * kernels. In Node, WebGPU needs a `navigator.gpu` polyfill: {@link installWebGpuPolyfill}.
 * @module
 */
import type { KernelTensor } from '../types.js';
import { BackendError } from '../../util/errors.js';
import { aggregationPlanners } from './backend.js';
import { GpuKernelCache, type GpuJsMode } from './kernels.js';

/** An async kernel runner for the aggregation ops; unknown ops throw. */
export interface AsyncGpuKernels {
  readonly mode: GpuJsMode;
  /** Ops it runs (others belong to the JS reference or a future kernel). */
  readonly ops: readonly string[];
  /** Run `op` like a `Kernel` (same inputs, outputs and attrs), resolving when the outputs are written. */
  run(op: string, inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: object): Promise<'gpu' | 'fallback'>;
  dispose(): Promise<void>;
}

/** Create the async runner for a gpu.js mode (any mode; `webgpu` and `webgl2` are the ones that need it). */
export function createAsyncGpuKernels(opts: { mode: GpuJsMode; minWork?: number }): AsyncGpuKernels {
  const cache = new GpuKernelCache(opts.mode);
  const planners = aggregationPlanners(opts.minWork ?? 4096);
  return {
    mode: opts.mode,
    ops: Object.keys(planners),
    async run(op, inputs, outputs, attrs) {
      const p = planners[op];
      if (!p) throw new BackendError(`createAsyncGpuKernels: no gpu.js kernel for op '${op}' (have ${Object.keys(planners).join(', ')})`);
      let launch = p.plan(inputs, outputs, attrs);
      if (!launch) { p.reference(inputs, outputs, attrs); return 'fallback'; }
      while (launch) { // multi-pass ops chain their launches through finish
        launch = launch.finish(await cache.launch(launch.kind, launch.oneD, launch.cap, launch.output, launch.args)) ?? null;
      }
      return 'gpu';
    },
    dispose: () => cache.dispose(),
  };
}

/** What {@link installWebGpuPolyfill} found. */
export interface WebGpuStatus {
  available: boolean;
  /** Adapter description (e.g. `llvmpipe: Mesa 25.0.7 …`) or why there is none. */
  detail: string;
}

/**
 * Install a `navigator.gpu` from the `webgpu` npm package (Dawn; not a dependency of erlangen: pass
 * its specifier or path, e.g. `webgpu` after `npm install webgpu@0.6.2`), then request an adapter.
 * Browsers need none of this. On Debian 12 an adapter needs Mesa ≥ 25 (lavapipe) from
 * bookworm-backports; see docs/design/gpu-backend.md.
 */
export async function installWebGpuPolyfill(specifier = 'webgpu'): Promise<WebGpuStatus> {
  const g = globalThis as unknown as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } };
  if (!g.navigator?.gpu) {
    let mod: { create: (opts: string[]) => unknown; globals: object };
    try {
      mod = (await import(specifier)) as typeof mod;
    } catch (e) {
      return { available: false, detail: `cannot load '${specifier}': ${(e as Error).message.split('\n')[0]}` };
    }
    Object.assign(globalThis, mod.globals);
    if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
    Object.defineProperty(g.navigator, 'gpu', { value: mod.create([]), configurable: true });
  }
  try {
    const adapter = (await g.navigator!.gpu!.requestAdapter()) as { info?: { description?: string; vendor?: string } } | null;
    if (!adapter) return { available: false, detail: 'navigator.gpu.requestAdapter() returned null (on Debian 12: install mesa-vulkan-drivers ≥ 25 from bookworm-backports)' };
    return { available: true, detail: adapter.info?.description || adapter.info?.vendor || 'adapter' };
  } catch (e) {
    return { available: false, detail: `requestAdapter failed: ${(e as Error).message}` };
  }
}
