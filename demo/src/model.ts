/**
 * The demo's two networks, shared by the page, the training Web Worker, demo/train.ts and the tests:
 *
 * - {@link GemNet}: a small GEM-CNN (three `GemConv` layers, ρ₀ ⊕ ρ₁ hidden features with a
 *   gated nonlinearity) from the gauge-equivariant matrix features to one ρ₀ ⊕ ρ₁ channel: a scalar
 *   (the smoothed mean curvature) and a tangent vector (its gradient) per vertex.
 * - {@link BaselineNet}: a non-equivariant mesh network of similar size (isotropic mean-aggregation
 *   layers on raw xyz and the matrix features read as plain numbers, no transport) that predicts
 *   the same three numbers per vertex. Rotating the mesh changes its xyz input and redrawing the
 *   gauges changes its input numbers without any compensating transport, so both checks move it.
 * @module
 */
import {
  concat, fromData, GemConv, indexSelect, Linear, matrixFeatures, Module, mseLoss, noGrad, Rng, segmentMean, Tensor,
} from '../../src/index.js';
import type { DemoGeometry } from './geometry.js';

/** Hidden width (channels) of the shipped GEM model. */
export const GEM_WIDTH = 8;
/** Hidden width of the shipped baseline. */
export const BASELINE_WIDTH = 16;
/** Highest SO(2) order of the GEM hidden features. */
export const GEM_ORDER = 1;

/** One layer's output, for display: C channels of ρ₀ ⊕ … ⊕ ρ_L, [V, C·(2L+1)] row-major. */
export interface LayerOutput {
  name: string;
  channels: number;
  maxOrder: number;
  data: Float32Array;
}

/** A network's prediction and (optionally) its intermediate layers. */
export interface Prediction {
  /** Scalar per vertex [V]. */
  scalar: Float32Array;
  /** Tangent vector per vertex in gauge coordinates [V·2]. */
  vector: Float32Array;
  /** Input and hidden layers (GEM: every layer; baseline: none). */
  layers: LayerOutput[];
}

/** The common interface of both networks. */
export interface DemoNet extends Module<[Tensor, DemoGeometry], Tensor> {
  /** The network's input features for a mesh. */
  inputs(g: DemoGeometry): Tensor;
  /** Forward with the hidden layers recorded. */
  run(g: DemoGeometry, keepLayers?: boolean): Prediction;
}

/**
 * Gated nonlinearity on C channels of ρ₀ ⊕ … ⊕ ρ_L: the scalar a₀ goes through ReLU and every
 * ρ_l part of the same channel is multiplied by sigmoid(a₀). a₀ is gauge invariant, so this is
 * exactly equivariant at every angle (unlike the sampled regular nonlinearity, whose error at
 * random angles is ~1e-2 — too large for the page's 1e-4 check).
 */
export function gate(x: Tensor, channels: number, maxOrder: number): Tensor {
  const V = x.shape[0]!, W = 2 * maxOrder + 1, y = x.reshape([V, channels, W]);
  const a = y.slice([null, null, [0, 1]]);
  const rest = y.slice([null, null, [1, W]]);
  return concat([a.relu(), rest.mul(a.sigmoid())], 2).reshape([V, channels * W]);
}

function split(y: Tensor): { scalar: Float32Array; vector: Float32Array } {
  const V = y.shape[0]!, d = y.data, scalar = new Float32Array(V), vector = new Float32Array(2 * V);
  for (let p = 0; p < V; p++) {
    scalar[p] = d[3 * p]!;
    vector[2 * p] = d[3 * p + 1]!;
    vector[2 * p + 1] = d[3 * p + 2]!;
  }
  return { scalar, vector };
}

const inputCache = new WeakMap<DemoGeometry, Map<string, Tensor>>();

/** The network's inputs for a geometry, computed once per geometry object (they depend only on the mesh and its gauges). */
export function cachedInputs(net: DemoNet, g: DemoGeometry): Tensor {
  let m = inputCache.get(g);
  if (!m) inputCache.set(g, (m = new Map()));
  const key = net instanceof GemNet ? 'gem' : 'baseline';
  let x = m.get(key);
  if (!x) m.set(key, (x = net.inputs(g)));
  return x;
}

function f32(t: Tensor): Float32Array {
  return Float32Array.from(t.data as ArrayLike<number>);
}

/** The GEM-CNN of the demo. */
export class GemNet extends Module<[Tensor, DemoGeometry], Tensor> implements DemoNet {
  readonly width: number;
  readonly conv1: GemConv;
  readonly conv2: GemConv;
  readonly conv3: GemConv;

  constructor(width = GEM_WIDTH, seed = 1) {
    super();
    this.width = width;
    const rng = new Rng(seed), L = GEM_ORDER, common = { rings: 1, bandLimit: 2, rng };
    this.conv1 = this.registerModule('conv1', new GemConv(3, width, { ...common, maxOrderIn: 2, maxOrderOut: L }));
    this.conv2 = this.registerModule('conv2', new GemConv(width, width, { ...common, maxOrderIn: L, maxOrderOut: L }));
    this.conv3 = this.registerModule('conv3', new GemConv(width, 1, { ...common, maxOrderIn: L, maxOrderOut: 1 }));
  }

  /** Matrix features (3 channels of ρ₀ ⊕ ρ₁ ⊕ ρ₂) in units of the squared mean edge length. */
  inputs(g: DemoGeometry): Tensor {
    return matrixFeatures(g.mesh.positions, g.frames, g.geometry).div(g.edgeLength * g.edgeLength);
  }

  private layersOf(g: DemoGeometry, x: Tensor): Tensor[] {
    const h1 = gate(this.conv1.call(x, g.geometry), this.width, GEM_ORDER);
    const h2 = gate(this.conv2.call(h1, g.geometry), this.width, GEM_ORDER);
    return [h1, h2, this.conv3.call(h2, g.geometry)];
  }

  /** [V, 3]: (scalar, v_x, v_y) per vertex. */
  forward(x: Tensor, g: DemoGeometry): Tensor {
    return this.layersOf(g, x)[2]!;
  }

  run(g: DemoGeometry, keepLayers = false): Prediction {
    const x = cachedInputs(this, g), [h1, h2, y] = noGrad(() => this.layersOf(g, x)) as [Tensor, Tensor, Tensor];
    const layers: LayerOutput[] = keepLayers
      ? [
          { name: 'input (matrix features)', channels: 3, maxOrder: 2, data: f32(x) },
          { name: 'GEM layer 1', channels: this.width, maxOrder: GEM_ORDER, data: f32(h1) },
          { name: 'GEM layer 2', channels: this.width, maxOrder: GEM_ORDER, data: f32(h2) },
        ]
      : [];
    return { ...split(y), layers };
  }
}

/** The non-equivariant baseline: mean-aggregation layers h' = relu(W_s h + W_n mean_q h_q + b). */
export class BaselineNet extends Module<[Tensor, DemoGeometry], Tensor> implements DemoNet {
  readonly layersS: Linear[] = [];
  readonly layersN: Linear[] = [];

  constructor(width = BASELINE_WIDTH, seed = 2) {
    super();
    const rng = new Rng(seed), dims = [18, width, width, 3];
    for (let i = 0; i < 3; i++) {
      this.layersS.push(this.registerModule(`self${i}`, new Linear(dims[i]!, dims[i + 1]!, { rng })));
      this.layersN.push(this.registerModule(`nbr${i}`, new Linear(dims[i]!, dims[i + 1]!, { rng, bias: false })));
    }
  }

  /** Raw xyz (centred, in units of the RMS radius) and the 15 matrix-feature numbers, [V, 18]. */
  inputs(g: DemoGeometry): Tensor {
    const P = g.mesh.positions, V = P.length / 3, c = [0, 0, 0];
    for (let p = 0; p < V; p++) for (let i = 0; i < 3; i++) c[i]! += P[3 * p + i]! / V;
    let r = 0;
    for (let p = 0; p < V; p++) for (let i = 0; i < 3; i++) r += (P[3 * p + i]! - c[i]!) ** 2;
    r = Math.sqrt(r / V) || 1;
    const xyz = new Float32Array(3 * V);
    for (let p = 0; p < V; p++) for (let i = 0; i < 3; i++) xyz[3 * p + i] = (P[3 * p + i]! - c[i]!) / r;
    const m = matrixFeatures(P, g.frames, g.geometry).div(g.edgeLength * g.edgeLength);
    return concat([fromData(xyz, [V, 3]), m], 1);
  }

  forward(x: Tensor, g: DemoGeometry): Tensor {
    const { senders, receivers, vertices } = g.geometry;
    let h = x;
    for (let i = 0; i < 3; i++) {
      const nb = segmentMean(indexSelect(h, 0, senders), receivers, vertices);
      h = this.layersS[i]!.call(h).add(this.layersN[i]!.call(nb));
      if (i < 2) h = h.relu();
    }
    return h;
  }

  run(g: DemoGeometry): Prediction {
    const x = cachedInputs(this, g);
    return { ...split(noGrad(() => this.call(x, g))), layers: [] };
  }
}

/** Loss: MSE on the scalar plus MSE on the vector's gauge coordinates. */
export function demoLoss(y: Tensor, target: Tensor): Tensor {
  return mseLoss(y, target);
}

/** The [V, 3] target tensor (scalar, v_x, v_y) of a ground truth. */
export function targetTensor(gt: { scalar: Float64Array; vector: Float64Array }): Tensor {
  const V = gt.scalar.length, t = new Float32Array(3 * V);
  for (let p = 0; p < V; p++) {
    t[3 * p] = gt.scalar[p]!;
    t[3 * p + 1] = gt.vector[2 * p]!;
    t[3 * p + 2] = gt.vector[2 * p + 1]!;
  }
  return fromData(t, [V, 3]);
}
