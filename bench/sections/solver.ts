/**
 * Solver section (issue 3): time to solve equivariant bases, with a fresh cache per call so the
 * solve itself is measured. Targets from the issue: S(6) 100·Scalar+100·V+20·V² → itself
 * (dim 84,000) < 5 s; O(3) T(3)→T(3) < 2 s; SO(3) V²→V² < 50 ms. No peer runs these (emlp is
 * JAX-only), so the section reports erlangen alone and the dimension it found.
 * @module
 */
import { parseGroup } from '../../src/group/index.js';
import { parseRep } from '../../src/rep/index.js';
import { BasisCache, equivariantBasis } from '../../src/solver/index.js';
import type { Case, OpSpec, Section, SectionOptions } from '../lib/types.js';

interface SolverParams {
  group: string;
  in: string;
  out: string;
  dim: number;
  targetMs: number;
}

const PROBLEMS: (SolverParams & { id: string })[] = [
  { id: 'solve_s6_mixed_84000', group: 'S(6)', in: '100Scalar + 100V + 20V^2', out: '100Scalar + 100V + 20V^2', dim: 84_000, targetMs: 5000 },
  { id: 'solve_o3_t3_t3', group: 'O(3)', in: 'V^3', out: 'V^3', dim: 15, targetMs: 2000 },
  { id: 'solve_so3_v2_v2', group: 'SO(3)', in: 'V^2', out: 'V^2', dim: 3, targetMs: 50 },
  { id: 'solve_so3_invariants_v6', group: 'SO(3)', in: 'V^6', out: 'Scalar', dim: 15, targetMs: 2000 },
  { id: 'solve_o13_t22', group: 'O13', in: 'V^2', out: 'V^2', dim: 3, targetMs: 2000 },
];

function ops({ quick }: SectionOptions): OpSpec[] {
  return PROBLEMS.map(({ id, ...p }) => ({
    id,
    label: `${p.group}: ${p.in} → ${p.out} (dim ${p.dim}; target < ${p.targetMs} ms)`,
    kind: 'solve',
    params: p as unknown as Record<string, unknown>,
    warmup: 1,
    repeats: quick ? 2 : 5,
    budgetMs: quick ? 3000 : 20_000,
    minRepeats: 1,
  }));
}

function erlangen(op: OpSpec): Case {
  const p = op.params as unknown as SolverParams;
  const G = parseGroup(p.group);
  const repIn = parseRep(p.in, G), repOut = parseRep(p.out, G);
  return {
    run() {
      const b = equivariantBasis(repIn, repOut, { cache: new BasisCache() });
      if (b.dim !== p.dim) throw new Error(`${op.id}: solver found dim ${b.dim}, expected ${p.dim}`);
    },
  };
}

/** The solver section (`npm run bench -- --only solver`). */
export const solverSection: Section = { name: 'solver', title: 'Equivariant-basis solver (fresh cache per call)', ops, erlangen };
