/**
 * Elementwise fusion for compiled steps: a chain (a tree) of elementwise ops whose intermediate
 * values are read by nothing else becomes one generated loop that computes every member per element
 * and writes only the last one — k passes over memory become one, and the intermediates need no
 * buffers. `compile` (./compile.ts) decides which steps form a group; this module generates the
 * kernel. docs/design/compiled-steps.md ("Elementwise fusion") describes both.
 *
 * Bit-exactness: only ops whose result is the correctly rounded IEEE operation (or an exact
 * selection) are fused, each written as the JS reference kernel writes it
 * (src/backend/js/elementwise.ts), and a float32 member's value is rounded to float32
 * (`Math.fround`) exactly where the unfused op would have stored it to a Float32Array. For + − × ÷
 * and √ the float64 result rounded to float32 equals the float32 operation (double rounding is
 * innocuous for these when 53 ≥ 2·24 + 2), so the fused kernel returns the eager bits.
 * Transcendental ops (exp, tanh, …) are never fused: their float32 kernels differ between
 * providers (wasm approximations vs `Math.exp`).
 * @module
 */
import type { Kernel, KernelTensor } from '../backend/types.js';

/**
 * How an external input is read: `full` (the output's shape: element k), `scalar` (one element,
 * broadcast) or `row` (the output's trailing dims, broadcast over the leading ones: element k mod
 * the row length — e.g. a bias [N] added to [M, N]).
 */
export type FusedRead = 'full' | 'scalar' | 'row';

/** An operand of a fused member: an external input or an earlier member's value. */
export type FusedArg = { readonly ext: number; readonly read: FusedRead } | { readonly member: number };

/** One op of a fused group, in evaluation order. */
export interface FusedMember {
  readonly op: string;
  readonly args: readonly FusedArg[];
}

/**
 * Expression of each fusable op in its operands x, y (the reference kernels' formulas). Only
 * branch-free ops: relu, step, leakyRelu, maximum and minimum are data-dependent branches in scalar
 * JS (V8 emits no conditional moves for them), which cost ≈ 4 ns per element on random signs — far
 * more than the memory traffic fusion saves; the wasm SIMD kernels run them branch-free instead.
 */
const EXPR: Readonly<Record<string, (x: string, y: string) => string>> = {
  add: (x, y) => `${x} + ${y}`,
  sub: (x, y) => `${x} - ${y}`,
  mul: (x, y) => `${x} * ${y}`,
  div: (x, y) => `${x} / ${y}`,
  neg: (x) => `-${x}`,
  abs: (x) => `Math.abs(${x})`,
  square: (x) => `${x} * ${x}`,
  sqrt: (x) => `Math.sqrt(${x})`,
  reciprocal: (x) => `1 / ${x}`,
};

/** Number of operands of each fusable op. */
const ARITY: Readonly<Record<string, number>> = {
  add: 2, sub: 2, mul: 2, div: 2, neg: 1, abs: 1, square: 1, sqrt: 1, reciprocal: 1,
};

/** Whether `op` may join a fused group (an elementwise op with bit-exact float semantics). */
export function fusableOp(op: string): boolean {
  return op in EXPR;
}

/** Most members of one group (keeps the generated loop small). */
export const MAX_FUSED = 16;

/**
 * Smallest output (elements) a group is fused for by default. Below it the wasm SIMD kernels run
 * each op in cache about as fast as one fused scalar-JS pass (measured on a chain of four ops,
 * float32: 1M elements 1.83 ms fused vs 1.71 ms per op; 2M 3.56 vs 3.73; 4M 7.1 vs 10.3).
 */
export const FUSE_MIN_ELEMENTS = 1 << 21;

let codegen: boolean | undefined;

/**
 * The kernel of a fused group: inputs are the group's external inputs (in `ext` order), the one
 * output is the last member's value. Null where code generation is not allowed (a strict CSP):
 * `compile` then runs the ops unfused.
 */
export function fusedKernel(dtype: 'float32' | 'float64', members: readonly FusedMember[], nExt: number, rowLength = 1): Kernel | null {
  if (codegen === false) return null;
  const round = dtype === 'float32' ? (e: string): string => `Math.fround(${e})` : (e: string): string => e;
  const reads = new Map<number, FusedRead>();
  for (const m of members) {
    if (ARITY[m.op] !== m.args.length) throw new Error(`fusion: ${m.op} takes ${ARITY[m.op]} operands, got ${m.args.length}`);
    for (const a of m.args) if ('ext' in a) reads.set(a.ext, a.read);
  }
  const head: string[] = [];
  for (let e = 0; e < nExt; e++) {
    head.push(`const e${e} = ins[${e}].data;`);
    if (reads.get(e) === 'scalar') head.push(`const s${e} = e${e}[0];`);
  }
  const body: string[] = [];
  for (const [e, r] of reads) if (r !== 'scalar') body.push(`const x${e} = e${e}[${r === 'row' ? 'j' : 'k'}];`);
  members.forEach((m, i) => {
    const arg = (a: FusedArg): string => ('ext' in a ? (a.read === 'scalar' ? `s${a.ext}` : `x${a.ext}`) : `t${a.member}`);
    const [x, y] = [m.args[0] ? arg(m.args[0]) : '', m.args[1] ? arg(m.args[1]) : ''];
    body.push(`const t${i} = ${round(EXPR[m.op]!(x, y))};`);
  });
  // k the flat index; with row operands, rows × columns and j the column
  const loop = [...body, `r[k] = t${members.length - 1};`];
  const src = `'use strict'; return function fused(ins, outs) {
  ${head.join('\n  ')}
  const r = outs[0].data, n = r.length;
  ${rowLength > 1
    ? `for (let k = 0; k < n;) for (let j = 0; j < ${rowLength}; j++, k++) {\n    ${loop.join('\n    ')}\n  }`
    : `for (let k = 0; k < n; k++) {\n    ${loop.join('\n    ')}\n  }`}
};`;
  try {
    const k = new Function(src)() as (ins: readonly KernelTensor[], outs: readonly KernelTensor[]) => void;
    codegen = true;
    return k as Kernel;
  } catch {
    codegen = false;
    return null;
  }
}
