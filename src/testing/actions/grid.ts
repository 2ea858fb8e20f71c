/**
 * Grid actions on square images [C, H, W] or [N, C, H, W]: the exact lattice symmetries (90°
 * rotations and flips, given by a 2×2 signed-permutation matrix g acting on centred pixel
 * coordinates (x = j − c, y = c − i), and circular shifts), with a fibre rep acting on the channel
 * axis; and interpolated rotations by any angle (bilinear, zero outside), an *approximate* action
 * whose error the harness attributes to discretisation when it shrinks with resolution.
 * @module
 */
import type { Rep } from '../../rep/index.js';
import { Tensor } from '../../tensor/index.js';
import type { Rng } from '../../util/index.js';
import { ValueError } from '../../util/index.js';
import type { Element } from '../element.js';
import { elementShift } from '../element.js';
import type { Action, Field } from './types.js';
import { castTensor, f64, tensorOf } from './types.js';
import { splitRepFields } from './vector.js';

/** Options of {@link gridAction} and {@link rotatedGridAction}. */
export interface GridActionOptions {
  /** Rep of the channel axis (its size must equal C); default: channels are invariant. */
  fibre?: Rep;
  /** Channels of a sampled image without fibre (default 1). */
  channels?: number;
  /** Side of a sampled image (default 8 exact, 16 interpolated). */
  resolution?: number;
  /** Also apply random circular shifts (exact action only; default false: zero-padded convolutions are not shift-equivariant at the border). */
  shifts?: boolean;
  /** Interpolated action: compare only pixels within this fraction of the half-width of the centre (default 0.7). */
  maskRadius?: number;
}

interface Layout { n: number; c: number; h: number; w: number }

function layout(op: string, x: Tensor): Layout {
  if (x.ndim !== 3 && x.ndim !== 4) throw new ValueError(`${op}: expected [C,H,W] or [N,C,H,W], got [${x.shape.join(',')}]`);
  const [n, c, h, w] = x.ndim === 3 ? [1, ...x.shape] : x.shape;
  if (h !== w) throw new ValueError(`${op}: rotations need a square grid, got ${h}×${w}`);
  return { n: n!, c: c!, h: h!, w: w! };
}

/** Apply the fibre rep to the channel axis of [N, C, H·W] values. */
function actFibre(fibre: Rep | undefined, g: Float64Array | null, x: Float64Array, L: Layout): Float64Array {
  if (!fibre || !g) return x;
  if (fibre.size !== L.c) throw new ValueError(`grid action: fibre ${fibre} has size ${fibre.size} but the image has ${L.c} channels`);
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
 * Resample every channel: out(i, j) = in(source(i, j)), with the source point g⁻¹·p in pixel
 * coordinates (bilinear; zero outside the grid).
 */
function resample(x: Float64Array, L: Layout, g: Float64Array): Float64Array {
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

function isLattice(g: Float64Array): boolean {
  return g.length === 4 && g.every((v) => Math.abs(v - Math.round(v)) < 1e-9 && Math.abs(v) < 1 + 1e-9) && Math.abs(Math.abs(g[0]! * g[3]! - g[1]! * g[2]!) - 1) < 1e-9;
}

function shiftGrid(x: Float64Array, L: Layout, dy: number, dx: number): Float64Array {
  if (dy === 0 && dx === 0) return x;
  const s = L.h, y = new Float64Array(x.length);
  for (let ch = 0; ch < L.n * L.c; ch++) {
    const o = ch * s * s;
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) y[o + ((i + dy) % s) * s + ((j + dx) % s)] = x[o + i * s + j]!;
  }
  return y;
}

/** Channel-last copy [N·H·W, C] for per-field reporting (optionally masked to a disc). */
function channelRows(x: Float64Array, L: Layout, maskRadius: number | null): Float64Array {
  const s = L.h, cc = (s - 1) / 2, keep: number[] = [];
  for (let i = 0; i < s; i++) {
    for (let j = 0; j < s; j++) {
      if (maskRadius === null || Math.hypot(i - cc, j - cc) <= maskRadius * cc) keep.push(i * s + j);
    }
  }
  const y = new Float64Array(L.n * keep.length * L.c);
  let r = 0;
  for (let b = 0; b < L.n; b++) {
    for (const p of keep) {
      for (let ch = 0; ch < L.c; ch++) y[r * L.c + ch] = x[(b * L.c + ch) * s * s + p]!;
      r++;
    }
  }
  return y;
}

function gridFields(x: Tensor, fibre: Rep | undefined, maskRadius: number | null): Field[] {
  const L = layout('grid action', x);
  const rows = channelRows(f64(x), L, maskRadius);
  return fibre ? splitRepFields(fibre, rows, 'grid') : [{ name: 'grid', values: rows }];
}

/** A smooth random image: a few Gaussian bumps per channel inside the central disc (so interpolation converges). */
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
  return tensorOf(v, [channels, n, n], dtype);
}

/**
 * Exact lattice symmetries of square images: the element's 2×2 matrix must be a signed
 * permutation (a 90° rotation and/or flip, e.g. from C(4) or D(4)); pixels are permuted,
 * channels transform by the fibre rep, and (with `shifts`) a circular shift follows.
 *
 * @example
 * ```ts
 * const G = C(4);
 * const act = gridAction({ fibre: regular(G) }); // 4 channels permuted cyclically
 * ```
 */
export function gridAction(opts: GridActionOptions = {}): Action<Tensor> {
  return {
    name: `grid lattice symmetries${opts.fibre ? `, fibre ${opts.fibre}` : ''}${opts.shifts ? ' + circular shifts' : ''}`,
    uses: { shift: opts.shifts ?? false },
    act(e: Element, x: Tensor): Tensor {
      const L = layout('gridAction', x);
      let v = f64(x);
      if (e.g) {
        if (!isLattice(e.g)) throw new ValueError('gridAction: the element is not a lattice symmetry of the square grid (a 90° rotation or flip); use rotatedGridAction for other angles');
        v = actFibre(opts.fibre, e.g, resample(v, L, e.g), L);
      }
      const [dy, dx] = elementShift(e, L.h, L.w);
      return tensorOf(shiftGrid(v, L, dy, dx), x.shape, x.dtype);
    },
    fields: (x) => gridFields(x, opts.fibre, null),
    sample: (rng, o) => {
      const n = o.resolution ?? opts.resolution ?? 8, c = opts.fibre?.size ?? opts.channels ?? 1;
      const t = new Float64Array(c * n * n);
      rng.fillNormal(t);
      return tensorOf(t, [c, n, n], o.dtype);
    },
    cast: castTensor,
  };
}

/**
 * Rotations of square images by any angle (the element's 2×2 rotation matrix), by bilinear
 * interpolation about the centre with zeros outside; channels transform by the fibre rep. Only
 * pixels inside a central disc are compared. This action is approximate: the harness reruns at
 * two resolutions and reports an error that shrinks as *discretisation*, not as a bug.
 */
export function rotatedGridAction(opts: GridActionOptions = {}): Action<Tensor> {
  const mask = opts.maskRadius ?? 0.7;
  return {
    name: `interpolated grid rotations${opts.fibre ? `, fibre ${opts.fibre}` : ''}`,
    uses: {},
    approximate: true,
    resolution: opts.resolution ?? 16,
    act(e, x) {
      const L = layout('rotatedGridAction', x);
      if (!e.g) return x;
      if (e.g.length !== 4) throw new ValueError('rotatedGridAction: elements must be 2×2 matrices');
      return tensorOf(actFibre(opts.fibre, e.g, resample(f64(x), L, e.g), L), x.shape, x.dtype);
    },
    fields: (x) => gridFields(x, opts.fibre, mask),
    sample: (rng, o) => smoothImage(rng, opts.fibre?.size ?? opts.channels ?? 1, o.resolution ?? opts.resolution ?? 16, o.dtype),
    cast: castTensor,
  };
}
