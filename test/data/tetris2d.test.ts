import { describe, expect, it } from 'vitest';
import { FREE_TETROMINO_NAMES, TETROMINO_CELLS, TETROMINO_NAMES, renderTetromino, tetrominoes } from '../../src/data/tetris2d.js';
import { SizeError, ValueError } from '../../src/util/errors.js';
import { startsWithOp } from '../helpers/named-errors.js';

type Cells = readonly (readonly [number, number])[];

/** Cells translated so the minimum row and column are 0, sorted, as a string. */
function canon(cells: Cells): string {
  const r0 = Math.min(...cells.map((c) => c[0])), c0 = Math.min(...cells.map((c) => c[1]));
  return cells.map(([r, c]) => `${r - r0},${c - c0}`).sort().join(' ');
}
const rotCells = (cells: Cells): Cells => cells.map(([r, c]) => [-c, r] as const);
const mirror = (cells: Cells): Cells => cells.map(([r, c]) => [r, -c] as const);
function rotations(cells: Cells): Set<string> {
  const out = new Set<string>();
  let x = cells;
  for (let k = 0; k < 4; k++, x = rotCells(x)) out.add(canon(x));
  return out;
}

/** np.rot90(img) (counter-clockwise as seen): out[i][j] = in[j][n − 1 − i]. */
function rot90(img: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = img[j * n + (n - 1 - i)]!;
  return out;
}
const same = (a: Float32Array, b: Float32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
const sum = (a: Float32Array): number => a.reduce((s, v) => s + v, 0);

describe('tetromino shapes', () => {
  it('seven connected 4-cell shapes, distinct up to rotation; S/Z and L/J are mirror pairs, not rotations of each other', () => {
    expect(TETROMINO_NAMES).toEqual(['I', 'O', 'T', 'S', 'Z', 'L', 'J']);
    const classes = TETROMINO_CELLS.map((c) => [...rotations(c)].sort().join('|'));
    expect(new Set(classes).size).toBe(7);
    for (const cells of TETROMINO_CELLS) {
      expect(new Set(cells.map((c) => c.join())).size).toBe(4);
      // connected: every cell has a 4-neighbour in the shape
      for (const [r, c] of cells) expect(cells.some(([r2, c2]) => Math.abs(r - r2) + Math.abs(c - c2) === 1)).toBe(true);
    }
    const idx = (n: string): Cells => TETROMINO_CELLS[TETROMINO_NAMES.indexOf(n)]!;
    for (const [a, b] of [['S', 'Z'], ['L', 'J']] as const) {
      expect(rotations(idx(a)).has(canon(idx(b)))).toBe(false); // not a rotation
      expect(rotations(mirror(idx(a))).has(canon(idx(b)))).toBe(true); // a reflection
    }
    // I, O, T are their own mirror images (up to rotation)
    for (const n of ['I', 'O', 'T']) expect(rotations(mirror(idx(n))).has(canon(idx(n)))).toBe(true);
  });
});

describe('renderTetromino', () => {
  it('a quarter turn is np.rot90 of the upright image, for every shape and placement', () => {
    for (const [size, cell] of [[16, 3], [9, 1], [15, 2]] as const) {
      for (let shape = 0; shape < 7; shape++) {
        for (const [x, y] of [[0, 0], [size - 4 * cell, 1], [2, size - 3 * cell]] as const) {
          const up = renderTetromino({ shape, x, y, quarterTurns: 0 }, { size, cell });
          expect(sum(up)).toBe(4 * cell * cell);
          let expected = up;
          for (let k = 1; k <= 4; k++) {
            expected = rot90(expected, size);
            expect(same(renderTetromino({ shape, x, y, quarterTurns: k }, { size, cell }), expected)).toBe(true);
          }
          expect(same(renderTetromino({ shape, x, y, quarterTurns: -1 }, { size, cell }), rot90(rot90(rot90(up, size), size), size))).toBe(true);
        }
      }
    }
  });

  it('the arbitrary-angle renderer agrees with the exact one at multiples of π/2 and preserves the area at other angles', () => {
    for (let shape = 0; shape < 7; shape++) {
      for (let k = 0; k < 4; k++) {
        const exact = renderTetromino({ shape, x: 3, y: 5, quarterTurns: k });
        expect(same(renderTetromino({ shape, x: 3, y: 5, angle: (k * Math.PI) / 2 }), exact)).toBe(true);
      }
      // centred, so every angle stays inside the 16×16 image: coverage sums to the area 4·9 = 36
      const a = renderTetromino({ shape, x: 4, y: 4, angle: 0.7 }, { supersample: 8 });
      expect(Math.abs(sum(a) - 36)).toBeLessThan(1);
      expect(a.some((v) => v > 0 && v < 1)).toBe(true);
    }
  });
});

describe('tetrominoes dataset (docs/design/reference-results.md, "Rotated digits and tetrominoes")', () => {
  it('shapes, dtypes, binary exact images with the whole piece inside, class balance', () => {
    const d = tetrominoes({ seed: 1, train: 700, validation: 70, test: 140 });
    expect(d.train.images.shape).toEqual([700, 1, 16, 16]);
    expect(d.train.images.dtype).toBe('float32');
    expect(d.train.labels.dtype).toBe('int32');
    expect(d.validation.images.shape).toEqual([70, 1, 16, 16]);
    const x = d.train.images.data as Float32Array;
    expect(x.every((v) => v === 0 || v === 1)).toBe(true);
    for (let i = 0; i < 700; i++) expect(sum(x.subarray(i * 256, (i + 1) * 256))).toBe(36);
    const counts = new Array<number>(7).fill(0);
    for (const l of d.train.labels.data as Int32Array) counts[l]!++;
    expect(counts).toEqual(new Array<number>(7).fill(100));
    expect([...d.train.styles]).toEqual([...(d.train.labels.data as Int32Array)]);
    for (const a of d.train.angles) expect([0, 1, 2, 3].map((k) => (k * Math.PI) / 2)).toContain(a);
    const turns = new Array<number>(4).fill(0);
    for (const a of d.train.angles) turns[Math.round(a / (Math.PI / 2))]!++;
    for (const t of turns) expect(t).toBeGreaterThan(130);
  });

  it('an upright split and a p4 split differ exactly by the sampled quarter turn (np.rot90 of each image)', () => {
    const up = tetrominoes({ seed: 2, train: 60, validation: 0, test: 0, upright: true }).train;
    const rot = tetrominoes({ seed: 2, train: 60, validation: 0, test: 0 }).train;
    const U = up.images.data as Float32Array, R = rot.images.data as Float32Array;
    let turned = 0;
    for (let i = 0; i < 60; i++) {
      const k = Math.round(rot.angles[i]! / (Math.PI / 2));
      let img: Float32Array = U.slice(i * 256, (i + 1) * 256);
      for (let t = 0; t < k; t++) img = rot90(img, 16);
      expect(same(img, R.subarray(i * 256, (i + 1) * 256))).toBe(true);
      if (k % 4 !== 0 && !same(img, U.subarray(i * 256, (i + 1) * 256))) turned++;
    }
    expect(turned).toBeGreaterThan(30);
  });

  it('continuous rotation: anti-aliased, area preserved, angles spread over [0, 2π)', () => {
    const d = tetrominoes({ seed: 3, train: 140, validation: 0, test: 0, rotation: 'continuous' }).train;
    const x = d.images.data as Float32Array;
    expect(x.some((v) => v > 0 && v < 1)).toBe(true);
    for (let i = 0; i < 140; i++) expect(Math.abs(sum(x.subarray(i * 256, (i + 1) * 256)) - 36)).toBeLessThan(1.5);
    expect(new Set(d.angles).size).toBe(140);
    expect(Math.max(...d.angles)).toBeGreaterThan(5);
    expect(Math.min(...d.angles)).toBeLessThan(1.2);
  });

  it('chiral: false merges S/Z and L/J into 5 balanced classes, both members appearing', () => {
    const d = tetrominoes({ seed: 4, train: 500, validation: 0, test: 0, chiral: false }).train;
    expect(FREE_TETROMINO_NAMES).toHaveLength(5);
    const lab = d.labels.data as Int32Array;
    const counts = new Array<number>(5).fill(0);
    for (const l of lab) counts[l]!++;
    expect(counts).toEqual(new Array<number>(5).fill(100));
    const members = (c: number): Set<number> => new Set([...d.styles].filter((_, i) => lab[i] === c));
    expect(members(3)).toEqual(new Set([3, 4]));
    expect(members(4)).toEqual(new Set([5, 6]));
    expect(members(0)).toEqual(new Set([0]));
  });

  it('deterministic per seed; splits disjoint streams; noise option', () => {
    const a = tetrominoes({ seed: 5, train: 50, validation: 50, test: 50, rotation: 'continuous' });
    const b = tetrominoes({ seed: 5, train: 50, validation: 50, test: 50, rotation: 'continuous' });
    const c = tetrominoes({ seed: 6, train: 50, validation: 50, test: 50, rotation: 'continuous' });
    expect(same(a.test.images.data as Float32Array, b.test.images.data as Float32Array)).toBe(true);
    expect(same(a.test.images.data as Float32Array, c.test.images.data as Float32Array)).toBe(false);
    expect([...a.train.angles].some((v, i) => v === a.test.angles[i])).toBe(false);
    const n = tetrominoes({ seed: 5, train: 10, validation: 0, test: 0, noise: 0.1 }).train.images.data as Float32Array;
    expect(n.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(n.some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('bad options are named errors', () => {
    startsWithOp(() => tetrominoes({ train: 2.5 }), ValueError, 'tetrominoes', 'train');
    startsWithOp(() => tetrominoes({ test: -3 }), ValueError, 'tetrominoes', 'test');
    startsWithOp(() => tetrominoes({ train: 2 ** 30 }), SizeError, 'tetrominoes');
    startsWithOp(() => tetrominoes({ size: 9, cell: 2 }), ValueError, 'tetrominoes', '5·cell');
    startsWithOp(() => tetrominoes({ cell: 0 }), ValueError, 'tetrominoes', 'cell');
    startsWithOp(() => tetrominoes({ rotation: 'p4m' as 'p4' }), ValueError, 'tetrominoes', 'rotation');
    startsWithOp(() => tetrominoes({ size: 512 }), SizeError, 'tetrominoes', 'size');
    startsWithOp(() => tetrominoes({ upright: ['dev' as 'test'] }), ValueError, 'tetrominoes', 'upright');
    startsWithOp(() => renderTetromino({ shape: 7, x: 0, y: 0 }), ValueError, 'renderTetromino', 'shape');
    startsWithOp(() => renderTetromino({ shape: 1.5, x: 0, y: 0 }), ValueError, 'renderTetromino', 'shape');
    startsWithOp(() => renderTetromino({ shape: 0, x: 0, y: 0, quarterTurns: 0.5 }), ValueError, 'renderTetromino', 'quarterTurns');
    startsWithOp(() => renderTetromino({ shape: 0, x: 0.5, y: 0, quarterTurns: 1 }), ValueError, 'renderTetromino', 'integers');
    startsWithOp(() => renderTetromino({ shape: 0, x: 0, y: 0, angle: Number.NaN }), ValueError, 'renderTetromino', 'angle');
    startsWithOp(() => renderTetromino({ shape: 0, x: 0, y: 0 }, { out: new Float32Array(10) }), ValueError, 'renderTetromino', 'offset');
  });
});
