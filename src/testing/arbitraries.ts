/**
 * fast-check arbitraries for property-based tests: group elements, reps, graphs, point clouds
 * and small triangle meshes. fast-check is not imported here: pass the module to
 * {@link makeArbitraries} (`import fc from 'fast-check'; const arb = makeArbitraries(fc)`).
 * @module
 */
import type * as FC from 'fast-check';
import type fcDefault from 'fast-check';
import type { Group } from '../group/index.js';
import type { Rep } from '../rep/index.js';
import { parseRep } from '../rep/index.js';
import { fromData } from '../tensor/index.js';
import { Rng } from '../util/index.js';
import type { GraphData } from '../graph/index.js';

type FastCheck = typeof fcDefault;

/** A small triangle mesh as plain data (positions [V, 3] row-major, faces [F, 3]). */
export interface SmallMesh {
  positions: Float64Array;
  faces: Uint32Array;
}

/** The arbitraries returned by {@link makeArbitraries}. */
export interface Arbitraries {
  /** Elements of G: its testing elements (generators first) or random samples. */
  groupElement(G: Group): FC.Arbitrary<Float64Array>;
  /** Reps of G built from V, V*, V², T(1,1) and Scalar, up to `maxSize` (default 32). */
  rep(G: Group, opts?: { maxSize?: number; maxTerms?: number }): FC.Arbitrary<Rep>;
  /** Random directed graphs (no self-loops) with float64 node [N, F] and edge [E, Fe] features. */
  graph(opts?: { maxNodes?: number; features?: number; edgeFeatures?: number }): FC.Arbitrary<GraphData>;
  /** Point clouds as float64 tensors [N, d] with coordinates in [−10, 10]. */
  pointCloud(opts?: { d?: number; minPoints?: number; maxPoints?: number }): FC.Arbitrary<import('../tensor/index.js').Tensor>;
  /** Small triangle meshes: a fan of n triangles around a centre vertex with random heights. */
  mesh(opts?: { minTriangles?: number; maxTriangles?: number }): FC.Arbitrary<SmallMesh>;
}

/**
 * Build the arbitraries on a fast-check module.
 * @example
 * ```ts
 * import fc from 'fast-check';
 * const arb = makeArbitraries(fc);
 * fc.assert(fc.property(arb.groupElement(SO(3)), (g) => Math.abs(det(g) - 1) < 1e-9));
 * ```
 */
export function makeArbitraries(fc: FastCheck): Arbitraries {
  const coord = fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });
  return {
    groupElement(G) {
      const testing = G.testingElements();
      const random = fc.integer({ min: 0, max: 2 ** 30 }).map((s) => G.sample(new Rng(s)));
      return testing.length ? fc.oneof(fc.constantFrom(...testing), random) : random;
    },
    rep(G, opts = {}) {
      const max = opts.maxSize ?? 32;
      const atoms = ['V', 'V^2', 'T(1,1)', 'V*', 'Scalar'].map((s) => {
        try { return parseRep(s, G); } catch { return null; }
      }).filter((r): r is Rep => r !== null && r.size <= max);
      return fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom(...atoms)), { minLength: 1, maxLength: opts.maxTerms ?? 3 })
        .map((terms) => {
          let r: Rep | null = null;
          for (const [m, a] of terms) {
            const t = m > 1 ? a.times(m) : a;
            if (r && r.size + t.size > max) break;
            r = r ? r.plus(t) : t;
          }
          return r ?? atoms[0]!;
        });
    },
    graph(opts = {}) {
      const F = opts.features ?? 3, Fe = opts.edgeFeatures ?? 2;
      return fc.integer({ min: 1, max: opts.maxNodes ?? 8 }).chain((n) =>
        fc.record({
          edges: fc.uniqueArray(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)).filter(([a, b]) => a !== b), { maxLength: n * (n - 1), selector: ([a, b]) => a * n + b }),
          x: fc.array(coord, { minLength: n * F, maxLength: n * F }),
        }).chain(({ edges, x }) => fc.array(coord, { minLength: edges.length * Fe, maxLength: edges.length * Fe }).map((ef) => {
          const g: GraphData = {
            nodes: fromData(Float64Array.from(x), [n, F]),
            senders: Int32Array.from(edges.map((e) => e[0])), receivers: Int32Array.from(edges.map((e) => e[1])),
          };
          if (Fe > 0) g.edges = fromData(Float64Array.from(ef), [edges.length, Fe]);
          return g;
        })));
    },
    pointCloud(opts = {}) {
      const d = opts.d ?? 3;
      return fc.integer({ min: opts.minPoints ?? 1, max: opts.maxPoints ?? 8 }).chain((n) =>
        fc.array(coord, { minLength: n * d, maxLength: n * d }).map((v) => fromData(Float64Array.from(v), [n, d])));
    },
    mesh(opts = {}) {
      return fc.integer({ min: opts.minTriangles ?? 3, max: opts.maxTriangles ?? 8 }).chain((n) =>
        fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: n + 1, maxLength: n + 1 }).map((h) => {
          const pos = new Float64Array((n + 1) * 3);
          pos[2] = h[0]!;
          for (let i = 0; i < n; i++) {
            const a = (2 * Math.PI * i) / n;
            pos.set([Math.cos(a), Math.sin(a), h[i + 1]!], (i + 1) * 3);
          }
          const faces = new Uint32Array(n * 3);
          for (let i = 0; i < n; i++) faces.set([0, i + 1, ((i + 1) % n) + 1], i * 3);
          return { positions: pos, faces };
        }));
    },
  };
}
