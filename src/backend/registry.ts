/**
 * Kernel registry: maps (backend, op) to a kernel, falling back to the JS reference backend.
 * Backends are registered by name; the active backend is chosen explicitly with `setBackend`.
 * @module
 */
import { BackendError } from '../util/errors.js';
import type { Backend, Kernel } from './types.js';
import { jsBackend } from './js/backend.js';
import { cpuBackend } from './cpu.js';

const backends = new Map<string, Backend>([
  [jsBackend.name, jsBackend],
  [cpuBackend.name, cpuBackend],
]);
let active: Backend = cpuBackend;

/** Register (or replace) a backend under its name. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/** Make a registered backend the active one for eager execution. */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) throw new BackendError(`setBackend: unknown backend '${name}' (registered: ${[...backends.keys()].join(', ')})`);
  active = b;
}

/** The active backend. */
export function getBackend(): Backend {
  return active;
}

/** A registered backend by name (throws BackendError if unknown). */
export function backendByName(name: string): Backend {
  const b = backends.get(name);
  if (!b) throw new BackendError(`unknown backend '${name}'`);
  return b;
}

/** Resolve the kernel for `op` on `backend`, falling back to the JS reference kernel. */
export function resolveKernel(op: string, backend: Backend = active): Kernel {
  const k = backend.kernels[op] ?? jsBackend.kernels[op];
  if (!k) throw new BackendError(`no kernel registered for op '${op}' (backend '${backend.name}', no JS reference either)`);
  return k;
}

/** Description of a backend for `erlangen info`. */
export interface BackendInfo {
  name: string;
  available: boolean;
  note?: string;
}

/** Backends that are registered (and the ones later issues add, marked unavailable). */
export function listBackends(): BackendInfo[] {
  const notes: Record<string, string> = { js: 'reference', cpu: 'wasm SIMD → JS CSR → reference (dispatch chain)' };
  const out: BackendInfo[] = [...backends.values()].map((b) => ({ name: b.name, available: true, note: [notes[b.name], b === active ? 'active' : ''].filter(Boolean).join(', ') || undefined }));
  return out;
}
