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
 * Extending: a new case (e.g. a whole GemConv layer) is one entry of {@link MESH_CASES} — its spec
 * (id, label, kind, params) and its erlangen builder — plus a builder under the same `kind` in
 * `BUILDERS["mesh"]` of bench/peers/mesh_bench.py. Builders get the shared mesh data of
 * {@link meshData} (seeded, built once per size).
 * @module
 */
import { backward, enableGrad, fromData, noGrad, so2RotateGather, so2RotateSegmentMean, type Tensor } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';
import type { Case, OpSpec, Section, SectionOptions } from '../lib/types.js';

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

/** Timing plan: [warmup, repeats, budget ms] for a full run and for `--quick`. */
const PLAN = { full: [2, 15, 8_000], quick: [1, 3, 1_000] } as const;

function meshOps({ quick }: SectionOptions): OpSpec[] {
  const v = quick ? 3_500 : 35_000, sizes: MeshParams = { v, e: 7 * v, c: 16, l: 2 };
  const [warmup, repeats, budgetMs] = quick ? PLAN.quick : PLAN.full;
  const f = sizes.c * (2 * sizes.l + 1);
  return MESH_CASES.map((c) => ({
    id: c.id, label: c.label(sizes), kind: c.kind, params: { ...sizes, ...c.params },
    bytes: 4 * (2 * sizes.e * f), // the E×F rotated rows read or written once, roughly
    warmup, repeats, budgetMs, minRepeats: quick ? 1 : 3,
  }));
}

function erlangenCase(op: OpSpec): Case {
  const c = MESH_CASES.find((k) => k.id === op.id);
  if (!c) throw new Error(`mesh bench: unknown op ${op.id}`);
  return c.erlangen(meshData(op.params as unknown as MeshParams), op.params);
}

/** The mesh section (`npm run bench -- --only mesh`). */
export const meshSection: Section = {
  name: 'mesh',
  title: 'GEM-CNN mesh kernels: SO(2) transport (float32)',
  ops: meshOps,
  erlangen: erlangenCase,
  torch: { script: 'bench/peers/mesh_bench.py', threads: [1, 2] },
};
