/**
 * The wallpaper groups p4 and p4m of Cohen & Welling ("Group Equivariant Convolutional Networks",
 * ICML 2016, arXiv:1602.07576): translations of the pixel lattice Z² composed with the point group
 * H = C4 (p4, 4 rotations by 90°) or H = D4 (p4m, 4 rotations and 4 mirrors), and their action on
 * feature maps over the group.
 *
 * **Layout.** A p4/p4m feature map is a tensor [B, C·|H|, H, W] (or [C·|H|, H, W] unbatched): channel
 * index `c·|H| + k` holds feature c at point-group element h_k, for every pixel. The elements are
 * in a fixed order: h_k = R^r F^m with k = 4m + r (r ∈ 0..3, m ∈ 0..1), R = [[0, −1], [1, 0]] the
 * counter-clockwise quarter turn and F = diag(−1, 1) the mirror x ↦ −x (a left-right flip of the
 * image), on centred pixel coordinates x = j − c, y = c − i, c = (size − 1)/2, the convention of
 * src/grid/action.ts. So p4 is k = 0..3 (I, R, R², R³) and p4m adds k = 4..7 (F, RF, R²F, R³F).
 *
 * **Action.** An element (t, h) acts on a feature map f by [L_{(t,h)} f](h', p) = f(h⁻¹h', h⁻¹(p − t)):
 * the grid is rotated/flipped by h about its centre (a pixel centre for odd sizes; for even sizes
 * the corner shared by the four middle pixels, which is also a 4-fold rotation centre of the pixel
 * lattice, so the map is still an exact pixel permutation), the group axis is permuted by the
 * regular representation (channel c·|H| + k moves to c·|H| + index(h·h_k)), then the grid is
 * shifted circularly by t.
 * @module
 */
import { C, D } from '../group/index.js';
import type { FiniteMatrixGroup } from '../group/index.js';
import { customRep } from '../rep/index.js';
import type { Rep } from '../rep/index.js';
import { fromData } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/index.js';
import { gridLayout, resampleGrid, shiftGrid } from './action.js';

/** Name of a lattice group of Cohen & Welling 2016 (arXiv:1602.07576): `'p4'` (rotations by 90° and translations) or `'p4m'` (also mirrors). */
export type LatticeGroupName = 'p4' | 'p4m';

/** The point group H of p4 (C4, order 4) or p4m (D4, order 8) in the order used by every feature map (Cohen & Welling 2016, section 4). */
export interface LatticePointGroup {
  /** `'p4'` or `'p4m'`. */
  readonly name: LatticeGroupName;
  /** |H|: 4 or 8. */
  readonly order: number;
  /** h_k as 2×2 integer matrices (row-major), h_k = R^(k mod 4) F^(⌊k/4⌋). */
  readonly elements: readonly Float64Array[];
  /** mul[i·|H| + j] = index of h_i h_j. */
  readonly mul: Int32Array;
  /** inv[i] = index of h_i⁻¹. */
  readonly inv: Int32Array;
  /** Index of a 2×2 matrix among the elements, or −1 (entries are rounded, so float rotations of C(4) are found). */
  indexOf(g: Float64Array): number;
}

function mat2(a: Float64Array, b: Float64Array): Float64Array {
  return Float64Array.of(a[0]! * b[0]! + a[1]! * b[2]!, a[0]! * b[1]! + a[1]! * b[3]!, a[2]! * b[0]! + a[3]! * b[2]!, a[2]! * b[1]! + a[3]! * b[3]!);
}

const R90 = Float64Array.of(0, -1, 1, 0);
const FLIP = Float64Array.of(-1, 0, 0, 1);
const cache = new Map<LatticeGroupName, LatticePointGroup>();

/** Check a lattice group name (`'p4'` or `'p4m'`, Cohen & Welling 2016); throws a ValueError naming `op` otherwise. */
export function checkLatticeGroup(op: string, name: unknown): LatticeGroupName {
  if (name !== 'p4' && name !== 'p4m') throw new ValueError(`${op}: group must be 'p4' or 'p4m', got ${JSON.stringify(name)}`);
  return name;
}

/**
 * The point group of p4 or p4m with its element order, multiplication table and inverses
 * (Cohen & Welling 2016, section 4).
 * @example
 * ```ts
 * const H = latticePointGroup('p4m'); // H.order === 8, H.elements[5] is R·F
 * ```
 */
export function latticePointGroup(name: LatticeGroupName): LatticePointGroup {
  checkLatticeGroup('latticePointGroup', name);
  const hit = cache.get(name);
  if (hit) return hit;
  const order = name === 'p4' ? 4 : 8, elements: Float64Array[] = [];
  for (let m = 0; m < order / 4; m++) {
    let g: Float64Array = m ? FLIP : Float64Array.of(1, 0, 0, 1);
    for (let r = 0; r < 4; r++) {
      elements.push(g);
      g = mat2(R90, g);
    }
  }
  const key = (g: Float64Array) => Array.from(g, (v) => Math.round(v)).join(',');
  const index = new Map(elements.map((g, k) => [key(g), k]));
  const indexOf = (g: Float64Array): number => (g.length === 4 && g.every((v) => Math.abs(v - Math.round(v)) < 1e-9) ? index.get(key(g)) ?? -1 : -1);
  const mul = new Int32Array(order * order), inv = new Int32Array(order);
  for (let i = 0; i < order; i++) {
    for (let j = 0; j < order; j++) {
      const k = indexOf(mat2(elements[i]!, elements[j]!));
      mul[i * order + j] = k;
      if (k === 0) inv[i] = j;
    }
  }
  const H: LatticePointGroup = { name, order, elements, mul, inv, indexOf };
  cache.set(name, H);
  return H;
}

/**
 * The point group as a matrix group of the group catalog: C(4) for p4, D(4) for p4m (elements are the
 * same 2×2 matrices; the catalog enumerates them in its own order). Pass it as `group` to the
 * equivariance harness.
 */
export function latticeMatrixGroup(name: LatticeGroupName): FiniteMatrixGroup {
  return checkLatticeGroup('latticeMatrixGroup', name) === 'p4' ? C(4) : D(4);
}

/**
 * The permutation of the group axis by h (the regular representation in the order of
 * {@link latticePointGroup}): perm[k] = index of h·h_k, i.e. slot k moves to slot perm[k]
 * (the permutation of the group axis in Cohen & Welling 2016, section 7). E.g. R in p4: [1, 2, 3, 0];
 * F in p4m: [4, 7, 6, 5, 0, 3, 2, 1]. Throws a ValueError when h is not in the point group.
 */
export function regularPermutation(name: LatticeGroupName, g: Float64Array): Int32Array {
  const H = latticePointGroup(name), h = H.indexOf(g);
  if (h < 0) throw new ValueError(`regularPermutation: the element [${Array.from(g, (v) => +v.toFixed(6)).join(', ')}] is not in the point group of ${name}`);
  return Int32Array.from({ length: H.order }, (_, k) => H.mul[h * H.order + k]!);
}

/**
 * The regular representation of the point group of p4/p4m on R^{|H|}, in the element order of
 * {@link latticePointGroup}, as a Rep of {@link latticeMatrixGroup} (C(4) or D(4)): ρ(h) e_k = e_{index(h·h_k)}.
 * For p4 this is `regular(C(4))` (the catalog also orders C(4) as I, R, R², R³); for p4m it is
 * `regular(D(4))` with the basis relabelled. `latticeRegularRep(name).times(C)` is the fibre of a
 * feature map with C channels per group element (copy-major: channel c·|H| + k). Cohen & Welling 2016
 * (arXiv:1602.07576), section 6.
 */
export function latticeRegularRep(name: LatticeGroupName): Rep {
  const G = latticeMatrixGroup(name), n = latticePointGroup(name).order;
  const signedPerm = (g: Float64Array) => ({ perm: regularPermutation(name, g), sign: new Int8Array(n).fill(1) });
  return customRep(G, {
    name: `${name}_regular`, size: n, orthogonal: true, signedPerm,
    rho: (g) => {
      const p = regularPermutation(name, g), m = new Float64Array(n * n);
      for (let k = 0; k < n; k++) m[p[k]! * n + k] = 1;
      return m;
    },
    drho: () => new Float64Array(n * n),
  });
}

/**
 * Fibre of a p4/p4m feature map with `channels` features per group element: {@link latticeRegularRep}
 * times `channels` (channel c·|H| + k). Pass it to the harness's `gridAction({ fibre })` with the group
 * {@link latticeMatrixGroup} (Cohen & Welling 2016, arXiv:1602.07576).
 */
export function latticeFibre(name: LatticeGroupName, channels: number): Rep {
  if (!Number.isInteger(channels) || channels < 1) throw new ValueError(`latticeFibre: channels must be a positive integer, got ${channels}`);
  const r = latticeRegularRep(name);
  return channels === 1 ? r : r.times(channels);
}

/** Options of {@link actOnLatticeFeatures} (the action of p4/p4m, Cohen & Welling 2016). */
export interface LatticeActionOptions {
  /** Circular shift (dy, dx) applied after the rotation/flip (the translation part t; default none). */
  shift?: readonly [number, number];
  /** `'group'` (default): a feature map [B, C·|H|, H, W] over p4/p4m; `'plane'`: an image on Z² (channels invariant). */
  domain?: 'group' | 'plane';
}

/**
 * The action of (t, h) ∈ p4/p4m on a feature map (Cohen & Welling 2016, eq. 11):
 * [L_{(t,h)} f](h', p) = f(h⁻¹h', h⁻¹(p − t)): pixels rotated/flipped about the grid centre (exact),
 * the group axis permuted by the regular representation, then a circular shift by t.
 * `h` is a 2×2 matrix of the point group (or null for a pure translation).
 * Throws a ShapeError when the channel count is not a multiple of |H|, and a ValueError when h is not in H.
 * @example
 * ```ts
 * const y = actOnLatticeFeatures(f, 'p4', Float64Array.of(0, -1, 1, 0), { shift: [1, 2] }); // f: [B, 3·4, 9, 9]
 * ```
 */
export function actOnLatticeFeatures(x: Tensor, name: LatticeGroupName, h: Float64Array | null, opts: LatticeActionOptions = {}): Tensor {
  checkLatticeGroup('actOnLatticeFeatures', name);
  const L = gridLayout('actOnLatticeFeatures', x), H = latticePointGroup(name), domain = opts.domain ?? 'group';
  if (domain === 'group' && L.c % H.order !== 0) throw new ShapeError(`actOnLatticeFeatures: a ${name} feature map needs C·${H.order} channels, got ${fmtShape(x.shape)}`);
  let v: Float64Array = Float64Array.from(x.data as ArrayLike<number>);
  if (h) {
    const perm = regularPermutation(name, h);
    v = resampleGrid(v, L, H.elements[H.indexOf(h)]!); // the exact integer matrix: a pixel permutation
    if (domain === 'group') {
      const hw = L.h * L.w, y = new Float64Array(v.length), n = H.order;
      for (let b = 0; b < L.n; b++) {
        for (let c = 0; c < L.c / n; c++) {
          for (let k = 0; k < n; k++) y.set(v.subarray(((b * L.c) + c * n + k) * hw, ((b * L.c) + c * n + k + 1) * hw), ((b * L.c) + c * n + perm[k]!) * hw);
        }
      }
      v = y;
    }
  }
  const [dy, dx] = opts.shift ?? [0, 0];
  const s = L.h, out = shiftGrid(v, L, ((dy % s) + s) % s, ((dx % s) + s) % s);
  return fromData(x.dtype === 'float64' ? out : Float32Array.from(out), x.shape);
}

/**
 * Transform a filter bank by h (the filter-side action L_h ψ used to build the stacked weights):
 * index maps for a bank ψ of shape [O, I, |Hin|, k, k] (|Hin| = 1 for lifting): entry
 * (o, i, s, a, b) of L_h ψ is ψ(o, i, h⁻¹·s, h⁻¹·(a, b)), spatially about the kernel centre.
 * Returns src with (L_h ψ).flat[q] = ψ.flat[src[q]] (the filter transformation of Cohen & Welling 2016,
 * arXiv:1602.07576, section 7). Throws a ShapeError for non-square filters or a wrong group axis.
 */
export function filterTransformIndex(name: LatticeGroupName, hIndex: number, shape: readonly [number, number, number, number]): Int32Array {
  const H = latticePointGroup(name), [oi, hin, k, k2] = shape;
  if (k !== k2) throw new ShapeError(`filterTransformIndex: filters must be square, got ${k}×${k2}`);
  if (hin !== 1 && hin !== H.order) throw new ShapeError(`filterTransformIndex: the input group axis must be 1 (lifting) or ${H.order} (${name}), got ${hin}`);
  const g = H.elements[H.inv[hIndex]!]!, cc = (k - 1) / 2, src = new Int32Array(oi * hin * k * k);
  for (let q = 0; q < oi; q++) {
    for (let s = 0; s < hin; s++) {
      const s0 = hin === 1 ? 0 : H.mul[H.inv[hIndex]! * H.order + s]!;
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          // target pixel p = (x, y) = (b − cc, cc − a); source h⁻¹p
          const px = b - cc, py = cc - a;
          const qx = g[0]! * px + g[1]! * py, qy = g[2]! * px + g[3]! * py;
          const sa = Math.round(cc - qy), sb = Math.round(qx + cc);
          src[((q * hin + s) * k + a) * k + b] = ((q * hin + s0) * k + sa) * k + sb;
        }
      }
    }
  }
  return src;
}
