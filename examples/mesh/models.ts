/**
 * Building blocks of examples/gem-mesh.ts: per-mesh inputs (geometry in a chosen gauge, features),
 * the three model families compared there, and the ground truth of the regression task.
 *
 * - {@link GemNet}: GEM-CNN (de Haan, Weiler, Cohen & Welling, "Gauge Equivariant Mesh CNNs",
 *   ICLR 2021, arXiv:2003.05425): a ρ₀ (+ matrix features) input, {@link GemResNetBlock}s with
 *   orders up to L, regular nonlinearities; gauge-invariant heads (ρ₀ channels, mean over the
 *   vertices of each mesh, linear) and, for regression, per-vertex ρ₀ and ρ₁ outputs.
 * - {@link AngularCNN}: the non-equivariant anisotropic mesh CNN. Every layer is a `GemConv` from
 *   scalars (ρ₀) to orders 0…B, i.e. a kernel Σ_rings hat(r) Σ_k (a_k cos kθ + b_k sin kθ) in the raw
 *   gauge angle θ_pq, and its output components are read as plain scalars by the next layer (no
 *   ρ rotations, no transport). It depends on the arbitrary gauge.
 * - {@link MeshGCN}: Kipf & Welling's GCN (arXiv:1609.02907) on the mesh's edge graph; isotropic,
 *   hence gauge invariant, but blind to directions.
 * @module
 */
import {
  BatchNorm1d, GCNConv, GemConv, GemResNetBlock, GraphsTuple, Linear, Module, Rng, batchGaugeGeometry, concat, gemGeometry,
  heatGeodesicSolver, matrixFeatures, meanCurvature, rotateMesh, segmentMax, segmentMean, zeros,
} from '../../src/index.js';
import type { BatchedGaugeGeometry, GaugeGeometry, MeshData, MeshFrames, Tensor } from '../../src/index.js';

/** How the gauge (tangent frame) of every vertex is chosen. */
export type GaugeMode = 'axis' | 'first' | 'random';

/** The world direction whose tangent projection is the 'axis' gauge (a smooth, rotation-dependent gauge). */
export const GAUGE_AXIS: readonly [number, number, number] = [0.3, 0.9, 0.3];

/** A mesh with its geometry in one gauge. */
export interface MeshInput {
  /** The mesh (possibly rotated). */
  mesh: MeshData;
  /** Edges q → p with θ, g, r in the gauge. */
  geometry: GaugeGeometry;
  /** The gauge frames. */
  frames: MeshFrames;
}

/**
 * Geometry of `mesh` in a gauge: 'axis' = tangent projection of the fixed world direction
 * {@link GAUGE_AXIS} (smooth; changes when the mesh is rotated), 'first' = towards the first
 * neighbour (intrinsic), 'random' = an independent uniform angle per vertex (needs `rng`).
 */
export function meshInput(mesh: MeshData, gauge: GaugeMode, rng?: Rng): MeshInput {
  const V = mesh.positions.length / 3;
  let choice: 'first' | 'random' | Float64Array = gauge === 'axis' ? new Float64Array(3 * V) : gauge;
  if (gauge === 'axis') {
    const f = choice as Float64Array;
    for (let v = 0; v < V; v++) f.set(GAUGE_AXIS, 3 * v);
  }
  if (gauge === 'random' && !rng) choice = 'first';
  const g = gemGeometry(mesh, { gauge: choice, ...(rng ? { rng } : {}) });
  return { mesh, geometry: g.geometry, frames: g.frames };
}

/** The mesh rotated by R (row-major 3×3) with its geometry recomputed in `gauge`. */
export function rotatedInput(mesh: MeshData, R: Float64Array, gauge: GaugeMode, rng?: Rng): MeshInput {
  return meshInput(rotateMesh(mesh, R), gauge, rng);
}

/** A batch: the disjoint union of several meshes' geometries and the mesh id of every vertex. */
export interface MeshBatch {
  /** Batched geometry. */
  geometry: BatchedGaugeGeometry;
  /** Mesh index per vertex. */
  meshOf: Int32Array;
  /** Number of meshes. */
  meshes: number;
  /** The mesh edge graph (no self-loops), for the GCN; built lazily. */
  graph(): GraphsTuple;
}

/** Batch several geometries (vertex features are concatenated in the same order). */
export function makeBatch(geos: readonly GaugeGeometry[]): MeshBatch {
  const geometry = batchGaugeGeometry(geos);
  const meshOf = new Int32Array(geometry.vertices);
  for (let i = 0; i < geos.length; i++) meshOf.fill(i, geometry.vertexOffsets[i]!, geometry.vertexOffsets[i + 1]!);
  let g: GraphsTuple | null = null;
  return {
    geometry, meshOf, meshes: geos.length,
    graph() {
      if (g) return g;
      const s: number[] = [], r: number[] = [];
      for (let k = 0; k < geometry.senders.length; k++) if (geometry.senders[k] !== geometry.receivers[k]) { s.push(geometry.senders[k]!); r.push(geometry.receivers[k]!); }
      g = new GraphsTuple({ senders: s, receivers: r, numNodes: geometry.vertices });
      return g;
    },
  };
}

/** Common interface of the three models: per-vertex features [V, F] and a batch → outputs. */
export interface MeshModel extends Module<[Tensor, MeshBatch], Tensor> {
  /** Human-readable name. */
  readonly label: string;
}

/** Model options shared by the three families. */
export interface MeshModelOptions {
  /** Input channels of the ρ₀ signal (default 1). */
  scalarInputs?: number;
  /** Also take the 3 matrix-feature channels (ρ₀ ⊕ ρ₁ ⊕ ρ₂, [V, 15]) after the scalars (default false). */
  matrixInputs?: boolean;
  /** Channels per layer. */
  channels: number;
  /** Hidden blocks / layers (default 3). */
  depth?: number;
  /** Highest SO(2) order (GEM) or angular frequency (angular CNN) (default 1). */
  maxOrder?: number;
  /** Output: 'classes' (invariant readout to `outputs` logits per mesh) or 'field' (per vertex: `outputs` scalars + one tangent vector). */
  head: 'classes' | 'field';
  /** Number of classes, or of per-vertex scalars for 'field' (default 10 / 1). */
  outputs?: number;
  /** Samples of the regular nonlinearity (GEM; default 4L + 3). */
  samples?: number;
  /** σ of the regular nonlinearity (GEM; default ReLU). */
  activation?: (t: Tensor) => Tensor;
  /** Parameter dtype (default float32). */
  dtype?: 'float32' | 'float64';
  /** Readout of the 'classes' head over each mesh's vertices: 'mean', or 'meanmax' (mean and max side by side; default). */
  pool?: 'mean' | 'meanmax';
  /**
   * Normalisation of the pooled readout before the linear head ('classes'): 'none', or 'batch'
   * (BatchNorm1d without affine parameters, so no extra trainable numbers: per-feature
   * standardisation over the batch in training, running statistics after `eval()`; it acts on
   * gauge-invariant pooled features, so invariance is kept) (default 'none').
   */
  readoutNorm?: 'none' | 'batch';
  /** Initial weights. */
  rng: Rng;
}

/** Pool per-vertex invariant features [V, C] over each mesh: [meshes, C] (mean) or [meshes, 2C] (mean, max). */
export function poolMeshes(h: Tensor, b: MeshBatch, pool: 'mean' | 'meanmax'): Tensor {
  const mean = segmentMean(h, b.meshOf, b.meshes);
  return pool === 'mean' ? mean : concat([mean, segmentMax(h, b.meshOf, b.meshes)], 1);
}

/** The readout normalisation of {@link MeshModelOptions.readoutNorm} over `features` pooled features (null for 'none'). */
function readoutNorm(kind: MeshModelOptions['readoutNorm'], features: number, dtype: 'float32' | 'float64'): BatchNorm1d | null {
  return kind === 'batch' ? new BatchNorm1d(features, { affine: false, dtype }) : null;
}

/** Width of one channel of orders 0…L. */
const width = (L: number): number => 2 * L + 1;

/**
 * GEM-CNN: {@link GemResNetBlock}s ρ₀ (+ matrix features, L = 2) → C×(ρ₀…ρ_L) → … . Head 'classes':
 * the ρ₀ part of a last block (L_out = 0), mean over each mesh's vertices, Linear → logits
 * (gauge invariant). Head 'field': a last GemConv to `outputs` ρ₀ channels and one ρ₁ channel,
 * returned as [V, outputs + 2] = [scalars…, c₁, s₁] (equivariant: the vector's gauge components).
 */
export class GemNet extends Module<[Tensor, MeshBatch], Tensor> implements MeshModel {
  readonly label = 'GEM-CNN';
  private readonly blocks: GemResNetBlock[] = [];
  private readonly out: GemConv | null = null;
  private readonly linear: Linear | null = null;
  private readonly inChannels: number;
  private readonly scalars: number;
  private readonly matrix: boolean;
  private readonly nOut: number;
  private readonly pool: 'mean' | 'meanmax';
  private readonly norm: BatchNorm1d | null;

  constructor(o: MeshModelOptions) {
    super();
    const L = o.maxOrder ?? 1, C = o.channels, depth = o.depth ?? 3, dt = o.dtype ?? 'float32';
    this.pool = o.pool ?? 'meanmax';
    this.scalars = o.scalarInputs ?? 1;
    this.matrix = o.matrixInputs ?? false;
    // inputs are laid out as channels of ρ₀…ρ_Lin: scalars padded with zeros when matrix features (L = 2) are present
    const Lin = this.matrix ? 2 : 0;
    this.inChannels = this.scalars + (this.matrix ? 3 : 0);
    const common = { rings: 2, dtype: dt, rng: o.rng, ...(o.samples ? { samples: o.samples } : {}), ...(o.activation ? { activation: o.activation } : {}) };
    const lastL = o.head === 'classes' ? 0 : L;
    for (let i = 0; i < depth; i++) {
      const Li = i === 0 ? Lin : L, Lo = i === depth - 1 ? lastL : L;
      this.blocks.push(this.registerModule(`block${i}`, new GemResNetBlock(i === 0 ? this.inChannels : C, C, { maxOrderIn: Li, maxOrderHidden: L, maxOrderOut: Lo, ...common })));
    }
    this.nOut = o.outputs ?? (o.head === 'classes' ? 10 : 1);
    if (o.head === 'classes') this.linear = this.registerModule('linear', new Linear(C * (this.pool === 'mean' ? 1 : 2), this.nOut, { rng: o.rng, dtype: dt }));
    const norm = o.head === 'classes' ? readoutNorm(o.readoutNorm, C * (this.pool === 'mean' ? 1 : 2), dt) : null;
    this.norm = norm ? this.registerModule('norm', norm) : null;
    if (o.head !== 'classes') this.out = this.registerModule('out', new GemConv(C, this.nOut + 1, { maxOrderIn: L, maxOrderOut: 1, rings: 2, dtype: dt, rng: o.rng }));
  }

  /**
   * @param x [V, scalarInputs (+ 15 matrix features)]
   * @param b the batch
   */
  forward(x: Tensor, b: MeshBatch): Tensor {
    let h = gemInput(x, this.scalars, this.matrix);
    for (const blk of this.blocks) h = blk.call(h, b.geometry);
    if (this.linear) return this.linear.call(normed(this.norm, poolMeshes(h, b, this.pool)));
    const y = this.out!.call(h, b.geometry); // [V, (nOut + 1)·3]: channel i = [a₀, c₁, s₁]
    const V = y.shape[0]!, k = this.nOut;
    const r = y.reshape([V, k + 1, 3]);
    const scal = r.slice([null, [0, k], [0, 1]]).reshape([V, k]);
    const vec = r.slice([null, [k, k + 1], [1, 3]]).reshape([V, 2]);
    return concat([scal, vec], 1);
  }
}

/** Lay out [V, S (+ 15)] inputs as channels of ρ₀ … ρ_L (L = 2 with matrix features, else 0). */
function gemInput(x: Tensor, scalars: number, matrix: boolean): Tensor {
  if (!matrix) return x;
  const V = x.shape[0]!;
  const s = x.slice([null, [0, scalars]]), m = x.slice([null, [scalars, scalars + 15]]);
  const pad = zeros([V, scalars, 4], { dtype: x.dtype });
  return concat([concat([s.reshape([V, scalars, 1]), pad], 2).reshape([V, scalars * 5]), m], 1);
}

/**
 * The non-equivariant anisotropic mesh CNN: layer i is GemConv(C_in scalars → C channels of
 * orders 0…B), its output read as C·(2B+1) plain scalars, ReLU. The kernel depends on the raw log
 * angle θ_pq through cos kθ, sin kθ (k ≤ B) and features are never rotated or transported, so the
 * model depends on the gauge. Heads as {@link GemNet} (the 'field' head predicts the two gauge
 * components of the vector directly).
 */
export class AngularCNN extends Module<[Tensor, MeshBatch], Tensor> implements MeshModel {
  readonly label = 'angular CNN';
  private readonly convs: GemConv[] = [];
  private readonly linear: Linear | null = null;
  private readonly nOut: number;
  private readonly head: 'classes' | 'field';
  private readonly pool: 'mean' | 'meanmax';
  private readonly norm: BatchNorm1d | null;

  constructor(o: MeshModelOptions) {
    super();
    this.pool = o.pool ?? 'meanmax';
    const B = o.maxOrder ?? 1, C = o.channels, depth = o.depth ?? 3, dt = o.dtype ?? 'float32';
    const inCh = (o.scalarInputs ?? 1) + (o.matrixInputs ? 15 : 0);
    this.head = o.head;
    this.nOut = o.outputs ?? (o.head === 'classes' ? 10 : 1);
    // two convolutions per block, as in the GEM residual block
    const n = 2 * depth;
    for (let i = 0; i < n; i++) {
      this.convs.push(this.registerModule(`conv${i}`, new GemConv(i === 0 ? inCh : C * width(B), C, { maxOrderIn: 0, maxOrderOut: B, rings: 2, dtype: dt, rng: o.rng })));
    }
    if (o.head === 'classes') this.linear = this.registerModule('linear', new Linear(C * width(B) * (this.pool === 'mean' ? 1 : 2), this.nOut, { rng: o.rng, dtype: dt }));
    const norm = o.head === 'classes' ? readoutNorm(o.readoutNorm, C * width(B) * (this.pool === 'mean' ? 1 : 2), dt) : null;
    this.norm = norm ? this.registerModule('norm', norm) : null;
    if (o.head !== 'classes') this.convs.push(this.registerModule('out', new GemConv(C * width(B), this.nOut + 2, { maxOrderIn: 0, maxOrderOut: 0, rings: 2, dtype: dt, rng: o.rng })));
  }

  forward(x: Tensor, b: MeshBatch): Tensor {
    let h = x;
    const last = this.head === 'field' ? this.convs.length - 1 : this.convs.length;
    for (let i = 0; i < last; i++) h = this.convs[i]!.call(h, b.geometry).relu();
    if (this.linear) return this.linear.call(normed(this.norm, poolMeshes(h, b, this.pool)));
    return this.convs[last]!.call(h, b.geometry);
  }
}

/** GCN layers (ReLU) on the mesh edge graph, pooled over each mesh (see `pool`, `readoutNorm`), Linear → logits. */
export class MeshGCN extends Module<[Tensor, MeshBatch], Tensor> implements MeshModel {
  readonly label = 'GCN';
  private readonly convs: GCNConv[] = [];
  private readonly linear: Linear;
  private readonly pool: 'mean' | 'meanmax';
  private readonly norm: BatchNorm1d | null;

  constructor(o: MeshModelOptions) {
    super();
    const C = o.channels, depth = o.depth ?? 3, dt = o.dtype ?? 'float32';
    this.pool = o.pool ?? 'meanmax';
    const inCh = (o.scalarInputs ?? 1) + (o.matrixInputs ? 15 : 0);
    for (let i = 0; i < 2 * depth; i++) this.convs.push(this.registerModule(`conv${i}`, new GCNConv(i === 0 ? inCh : C, C, { rng: o.rng, dtype: dt })));
    this.linear = this.registerModule('linear', new Linear(C * (this.pool === 'mean' ? 1 : 2), o.outputs ?? 10, { rng: o.rng, dtype: dt }));
    const norm = readoutNorm(o.readoutNorm, C * (this.pool === 'mean' ? 1 : 2), dt);
    this.norm = norm ? this.registerModule('norm', norm) : null;
  }

  forward(x: Tensor, b: MeshBatch): Tensor {
    const g = b.graph();
    let h = x;
    for (const c of this.convs) h = c.call(g, h).relu();
    return this.linear.call(normed(this.norm, poolMeshes(h, b, this.pool)));
  }
}

function normed(norm: BatchNorm1d | null, x: Tensor): Tensor {
  return norm ? norm.call(x) : x;
}

/** Number of trainable numbers of a module. */
export function parameterCount(m: Module<never[], unknown>): number {
  return m.parameters().reduce((a, p) => a + p.size, 0);
}

/** Matrix features of a mesh input as a float64 array [V·15] (see `matrixFeatures`). */
export function matrixFeatureValues(inp: MeshInput): Float64Array {
  return Float64Array.from(matrixFeatures(inp.mesh.positions, inp.frames, inp.geometry, { dtype: 'float64' }).toFlatArray());
}

/**
 * Ground truth of the regression task on one mesh and source vertex: the heat-method geodesic
 * distance d from `source`, and the gradient of d per vertex: the per-face gradient
 * Σ_i d_i (n × e_i)/(2A) (e_i the edge opposite corner i) averaged over the faces around each vertex
 * with area weights, projected onto the vertex's tangent plane. Also the mean curvature H.
 * Returned as world vectors [V·3]; {@link tangentComponents} expresses them in a gauge.
 */
export function geodesicTargets(mesh: MeshData, source: number): { distance: Float64Array; gradient: Float64Array; curvature: Float64Array } {
  const distance = heatGeodesicSolver(mesh).distance(source);
  const P = mesh.positions, T = mesh.faces, V = P.length / 3, F = T.length / 3;
  const acc = new Float64Array(3 * V), wsum = new Float64Array(V), nrm = new Float64Array(3 * V);
  for (let f = 0; f < F; f++) {
    const ids = [T[3 * f]!, T[3 * f + 1]!, T[3 * f + 2]!];
    const x = ids.map((v) => [P[3 * v]!, P[3 * v + 1]!, P[3 * v + 2]!]);
    const e1 = sub(x[1]!, x[0]!), e2 = sub(x[2]!, x[0]!), n = cross(e1, e2), a2 = Math.hypot(...n);
    if (!(a2 > 0)) continue;
    const nu = n.map((c) => c / a2);
    const g = [0, 0, 0];
    for (let i = 0; i < 3; i++) {
      const e = sub(x[(i + 2) % 3]!, x[(i + 1) % 3]!); // edge opposite corner i, counter-clockwise
      const r = cross(nu, e);
      for (let d = 0; d < 3; d++) g[d]! += (distance[ids[i]!]! * r[d]!) / a2;
    }
    for (const v of ids) {
      for (let d = 0; d < 3; d++) { acc[3 * v + d]! += (a2 / 2) * g[d]!; nrm[3 * v + d]! += n[d]!; }
      wsum[v]! += a2 / 2;
    }
  }
  const gradient = new Float64Array(3 * V);
  for (let v = 0; v < V; v++) {
    const n = [nrm[3 * v]!, nrm[3 * v + 1]!, nrm[3 * v + 2]!], nl = Math.hypot(...n) || 1;
    const g = [0, 1, 2].map((d) => acc[3 * v + d]! / (wsum[v]! || 1));
    const dot = (g[0]! * n[0]! + g[1]! * n[1]! + g[2]! * n[2]!) / (nl * nl);
    for (let d = 0; d < 3; d++) gradient[3 * v + d] = g[d]! - dot * n[d]!;
  }
  return { distance, gradient, curvature: meanCurvature(mesh) };
}

/** World tangent vectors [V·3] as gauge components [V·2] = (⟨v, e_x⟩, ⟨v, e_y⟩) (a ρ₁ feature). */
export function tangentComponents(vectors: Float64Array, frames: MeshFrames): Float64Array {
  const V = vectors.length / 3, out = new Float64Array(2 * V);
  for (let v = 0; v < V; v++) {
    let cx = 0, cy = 0;
    for (let d = 0; d < 3; d++) { cx += vectors[3 * v + d]! * frames.xAxis[3 * v + d]!; cy += vectors[3 * v + d]! * frames.yAxis[3 * v + d]!; }
    out[2 * v] = cx; out[2 * v + 1] = cy;
  }
  return out;
}

/** Rotate world vectors [V·3] by R (row-major 3×3). */
export function rotateVectors(vectors: Float64Array, R: ArrayLike<number>): Float64Array {
  const V = vectors.length / 3, out = new Float64Array(3 * V);
  for (let v = 0; v < V; v++) {
    for (let i = 0; i < 3; i++) out[3 * v + i] = R[3 * i]! * vectors[3 * v]! + R[3 * i + 1]! * vectors[3 * v + 1]! + R[3 * i + 2]! * vectors[3 * v + 2]!;
  }
  return out;
}

/** Euclidean distance of every vertex from vertex `source` (the regression task's ρ₀ input; rotation invariant). */
export function distanceFrom(mesh: MeshData, source: number): Float64Array {
  const P = mesh.positions, V = P.length / 3, out = new Float64Array(V);
  for (let v = 0; v < V; v++) out[v] = Math.hypot(P[3 * v]! - P[3 * source]!, P[3 * v + 1]! - P[3 * source + 1]!, P[3 * v + 2]! - P[3 * source + 2]!);
  return out;
}

function sub(a: number[], b: number[]): number[] {
  return [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!];
}

function cross(a: number[], b: number[]): number[] {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
}
