/**
 * e3nn's 3-D tetris: eight shapes of four unit voxels (positions in Z³), including a chiral pair
 * (mirror images of each other that no rotation maps onto each other), with e3nn's targets in the
 * irreps `0o + 6x0e`: the pseudoscalar 0o is +1 / −1 on the chiral pair and 0 elsewhere, the six
 * scalars one-hot the six achiral shapes. Training data: one orientation per shape; test data:
 * random rotations and reflections (Haar on O(3)) with random translations. A reflection maps
 * chiral shape 1 onto (a rotation of) chiral shape 2, so the label of a reflected chiral shape
 * is the other one. Edges: the radius graph (|r| < 1.1: face neighbours).
 * @module
 */
import { haarOrthogonal } from '../group/index.js';
import { fromData } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import { Rng } from '../util/rng.js';

/** Shape names in label order. */
export const TETRIS3D_NAMES: readonly string[] = Object.freeze(['chiral_1', 'chiral_2', 'square', 'line', 'corner', 'L', 'T', 'zigzag']);

/** The voxels of each shape (e3nn's `tetris()`), in label order. */
export const TETRIS3D_SHAPES: readonly (readonly (readonly [number, number, number])[])[] = Object.freeze([
  [[0, 0, 0], [0, 0, 1], [1, 0, 0], [1, 1, 0]], // chiral_1
  [[0, 0, 0], [0, 0, 1], [1, 0, 0], [1, -1, 0]], // chiral_2
  [[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]], // square
  [[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 0, 3]], // line
  [[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]], // corner
  [[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 1, 0]], // L
  [[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 1, 1]], // T
  [[0, 0, 0], [1, 0, 0], [1, 1, 0], [2, 1, 0]], // zigzag
] as const);

/** Irreps of the targets. */
export const TETRIS3D_IRREPS = '1x0o+6x0e';

/** e3nn's target of class c in `0o + 6x0e`: [±1 on the chiral pair, one-hot of the six others]. */
export function tetris3dTarget(c: number): number[] {
  if (!Number.isInteger(c) || c < 0 || c > 7) throw new ValueError(`tetris3dTarget: class must be 0…7, got ${c}`);
  const t = new Array<number>(7).fill(0);
  if (c < 2) t[0] = c === 0 ? 1 : -1;
  else t[c - 1] = 1;
  return t;
}

/** One shape in some pose: 4 positions (row-major [4, 3]) and its class. */
export interface Tetris3dSample {
  readonly pos: Float64Array;
  readonly label: number;
  /** det of the applied O(3) element (1 for the training poses). */
  readonly det: number;
}

/** Options of {@link tetris3d}. */
export interface Tetris3dOptions {
  /** Random poses per shape in the test set (default 16). */
  testPerShape?: number;
  /** Seed of the test poses (default 0). */
  seed?: number;
}

/**
 * The training set (each shape once, as listed) and a test set of random rotations and
 * reflections (g ∈ O(3) Haar, det −1 for half of them) with translations t ~ N(0, 4·I).
 */
export function tetris3d(opts: Tetris3dOptions = {}): { train: Tetris3dSample[]; test: Tetris3dSample[] } {
  const per = opts.testPerShape ?? 16;
  if (!Number.isInteger(per) || per < 0) throw new ValueError(`tetris3d: testPerShape must be an integer ≥ 0, got ${per}`);
  const rng = new Rng(opts.seed ?? 0);
  const base = (c: number): Float64Array => Float64Array.from(TETRIS3D_SHAPES[c]!.flat());
  const train = TETRIS3D_SHAPES.map((_, c) => ({ pos: base(c), label: c, det: 1 }));
  const test: Tetris3dSample[] = [];
  for (let c = 0; c < 8; c++) {
    for (let k = 0; k < per; k++) {
      const R = haarOrthogonal(rng, 3, true);
      const det = k % 2 === 0 ? 1 : -1;
      const t = [2 * rng.normal(), 2 * rng.normal(), 2 * rng.normal()];
      const p = base(c);
      const out = new Float64Array(12);
      for (let i = 0; i < 4; i++) {
        for (let a = 0; a < 3; a++) {
          let s = 0;
          for (let b = 0; b < 3; b++) s += det * R[a * 3 + b]! * p[i * 3 + b]!;
          out[i * 3 + a] = s + t[a]!;
        }
      }
      test.push({ pos: out, label: det < 0 && c < 2 ? 1 - c : c, det });
    }
  }
  return { train, test };
}

/** A batch of shapes as one disjoint point cloud. */
export interface Tetris3dBatch {
  /** Positions [4B, 3]. */
  readonly pos: Tensor;
  /** Radius-graph edges (|r| < radius), src → dst, [E] each. */
  readonly src: Int32Array;
  readonly dst: Int32Array;
  /** Graph index of every node [4B]. */
  readonly batch: Int32Array;
  /** Targets [B, 7] in `0o + 6x0e`. */
  readonly target: Tensor;
  readonly labels: Int32Array;
}

/** Stack samples into a batch with the radius graph (default radius 1.1), in `dtype`. */
export function tetris3dBatch(samples: readonly Tetris3dSample[], opts: { radius?: number; dtype?: 'float32' | 'float64' } = {}): Tetris3dBatch {
  const r = opts.radius ?? 1.1;
  const dtype = opts.dtype ?? 'float32';
  const B = samples.length;
  const pos = new Float64Array(B * 12);
  const src: number[] = [], dst: number[] = [];
  const batch = new Int32Array(B * 4);
  const tgt = new Float64Array(B * 7);
  samples.forEach((s, g) => {
    if (s.pos.length !== 12) throw new ValueError(`tetris3dBatch: sample ${g} has ${s.pos.length / 3} points, expected 4`);
    pos.set(s.pos, g * 12);
    tgt.set(tetris3dTarget(s.label), g * 7);
    for (let i = 0; i < 4; i++) {
      batch[g * 4 + i] = g;
      for (let j = 0; j < 4; j++) {
        if (i === j) continue;
        const d = Math.hypot(s.pos[3 * i]! - s.pos[3 * j]!, s.pos[3 * i + 1]! - s.pos[3 * j + 1]!, s.pos[3 * i + 2]! - s.pos[3 * j + 2]!);
        if (d < r) { src.push(g * 4 + j); dst.push(g * 4 + i); }
      }
    }
  });
  const cast = (a: Float64Array, shape: number[]): Tensor => fromData(dtype === 'float64' ? a : Float32Array.from(a), shape);
  return {
    pos: cast(pos, [B * 4, 3]), src: Int32Array.from(src), dst: Int32Array.from(dst), batch,
    target: cast(tgt, [B, 7]), labels: Int32Array.from(samples.map((s) => s.label)),
  };
}
