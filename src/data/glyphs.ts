/**
 * Rotated digits, generated offline: a procedural stand-in for MNIST-rot (Larochelle et al., 2007;
 * 28×28 grey digits rotated by a uniform angle in [0, 2π)) — docs/design/reference-results.md,
 * "Rotated digits and tetrominoes".
 *
 * Each digit 0–9 is drawn from one of a few stroke-outline styles ({@link GLYPH_STROKES}); a sample
 * draws a style, a glyph height, aspect ratio, slant, stroke width, a small translation and a smooth
 * random displacement field (elastic jitter), then a rotation angle uniform in [0, 2π). The strokes
 * are mapped to pixel space and rasterised anti-aliased from the distance to the nearest stroke
 * segment; additive Gaussian noise is added last and the result clamped to [0, 1].
 *
 * Geometry, in continuous pixel coordinates (x right, y down, pixel (r, c) covering
 * [c, c + 1] × [r, r + 1], image centre (S/2, S/2)): a unit-box vertex p is jittered to
 * j = p + d(p), mapped to u = (h·(a·(jₓ − ½) − s·(j_y − ½)) + tₓ, h·(j_y − ½) + t_y) and rotated
 * about the image centre, counter-clockwise as seen on the page by θ:
 * q = (S/2 + uₓ cos θ + u_y sin θ, S/2 − uₓ sin θ + u_y cos θ). So a rotated sample is its upright
 * version (θ = 0, everything else equal) rotated rigidly about the image centre before rasterising,
 * and θ = π/2 is `np.rot90` of the upright image (the noise aside).
 *
 * Every sample has its own random stream, keyed by (seed, split, index), and labels come in blocks
 * of ten holding each digit once: any range of any split can be rendered on its own
 * ({@link renderDigits}, {@link rotatedDigitChunks}), the splits are disjoint by construction, and
 * the same seed gives the same bytes.
 * @module
 */
import { fromData } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { SizeError, ValueError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { GLYPH_STROKES } from './glyph-strokes.js';

/** The three splits of a generated dataset. */
export type DatasetSplit = 'train' | 'validation' | 'test';

/** The split names, in order. */
export const DATASET_SPLITS: readonly DatasetSplit[] = Object.freeze(['train', 'validation', 'test'] as const);

const SPLIT_TAG: Record<DatasetSplit, number> = { train: 1, validation: 2, test: 3 };

/** Constants and default sampling ranges of {@link rotatedDigits}. */
export const ROTATED_DIGITS = Object.freeze({
  /** Image side in pixels (MNIST-rot: 28). */
  size: 28,
  /** Number of classes. */
  classes: 10,
  /** Default split sizes: 10000 train + 2000 validation (MNIST-rot's 12000 training images), 50000 test. */
  train: 10000,
  validation: 2000,
  test: 50000,
  /** Glyph box height as a fraction of the image side, uniform in this range. */
  heightRange: Object.freeze([0.6, 0.76] as const),
  /** Width-to-height multiplier of the glyph box, uniform in this range. */
  aspectRange: Object.freeze([0.8, 1.15] as const),
  /** Slant (horizontal shear per unit height, top leaning right for positive values), uniform. */
  slantRange: Object.freeze([-0.25, 0.25] as const),
  /** Stroke width in pixels, uniform in this range. */
  strokeWidthRange: Object.freeze([1.4, 3.0] as const),
  /** Translation in pixels, each coordinate uniform in [−translation, translation]. */
  translation: 1.5,
  /** Amplitude (unit-box lengths) of each of the 3 sine modes per axis of the elastic jitter. */
  jitter: 0.02,
  /** Default standard deviation of the additive Gaussian pixel noise (before clamping to [0, 1]). */
  noise: 0.05,
  /** Published test errors on MNIST-rot (Cohen & Welling, G-CNNs, ICML 2016): Z2CNN and P4CNN. */
  published: Object.freeze({ z2cnnTestError: 0.0503, p4cnnTestError: 0.0228 }),
  /** Largest image side accepted. */
  maxSize: 256,
  /** Largest number of pixel values one call may allocate (2^27 float32 = 512 MiB). */
  maxValues: 2 ** 27,
});

const JITTER_MODES = 3;

/** Everything that determines one rendered digit except the pixel noise. */
export interface GlyphParams {
  /** The digit 0–9 (the label). */
  readonly digit: number;
  /** Index into `GLYPH_STROKES[digit]`. */
  readonly style: number;
  /** Rotation angle θ in radians, counter-clockwise as seen on the page, about the image centre. */
  readonly angle: number;
  /** Glyph box height as a fraction of the image side. */
  readonly height: number;
  /** Width-to-height multiplier of the glyph box. */
  readonly aspect: number;
  /** Horizontal shear per unit height (positive: the top leans right). */
  readonly slant: number;
  /** Stroke width in pixels. */
  readonly strokeWidth: number;
  /** Translation in pixels (applied before the rotation, so it rotates with the glyph). */
  readonly tx: number;
  /** Translation in pixels (y down). */
  readonly ty: number;
  /**
   * Elastic jitter d(p): for each axis (x then y) 3 modes of 4 numbers (amplitude, frequency along x,
   * frequency along y, phase); dₐ(p) = Σ amplitude · sin(2π(fₓ pₓ + f_y p_y) + phase). Length 24.
   */
  readonly jitter: Float64Array;
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The random stream of item `index` of a stream family `tag` under `seed`. The state words are
 * bijective functions of (seed, tag, index), so distinct keys give distinct streams (no hash
 * collisions), and 8 outputs are discarded to decorrelate neighbouring keys.
 */
export function keyedRng(seed: number, tag: number, index: number): Rng {
  const a = mix32(seed | 0), b = mix32((tag | 0) ^ 0x5bd1e995), c = mix32(index | 0);
  const rng = Rng.fromState({ s: [a, b, c, (mix32(a ^ b ^ c ^ 0x9e3779b9) | 1) >>> 0], spare: null });
  for (let i = 0; i < 8; i++) rng.nextUint32();
  return rng;
}

/**
 * The class of item `index` when labels come in blocks of `classes` consecutive items, each block a
 * random permutation of the classes (keyed by seed, tag and block): every block holds each class
 * once, so any prefix is balanced to within one per class.
 */
export function blockLabel(seed: number, tag: number, index: number, classes: number): number {
  const block = Math.floor(index / classes);
  return keyedRng(seed, tag, block).permutation(classes)[index - block * classes]!;
}

/** Check a non-negative integer count (named error, before anything is allocated). */
export function checkCount(op: string, name: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ValueError(`${op}: ${name} must be a non-negative integer, got ${String(v)}`);
  if (v > max) throw new SizeError(`${op}: ${name} = ${v} exceeds the limit ${max}`);
  return v;
}

/** Check an integer seed. */
export function checkSeed(op: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ValueError(`${op}: seed must be an integer, got ${String(v)}`);
  return v;
}

/** Check a finite number in [lo, hi]. */
export function checkRange(op: string, name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) throw new ValueError(`${op}: ${name} must be a number in [${lo}, ${hi}], got ${String(v)}`);
  return v;
}

/** Check that `n` images of side `size` fit in {@link ROTATED_DIGITS}.maxValues values. */
export function checkValues(op: string, n: number, size: number): void {
  if (n * size * size > ROTATED_DIGITS.maxValues) {
    throw new SizeError(`${op}: ${n} images of ${size}×${size} are ${n * size * size} values, over the limit ${ROTATED_DIGITS.maxValues} (ROTATED_DIGITS.maxValues); generate fewer or in chunks`);
  }
}

/**
 * Draw the parameters of one digit glyph from `rng` with the default ranges of
 * {@link ROTATED_DIGITS}. The angle is always drawn (uniform in [0, 2π)); `upright` then sets it to
 * 0, so an upright and a rotated sample from the same stream differ only in the angle.
 */
export function sampleGlyphParams(rng: Rng, digit: number, upright = false): GlyphParams {
  if (!Number.isInteger(digit) || digit < 0 || digit > 9) throw new ValueError(`sampleGlyphParams: digit must be an integer 0–9, got ${digit}`);
  const D = ROTATED_DIGITS;
  const style = rng.int(GLYPH_STROKES[digit]!.length);
  const angle = rng.uniformIn(0, 2 * Math.PI);
  const height = rng.uniformIn(D.heightRange[0], D.heightRange[1]);
  const aspect = rng.uniformIn(D.aspectRange[0], D.aspectRange[1]);
  const slant = rng.uniformIn(D.slantRange[0], D.slantRange[1]);
  const strokeWidth = rng.uniformIn(D.strokeWidthRange[0], D.strokeWidthRange[1]);
  const tx = rng.uniformIn(-D.translation, D.translation);
  const ty = rng.uniformIn(-D.translation, D.translation);
  const jitter = new Float64Array(8 * JITTER_MODES);
  for (let m = 0; m < 2 * JITTER_MODES; m++) {
    jitter[4 * m] = D.jitter * rng.uniformIn(-1, 1);
    jitter[4 * m + 1] = rng.uniformIn(-1.5, 1.5);
    jitter[4 * m + 2] = rng.uniformIn(-1.5, 1.5);
    jitter[4 * m + 3] = rng.uniformIn(0, 2 * Math.PI);
  }
  return { digit, style, angle: upright ? 0 : angle, height, aspect, slant, strokeWidth, tx, ty, jitter };
}

/**
 * The strokes of a glyph in continuous pixel coordinates of a `size`×`size` image (x right, y down,
 * pixel (r, c) covering [c, c + 1] × [r, r + 1]): jittered, scaled, slanted, translated and rotated
 * as the module documentation describes. Each stroke is a flat `x0, y0, x1, y1, …` polyline.
 */
export function glyphGeometry(params: GlyphParams, size: number = ROTATED_DIGITS.size): Float64Array[] {
  const styles = GLYPH_STROKES[params.digit];
  const strokes = styles?.[params.style];
  if (!strokes) throw new ValueError(`glyphGeometry: no style ${params.style} of digit ${params.digit}`);
  const h = params.height * size, half = size / 2;
  const cos = Math.cos(params.angle), sin = Math.sin(params.angle);
  const J = params.jitter;
  return strokes.map((s) => {
    const out = new Float64Array(s.length);
    for (let k = 0; k < s.length; k += 2) {
      const px = s[k]!, py = s[k + 1]!;
      let dx = 0, dy = 0;
      for (let m = 0; m < JITTER_MODES; m++) {
        const a = 4 * m, b = 4 * (m + JITTER_MODES);
        dx += J[a]! * Math.sin(2 * Math.PI * (J[a + 1]! * px + J[a + 2]! * py) + J[a + 3]!);
        dy += J[b]! * Math.sin(2 * Math.PI * (J[b + 1]! * px + J[b + 2]! * py) + J[b + 3]!);
      }
      const jx = px + dx - 0.5, jy = py + dy - 0.5;
      const ux = h * (params.aspect * jx - params.slant * jy) + params.tx;
      const uy = h * jy + params.ty;
      out[k] = half + ux * cos + uy * sin;
      out[k + 1] = half - ux * sin + uy * cos;
    }
    return out;
  });
}

let scratch = new Float32Array(0);

/**
 * Rasterise polylines (continuous pixel coordinates, as {@link glyphGeometry} returns) into a
 * `size`×`size` row-major image: each pixel centre's distance d to the nearest segment gives the
 * intensity smoothstep(clamp(w/2 + ½ − d, 0, 1)) — 1 inside the stroke, 0 beyond half a pixel
 * outside it, a smooth one-pixel ramp across the edge. Only pixels within reach of a segment's
 * bounding box are visited. Writes into `out` at `offset` (a new array by default) and returns it.
 * @throws ValueError for a size that is not an integer in [0, 256], a stroke width outside
 * [0, size], or an `out` too short for `offset` + size² values
 */
export function rasterizeStrokes(strokes: readonly Float64Array[], strokeWidth: number, size: number, out?: Float32Array, offset = 0): Float32Array {
  const op = 'rasterizeStrokes';
  checkCount(op, 'size', size, ROTATED_DIGITS.maxSize);
  checkRange(op, 'strokeWidth', strokeWidth, 0, size);
  const n = size * size;
  if (out && !(Number.isInteger(offset) && offset >= 0 && offset + n <= out.length)) {
    throw new ValueError(`${op}: offset ${offset} + ${n} pixels does not fit an output of length ${out.length}`);
  }
  const img = out ?? new Float32Array(n);
  if (scratch.length < n) scratch = new Float32Array(n);
  const d2 = scratch;
  d2.fill(Infinity, 0, n);
  const reach = strokeWidth / 2 + 0.5;
  for (const s of strokes) {
    const nv = s.length >> 1;
    for (let k = 0; k < Math.max(1, nv - 1); k++) {
      const ax = s[2 * k]!, ay = s[2 * k + 1]!;
      const bx = nv > 1 ? s[2 * k + 2]! : ax, by = nv > 1 ? s[2 * k + 3]! : ay;
      const c0 = Math.max(0, Math.ceil(Math.min(ax, bx) - reach - 0.5)), c1 = Math.min(size - 1, Math.floor(Math.max(ax, bx) + reach - 0.5));
      const r0 = Math.max(0, Math.ceil(Math.min(ay, by) - reach - 0.5)), r1 = Math.min(size - 1, Math.floor(Math.max(ay, by) + reach - 0.5));
      const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy, inv = l2 > 0 ? 1 / l2 : 0;
      for (let r = r0; r <= r1; r++) {
        const py = r + 0.5 - ay;
        for (let c = c0; c <= c1; c++) {
          const px = c + 0.5 - ax;
          let t = (px * dx + py * dy) * inv;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          const ex = px - t * dx, ey = py - t * dy;
          const d = ex * ex + ey * ey;
          const i = r * size + c;
          if (d < d2[i]!) d2[i] = d;
        }
      }
    }
  }
  const edge = strokeWidth / 2 + 0.5;
  for (let i = 0; i < n; i++) {
    const v = d2[i]!;
    let t = v === Infinity ? 0 : edge - Math.sqrt(v);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    img[offset + i] = t * t * (3 - 2 * t);
  }
  return img;
}

/** Options of {@link renderGlyph}. */
export interface RenderGlyphOptions {
  /** Image side (default 28). */
  size?: number;
  /** Standard deviation of the additive Gaussian noise (default 0: none). */
  noise?: number;
  /** Generator of the noise (required when `noise` > 0). */
  rng?: Rng;
  /** Write into this array at `offset` instead of allocating. */
  out?: Float32Array;
  /** Offset into `out`. */
  offset?: number;
}

/**
 * Render one glyph: {@link glyphGeometry}, {@link rasterizeStrokes}, then noise and clamping to [0, 1].
 * @throws ValueError for a bad size, noise or output range, or noise without an rng
 */
export function renderGlyph(params: GlyphParams, opts: RenderGlyphOptions = {}): Float32Array {
  const size = opts.size ?? ROTATED_DIGITS.size;
  const noise = checkRange('renderGlyph', 'noise', opts.noise ?? 0, 0, 1);
  const offset = opts.offset ?? 0;
  const img = rasterizeStrokes(glyphGeometry(params, size), params.strokeWidth, size, opts.out, offset);
  if (noise > 0) {
    if (!opts.rng) throw new ValueError('renderGlyph: noise > 0 needs an rng');
    const rng = opts.rng;
    for (let i = offset; i < offset + size * size; i++) {
      const v = img[i]! + noise * rng.normal();
      img[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return img;
}

/** One split (or chunk of a split) of rotated digits. */
export interface GlyphSplitData {
  /** Images [N, 1, S, S], float32 in [0, 1], background 0, ink 1. */
  readonly images: Tensor;
  /** Labels [N], int32 (the digit, or the tetromino class for {@link tetrominoes}). */
  readonly labels: Tensor;
  /** Rotation angle of each image in radians (0 for upright splits). */
  readonly angles: Float64Array;
  /** Style variant index of each image (a digit style, or for tetrominoes the shape index). */
  readonly styles: Int32Array;
}

/** Options shared by {@link renderDigits}, {@link rotatedDigitChunks} and {@link rotatedDigits}. */
export interface DigitRenderOptions {
  /** Seed of the dataset (default 0). */
  seed?: number;
  /** Image side (default 28; at most 256). */
  size?: number;
  /** Noise standard deviation (default {@link ROTATED_DIGITS}.noise = 0.05; 0 for clean images). */
  noise?: number;
}

/** Options of {@link renderDigits}. */
export interface RenderDigitsOptions extends DigitRenderOptions {
  /** Which split (default 'train'). */
  split?: DatasetSplit;
  /** First index (default 0). */
  start?: number;
  /** Number of images. */
  count: number;
  /** Render at angle 0 (default false: uniform angle). */
  upright?: boolean;
}

function digitOptions(op: string, opts: DigitRenderOptions): { seed: number; size: number; noise: number } {
  const seed = checkSeed(op, opts.seed ?? 0);
  const size = checkCount(op, 'size', opts.size ?? ROTATED_DIGITS.size, ROTATED_DIGITS.maxSize);
  if (size < 8) throw new ValueError(`${op}: size must be at least 8, got ${size}`);
  const noise = checkRange(op, 'noise', opts.noise ?? ROTATED_DIGITS.noise, 0, 1);
  return { seed, size, noise };
}

/**
 * The parameters of item `index` of a split (what {@link renderDigits} renders, noise aside).
 * @example
 * ```ts
 * const p = digitParams(0, 'test', 17);
 * const img = renderGlyph(p); // the clean 28×28 image of test item 17
 * ```
 */
export function digitParams(seed: number, split: DatasetSplit, index: number, upright = false): GlyphParams {
  const tag = SPLIT_TAG[split];
  if (tag === undefined) throw new ValueError(`digitParams: split must be one of ${DATASET_SPLITS.join(', ')}, got ${String(split)}`);
  const digit = blockLabel(seed, 2 * tag + 1, index, 10);
  return sampleGlyphParams(keyedRng(seed, 2 * tag, index), digit, upright);
}

function renderDigitRange(seed: number, split: DatasetSplit, start: number, count: number, upright: boolean, size: number, noise: number): GlyphSplitData {
  const tag = SPLIT_TAG[split];
  const px = size * size;
  const images = new Float32Array(count * px);
  const labels = new Int32Array(count), styles = new Int32Array(count), angles = new Float64Array(count);
  let block = -1;
  let perm: Int32Array = new Int32Array(0);
  for (let k = 0; k < count; k++) {
    const index = start + k;
    const b = Math.floor(index / 10);
    if (b !== block) {
      block = b;
      perm = keyedRng(seed, 2 * tag + 1, b).permutation(10);
    }
    const rng = keyedRng(seed, 2 * tag, index);
    const p = sampleGlyphParams(rng, perm[index - 10 * b]!, upright);
    renderGlyph(p, { size, noise, rng, out: images, offset: k * px });
    labels[k] = p.digit;
    styles[k] = p.style;
    angles[k] = p.angle;
  }
  return { images: fromData(images, [count, 1, size, size]), labels: fromData(labels, [count]), angles, styles };
}

/**
 * Render items `start … start + count − 1` of one split. Each item depends only on (seed, split,
 * index), so chunks can be rendered separately and concatenated. Memory: 4·count·size² bytes of
 * images (28×28: 3136 bytes per image).
 * @throws ValueError for a bad seed, split, size, noise, start or count; SizeError when the chunk
 * would exceed {@link ROTATED_DIGITS}.maxValues pixel values (checked before allocating)
 *
 * @example
 * ```ts
 * const chunk = renderDigits({ seed: 1, split: 'test', start: 1000, count: 500 });
 * chunk.images.shape; // [500, 1, 28, 28]
 * ```
 */
export function renderDigits(opts: RenderDigitsOptions): GlyphSplitData {
  const op = 'renderDigits';
  const { seed, size, noise } = digitOptions(op, opts);
  const split = opts.split ?? 'train';
  if (SPLIT_TAG[split] === undefined) throw new ValueError(`${op}: split must be one of ${DATASET_SPLITS.join(', ')}, got ${String(split)}`);
  const start = checkCount(op, 'start', opts.start ?? 0, 2 ** 31 - 1);
  const count = checkCount(op, 'count', opts.count, 2 ** 31 - 1);
  if (start + count > 2 ** 31) throw new SizeError(`${op}: start + count must be at most 2^31, got ${start + count}`);
  checkValues(op, count, size);
  return renderDigitRange(seed, split, start, count, opts.upright ?? false, size, noise);
}

/** Options of {@link rotatedDigits}. */
export interface RotatedDigitsOptions extends DigitRenderOptions {
  /** Training images (default 10000). */
  train?: number;
  /** Validation images (default 2000). */
  validation?: number;
  /** Test images (default 50000). */
  test?: number;
  /**
   * Render upright (angle 0): `true` for every split, or the list of splits to render upright —
   * `['train', 'validation']` gives the train-upright / test-rotated experiment. Default false.
   * The other parameters of each item do not depend on it.
   */
  upright?: boolean | readonly DatasetSplit[];
}

function isUpright(upright: boolean | readonly DatasetSplit[] | undefined, split: DatasetSplit): boolean {
  return upright === true || (Array.isArray(upright) && upright.includes(split));
}

/**
 * Rotated digits in three splits, MNIST-rot-shaped: images [N, 1, 28, 28] float32 in [0, 1], int32
 * labels, the angles used. Memory: 4·N·size² bytes per split — the defaults (10000 + 2000 + 50000
 * at 28×28) take about 194 MB, the test split 157 MB of it; use {@link rotatedDigitChunks} to stream
 * instead. Same seed, same bytes.
 * @throws ValueError for bad options; SizeError for a split over {@link ROTATED_DIGITS}.maxValues
 * values (all checked before anything is allocated)
 *
 * @example
 * ```ts
 * const { train, test } = rotatedDigits({ seed: 0, train: 10000, validation: 2000, test: 50000 });
 * // train upright, test rotated:
 * const exp = rotatedDigits({ seed: 0, upright: ['train', 'validation'] });
 * ```
 */
export function rotatedDigits(opts: RotatedDigitsOptions = {}): Record<DatasetSplit, GlyphSplitData> {
  const op = 'rotatedDigits';
  const { seed, size, noise } = digitOptions(op, opts);
  const counts = {
    train: checkCount(op, 'train', opts.train ?? ROTATED_DIGITS.train, 2 ** 31 - 1),
    validation: checkCount(op, 'validation', opts.validation ?? ROTATED_DIGITS.validation, 2 ** 31 - 1),
    test: checkCount(op, 'test', opts.test ?? ROTATED_DIGITS.test, 2 ** 31 - 1),
  };
  const up = opts.upright;
  if (!(up === undefined || typeof up === 'boolean' || (Array.isArray(up) && up.every((s) => SPLIT_TAG[s as DatasetSplit] !== undefined)))) {
    throw new ValueError(`${op}: upright must be a boolean or a list of split names, got ${JSON.stringify(up)}`);
  }
  for (const s of DATASET_SPLITS) checkValues(op, counts[s], size);
  const out = {} as Record<DatasetSplit, GlyphSplitData>;
  for (const s of DATASET_SPLITS) out[s] = renderDigitRange(seed, s, 0, counts[s], isUpright(up, s), size, noise);
  return out;
}

/**
 * Stream one split in chunks of `chunkSize` (the last may be shorter) — the same images as
 * {@link rotatedDigits} gives for that split, with 4·chunkSize·size² bytes alive at a time. The
 * options are checked when it is called, not at the first chunk.
 * @throws ValueError / SizeError as {@link renderDigits}, and for a chunkSize of 0
 *
 * @example
 * ```ts
 * for (const chunk of rotatedDigitChunks({ seed: 0, split: 'test', count: 50000, chunkSize: 1000 })) {
 *   // evaluate on chunk.images, chunk.labels
 * }
 * ```
 */
export function rotatedDigitChunks(opts: DigitRenderOptions & { split: DatasetSplit; count: number; chunkSize?: number; upright?: boolean }): Generator<GlyphSplitData> {
  const op = 'rotatedDigitChunks';
  const { seed, size, noise } = digitOptions(op, opts);
  if (SPLIT_TAG[opts.split] === undefined) throw new ValueError(`${op}: split must be one of ${DATASET_SPLITS.join(', ')}, got ${String(opts.split)}`);
  const count = checkCount(op, 'count', opts.count, 2 ** 31 - 1);
  const chunk = checkCount(op, 'chunkSize', opts.chunkSize ?? 1000, 2 ** 31 - 1);
  if (chunk === 0) throw new ValueError(`${op}: chunkSize must be positive`);
  checkValues(op, Math.min(chunk, count), size);
  const split = opts.split, upright = opts.upright ?? false;
  return (function* chunks(): Generator<GlyphSplitData> {
    for (let s = 0; s < count; s += chunk) yield renderDigitRange(seed, split, s, Math.min(chunk, count - s), upright, size, noise);
  })();
}
