/**
 * Mesh section: the kernels of gauge-equivariant mesh convolution (GEM-CNN) at a GemConv-like size
 * — V = 35k vertices, E = 7·V = 245k directed edges, C = 16 channels of orders 0…L = 2 (F = 80
 * features), float32; `--quick`: V = 3.5k — side by side with the same computation in PyTorch
 * (bench/peers/mesh_bench.py: index_select, the rotation as cos/sin multiplies, index_add_ and a
 * division by the segment sizes; autograd for the backward).
 *
 * Ops (erlangen):
 * - `so2_gather_fwd`       so2RotateGather(x [V, F], senders, angle, L) → [E, F], forward only
 * - `so2_gather_fwdbwd`    the same with x requiring grad, then backward(out, g): forward + backward
 * - `so2_segmean_fwd`      so2RotateSegmentMean(m [E, F], angle, receivers, V, L) → [V, F], forward only
 * - `so2_segmean_fwdbwd`   the same with m requiring grad, then backward: forward + backward
 * The angles are constants (a mesh's parallel-transport angles); each call computes their cos/sin
 * table as part of the op, as the PyTorch peer does.
 *
 * On a real mesh — the Stanford bunny with two rounds of Loop subdivision (29 394 vertices,
 * 205 746 directed edges with the self-loops; `--quick`: one round, 7 350 vertices):
 * - `gem_precompute`       gemGeometry (normals, gauges, log map, transport) + one coarsen level
 *                          (r = 4 mean edge lengths); erlangen only, target < 2 s
 * - `gemconv_fwd`          GemConv(16 → 16, orders 0…2, rings 2, float32) on x [V, 80], forward only
 * - `gemconv_fwdbwd`       the same, forward + backward of sum(y·g) wrt x and the weights
 * The PyTorch peer gets the same geometry, basis matrices, weights and inputs through a binary file
 * (see {@link gemData}) and computes the layer from the paper's formula (bench/peers/mesh_bench.py,
 * `gemconv`); test/bench/gemconv-peer.test.ts checks that both give the same outputs and gradients.
 *
 * Extending: a new case (e.g. a whole GemConv layer) is one entry of {@link MESH_CASES} — its spec
 * (id, label, kind, params) and its erlangen builder — plus a builder under the same `kind` in
 * `BUILDERS["mesh"]` of bench/peers/mesh_bench.py. Builders get the shared mesh data of
 * {@link meshData} (seeded, built once per size).
 * @module
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bunnyMesh } from '../../src/data/meshes/bunny.js';
import { GemConv, embedBasis } from '../../src/mesh/gem/index.js';
import { coarsen, gemGeometry, type GaugeGeometry, type MeshData as Mesh } from '../../src/mesh/index.js';
import { backward, enableGrad, fromData, noGrad, so2RotateGather, so2RotateSegmentMean, type Tensor } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';
import type { Case, Measurement, OpSpec, Section, SectionOptions } from '../lib/types.js';

/** Sizes of the mesh data of a case. */
export interface MeshParams { v: number; e: number; c: number; l: number }

/** The random mesh-like data shared by the cases (seeded; built once per size). */
export interface MeshData extends MeshParams {
  f: number;
  senders: Int32Array;
  receivers: Int32Array;
  angle: Float64Array;
  x: Float32Array; // [V, F]
  m: Float32Array; // [E, F]
  gE: Float32Array; // [E, F] upstream gradient of an edge output
  gV: Float32Array; // [V, F] upstream gradient of a vertex output
}

let cached: MeshData | null = null;

/** The data of a case's size: random senders/receivers, angles in (−π, π), normal features. */
export function meshData(p: MeshParams): MeshData {
  if (cached && cached.v === p.v && cached.e === p.e && cached.c === p.c && cached.l === p.l) return cached;
  cached = null;
  const rng = new Rng(2026), f = p.c * (2 * p.l + 1);
  const ints = (n: number, hi: number): Int32Array => { const a = new Int32Array(n); for (let i = 0; i < n; i++) a[i] = rng.int(hi); return a; };
  const normals = (n: number): Float32Array => { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = rng.normal(); return a; };
  const angle = new Float64Array(p.e);
  for (let i = 0; i < p.e; i++) angle[i] = (rng.uniform() * 2 - 1) * Math.PI;
  cached = {
    ...p, f, senders: ints(p.e, p.v), receivers: ints(p.e, p.v), angle,
    x: normals(p.v * f), m: normals(p.e * f), gE: normals(p.e * f), gV: normals(p.v * f),
  };
  return cached;
}

/** One mesh bench case: the op's spec (timing plan aside) and how to build it on erlangen. */
export interface MeshCase {
  readonly id: string;
  readonly label: (p: MeshParams) => string;
  /** Dispatch key of the PyTorch builder (bench/peers/mesh_bench.py). */
  readonly kind: string;
  /** Extra params beyond the sizes (e.g. `backward: true`). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** A prepared call on the active erlangen backend. */
  erlangen(d: MeshData, params: Readonly<Record<string, unknown>>): Case;
}

/** x (or m) as a leaf, and a call that runs the forward (and, when asked, the backward). */
function fwdBwd(data: Float32Array, shape: number[], g: Float32Array, gShape: number[], withBackward: boolean, f: (t: Tensor) => Tensor): Case {
  if (!withBackward) {
    const t = fromData(data, shape);
    return { run: () => { noGrad(() => f(t)); } };
  }
  const t = fromData(data, shape, { requiresGrad: true }), gt = fromData(g, gShape);
  return { run: () => { t.grad = null; backward(enableGrad(() => f(t)), gt); } };
}

/** The cases, in run order. */
export const MESH_CASES: readonly MeshCase[] = [
  ...[false, true].map((bwd): MeshCase => ({
    id: bwd ? 'so2_gather_fwdbwd' : 'so2_gather_fwd',
    label: (p) => `so2RotateGather x[send] rotated ${bwd ? 'fwd+bwd' : 'fwd'}, V=${p.v / 1000}k E=${p.e / 1000}k C=${p.c} L=${p.l}`,
    kind: 'so2_gather',
    params: { backward: bwd },
    erlangen: (d) => fwdBwd(d.x, [d.v, d.f], d.gE, [d.e, d.f], bwd, (x) => so2RotateGather(x, d.senders, d.angle, d.l)),
  })),
  ...[false, true].map((bwd): MeshCase => ({
    id: bwd ? 'so2_segmean_fwdbwd' : 'so2_segmean_fwd',
    label: (p) => `so2RotateSegmentMean m → recv ${bwd ? 'fwd+bwd' : 'fwd'}, V=${p.v / 1000}k E=${p.e / 1000}k C=${p.c} L=${p.l}`,
    kind: 'so2_segment_mean',
    params: { backward: bwd },
    erlangen: (d) => fwdBwd(d.m, [d.e, d.f], d.gV, [d.v, d.f], bwd, (m) => so2RotateSegmentMean(m, d.angle, d.receivers, d.v, d.l)),
  })),
];

/** Sizes of the GEM-CNN cases on the bunny. */
export interface GemParams {
  /** Rounds of Loop subdivision of the bunny (2: 29 394 vertices). */
  subdivisions: number;
  /** Channels in and out. */
  c: number;
  /** Highest order in and out. */
  l: number;
  /** Radial hat functions. */
  rings: number;
}

/** The bunny, its GEM geometry, a GemConv with seeded weights and its inputs, all built once per size. */
export interface GemData extends GemParams {
  mesh: Mesh;
  geo: GaugeGeometry;
  /** Vertices and directed edges (self-loops included) of the geometry. */
  v: number;
  e: number;
  conv: GemConv;
  x: Float32Array; // [V, F]
  g: Float32Array; // [V, F] upstream gradient of the output
  /** The binary file of {@link writeGemFile} the PyTorch peer reads. */
  file: string;
}

/**
 * Write what the PyTorch peer needs to compute `conv` on `geo` (little-endian, in this order):
 * float64 theta, transport, radius [E] (radius zeros when absent), the embedded neighbour basis
 * [nb, Wo·Wi] and self basis [ns, Wo·Wi]; int32 senders, receivers [E]; then in `dtype` (float32
 * or float64) weight [R, Cout, Cin, nb], selfWeight [Cout, Cin, ns], bias [Cout] (zeros when the
 * layer has none), x [V, Fin], g [V, Fout]. Returns the params the peer's `gemconv` builder reads
 * besides `file` and `backward`.
 */
export function writeGemFile(path: string, conv: GemConv, geo: GaugeGeometry, x: ArrayLike<number>, g: ArrayLike<number>, dtype: 'float32' | 'float64'): Record<string, number | string> {
  const E = geo.senders.length, F64 = Float64Array, Flt = dtype === 'float64' ? Float64Array : Float32Array;
  const B = embedBasis(conv.basis), Bs = conv.selfBasis ? embedBasis(conv.selfBasis) : new F64(0);
  const p = conv.params(), nb = conv.basis.elements.length, ns = conv.selfBasis?.elements.length ?? 0;
  const chunks: ArrayBufferView[] = [
    F64.from(geo.theta), F64.from(geo.transport), geo.radius ? F64.from(geo.radius) : new F64(E), B, Bs,
    Int32Array.from(geo.senders), Int32Array.from(geo.receivers),
    Flt.from(p.weight.data as ArrayLike<number>), p.selfWeight ? Flt.from(p.selfWeight.data as ArrayLike<number>) : new Flt(0),
    p.bias ? Flt.from(p.bias.data as ArrayLike<number>) : new Flt(conv.channelsOut), Flt.from(x), Flt.from(g),
  ];
  writeFileSync(path, Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))));
  return {
    v: geo.vertices, e: E, cin: conv.channelsIn, cout: conv.channelsOut, lin: conv.maxOrderIn, lout: conv.maxOrderOut,
    rings: conv.rings, nb, ns, dtype, max_radius: conv.maxRadius ?? 0,
  };
}

let gemCached: { key: string; data: GemData; peer: Record<string, number | string> } | null = null;

/** The bunny data of a size (Loop-subdivided bunny, gemGeometry, GemConv with Rng(2026) weights, normal x and g; the peer's file written once). */
export function gemData(p: GemParams): { data: GemData; peer: Record<string, number | string> } {
  const key = JSON.stringify(p);
  if (gemCached?.key === key) return gemCached;
  const mesh = bunnyMesh({ subdivisions: p.subdivisions }), geo = gemGeometry(mesh).geometry;
  const rng = new Rng(2026), v = geo.vertices, f = p.c * (2 * p.l + 1);
  const conv = new GemConv(p.c, p.c, { maxOrderIn: p.l, maxOrderOut: p.l, rings: p.rings, dtype: 'float32', rng });
  const normals = (n: number): Float32Array => { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = rng.normal(); return a; };
  const x = normals(v * f), g = normals(v * f);
  const file = join(tmpdir(), `erlangen-bench-gem-${process.pid}-${p.subdivisions}.bin`);
  const peer = writeGemFile(file, conv, geo, x, g, 'float32');
  process.once('exit', () => rmSync(file, { force: true }));
  gemCached = { key, data: { ...p, mesh, geo, v, e: geo.senders.length, conv, x, g, file }, peer: { ...peer, file } };
  return gemCached;
}

/** One GEM-CNN case on the bunny. */
interface GemCase {
  readonly id: string;
  readonly label: (d: GemData) => string;
  readonly kind: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** Floating-point operations per call (the matmuls), when meaningful. */
  readonly flops?: (d: GemData) => number;
  erlangen(d: GemData, params: Readonly<Record<string, unknown>>): Case;
}

/** FLOPs of GemConv's matmuls in one forward: the ring-stacked kernel on the neighbour edges and the self term. */
function gemFlops(d: GemData): number {
  const f = d.c * (2 * d.l + 1), ek = d.e - d.v;
  return 2 * ek * d.rings * f * f + 2 * d.v * f * f;
}

/** The GEM-CNN cases on the bunny, in run order. */
export const GEM_CASES: readonly GemCase[] = [
  {
    id: 'gem_precompute',
    label: (d) => `gemGeometry + 1 coarsen level, bunny V=${d.v} (target < 2 s)`,
    kind: 'gem_precompute',
    erlangen: (d) => {
      // mean edge length, for the coarsening radius (as bench/micro/mesh-geometry-precompute.ts)
      let edge = 0, n = 0;
      for (let k = 0; k < d.e; k++) if (d.geo.radius![k]! > 0) { edge += d.geo.radius![k]!; n++; }
      const r = (4 * edge) / n;
      return { run: () => { const f = gemGeometry(d.mesh); coarsen({ positions: d.mesh.positions, frames: f.frames }, { radius: r }); } };
    },
  },
  ...[false, true].map((bwd): GemCase => ({
    id: bwd ? 'gemconv_fwdbwd' : 'gemconv_fwd',
    label: (d) => `GemConv ${d.c}→${d.c} L=${d.l} rings=${d.rings} ${bwd ? 'fwd+bwd' : 'fwd'}, bunny V=${d.v} E=${d.e}`,
    kind: 'gemconv',
    params: { backward: bwd },
    flops: (d) => (bwd ? 3 : 1) * gemFlops(d),
    erlangen: (d) => {
      const f = d.c * (2 * d.l + 1), conv = d.conv;
      if (!bwd) {
        const x = fromData(d.x, [d.v, f]);
        return { run: () => { noGrad(() => conv.call(x, d.geo)); } };
      }
      const x = fromData(d.x, [d.v, f], { requiresGrad: true }), g = fromData(d.g, [d.v, f]);
      return { run: () => { x.grad = null; conv.zeroGrad(); backward(enableGrad(() => conv.call(x, d.geo)), g); } };
    },
  })),
];

/** Timing plan: [warmup, repeats, budget ms] for a full run and for `--quick`. */
const PLAN = { full: [2, 15, 8_000], quick: [1, 3, 1_000] } as const;

function meshOps({ quick }: SectionOptions): OpSpec[] {
  const v = quick ? 3_500 : 35_000, sizes: MeshParams = { v, e: 7 * v, c: 16, l: 2 };
  const [warmup, repeats, budgetMs] = quick ? PLAN.quick : PLAN.full;
  const f = sizes.c * (2 * sizes.l + 1);
  const kernels = MESH_CASES.map((c): OpSpec => ({
    id: c.id, label: c.label(sizes), kind: c.kind, params: { ...sizes, ...c.params },
    bytes: 4 * (2 * sizes.e * f), // the E×F rotated rows read or written once, roughly
    warmup, repeats, budgetMs, minRepeats: quick ? 1 : 3,
  }));
  const gp: GemParams = { subdivisions: quick ? 1 : 2, c: 16, l: 2, rings: 2 }, { data, peer } = gemData(gp);
  const gem = GEM_CASES.map((c): OpSpec => {
    const fl = c.flops?.(data);
    return {
      id: c.id, label: c.label(data), kind: c.kind, params: { ...gp, ...peer, ...c.params },
      ...(fl !== undefined ? { flops: fl } : {}),
      warmup, repeats: c.id === 'gem_precompute' ? Math.min(repeats, 5) : repeats, budgetMs, minRepeats: quick ? 1 : 3,
    };
  });
  return [...gem, ...kernels];
}

function erlangenCase(op: OpSpec): Case {
  const gc = GEM_CASES.find((k) => k.id === op.id);
  if (gc) return gc.erlangen(gemData(op.params as unknown as GemParams).data, op.params);
  const c = MESH_CASES.find((k) => k.id === op.id);
  if (!c) throw new Error(`mesh bench: unknown op ${op.id}`);
  return c.erlangen(meshData(op.params as unknown as MeshParams), op.params);
}

/** Lines under the table: the targets of the GEM-CNN cases, met or not, per erlangen implementation. */
function meshNotes(get: (op: string, impl: string) => Measurement | undefined, erlangenImpls: readonly string[], peers: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of erlangenImpls) {
    const pre = get('gem_precompute', e)?.median_ms;
    if (pre != null) out.push(`target gem_precompute < 2000 ms on ${e}: ${pre.toFixed(1)} ms — ${pre < 2000 ? 'met' : 'NOT met'}`);
    const em = get('gemconv_fwdbwd', e)?.median_ms;
    for (const p of peers.filter((q) => q.startsWith('torch-') && /^torch-\d+t$/.test(q))) {
      const pm = get('gemconv_fwdbwd', p)?.median_ms;
      if (em != null && pm != null) out.push(`target gemconv_fwdbwd ≥ 1.0× ${p} on ${e}: ${(pm / em).toFixed(2)}× (${em.toFixed(1)} vs ${pm.toFixed(1)} ms) — ${pm / em >= 1 ? 'met' : 'NOT met'}`);
    }
  }
  return out;
}

/** The mesh section (`npm run bench -- --only mesh`). */
export const meshSection: Section = {
  name: 'mesh',
  title: 'GEM-CNN on meshes: geometry precompute, GemConv and the SO(2) transport kernels (float32)',
  ops: meshOps,
  erlangen: erlangenCase,
  notes: meshNotes,
  torch: { script: 'bench/peers/mesh_bench.py', threads: [1, 2] },
};
