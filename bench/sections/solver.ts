/**
 * Solver section (issues 3 and 13): time to solve equivariant bases, with a fresh cache per call so
 * the solve itself is measured. Targets: S(6) 100·Scalar+100·V+20·V² → itself (dim 84,000) < 5 s;
 * O(3) T(3)→T(3) < 2 s; SO(3) V²→V² < 50 ms; invariants of V^{⊗6} (N = 4096) for SO⁺(1,3), SO(1,3),
 * O(1,3) < 10 s each with dims 25, 25, 15 (the Krylov path); the bases of a 256-channel Lorentz
 * EMLP (ParticleInteraction, 4V → Scalar, 3 layers) < 30 s in total. No peer runs these (emlp is
 * JAX-only); in a full run the notes add numpy's dense eigensolver (`np.linalg.eigh` of the
 * 4096×4096 Gram matrix of SO⁺(1,3) on V^{⊗6}, via /usr/bin/python3) for comparison.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { parseGroup } from '../../src/group/index.js';
import { EMLP, uniformRep } from '../../src/nn/emlp.js';
import { gated } from '../../src/nn/gated.js';
import { parseRep } from '../../src/rep/index.js';
import { BasisCache, equivariantBasis } from '../../src/solver/index.js';
import { Rng } from '../../src/util/index.js';
import type { Case, Measurement, OpSpec, Section, SectionOptions } from '../lib/types.js';

interface SolverParams {
  group: string;
  in: string;
  out: string;
  dim: number;
  targetMs: number;
  /** `basis` (one equivariantBasis call), `emlp-bases` (every basis of an EMLP) or `emlp` (its constructor). */
  what?: 'basis' | 'emlp-bases' | 'emlp';
  channels?: number;
}

const PROBLEMS: (SolverParams & { id: string })[] = [
  { id: 'solve_s6_mixed_84000', group: 'S(6)', in: '100Scalar + 100V + 20V^2', out: '100Scalar + 100V + 20V^2', dim: 84_000, targetMs: 5000 },
  { id: 'solve_o3_t3_t3', group: 'O(3)', in: 'V^3', out: 'V^3', dim: 15, targetMs: 2000 },
  { id: 'solve_so3_v2_v2', group: 'SO(3)', in: 'V^2', out: 'V^2', dim: 3, targetMs: 50 },
  { id: 'solve_so3_invariants_v6', group: 'SO(3)', in: 'V^6', out: 'Scalar', dim: 15, targetMs: 2000 },
  { id: 'solve_o13_t22', group: 'O13', in: 'V^2', out: 'V^2', dim: 3, targetMs: 2000 },
  { id: 'solve_so13p_invariants_v6', group: 'SO13p', in: 'V^6', out: 'Scalar', dim: 25, targetMs: 10_000 },
  { id: 'solve_so13_invariants_v6', group: 'SO13', in: 'V^6', out: 'Scalar', dim: 25, targetMs: 10_000 },
  { id: 'solve_o13_invariants_v6', group: 'O13', in: 'V^6', out: 'Scalar', dim: 15, targetMs: 10_000 },
  // the bases an EMLP(4V → Scalar, channels 256, 3 layers) solves, sharing one cache as EMLP does:
  // 4V → gated(h), h → gated(h) (blocks 1 and 2), h → Scalar; h = uniformRep(256) contains V⊗V*², so
  // Hom(h, gated(h)) includes a 4096-dimensional hom space
  { id: 'emlp256_bases_o13', group: 'O13', in: '4V', out: 'Scalar', dim: 76 + 6451 + 68, targetMs: 30_000, what: 'emlp-bases', channels: 256 },
  { id: 'emlp256_bases_so13p', group: 'SO13p', in: '4V', out: 'Scalar', dim: 80 + 6509 + 68, targetMs: 30_000, what: 'emlp-bases', channels: 256 },
  { id: 'emlp256_construct_o13', group: 'O13', in: '4V', out: 'Scalar', dim: 0, targetMs: 30_000, what: 'emlp', channels: 256 },
];

let quickRun = false;

function ops({ quick }: SectionOptions): OpSpec[] {
  quickRun = quick;
  return PROBLEMS.map(({ id, ...p }) => ({
    id,
    label: p.what === 'emlp' ? `${p.group}: new EMLP(${p.in} → ${p.out}, channels ${p.channels}) (target < ${p.targetMs} ms)`
      : p.what === 'emlp-bases' ? `${p.group}: all bases of EMLP(${p.in} → ${p.out}, channels ${p.channels}) (dims sum ${p.dim}; target < ${p.targetMs} ms)`
        : `${p.group}: ${p.in} → ${p.out} (dim ${p.dim}; target < ${p.targetMs} ms)`,
    kind: 'solve',
    params: p as unknown as Record<string, unknown>,
    warmup: p.targetMs >= 10_000 ? 0 : 1,
    repeats: quick ? 1 : p.targetMs >= 10_000 ? 3 : 5,
    budgetMs: quick ? 3000 : 20_000,
    minRepeats: 1,
  }));
}

function erlangen(op: OpSpec): Case {
  const p = op.params as unknown as SolverParams;
  const G = parseGroup(p.group);
  const repIn = parseRep(p.in, G), repOut = parseRep(p.out, G);
  if (p.what === 'emlp') {
    return { run() { new EMLP(repIn, repOut, G, { channels: p.channels!, layers: 3, rng: new Rng(0) }); } };
  }
  if (p.what === 'emlp-bases') {
    const h = uniformRep(p.channels!, G);
    const gh = gated(h);
    return {
      run() {
        const cache = new BasisCache();
        const dims = [
          equivariantBasis(repIn, gh, { cache }).dim,
          equivariantBasis(h, gh, { cache }).dim,
          equivariantBasis(h, gh, { cache }).dim, // block 2: a cache hit, as in EMLP
          equivariantBasis(h, repOut, { cache }).dim,
        ];
        const total = dims[0]! + dims[1]! + dims[3]!;
        if (total !== p.dim || dims[2] !== dims[1]) throw new Error(`${op.id}: solver found dims ${dims.join(', ')}, expected a sum of ${p.dim}`);
      },
    };
  }
  return {
    run() {
      const b = equivariantBasis(repIn, repOut, { cache: new BasisCache() });
      if (b.dim !== p.dim) throw new Error(`${op.id}: solver found dim ${b.dim}, expected ${p.dim}`);
    },
  };
}

/**
 * numpy's dense route for the same problem: the 4096×4096 Gram matrix Σ dρ(A)ᵀdρ(A) of SO⁺(1,3)
 * on V^{⊗6}, assembled from the sparse rows of the Kronecker sums (building it is not timed), then
 * `np.linalg.eigh` (timed) and the count of eigenvalues ≤ 1e-12·λ_max.
 */
const NUMPY_SCRIPT = `
import json, time, numpy as np
d, k = 4, 6
gens = []
for i in range(1, 4):
    b = np.zeros((d, d)); b[0, i] = b[i, 0] = 1; gens.append(b)
for i in range(1, 4):
    for j in range(1, i):
        r = np.zeros((d, d)); r[i, j] = 1; r[j, i] = -1; gens.append(r)
N = d ** k
idx = np.arange(N)
C = np.zeros((N, N))
for A in gens:
    # sparse rows of the Kronecker sum D = sum_m I x A x I, then C += D^T D row by row (outer products)
    rows, cols, vals = [], [], []
    for m in range(k):
        s = d ** (k - 1 - m)
        dig = (idx // s) % d
        for a in range(d):
            for b in range(d):
                if A[a, b] == 0: continue
                sel = idx[dig == a]
                rows.append(sel); cols.append(sel + (b - a) * s); vals.append(np.full(sel.size, A[a, b]))
    rows, cols, vals = map(np.concatenate, (rows, cols, vals))
    order = np.argsort(rows, kind='stable')
    rows, cols, vals = rows[order], cols[order], vals[order]
    starts = np.searchsorted(rows, idx)
    ends = np.searchsorted(rows, idx, side='right')
    for i in range(N):
        c, v = cols[starts[i]:ends[i]], vals[starts[i]:ends[i]]
        np.add.at(C, (c[:, None], c[None, :]), v[:, None] * v[None, :])
t, c = time.perf_counter(), time.process_time()
w = np.linalg.eigh(C)[0]
ms, cpu = (time.perf_counter() - t) * 1e3, (time.process_time() - c) * 1e3
print(json.dumps({"ms": ms, "cpu_ms": cpu, "dim": int((w <= 1e-12 * w[-1]).sum()), "numpy": np.__version__}))
`;

function numpyLine(): string {
  const r = spawnSync('/usr/bin/python3', ['-c', NUMPY_SCRIPT], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) return `numpy dense eigh (SO13p V^6 Gram, 4096²): not run (${(r.stderr || r.error?.message || 'failed').trim().split('\n').pop()})`;
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; cpu_ms: number; dim: number; numpy: string };
  return `numpy ${out.numpy} np.linalg.eigh of the 4096×4096 SO13p V^6 Gram matrix: ${out.ms.toFixed(0)} ms wall, ${out.cpu_ms.toFixed(0)} ms CPU over all threads (dim ${out.dim}; building the matrix not counted)`;
}

function notes(get: (op: string, impl: string) => Measurement | undefined, erlangenImpls: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of erlangenImpls.slice(0, 1)) {
    for (const p of PROBLEMS) {
      if (p.targetMs < 10_000) continue;
      const m = get(p.id, e)?.median_ms;
      if (m != null) out.push(`target ${p.id} < ${p.targetMs} ms: ${m.toFixed(0)} ms — ${m < p.targetMs ? 'met' : 'NOT met'}`);
    }
  }
  if (!quickRun && process.env.ERLANGEN_BENCH_NUMPY !== '0') out.push(numpyLine());
  return out;
}

/** The solver section (`npm run bench -- --only solver`). */
export const solverSection: Section = { name: 'solver', title: 'Equivariant-basis solver (fresh cache per call)', ops, erlangen, notes };
