/**
 * Running a model under the harness: wrap a function or a Module, move a Module to float64 for
 * the check (and back, keeping the user's Parameter objects), normalise outputs to an array.
 * @module
 */
import type { Group } from '../group/index.js';
import type { AnyModule, FloatDType } from '../nn/index.js';
import type { Rep } from '../rep/index.js';
import { Tensor } from '../tensor/index.js';

/** A model the harness can check: any function from inputs to one output or an array of outputs. */
export type Model = (...inputs: any[]) => unknown;

/** What a Module of ours declares about its symmetry (EquivariantModule). */
export interface DeclaresSymmetry {
  readonly repIn: Rep;
  readonly repOut: Rep;
  readonly group: Group;
}

/** True for an object declaring `repIn`, `repOut` and `group`. */
export function declaresSymmetry(x: unknown): x is DeclaresSymmetry {
  const o = x as Partial<DeclaresSymmetry> | null;
  return !!o && typeof o === 'object' && !!o.repIn && !!o.repOut && !!o.group;
}

/** True for an erlangen Module (duck-typed: `call`, `toDType`, `namedModules`). */
export function isModule(x: unknown): x is AnyModule {
  const o = x as Partial<AnyModule> | null;
  return !!o && typeof o === 'object' && typeof o.call === 'function' && typeof o.toDType === 'function' && typeof o.namedModules === 'function';
}

/** The float dtype of a module's parameters (float32 when it has none). */
export function moduleDType(m: AnyModule): FloatDType {
  const p = m.parameters()[0] ?? m.buffers().find((b) => b.dtype !== 'int32');
  return p?.dtype === 'float64' ? 'float64' : 'float32';
}

type Maps = { paramMap: Map<string, Tensor>; bufferMap: Map<string, Tensor> };

/**
 * Run `body` with the module converted to `dtype`, then put the original parameter and buffer
 * objects back (so optimizers holding them keep working).
 */
export function withModuleDType<T>(m: AnyModule, dtype: FloatDType, body: () => T): T {
  if (moduleDType(m) === dtype) return body();
  const saved = m.namedModules().map(([, sub]) => {
    const s = sub as unknown as Maps;
    return { s, params: new Map(s.paramMap), buffers: new Map(s.bufferMap) };
  });
  try {
    m.toDType(dtype);
    return body();
  } finally {
    for (const { s, params, buffers } of saved) {
      for (const [k, v] of params) s.paramMap.set(k, v);
      for (const [k, v] of buffers) s.bufferMap.set(k, v);
    }
  }
}

/** Outputs as an array: arrays are kept, anything else is one output. */
export function outputsOf(y: unknown): unknown[] {
  return Array.isArray(y) ? y : [y];
}
