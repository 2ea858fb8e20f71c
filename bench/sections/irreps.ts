/**
 * Irreps section (issue 13, item 7): `FullyConnectedTensorProduct` of `32x0e+32x1o+32x2e` with
 * itself into the same irreps (11 paths, 360,448 weights), forward and backward on a batch of
 * edges with per-edge inputs and shared weights (float32), against the same contraction written in
 * plain PyTorch (bench/peers/torch_irreps.py). The peer gets erlangen's CG blocks (already scaled
 * by each path's normalisation coefficient) and path list in the op's JSON params and runs, per
 * path, einsum('zui,ijk->zujk') → einsum('zujk,zvj->zuvk') → einsum('zuvk,uvw->zwk') (the CG
 * product first, erlangen's `contraction: 'cg-first'`), summing paths into their output block.
 * erlangen runs its default (`auto`: on the shared-weight `uvw` paths with min(d₁, d₂) < d₃ it
 * contracts W with the smaller input first, 21 instead of 35 units of B·32³ multiply-adds here),
 * so the ratio includes that algorithmic choice; docs/design/tensor-products.md lists both orders.
 *
 * Size: 100k edges need ≈ 2 GB per path for the [E, d₃, 32·32] intermediate (float32) and
 * ≈ 0.7 TFLOP per forward — beyond this 2-core machine's memory budget and minutes per call — so the
 * full run uses E = 2,000 edges (`--quick`: 500); the ratio per edge is what is compared.
 *
 * Ops: `fctp_fwd` (forward, no graph), `fctp_bwd` (backward only: the forward graph is built once,
 * each timed call clears the gradients and back-propagates an upstream of ones·g into x₁, x₂ and W).
 * @module
 */
import { backward, enableGrad, fromData, noGrad } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';
import { FullyConnectedTensorProduct, cgBlock } from '../../src/nn/irreps/index.js';
import type { Case, Measurement, OpSpec, Section, SectionOptions } from '../lib/types.js';

const IRREPS = '32x0e+32x1o+32x2e';

interface TpParams {
  readonly edges: number;
  readonly irreps: string;
  readonly backward: boolean;
  /** Paths as the peer reads them. */
  readonly paths: readonly { i1: number; i2: number; out: number; l1: number; l2: number; l3: number; m1: number; m2: number; mo: number; woff: number }[];
  /** Block offsets and sizes of the irreps. */
  readonly blocks: readonly { offset: number; mul: number; l: number }[];
  /** Scaled CG blocks per path, row-major [d₁, d₂, d₃]. */
  readonly cg: readonly number[][];
  readonly weightNumel: number;
  readonly dim: number;
}

let proto: FullyConnectedTensorProduct | null = null;
const tpProto = (): FullyConnectedTensorProduct => (proto ??= new FullyConnectedTensorProduct(IRREPS, IRREPS, IRREPS, { rng: new Rng(0) }));

function tpParams(edges: number, bwd: boolean): TpParams {
  const tp = tpProto();
  const ir = tp.irrepsIn1;
  return {
    edges, irreps: IRREPS, backward: bwd, weightNumel: tp.weightNumel, dim: ir.dim,
    blocks: ir.blocks.map((b, i) => ({ offset: ir.offsets[i]!, mul: b.mul, l: b.ir.l })),
    paths: tp.instructions.map((p) => ({
      i1: p.i1, i2: p.i2, out: p.out, l1: ir.blocks[p.i1]!.ir.l, l2: ir.blocks[p.i2]!.ir.l, l3: tp.irrepsOut.blocks[p.out]!.ir.l,
      m1: ir.blocks[p.i1]!.mul, m2: ir.blocks[p.i2]!.mul, mo: tp.irrepsOut.blocks[p.out]!.mul, woff: p.weightOffset,
    })),
    cg: tp.instructions.map((p) => {
      const l1 = ir.blocks[p.i1]!.ir.l, l2 = ir.blocks[p.i2]!.ir.l, l3 = tp.irrepsOut.blocks[p.out]!.ir.l;
      return Array.from(cgBlock(l1, l2, l3).dense, (v) => v * p.coefficient);
    }),
  };
}

/** Floating-point operations of the forward in the CG-first order (for the GFLOP/s column, the same count for every impl). */
function forwardFlops(p: TpParams): number {
  let f = 0;
  for (const q of p.paths) {
    const d1 = 2 * q.l1 + 1, d2 = 2 * q.l2 + 1, d3 = 2 * q.l3 + 1;
    f += p.edges * (q.m1 * d1 * d2 * d3 + q.m1 * d3 * d2 * q.m2 + d3 * q.m1 * q.m2 * q.mo);
  }
  return 2 * f;
}

function ops({ quick }: SectionOptions): OpSpec[] {
  const edges = quick ? 500 : 2000;
  const [warmup, repeats, budgetMs] = quick ? [1, 2, 2_000] : [1, 5, 30_000];
  const fwd = tpParams(edges, false);
  const flops = forwardFlops(fwd);
  return [
    { id: 'fctp_fwd', label: `FCTP ${IRREPS} ⊗ itself → itself, forward, E=${edges}`, kind: 'fctp', params: fwd as unknown as Record<string, unknown>, flops, warmup, repeats, budgetMs, minRepeats: quick ? 1 : 3 },
    { id: 'fctp_bwd', label: `FCTP ${IRREPS} ⊗ itself → itself, backward only (x₁, x₂, W), E=${edges}`, kind: 'fctp', params: tpParams(edges, true) as unknown as Record<string, unknown>, flops: 2 * flops, warmup, repeats, budgetMs, minRepeats: quick ? 1 : 3 },
  ];
}

function erlangenCase(op: OpSpec): Case {
  const p = op.params as unknown as TpParams;
  const tp = tpProto();
  const rng = new Rng(1);
  const x1d = rng.fillNormal(new Float32Array(p.edges * p.dim)) as Float32Array;
  const x2d = rng.fillNormal(new Float32Array(p.edges * p.dim)) as Float32Array;
  if (!p.backward) {
    const x1 = fromData(x1d, [p.edges, p.dim]), x2 = fromData(x2d, [p.edges, p.dim]);
    return { run: () => { noGrad(() => tp.call(x1, x2)); } };
  }
  const x1 = fromData(x1d, [p.edges, p.dim], { requiresGrad: true }), x2 = fromData(x2d, [p.edges, p.dim], { requiresGrad: true });
  const g = fromData(rng.fillNormal(new Float32Array(p.edges * p.dim)) as Float32Array, [p.edges, p.dim]);
  const out: Tensor = enableGrad(() => tp.call(x1, x2));
  const w = tp.weight!;
  return { run: () => { x1.grad = null; x2.grad = null; w.grad = null; backward(out, g); } };
}

function notes(get: (op: string, impl: string) => Measurement | undefined, erlangenImpls: readonly string[], peers: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of erlangenImpls) {
    for (const op of ['fctp_fwd', 'fctp_bwd']) {
      const em = get(op, e)?.median_ms;
      for (const peer of peers.filter((q) => /^torch-\d+t$/.test(q))) {
        const pm = get(op, peer)?.median_ms;
        if (em != null && pm != null) out.push(`target ${op} ≥ 1.0× ${peer} on ${e}: ${(pm / em).toFixed(2)}× (${em.toFixed(1)} vs ${pm.toFixed(1)} ms) — ${pm / em >= 1 ? 'met' : 'NOT met'}`);
      }
    }
  }
  return out;
}

/** The irreps section (`npm run bench -- --only irreps`). */
export const irrepsSection: Section = {
  name: 'irreps',
  title: 'Irreps tensor products: FullyConnectedTensorProduct 32x0e+32x1o+32x2e (float32)',
  ops,
  erlangen: erlangenCase,
  notes,
  torch: { script: 'bench/peers/torch_irreps.py', threads: [1, 2] },
};

