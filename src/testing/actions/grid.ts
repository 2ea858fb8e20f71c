/**
 * Harness actions on square images [C, H, W] or [N, C, H, W], built on src/grid: the exact lattice
 * symmetries (90° rotations and flips, a 2×2 signed-permutation matrix g acting on centred pixel
 * coordinates, and circular shifts), with a fibre rep acting on the channel axis; and interpolated
 * rotations by any angle (bilinear, zero outside), an *approximate* action whose error the harness
 * attributes to discretisation when it shrinks with resolution (docs/design/harness.md).
 * @module
 */
import { actOnChannels, gridLayout, isLatticeSymmetry, resampleGrid, shiftGrid, smoothImage } from '../../grid/index.js';
import type { GridLayout } from '../../grid/index.js';
import type { Rep } from '../../rep/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, fmtShape } from '../../util/index.js';
import type { Element } from '../element.js';
import { elementShift } from '../element.js';
import { UnsupportedElementError } from '../errors.js';
import type { Action, Field } from './types.js';
import { castTensor, expectFloatTensor, f64, tensorOf } from './types.js';
import { splitRepFields } from './vector.js';

export { smoothImage };

/** Options of {@link gridAction} and {@link rotatedGridAction}. */
export interface GridActionOptions {
  /** Rep of the channel axis (its size must equal C); default: channels are invariant. */
  fibre?: Rep;
  /** Channels of a sampled image without fibre (default 1; when given, inputs must have it). */
  channels?: number;
  /** Side of a sampled image (default 8 exact, 16 interpolated). */
  resolution?: number;
  /** Also apply random circular shifts (exact action only; default false: zero-padded convolutions are not shift-equivariant at the border). */
  shifts?: boolean;
  /** Interpolated action: compare only pixels within this fraction of the half-width of the centre (default 0.7). */
  maskRadius?: number;
}

function checkGrid(opts: GridActionOptions, name: string, x: Tensor, where: string): GridLayout {
  const L = gridLayout(`${where} (${name})`, expectFloatTensor(x, where, name));
  const c = opts.fibre?.size ?? opts.channels;
  if (c !== undefined && L.c !== c) {
    throw new ShapeError(`${where} (${name}): expected ${c} channels${opts.fibre ? ` (fibre ${opts.fibre}, size ${c})` : ''}: [${x.ndim === 4 ? 'N, ' : ''}${c}, H, W], got ${fmtShape(x.shape)}`);
  }
  return L;
}

/** Channel-last copy [N·H·W, C] for per-field reporting (optionally masked to a disc). */
function channelRows(x: Float64Array, L: GridLayout, maskRadius: number | null): Float64Array {
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
  const L = gridLayout('grid action', x);
  const rows = channelRows(f64(x), L, maskRadius);
  return fibre ? splitRepFields(fibre, rows, 'grid') : [{ name: 'grid', values: rows }];
}

/**
 * Exact lattice symmetries of square images: the element's 2×2 matrix must be a signed
 * permutation (a 90° rotation and/or flip, e.g. from C(4) or D(4)); pixels are permuted,
 * channels transform by the fibre rep, and (with `shifts`) a circular shift follows. Other
 * elements (e.g. random rotations of SO(2)) are skipped ({@link UnsupportedElementError}).
 *
 * @example
 * ```ts
 * const G = C(4);
 * const act = gridAction({ fibre: regular(G) }); // 4 channels permuted cyclically
 * ```
 */
export function gridAction(opts: GridActionOptions = {}): Action<Tensor> {
  const name = `grid lattice symmetries${opts.fibre ? `, fibre ${opts.fibre}` : ''}${opts.shifts ? ' + circular shifts' : ''}`;
  return {
    name,
    uses: { shift: opts.shifts ?? false },
    groupDim: 2,
    check: (x, where) => void checkGrid(opts, name, x, where),
    act(e: Element, x: Tensor): Tensor {
      const L = gridLayout('gridAction', x);
      let v = f64(x);
      if (e.g) {
        if (!isLatticeSymmetry(e.g)) throw new UnsupportedElementError('gridAction: the element is not a lattice symmetry of the square grid (a 90° rotation or flip); use rotatedGridAction for other angles');
        v = resampleGrid(v, L, e.g);
        if (opts.fibre) v = actOnChannels(opts.fibre, e.g, v, L);
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
  const name = `interpolated grid rotations${opts.fibre ? `, fibre ${opts.fibre}` : ''}`;
  return {
    name,
    uses: {},
    approximate: true,
    resolution: opts.resolution ?? 16,
    groupDim: 2,
    check: (x, where) => void checkGrid(opts, name, x, where),
    act(e, x) {
      const L = gridLayout('rotatedGridAction', x);
      if (!e.g) return x;
      let v = resampleGrid(f64(x), L, e.g);
      if (opts.fibre) v = actOnChannels(opts.fibre, e.g, v, L);
      return tensorOf(v, x.shape, x.dtype);
    },
    fields: (x) => gridFields(x, opts.fibre, mask),
    sample: (rng, o) => smoothImage(rng, opts.fibre?.size ?? opts.channels ?? 1, o.resolution ?? opts.resolution ?? 16, o.dtype),
    cast: castTensor,
  };
}
