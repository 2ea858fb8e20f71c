/**
 * 2-D rotated tetrominoes: the seven one-sided tetrominoes I, O, T, S, Z, L, J as 4-cell
 * polyominoes on a small image (default 16×16 pixels, cells of 3×3 pixels), placed at a random
 * position and rotated about the image centre — by a multiple of 90° (exact: the image is a pixel
 * permutation of the upright one, `np.rot90`) or by an arbitrary angle (rendered anti-aliased by
 * supersampled coverage). docs/design/reference-results.md, "Rotated digits and tetrominoes".
 *
 * Chirality: S and Z, and L and J, are mirror images of each other and not rotations of each other.
 * With `chiral: true` (the default, 7 classes) they are separate classes, so the labels are
 * invariant under rotations but not under reflections: a p4-invariant model can reach zero error,
 * a p4m-invariant one cannot tell S from Z or L from J. `chiral: false` merges the pairs
 * (5 classes, the free tetrominoes) and is reflection invariant too.
 * @module
 */
import { fromData } from '../tensor/index.js';
import { SizeError, ValueError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { checkCount, checkRange, checkSeed, checkValues, DATASET_SPLITS, keyedRng } from './glyphs.js';
import type { DatasetSplit, GlyphSplitData } from './glyphs.js';

/** Names of the seven one-sided tetrominoes, in label order (chiral labelling). */
export const TETROMINO_NAMES: readonly string[] = Object.freeze(['I', 'O', 'T', 'S', 'Z', 'L', 'J']);

/**
 * Upright cells of each tetromino as (row, column) pairs, row down, in the order of
 * {@link TETROMINO_NAMES}. S/Z and L/J are mirror pairs (column c ↔ width − 1 − c).
 */
export const TETROMINO_CELLS: readonly (readonly (readonly [number, number])[])[] = Object.freeze([
  [[0, 0], [0, 1], [0, 2], [0, 3]], // I
  [[0, 0], [0, 1], [1, 0], [1, 1]], // O
  [[0, 0], [0, 1], [0, 2], [1, 1]], // T
  [[0, 1], [0, 2], [1, 0], [1, 1]], // S
  [[0, 0], [0, 1], [1, 1], [1, 2]], // Z
  [[0, 0], [1, 0], [2, 0], [2, 1]], // L
  [[0, 1], [1, 1], [2, 1], [2, 0]], // J
] as const);

/** Class names with the chiral pairs merged (`chiral: false`). */
export const FREE_TETROMINO_NAMES: readonly string[] = Object.freeze(['I', 'O', 'T', 'S/Z', 'L/J']);

const FREE_MEMBERS: readonly (readonly number[])[] = [[0], [1], [2], [3, 4], [5, 6]];

/** Defaults and limits of {@link tetrominoes}. */
export const TETRIS2D = Object.freeze({
  /** Default image side in pixels. */
  size: 16,
  /** Default cell side in pixels. */
  cell: 3,
  /** Default subsamples per pixel side for arbitrary angles (16 samples per pixel). */
  supersample: 4,
  /** Default split sizes. */
  train: 7000,
  validation: 1400,
  test: 7000,
  /** Largest image side. */
  maxSize: 256,
});

function extent(shape: number): { h: number; w: number } {
  const cells = TETROMINO_CELLS[shape]!;
  return { h: 1 + Math.max(...cells.map((c) => c[0])), w: 1 + Math.max(...cells.map((c) => c[1])) };
}

/** One tetromino placement: the upright piece at (x, y), then rotated about the image centre. */
export interface TetrominoSpec {
  /** Shape index into {@link TETROMINO_NAMES}. */
  shape: number;
  /** Pixel x (column) of the left edge of the upright piece's bounding box. */
  x: number;
  /** Pixel y (row, down) of the top edge of the upright piece's bounding box. */
  y: number;
  /**
   * Exact rotation by this many quarter turns, counter-clockwise as seen (any integer). Overrides
   * `angle`. The image is then exactly binary and `np.rot90(upright, k)`.
   */
  quarterTurns?: number;
  /** Rotation angle in radians, counter-clockwise as seen; rendered by supersampled coverage. */
  angle?: number;
}

/** Image options of {@link renderTetromino}. */
export interface TetrominoImageOptions {
  /** Image side in pixels (default 16). */
  size?: number;
  /** Cell side in pixels (default 3). */
  cell?: number;
  /** Subsamples per pixel side for arbitrary angles (default 4). */
  supersample?: number;
  /** Write into this array at `offset` instead of allocating. */
  out?: Float32Array;
  /** Offset into `out`. */
  offset?: number;
}

/**
 * Render one tetromino into a `size`×`size` row-major image: cells of `cell`×`cell` pixels of the
 * upright piece with its bounding box's top-left corner at pixel (x, y), rotated about the image
 * centre (size/2, size/2). Quarter turns map pixel squares to pixel squares (exact 0/1 image);
 * an arbitrary angle gives each pixel the fraction of its supersample points (inverse-rotated into
 * the upright frame) that fall in a cell. Parts rotated outside the image are cut off.
 * @throws ValueError for a shape outside 0–6, non-integer quarter turns or placement with
 * `quarterTurns`, a non-finite angle, bad size / cell / supersample, or an `out` too short
 */
export function renderTetromino(spec: TetrominoSpec, opts: TetrominoImageOptions = {}): Float32Array {
  const op = 'renderTetromino';
  const size = checkCount(op, 'size', opts.size ?? TETRIS2D.size, TETRIS2D.maxSize);
  const C = checkCount(op, 'cell', opts.cell ?? TETRIS2D.cell, TETRIS2D.maxSize);
  const offset = opts.offset ?? 0;
  if (opts.out && !(Number.isInteger(offset) && offset >= 0 && offset + size * size <= opts.out.length)) {
    throw new ValueError(`${op}: offset ${offset} + ${size * size} pixels does not fit an output of length ${opts.out.length}`);
  }
  const cells = Number.isInteger(spec.shape) ? TETROMINO_CELLS[spec.shape] : undefined;
  if (!cells) throw new ValueError(`${op}: shape must be an integer 0–6, got ${spec.shape}`);
  if (!Number.isFinite(spec.x) || !Number.isFinite(spec.y)) throw new ValueError(`${op}: x and y must be finite, got ${spec.x}, ${spec.y}`);
  if (spec.quarterTurns !== undefined && !(Number.isInteger(spec.quarterTurns) && Number.isInteger(spec.x) && Number.isInteger(spec.y))) {
    throw new ValueError(`${op}: quarterTurns, x and y must be integers for an exact rotation, got ${spec.quarterTurns}, ${spec.x}, ${spec.y}`);
  }
  if (spec.angle !== undefined && !Number.isFinite(spec.angle)) throw new ValueError(`${op}: angle must be finite, got ${spec.angle}`);
  const ss = checkCount(op, 'supersample', opts.supersample ?? TETRIS2D.supersample, 64);
  if (ss < 1) throw new ValueError(`${op}: supersample must be at least 1`);
  const img = opts.out ?? new Float32Array(size * size);
  img.fill(0, offset, offset + size * size);
  if (spec.quarterTurns !== undefined) {
    const k = ((spec.quarterTurns % 4) + 4) % 4;
    for (const [r, c] of cells) {
      // the cell's square [x0, x1] × [y0, y1], its corners rotated k quarter turns about (S/2, S/2):
      // one CCW quarter turn (y down) maps (X, Y) to (Y, S − X).
      let x0 = spec.x + c * C, y0 = spec.y + r * C, x1 = x0 + C, y1 = y0 + C;
      for (let t = 0; t < k; t++) [x0, y0, x1, y1] = [y0, size - x1, y1, size - x0];
      for (let py = Math.max(0, y0); py < Math.min(size, y1); py++) {
        for (let px = Math.max(0, x0); px < Math.min(size, x1); px++) img[offset + py * size + px] = 1;
      }
    }
    return img;
  }
  const theta = spec.angle ?? 0;
  const { h, w } = extent(spec.shape);
  const mask = new Uint8Array(h * w);
  for (const [r, c] of cells) mask[r * w + c] = 1;
  const cos = Math.cos(theta), sin = Math.sin(theta), half = size / 2, inv = 1 / (ss * ss);
  // a point q of the rotated image comes from u = R(θ)⁻¹(q − centre) + centre of the upright one;
  // R(θ) (CCW as seen, y down) is [[cos, sin], [−sin, cos]], so R⁻¹ = [[cos, −sin], [sin, cos]].
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let i = 0; i < ss; i++) {
        const qy = py + (i + 0.5) / ss - half;
        for (let j = 0; j < ss; j++) {
          const qx = px + (j + 0.5) / ss - half;
          const ux = cos * qx - sin * qy + half - spec.x, uy = sin * qx + cos * qy + half - spec.y;
          const cc = Math.floor(ux / C), rr = Math.floor(uy / C);
          if (cc >= 0 && cc < w && rr >= 0 && rr < h && mask[rr * w + cc] === 1) hits++;
        }
      }
      img[offset + py * size + px] = hits * inv;
    }
  }
  return img;
}

/** How the samples of a split are rotated. */
export type TetrominoRotation = 'p4' | 'continuous' | 'none';

/** Options of {@link tetrominoes}. */
export interface TetrominoesOptions {
  /** Seed (default 0). */
  seed?: number;
  /** Training images (default 7000). */
  train?: number;
  /** Validation images (default 1400). */
  validation?: number;
  /** Test images (default 7000). */
  test?: number;
  /** Image side in pixels (default 16). */
  size?: number;
  /** Cell side in pixels (default 3); the image must hold a piece at any angle: size ≥ 5·cell. */
  cell?: number;
  /** 'p4': uniform quarter turn (exact, default); 'continuous': uniform angle in [0, 2π); 'none'. */
  rotation?: TetrominoRotation;
  /** Render these splits upright (`true`: all), keeping every other parameter — train upright, test rotated. */
  upright?: boolean | readonly DatasetSplit[];
  /** Keep S/Z and L/J apart (default true, 7 classes); false merges them (5 classes). */
  chiral?: boolean;
  /** Standard deviation of additive Gaussian noise, clamped to [0, 1] after (default 0). */
  noise?: number;
  /** Subsamples per pixel side for arbitrary angles (default 4). */
  supersample?: number;
}

const TAG: Record<DatasetSplit, number> = { train: 101, validation: 102, test: 103 };

/** Pick a placement whose rotation by θ about the image centre stays inside the image. */
function place(rng: Rng, shape: number, size: number, C: number, angle: number, exact: boolean): { x: number; y: number } {
  const { h, w } = extent(shape);
  const W = w * C, H = h * C;
  const x = rng.int(size - W + 1), y = rng.int(size - H + 1);
  if (exact) return { x, y };
  const cos = Math.cos(angle), sin = Math.sin(angle), half = size / 2;
  const fits = (x0: number, y0: number): boolean => [[x0, y0], [x0 + W, y0], [x0, y0 + H], [x0 + W, y0 + H]].every(([X, Y]) => {
    const dx = X! - half, dy = Y! - half;
    const qx = half + dx * cos + dy * sin, qy = half - dx * sin + dy * cos;
    return qx >= 0 && qx <= size && qy >= 0 && qy <= size;
  });
  if (fits(x, y)) return { x, y };
  for (let t = 0; t < 32; t++) {
    const x2 = rng.int(size - W + 1), y2 = rng.int(size - H + 1);
    if (fits(x2, y2)) return { x: x2, y: y2 };
  }
  return { x: Math.floor((size - W) / 2), y: Math.floor((size - H) / 2) }; // centred: fits when size ≥ 5·cell
}

/**
 * The rotated-tetromino dataset: images [N, 1, size, size] float32 in [0, 1], int32 labels (shape
 * classes, see {@link TETROMINO_NAMES} / {@link FREE_TETROMINO_NAMES}), the angles used, and the
 * shape index of each image in `styles`. Each block of `classes` consecutive items holds each class
 * once; each item has its own random stream keyed by (seed, split, index), so the splits are
 * disjoint streams and the same seed gives the same bytes. The placement is drawn before the
 * rotation is applied, and `upright` only zeroes the rotation. Memory: 4·N·size² bytes per split.
 * @throws ValueError for bad options (non-integer or negative counts, sizes, cell too large for the
 * image, unknown rotation); SizeError for splits over 2^27 pixel values — all before allocating
 *
 * @example
 * ```ts
 * const { train, test } = tetrominoes({ seed: 0, rotation: 'p4', upright: ['train', 'validation'] });
 * train.images.shape; // [7000, 1, 16, 16]
 * ```
 */
export function tetrominoes(opts: TetrominoesOptions = {}): Record<DatasetSplit, GlyphSplitData> {
  const op = 'tetrominoes';
  const seed = checkSeed(op, opts.seed ?? 0);
  const size = checkCount(op, 'size', opts.size ?? TETRIS2D.size, TETRIS2D.maxSize);
  const C = checkCount(op, 'cell', opts.cell ?? TETRIS2D.cell, TETRIS2D.maxSize);
  if (C < 1) throw new ValueError(`${op}: cell must be at least 1, got ${C}`);
  if (size < 5 * C) throw new ValueError(`${op}: size ${size} must be at least 5·cell = ${5 * C} so that a piece fits at any angle`);
  const rotation = opts.rotation ?? 'p4';
  if (rotation !== 'p4' && rotation !== 'continuous' && rotation !== 'none') throw new ValueError(`${op}: rotation must be 'p4', 'continuous' or 'none', got ${String(rotation)}`);
  const noise = checkRange(op, 'noise', opts.noise ?? 0, 0, 1);
  const ss = checkCount(op, 'supersample', opts.supersample ?? TETRIS2D.supersample, 64);
  if (ss < 1) throw new ValueError(`${op}: supersample must be at least 1`);
  const chiral = opts.chiral ?? true;
  const classes = chiral ? 7 : 5;
  const up = opts.upright;
  if (!(up === undefined || typeof up === 'boolean' || (Array.isArray(up) && up.every((s) => TAG[s as DatasetSplit] !== undefined)))) {
    throw new ValueError(`${op}: upright must be a boolean or a list of split names, got ${JSON.stringify(up)}`);
  }
  const counts: Record<DatasetSplit, number> = { train: 0, validation: 0, test: 0 };
  for (const s of DATASET_SPLITS) {
    counts[s] = checkCount(op, s, opts[s] ?? TETRIS2D[s], 2 ** 31 - 1);
    checkValues(op, counts[s], size);
  }
  if (counts.train + counts.validation + counts.test > 2 ** 31) throw new SizeError(`${op}: too many images`);
  const out = {} as Record<DatasetSplit, GlyphSplitData>;
  const px = size * size;
  for (const split of DATASET_SPLITS) {
    const n = counts[split];
    const upright = up === true || (Array.isArray(up) && up.includes(split)) || rotation === 'none';
    const images = new Float32Array(n * px), labels = new Int32Array(n), styles = new Int32Array(n), angles = new Float64Array(n);
    let block = -1;
    let perm: Int32Array = new Int32Array(0);
    for (let i = 0; i < n; i++) {
      const b = Math.floor(i / classes);
      if (b !== block) {
        block = b;
        perm = keyedRng(seed, 2 * TAG[split] + 1, b).permutation(classes);
      }
      const label = perm[i - b * classes]!;
      const rng = keyedRng(seed, 2 * TAG[split], i);
      const members = chiral ? [label] : FREE_MEMBERS[label]!;
      const shape = members[members.length === 1 ? 0 : rng.int(members.length)]!;
      const k = rng.int(4), theta = rng.uniformIn(0, 2 * Math.PI);
      const exact = rotation !== 'continuous';
      const angle = upright ? 0 : exact ? (k * Math.PI) / 2 : theta;
      // placement for the sampled rotation, so that upright and rotated versions share it
      const { x, y } = place(rng, shape, size, C, exact ? 0 : theta, exact);
      renderTetromino(exact ? { shape, x, y, quarterTurns: upright ? 0 : k } : { shape, x, y, angle }, { size, cell: C, supersample: ss, out: images, offset: i * px });
      if (noise > 0) {
        for (let j = i * px; j < (i + 1) * px; j++) {
          const v = images[j]! + noise * rng.normal();
          images[j] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
      }
      labels[i] = label;
      styles[i] = shape;
      angles[i] = angle;
    }
    out[split] = { images: fromData(images, [n, 1, size, size]), labels: fromData(labels, [n]), angles, styles };
  }
  return out;
}
