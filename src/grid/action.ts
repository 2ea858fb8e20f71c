/**
 * The group action on pixel grids: square images [C, H, W] or [N, C, H, W] under rotations and
 * reflections of the plane (a 2×2 orthogonal matrix g acting on centred pixel coordinates
 * x = j − c, y = c − i) and circular translations, with a fibre representation acting on the
 * channel axis (Cohen & Welling, "Group Equivariant Convolutional Networks", ICML 2016,
 * arXiv:1602.07576; Weiler & Cesa, "General E(2)-Equivariant Steerable CNNs", NeurIPS 2019,
 * arXiv:1911.08251).
 *
 * Lattice symmetries (90° rotations, flips: g a signed permutation) permute pixels exactly; any
 * other rotation is resampled bilinearly with zeros outside, an approximation whose error shrinks
 * with resolution (see docs/design/harness.md, "approximate actions").
 * @module
 */
import type { Rep } from '../rep/index.js';
import { Tensor, fromData } from '../tensor/index.js';
import type { Rng } from '../util/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../util/index.js';

/** Layout of a batch of square images: n images of c channels, h × w pixels (h = w). */
export interface GridLayout {
  n: number;
  c: number;
  h: number;
  w: number;
}

/**
 * The layout of an image tensor [C, H, W] or [N, C, H, W]; throws a ShapeError naming `op` for any
 * other rank or a non-square grid, and a DTypeError for a non-float tensor.
 */
export function gridLayout(op: string, x: Tensor): GridLayout {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: expected an image Tensor [C,H,W] or [N,C,H,W], got ${typeof x}`);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`${op}: expected [C,H,W] or [N,C,H,W], got ${fmtShape(x.shape)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new DTypeError(`${op}: expected a float32 or float64 image, got ${x.dtype} ${fmtShape(x.shape)}`);
  const [n, c, h, w] = x.ndim === 3 ? [1, ...x.shape] : x.shape;
  if (h !== w) throw new ShapeError(`${op}: rotations need a square grid, got ${h}×${w} in ${fmtShape(x.shape)}`);
  return { n: n!, c: c!, h: h!, w: w! };
}

/** True when the 2×2 matrix g is a symmetry of the square lattice (a 90° rotation and/or a flip). */
export function isLatticeSymmetry(g: Float64Array): boolean {
  return g.length === 4 && g.every((v) => Math.abs(v - Math.round(v)) < 1e-9 && Math.abs(v) < 1 + 1e-9) && Math.abs(Math.abs(g[0]! * g[3]! - g[1]! * g[2]!) - 1) < 1e-9;
}

/**
 * Apply the fibre rep ρ(g) to the channel axis of row-major [N, C, H·W] values. Throws a ShapeError
 * when the fibre's size is not the number of channels.
 */
export function actOnChannels(fibre: Rep, g: Float64Array, x: Float64Array, L: GridLayout): Float64Array {
  if (fibre.size !== L.c) throw new ShapeError(`grid action: fibre ${fibre} has size ${fibre.size} but the image has ${L.c} channels`);
  const M = fibre.rho(g), hw = L.h * L.w, y = new Float64Array(x.length);
  for (let b = 0; b < L.n; b++) {
    const o = b * L.c * hw;
    for (let i = 0; i < L.c; i++) {
      for (let j = 0; j < L.c; j++) {
        const m = M[i * L.c + j]!;
        if (m === 0) continue;
        for (let p = 0; p < hw; p++) y[o + i * hw + p]! += m * x[o + j * hw + p]!;
      }
    }
  }
  return y;
}

/**
 * Move every channel by the planar map g (2×2, orthogonal): out(p) = in(g⁻¹·p) in centred pixel
 * coordinates, bilinear, zero outside the grid. Exact (a pixel permutation) for lattice symmetries.
 */
export function resampleGrid(x: Float64Array, L: GridLayout, g: Float64Array): Float64Array {
  if (g.length !== 4) throw new ShapeError(`grid action: elements must be 2×2 matrices, got ${g.length} entries`);
  // A lattice symmetry given in floating point (cos 90° ≈ 6e−17) is snapped to its integer matrix, so
  // the map is an exact pixel permutation rather than bilinear weights of 1 − 1e−16.
  if (isLatticeSymmetry(g)) g = g.map(Math.round);
  const y = new Float64Array(x.length), s = L.h, cc = (s - 1) / 2;
  // g orthogonal: g⁻¹ = gᵀ
  for (let i = 0; i < s; i++) {
    for (let j = 0; j < s; j++) {
      const px = j - cc, py = cc - i;
      const qx = g[0]! * px + g[2]! * py, qy = g[1]! * px + g[3]! * py;
      const si = cc - qy, sj = qx + cc;
      const i0 = Math.floor(si + 1e-9), j0 = Math.floor(sj + 1e-9);
      const fi = Math.max(0, si - i0), fj = Math.max(0, sj - j0);
      for (let ch = 0; ch < L.n * L.c; ch++) {
        const o = ch * s * s;
        let v = 0;
        for (const [di, wi] of [[0, 1 - fi], [1, fi]] as const) {
          if (wi < 1e-12) continue;
          for (const [dj, wj] of [[0, 1 - fj], [1, fj]] as const) {
            if (wj < 1e-12) continue;
            const a = i0 + di, b = j0 + dj;
            if (a >= 0 && a < s && b >= 0 && b < s) v += wi * wj * x[o + a * s + b]!;
          }
        }
        y[o + i * s + j] = v;
      }
    }
  }
  return y;
}

/** Circularly shift every channel by (dy, dx) pixels. */
export function shiftGrid(x: Float64Array, L: GridLayout, dy: number, dx: number): Float64Array {
  if (dy === 0 && dx === 0) return x;
  const s = L.h, y = new Float64Array(x.length);
  for (let ch = 0; ch < L.n * L.c; ch++) {
    const o = ch * s * s;
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) y[o + ((i + dy) % s) * s + ((j + dx) % s)] = x[o + i * s + j]!;
  }
  return y;
}

/** Options of {@link actOnGrid}. */
export interface GridMoveOptions {
  /** Rep of the channel axis (its size must equal C); default: channels are invariant. */
  fibre?: Rep;
  /** Circular shift (dy, dx) applied after the rotation/reflection (default none). */
  shift?: readonly [number, number];
  /** Require g to be a lattice symmetry (exact action); default false (bilinear resampling). */
  exact?: boolean;
}

/**
 * The action of (g, shift) on an image tensor: pixels moved by g (exactly for lattice symmetries,
 * by bilinear resampling otherwise), channels transformed by the fibre rep ρ(g), then a circular
 * shift. g = null is the identity on pixels and channels. Returns a tensor of the same dtype.
 * @example
 * ```ts
 * const r90 = Float64Array.of(0, -1, 1, 0);
 * const y = actOnGrid(x, r90, { fibre: regular(C(4)) }); // x: [4, 8, 8]
 * ```
 */
export function actOnGrid(x: Tensor, g: Float64Array | null, opts: GridMoveOptions = {}): Tensor {
  const L = gridLayout('actOnGrid', x);
  let v = valuesOf(x);
  if (g) {
    if (opts.exact && !isLatticeSymmetry(g)) throw new ValueError('actOnGrid: the element is not a lattice symmetry of the square grid (a 90° rotation or flip)');
    v = resampleGrid(v, L, g);
    if (opts.fibre) v = actOnChannels(opts.fibre, g, v, L);
  }
  const [dy, dx] = opts.shift ?? [0, 0];
  return fromData(x.dtype === 'float64' ? shiftGrid(v, L, dy, dx) : Float32Array.from(shiftGrid(v, L, dy, dx)), x.shape);
}

/** float64 copy of a tensor's values. */
function valuesOf(t: Tensor): Float64Array {
  return Float64Array.from(t.data as ArrayLike<number>);
}

/** A smooth random image [channels, n, n]: a few Gaussian bumps per channel inside the central disc (so interpolation converges). */
export function smoothImage(rng: Rng, channels: number, n: number, dtype: string): Tensor {
  const v = new Float64Array(channels * n * n), cc = (n - 1) / 2;
  for (let ch = 0; ch < channels; ch++) {
    for (let k = 0; k < 4; k++) {
      const r = 0.35 * Math.sqrt(rng.uniform()), a = 2 * Math.PI * rng.uniform(), amp = rng.normal();
      const ux = r * Math.cos(a), uy = r * Math.sin(a), sig = 0.18 + 0.08 * rng.uniform();
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const x = (j - cc) / cc - ux, y = (cc - i) / cc - uy;
          v[(ch * n + i) * n + j]! += amp * Math.exp(-(x * x + y * y) / (2 * sig * sig));
        }
      }
    }
  }
  return fromData(dtype === 'float64' ? v : Float32Array.from(v), [channels, n, n]);
}
