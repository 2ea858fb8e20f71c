import { describe, expect, it } from 'vitest';
import { EGNN, EGNNLayer } from '../../src/graph/egnn.js';
import type { EGNNLayerOptions, EGNNOutput } from '../../src/graph/egnn.js';
import { GraphsTuple, batch, fullyConnected } from '../../src/graph/index.js';
import { Tensor, backward, concat, noGrad, tensor, uniform } from '../../src/tensor/index.js';
import { Linear } from '../../src/nn/index.js';
import type { FloatDType } from '../../src/nn/index.js';
import { assertGradcheck } from '../../src/testing/gradcheck.js';
import { Rng } from '../../src/util/rng.js';

type Dt = FloatDType;

/** Haar-random orthogonal 3×3 (Gram–Schmidt of a Gaussian matrix = QR with positive diag(R)); det = sign. */
function haarOrthogonal(rng: Rng, det: 1 | -1): number[][] {
  const q: number[][] = [];
  for (let c = 0; c < 3; c++) {
    let v = [rng.normal(), rng.normal(), rng.normal()];
    for (const u of q) {
      const d = v[0]! * u[0]! + v[1]! * u[1]! + v[2]! * u[2]!;
      v = v.map((x, k) => x - d * u[k]!);
    }
    const n = Math.hypot(...v);
    q.push(v.map((x) => x / n));
  }
  const [a, b, c] = q as [number[], number[], number[]];
  const d = a[0]! * (b[1]! * c[2]! - b[2]! * c[1]!) - a[1]! * (b[0]! * c[2]! - b[2]! * c[0]!) + a[2]! * (b[0]! * c[1]! - b[1]! * c[0]!);
  if (Math.sign(d) !== det) q[2] = c.map((x) => -x);
  return q; // orthonormal rows; act() applies the orthogonal map x ↦ Σ_c x_c q[c] (det = det(q))
}

/** Rows x_i ↦ R x_i + t (R applied to each 3-vector). Computed in float64, then stored in dtype. */
function act(x: Tensor, R: number[][], t: readonly number[] = [0, 0, 0]): Tensor {
  const d = x.data;
  const N = x.shape[0]!;
  const out = new Float64Array(N * 3);
  for (let i = 0; i < N; i++) {
    for (let r = 0; r < 3; r++) {
      let s = t[r]!;
      for (let c = 0; c < 3; c++) s += R[c]![r]! * d[3 * i + c]!;
      out[3 * i + r] = s;
    }
  }
  return tensor(out, { shape: [N, 3], dtype: x.dtype });
}

function relErr(a: Tensor, b: Tensor): number {
  const x = a.data, y = b.data;
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) {
    num = Math.max(num, Math.abs(x[i]! - y[i]!));
    den = Math.max(den, Math.abs(y[i]!));
  }
  return den > 0 ? num / den : num;
}

/** A random graph batch: a fully connected graph of 5 and a random sparse graph of 4 nodes. */
function testGraph(rng: Rng, dtype: Dt, edgeFeatures: number): GraphsTuple {
  const fc = fullyConnected([5]);
  const g1 = new GraphsTuple({ senders: fc.senders, receivers: fc.receivers, numNodes: 5, edges: uniform(rng, [fc.senders.length, edgeFeatures], -1, 1, { dtype }) });
  const s2 = [0, 1, 2, 3, 1, 0], r2 = [1, 0, 3, 2, 2, 2];
  const g2 = new GraphsTuple({ senders: s2, receivers: r2, numNodes: 4, edges: uniform(rng, [s2.length, edgeFeatures], -1, 1, { dtype }) });
  return batch([g1, g2]);
}

interface Inputs { g: GraphsTuple; h: Tensor; x: Tensor; v: Tensor }

function inputs(seed: number, dtype: Dt, F: number, A: number): Inputs {
  const rng = new Rng(seed);
  const g = testGraph(rng, dtype, A);
  const N = g.numNodes;
  return { g, h: uniform(rng, [N, F], -1, 1, { dtype }), x: uniform(rng, [N, 3], -2, 2, { dtype }), v: uniform(rng, [N, 3], -1, 1, { dtype }) };
}

function run(m: EGNNLayer | EGNN, i: Inputs, x = i.x, v = i.v): EGNNOutput {
  return noGrad(() => m.call(i.g, i.h, x, { v }));
}

const variants: [string, Partial<EGNNLayerOptions>][] = [
  ['plain', {}],
  ['velocity', { velocity: true }],
  ['attention + tanh + normalize + sum', { attention: true, tanh: true, normalize: true, coordsAggregation: 'sum', velocity: true }],
];

/** Max relative E(3) error over 2 rotations and 2 reflections, each with a translation. */
function e3Error(m: EGNNLayer | EGNN, i: Inputs, seed: number): { x: number; v: number; h: number } {
  const ref = run(m, i);
  const rng = new Rng(seed);
  const worst = { x: 0, v: 0, h: 0 };
  for (const det of [1, -1, 1, -1] as const) {
    const R = haarOrthogonal(rng, det);
    const t = [rng.normal() * 3, rng.normal() * 3, rng.normal() * 3];
    const o = run(m, i, act(i.x, R, t), act(i.v, R));
    worst.x = Math.max(worst.x, relErr(o.x, act(ref.x, R, t)));
    if (o.v && ref.v) worst.v = Math.max(worst.v, relErr(o.v, act(ref.v, R)));
    worst.h = Math.max(worst.h, relErr(o.h, ref.h));
  }
  return worst;
}

describe('EGNNLayer / EGNN: E(3) equivariance (rotations, reflections, translations)', () => {
  for (const [name, extra] of variants) {
    it(`layer (${name}) in float64 ≤ 1e-12 and float32 ≤ 1e-5`, () => {
      for (const [dtype, tol] of [['float64', 1e-12], ['float32', 1e-5]] as const) {
        const layer = new EGNNLayer(6, { rng: new Rng(1), hidden: 8, edgeFeatures: 2, dtype, ...extra });
        const e = e3Error(layer, inputs(2, dtype, 6, 2), 3);
        expect(e.x, `${dtype} x`).toBeLessThan(tol);
        expect(e.v, `${dtype} v`).toBeLessThan(tol);
        expect(e.h, `${dtype} h`).toBeLessThan(tol);
      }
    });
  }

  it('the N-body EGNN (velocity, 4 layers) in float64 ≤ 1e-12 and float32 ≤ 1e-5', () => {
    for (const [dtype, tol] of [['float64', 1e-12], ['float32', 1e-5]] as const) {
      const model = EGNN.nbody({ rng: new Rng(4), hidden: 8, dtype });
      const i = inputs(5, dtype, 1, 2);
      const e = e3Error(model, i, 6);
      expect(e.x, dtype).toBeLessThan(tol);
      expect(e.h, dtype).toBeLessThan(tol);
    }
  });

  it('coordinates really move (the check is not vacuous) and a non-equivariant map fails it', () => {
    const layer = new EGNNLayer(4, { rng: new Rng(7), hidden: 8, edgeFeatures: 2, velocity: true, dtype: 'float64' });
    const i = inputs(8, 'float64', 4, 2);
    const o = run(layer, i);
    expect(relErr(o.x, i.x)).toBeGreaterThan(1e-3);
    // adding a fixed vector to x' breaks rotation equivariance
    const R = haarOrthogonal(new Rng(9), 1);
    const bad = (x: Tensor) => x.add(tensor([1, 0, 0], { dtype: 'float64' }));
    const lhs = bad(run(layer, i, act(i.x, R), act(i.v, R)).x);
    expect(relErr(lhs, act(bad(o.x), R))).toBeGreaterThan(1e-3);
  });
});

describe('EGNNLayer: permutations, batching, structure', () => {
  it('is permutation equivariant (nodes relabelled, edges reordered)', () => {
    const layer = new EGNNLayer(5, { rng: new Rng(10), hidden: 8, edgeFeatures: 2, velocity: true, attention: true, dtype: 'float64' });
    const i = inputs(11, 'float64', 5, 2);
    const ref = run(layer, i);
    const N = i.g.numNodes, E = i.g.numEdges;
    const perm = new Rng(12).permutation(N); // new node k is old node perm[k]
    const inv = new Int32Array(N);
    perm.forEach((old, k) => (inv[old] = k));
    const eperm = new Rng(13).permutation(E);
    const s = Int32Array.from(eperm, (e) => inv[i.g.senders[e]!]!);
    const r = Int32Array.from(eperm, (e) => inv[i.g.receivers[e]!]!);
    const rows = (t: Tensor, idx: Int32Array) => t.indexSelect(0, idx);
    const g2 = new GraphsTuple({ senders: s, receivers: r, numNodes: N, edges: rows(i.g.edges!, eperm) });
    const o = noGrad(() => layer.call(g2, rows(i.h, perm), rows(i.x, perm), { v: rows(i.v, perm) }));
    expect(relErr(o.x, rows(ref.x, perm))).toBeLessThan(1e-12);
    expect(relErr(o.h, rows(ref.h, perm))).toBeLessThan(1e-12);
    expect(relErr(o.v!, rows(ref.v!, perm))).toBeLessThan(1e-12);
  });

  it('batched == per graph, including an edgeless and an empty graph', () => {
    const dtype = 'float64';
    const model = new EGNN(3, { rng: new Rng(14), hidden: 8, layers: 2, edgeFeatures: 2, velocity: true, dtype });
    const rng = new Rng(15);
    const mk = (n: number, s: number[], r: number[]) => {
      const g = new GraphsTuple({ senders: s, receivers: r, numNodes: n, edges: uniform(rng, [s.length, 2], -1, 1, { dtype }) });
      return { g, h: uniform(rng, [n, 3], -1, 1, { dtype }), x: uniform(rng, [n, 3], -1, 1, { dtype }), v: uniform(rng, [n, 3], -1, 1, { dtype }) };
    };
    const fc = fullyConnected([4]);
    const parts = [mk(4, [...fc.senders], [...fc.receivers]), mk(3, [], []), mk(0, [], []), mk(3, [0, 1, 2], [1, 2, 0])];
    const g = batch(parts.map((p) => p.g));
    const whole = noGrad(() => model.call(g, concat(parts.map((p) => p.h)), concat(parts.map((p) => p.x)), { v: concat(parts.map((p) => p.v)) }));
    const each = parts.map((p) => noGrad(() => model.call(p.g, p.h, p.x, { v: p.v })));
    expect(relErr(whole.x, concat(each.map((o) => o.x)))).toBeLessThan(1e-14);
    expect(relErr(whole.h, concat(each.map((o) => o.h)))).toBeLessThan(1e-14);
    // an edgeless graph: x' = x + φ_v(h)·v only, no messages
    const edgeless = each[1]!;
    expect(edgeless.x.shape).toEqual([3, 3]);
    expect(each[2]!.x.shape).toEqual([0, 3]);
  });

  it('the fused first Linear of φ_e equals the concatenated one', () => {
    const mk = (fuseEdgeInput: boolean) => new EGNNLayer(5, { rng: new Rng(16), hidden: 8, edgeFeatures: 2, velocity: true, dtype: 'float64', fuseEdgeInput });
    const i = inputs(17, 'float64', 5, 2);
    const a = run(mk(true), i), b = run(mk(false), i);
    expect(relErr(a.x, b.x)).toBeLessThan(1e-13);
    expect(relErr(a.h, b.h)).toBeLessThan(1e-13);
  });

  it('has the reference MLP shapes and φ_x init (no bias, Xavier-uniform gain 0.001); the N-body model has 134,020 parameters', () => {
    const layer = new EGNNLayer(64, { rng: new Rng(18), edgeFeatures: 2, velocity: true });
    const shapes = Object.fromEntries(layer.namedParameters().map(([k, p]) => [k, p.shape]));
    expect(shapes).toEqual({
      'edgeMlp.0.weight': [64, 131], 'edgeMlp.0.bias': [64], 'edgeMlp.2.weight': [64, 64], 'edgeMlp.2.bias': [64],
      'nodeMlp.0.weight': [64, 128], 'nodeMlp.0.bias': [64], 'nodeMlp.2.weight': [64, 64], 'nodeMlp.2.bias': [64],
      'coordMlp.0.weight': [64, 64], 'coordMlp.0.bias': [64], 'coordMlp.2.weight': [1, 64],
      'velMlp.0.weight': [64, 64], 'velMlp.0.bias': [64], 'velMlp.2.weight': [1, 64], 'velMlp.2.bias': [1],
    });
    const w = (layer.coordMlp.at(2) as Linear).weight;
    const bound = 0.001 * Math.sqrt(6 / 65);
    expect(Math.max(...Array.from(w.data, Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(w.data, Math.abs))).toBeGreaterThan(bound / 2);
    expect(EGNN.nbody({ rng: new Rng(0) }).numParameters()).toBe(134020);
  });

  it('validates its inputs', () => {
    const layer = new EGNNLayer(4, { rng: new Rng(19), edgeFeatures: 2, velocity: true, dtype: 'float64' });
    const i = inputs(20, 'float64', 4, 2);
    expect(() => layer.call(i.g, i.h, i.x)).toThrow(/velocity/);
    expect(() => layer.call(i.g, i.h.slice([null, [0, 3]]), i.x, { v: i.v })).toThrow(/must be \[9, 4\]/);
    expect(() => layer.call(i.g, i.h, i.x, { v: i.v, edgeAttr: null })).toThrow(/edge attributes/);
    expect(() => new EGNNLayer(4, { rng: new Rng(0), outFeatures: 3 })).toThrow(/residual/);
  });
});

/** Σ out·u gradient check of all parameters of a module against central differences. */
function paramGradcheck(m: EGNNLayer, f: () => Tensor, eps = 1e-6): number {
  const u = uniform(new Rng(99), f().shape, -1, 1, { dtype: 'float64' });
  const L = () => { const o = f().data; let s = 0; for (let k = 0; k < o.length; k++) s += o[k]! * u.data[k]!; return s; };
  m.zeroGrad();
  backward(f(), u);
  let worst = 0;
  for (const [name, p] of m.namedParameters()) {
    const g = p.grad!.data;
    for (let k = 0; k < p.size; k++) {
      const x0 = p.data[k]!;
      p.data[k] = x0 + eps;
      const fp = noGrad(L);
      p.data[k] = x0 - eps;
      const fm = noGrad(L);
      p.data[k] = x0;
      const num = (fp - fm) / (2 * eps);
      const err = Math.abs(num - g[k]!) / (1e-6 + Math.abs(num));
      if (!(err < 1e-5)) throw new Error(`gradcheck ${name}[${k}]: analytic ${g[k]}, numeric ${num}`);
      worst = Math.max(worst, err);
    }
  }
  return worst;
}

describe('EGNNLayer: gradients (float64, 3 nodes, hidden 4)', () => {
  const setup = (extra: Partial<EGNNLayerOptions>) => {
    const layer = new EGNNLayer(4, { rng: new Rng(21), hidden: 4, edgeFeatures: 2, velocity: true, dtype: 'float64', ...extra });
    // make φ_x's output weights O(1) so that the coordinate path carries real gradients
    (layer.coordMlp.at(2) as Linear).weight.data.set([0.7, -0.5, 0.9, 0.4]);
    const fc = fullyConnected([3]);
    const rng = new Rng(22);
    const g = new GraphsTuple({ senders: fc.senders, receivers: fc.receivers, numNodes: 3 });
    const mk = (shape: number[]) => uniform(rng, shape, -1, 1, { dtype: 'float64', requiresGrad: true });
    return { layer, g, h: mk([3, 4]), x: mk([3, 3]), v: mk([3, 3]), a: mk([6, 2]) };
  };
  const out = (o: EGNNOutput) => concat([o.h, o.x, o.v!], 1);

  for (const [name, extra] of [['plain velocity', {}], ['attention + tanh + normalize', { attention: true, tanh: true, normalize: true }]] as const) {
    it(`inputs h, x, v, a_ij (${name})`, () => {
      const s = setup(extra);
      assertGradcheck((h, x, v, a) => out(s.layer.call(s.g, h!, x!, { v: v!, edgeAttr: a! })), [s.h, s.x, s.v, s.a], { atol: 1e-7, rtol: 1e-5 });
    });

    it(`parameters (${name})`, () => {
      const s = setup(extra);
      const f = () => out(s.layer.call(s.g, s.h.detach(), s.x.detach(), { v: s.v.detach(), edgeAttr: s.a.detach() }));
      expect(paramGradcheck(s.layer, f)).toBeLessThan(1e-5);
    });
  }
});
