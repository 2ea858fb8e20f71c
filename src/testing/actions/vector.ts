/**
 * Actions on vectors and point clouds: features transform by ρ(g) of a Rep (one report field per
 * summand copy); positions under E(n) transform as x ↦ R x + t; a point cloud is a record of
 * per-point fields, each with its own rep (positions, velocities R v, invariant scalars).
 * @module
 */
import type { FloatDType } from '../../nn/index.js';
import type { Rep } from '../../rep/index.js';
import { Tensor, randn } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/index.js';
import type { Element } from '../element.js';
import { elementMatrix, elementTranslation } from '../element.js';
import type { Action, Field, SampleOptions } from './types.js';
import { applyRows, castTensor, expectFloatTensor, expectWidth, f64, tensorOf } from './types.js';
import type { Rng } from '../../util/index.js';

/** Options of {@link repAction}. */
export interface RepActionOptions {
  /** Leading rows of a sampled input (default 3): samples have shape [batch, rep.size]. */
  batch?: number;
  /** Prefix of field names (default none). */
  name?: string;
}

/** The field copies of a rep: [offset, size, name]. */
function repFields(rep: Rep): [number, number, string][] {
  const out: [number, number, string][] = [];
  let off = 0;
  for (const t of rep.terms()) {
    for (let c = 0; c < t.mult; c++) {
      out.push([off, t.rep.size, t.mult > 1 ? `${t.rep.toString()}#${c}` : t.rep.toString()]);
      off += t.rep.size;
    }
  }
  return out;
}

/** Split x viewed as [rows, size] into the rep's field copies (values of all rows together). */
export function splitRepFields(rep: Rep, x: Float64Array, prefix: string): Field[] {
  const size = rep.size, rows = x.length / size;
  return repFields(rep).map(([off, w, name]) => {
    const v = new Float64Array(rows * w);
    for (let r = 0; r < rows; r++) for (let j = 0; j < w; j++) v[r * w + j] = x[r * size + off + j]!;
    return { name: prefix ? `${prefix} ${name}` : name, values: v };
  });
}

function checkLast(op: string, x: Tensor, n: number): void {
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== n) throw new ShapeError(`${op}: expected a tensor [..., ${n}], got ${fmtShape(x.shape)}`);
}

/**
 * Features on the last axis transform by ρ(g): x[..., :] ↦ ρ(g) x[..., :]. Reported per field
 * (each copy of each summand of the rep), so a failure names e.g. `"V^2#1"`.
 *
 * @example
 * ```ts
 * const G = SO(3);
 * const act = repAction(parseRep('V + V^2', G));
 * ```
 */
export function repAction(rep: Rep, opts: RepActionOptions = {}): Action<Tensor> {
  const d = rep.group.d;
  const name = `ρ = ${rep.toString()} of ${rep.group.key}`;
  return {
    name,
    uses: {},
    groupDim: d,
    check(x, where) {
      expectWidth(expectFloatTensor(x, where, name), rep.size, where, `${name}, width ${rep.size}`);
    },
    act(e: Element, x: Tensor): Tensor {
      checkLast('repAction', x, rep.size);
      if (!e.g) return x;
      return tensorOf(applyRows(rep.rho(elementMatrix(e, d)), f64(x), rep.size), x.shape, x.dtype);
    },
    fields: (x) => splitRepFields(rep, f64(x), opts.name ?? ''),
    sample: (rng: Rng, o: SampleOptions) => randn(rng, [opts.batch ?? 3, rep.size], { dtype: o.dtype }),
    cast: castTensor,
  };
}

/** Values that no element changes (invariant outputs such as energies or class logits). */
export function invariantAction(name = 'invariant', shape: readonly number[] = [3, 1]): Action<Tensor> {
  return {
    name, uses: {},
    check: (x, where) => void expectFloatTensor(x, where, name),
    act: (_e, x) => x,
    fields: (x) => [{ name, values: f64(x) }],
    sample: (rng, o) => randn(rng, shape, { dtype: o.dtype }),
    cast: castTensor,
  };
}

/** Coincident points and too-few-points checks on positions [N, d]. */
export function positionDegeneracies(x: Float64Array, n: number, d: number): string[] {
  const out: string[] = [];
  if (n <= d) out.push(`only ${n} point${n === 1 ? '' : 's'} in R^${d}: fewer than d + 1 points span no full-dimensional frame, so reflections/rotations can act trivially on them`);
  let scale = 0;
  for (const v of x) scale = Math.max(scale, Math.abs(v));
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (x[i * d + k]! - x[j * d + k]!) ** 2;
      if (Math.sqrt(s) <= 1e-9 * Math.max(scale, 1)) pairs++;
    }
  }
  if (pairs > 0) out.push(`${pairs} pair${pairs === 1 ? '' : 's'} of coincident points: directions between them are undefined (division by zero distance)`);
  return out;
}

/**
 * Positions under E(n): x ↦ R x + t for every row of x [..., d], R the element's matrix and t its
 * translation (t ~ 10·N(0, I) on translated elements, as in e3nn's check).
 */
export function positionsAction(d: number, opts: { points?: number } = {}): Action<Tensor> {
  const name = `E(${d}) positions`;
  return {
    name,
    uses: { translate: true },
    groupDim: d,
    check(x, where) {
      expectWidth(expectFloatTensor(x, where, name), d, where, name);
    },
    act(e, x) {
      checkLast('positionsAction', x, d);
      const R = elementMatrix(e, d), t = elementTranslation(e, d);
      const y = applyRows(R, f64(x), d);
      for (let i = 0; i < y.length; i++) y[i]! += t[i % d]!;
      return tensorOf(y, x.shape, x.dtype);
    },
    fields: (x) => [{ name: 'positions', values: f64(x) }],
    sample: (rng, o) => randn(rng, [opts.points ?? 6, d], { dtype: o.dtype }),
    cast: castTensor,
    degeneracies: (x) => positionDegeneracies(f64(x), x.size / d, d),
  };
}

/** A point cloud: named per-point tensors [N, ·] (e.g. `{ positions, velocities, charges }`). */
export type PointCloud = Record<string, Tensor>;

/** How one field of a point cloud transforms: `'positions'` (R x + t), `'invariant'`, or a Rep (ρ(R) v). */
export type PointField = 'positions' | 'invariant' | Rep;

/**
 * E(n) acting on a point cloud: positions as R x + t, rep-valued fields as ρ(R) v (velocities,
 * forces: no translation), invariant fields unchanged. Reported per field (and per rep summand).
 *
 * @example
 * ```ts
 * const G = O(3);
 * const cloud = pointCloudAction(G.d, { positions: 'positions', velocities: V(G), charges: 'invariant' });
 * ```
 */
export function pointCloudAction(d: number, layout: Record<string, PointField>, opts: { points?: number; features?: number } = {}): Action<PointCloud> {
  const names = Object.keys(layout);
  const actOn = (e: Element, name: string, t: Tensor): Tensor => {
    const f = layout[name];
    if (f === undefined) throw new ValueError(`pointCloudAction: field "${name}" is not in the layout (${names.join(', ')})`);
    if (f === 'invariant') return t;
    if (f === 'positions') return positionsAction(d).act(e, t);
    return repAction(f).act(e, t);
  };
  const name = `E(${d}) point cloud {${names.join(', ')}}`;
  return {
    name,
    uses: { translate: true },
    groupDim: d,
    check(x, where) {
      if (!x || typeof x !== 'object' || x instanceof Tensor || Array.isArray(x)) throw new ValueError(`${where} (${name}): expected a record of per-point tensors {${names.join(', ')}}, got ${x instanceof Tensor ? 'a Tensor' : typeof x}`);
      const keys = Object.keys(x);
      const extra = keys.filter((k) => !(k in layout)), missing = names.filter((k) => !(k in x));
      if (extra.length || missing.length) throw new ValueError(`${where} (${name}): ${extra.length ? `fields not in the layout: ${extra.join(', ')}` : ''}${extra.length && missing.length ? '; ' : ''}${missing.length ? `missing fields: ${missing.join(', ')}` : ''}`);
      for (const k of names) {
        const f = layout[k]!, t = expectFloatTensor(x[k], `${where} field "${k}"`, name);
        if (f === 'positions') expectWidth(t, d, `${where} field "${k}"`, `${name}, positions in R^${d}`);
        else if (f !== 'invariant') expectWidth(t, f.size, `${where} field "${k}"`, `${name}, ρ = ${f.toString()}`);
      }
    },
    act: (e, x) => Object.fromEntries(Object.entries(x).map(([k, t]) => [k, actOn(e, k, t)])),
    fields: (x) => Object.entries(x).flatMap(([k, t]) => {
      const f = layout[k];
      return f && f !== 'positions' && f !== 'invariant' ? splitRepFields(f, f64(t), k) : [{ name: k, values: f64(t) }];
    }),
    sample(rng, o) {
      const n = opts.points ?? 6;
      return Object.fromEntries(names.map((k) => {
        const f = layout[k]!;
        const w = f === 'positions' ? d : f === 'invariant' ? (opts.features ?? 2) : f.size;
        return [k, randn(rng, [n, w], { dtype: o.dtype })];
      }));
    },
    cast: (x, dt: FloatDType) => Object.fromEntries(Object.entries(x).map(([k, t]) => [k, castTensor(t, dt)])),
    degeneracies: (x) => names.filter((k) => layout[k] === 'positions' && x[k]).flatMap((k) => positionDegeneracies(f64(x[k]!), x[k]!.size / d, d)),
  };
}
