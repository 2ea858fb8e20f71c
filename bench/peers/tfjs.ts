/**
 * The TF.js peers, in process: @tensorflow/tfjs-core with backend-cpu (`tfjs-cpu`) and
 * backend-wasm (`tfjs-wasm`). Both are dev dependencies; if one cannot be loaded or initialised
 * the bench says so and goes on without it.
 *
 * The wasm binaries are loaded from node_modules/@tensorflow/tfjs-backend-wasm/dist/ as a file
 * path (works offline). In Node, TF.js reports WASM_HAS_MULTITHREAD_SUPPORT = false, so the
 * wasm backend runs its SIMD build on one thread. ERLANGEN_BENCH_TFJS_WASM_DIR overrides the folder.
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type TfModule = typeof import('@tensorflow/tfjs-core');

/** A TF.js backend ready to run, or the reason it is not. */
export interface TfPeer {
  readonly impl: 'tfjs-cpu' | 'tfjs-wasm';
  readonly backend: 'cpu' | 'wasm';
  readonly tf: TfModule | null;
  /** What was loaded (variant, threads), or why it failed. */
  readonly detail: string;
}

let loaded: Promise<{ tf: TfModule | null; error?: string }> | null = null;

function loadCore(): Promise<{ tf: TfModule | null; error?: string }> {
  loaded ??= (async () => {
    try {
      const tf = await import('@tensorflow/tfjs-core');
      // Silence the "install tfjs-node" hint and the production-mode notice.
      tf.env().set('PROD', true);
      return { tf };
    } catch (e) {
      return { tf: null, error: `cannot load @tensorflow/tfjs-core (${errText(e)})` };
    }
  })();
  return loaded;
}

function errText(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split('\n')[0] ?? s;
}

/** Load TF.js and make `backend` the active one (call before building that backend's cases). */
export async function activateTfjs(backend: 'cpu' | 'wasm'): Promise<TfPeer> {
  const impl = backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm';
  const { tf, error } = await loadCore();
  if (!tf) return { impl, backend, tf: null, detail: error ?? 'unknown error' };
  try {
    if (backend === 'cpu') {
      await import('@tensorflow/tfjs-backend-cpu');
      if (!(await tf.setBackend('cpu'))) throw new Error('setBackend("cpu") returned false');
      return { impl, backend, tf, detail: `@tensorflow/tfjs-backend-cpu ${tf.version_core}, plain JS, 1 thread` };
    }
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!tf.findBackend('wasm')) {
      const require = createRequire(import.meta.url);
      const dist = process.env.ERLANGEN_BENCH_TFJS_WASM_DIR ??
        path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
      const dir = dist.endsWith(path.sep) ? dist : dist + path.sep;
      if (!existsSync(`${dir}tfjs-backend-wasm.wasm`) && !existsSync(`${dir}tfjs-backend-wasm-simd.wasm`)) {
        throw new Error(`no tfjs-backend-wasm*.wasm files in ${dir}`);
      }
      wasm.setWasmPaths(dir);
    }
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend("wasm") returned false (the .wasm binary failed to load)');
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const mt = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    const threads = wasm.getThreadsCount();
    const variant = simd ? (mt ? 'threaded-simd' : 'simd') : 'plain';
    return {
      impl, backend, tf,
      detail: `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm}, ${variant} build, ${threads} thread${threads === 1 ? '' : 's'}` +
        (mt ? '' : ' (no multithread support in Node)'),
    };
  } catch (e) {
    return { impl, backend, tf: null, detail: `TF.js ${backend} backend failed: ${errText(e)}` };
  }
}
