/**
 * Shorthands of {@link assertEquivariant} for common cases: invariant outputs, permutation
 * equivariance of set/graph layers, and gauge equivariance of mesh layers.
 * @module
 */
import { declaresGraphSymmetry } from '../graph/index.js';
import type { GraphData } from '../graph/index.js';
import type { GaugeAction, GaugeGeometry } from '../mesh/index.js';
import type { Rep } from '../rep/index.js';
import type { Tensor } from '../tensor/index.js';
import { gaugeFeatureAction, gaugeGeometryAction } from './actions/gauge.js';
import { graphAction, nodeAction } from './actions/graph.js';
import { invariantAction } from './actions/vector.js';
import type { ActionLike, EquivarianceSpec } from './equivariance.js';
import { assertEquivariant } from './equivariance.js';
import type { Model } from './model.js';
import { declaresSymmetry } from './model.js';
import type { EquivarianceReport } from './report.js';

/**
 * Assert f(g·x) = f(x): every output is invariant. `spec.out` is ignored.
 * @example
 * ```ts
 * assertInvariant((x: Tensor) => x.square().sum(-1), { group: SO(3), in: V(SO(3)) });
 * ```
 */
export function assertInvariant(fnOrModule: Model | object, spec: Omit<EquivarianceSpec, 'out'> & { outputs?: number } = {}): EquivarianceReport {
  const n = spec.outputs ?? 1;
  const out = Array.from({ length: n }, (_, i) => invariantAction(n > 1 ? `invariant ${i}` : 'invariant'));
  const group = spec.group === undefined && declaresSymmetry(fnOrModule) ? fnOrModule.group : spec.group;
  const inp = spec.in ?? (declaresSymmetry(fnOrModule) ? fnOrModule.repIn : undefined);
  return assertEquivariant(fnOrModule, { ...spec, group, in: inp, out });
}

/** Options of {@link assertPermutationEquivariant}. */
export interface PermutationSpec extends Omit<EquivarianceSpec, 'in' | 'out'> {
  /** Input actions (default: one {@link graphAction} with the given reps). */
  in?: ActionLike | readonly ActionLike[];
  /** Output actions (default: one {@link nodeAction}: per-node outputs permuted like the nodes). */
  out?: ActionLike | readonly ActionLike[];
  /** Example graph (or `spec.data`). */
  graph?: GraphData;
  /** Rep carried by node features in and out (E(n) graph networks), with `group`. */
  nodeRepIn?: Rep;
  nodeRepOut?: Rep;
}

/**
 * Assert that a graph/set function commutes with node (and edge) permutations: by default the
 * model takes a {@link GraphData} and returns per-node features [N, F]. A graph layer declaring
 * `graphSymmetry` (GCNConv, GATConv, SAGEConv, TransformerConv, EGNN, …) needs no spec: its
 * declaration gives the inputs, outputs and (for EGNN) the group E(n).
 * @example
 * ```ts
 * assertPermutationEquivariant((g: GraphData) => segmentSum(g.nodes.indexSelect(0, g.senders), g.receivers, g.nodes.shape[0]));
 * assertPermutationEquivariant(new GCNConv(3, 8, { rng: new Rng(0) }));
 * ```
 */
export function assertPermutationEquivariant(fn: Model | object, spec: PermutationSpec = {}): EquivarianceReport {
  if (declaresGraphSymmetry(fn) && spec.in === undefined && spec.out === undefined && !spec.nodeRepIn && !spec.nodeRepOut) {
    const { graph, ...rest } = spec;
    return assertEquivariant(fn, { ...rest, ...(graph ? { data: [graph] } : {}) });
  }
  const inp = spec.in ?? graphAction(spec.nodeRepIn ? { nodeRep: spec.nodeRepIn } : {});
  const out = spec.out ?? nodeAction(spec.nodeRepOut);
  return assertEquivariant(fn, { group: null, ...spec, in: inp, out, ...(spec.graph ? { data: [spec.graph] } : {}) });
}

/** Options of {@link assertGaugeEquivariant}. */
export interface GaugeSpec extends Omit<EquivarianceSpec, 'in' | 'out' | 'group'> {
  /** Highest SO(2) order L of the input features (ρ₀ ⊕ … ⊕ ρ_L per channel). */
  maxOrderIn: number;
  /** Highest order of the output features. */
  maxOrderOut: number;
  /** Example features [V, C·(2L+1)] and geometry (or sampled: 6 vertices, 2 channels). */
  features?: Tensor;
  geometry?: GaugeGeometry | unknown;
  /** Channels of sampled features (default 2). */
  channels?: number;
  /** The gauge action on the geometry type (default: plain arrays, {@link GaugeGeometry}). */
  impl?: GaugeAction<any>;
}

/**
 * Assert gauge equivariance of a mesh layer f(features, geometry) → features (GEM-CNN,
 * arXiv:2003.05425; docs/design/harness.md): with a random angle φ_p per vertex,
 * f(ρ(−φ)f, geometry') = ρ(−φ)·f(f, geometry).
 */
export function assertGaugeEquivariant(fn: Model | object, spec: GaugeSpec): EquivarianceReport {
  const impl = spec.impl ? { impl: spec.impl } : {};
  const inp = [gaugeFeatureAction(spec.maxOrderIn, { channels: spec.channels ?? 2, ...impl }), gaugeGeometryAction(spec.impl)];
  const out = gaugeFeatureAction(spec.maxOrderOut, impl);
  const data = spec.features && spec.geometry ? [spec.features, spec.geometry] : spec.data;
  return assertEquivariant(fn, { ...spec, group: null, in: inp, out, ...(data ? { data } : {}) });
}
