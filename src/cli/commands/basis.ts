/**
 * `erlangen basis`: solve an equivariant basis from a symmetry spec and print its dimension,
 * spectral gap and solve time.
 *
 * ```
 * erlangen basis --group "SO(3)" --in "V^2" --out "V" [--json]
 * erlangen basis "SO(3): V^2 -> V" [--json]
 * erlangen basis --batch FILE        # one {"group","in","out"} JSON object per line
 * ```
 * JSON output (one line per problem): `{"group","in","out","dim","gap","ms","method"}`; `gap` is
 * null when the solve was exact (orbit counting, or no singular value was declared zero).
 * Exit codes: 0 success, 1 a problem failed (bad group/rep name, solver error), 2 usage error.
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseGroup } from '../../group/index.js';
import { parseRep } from '../../rep/index.js';
import { BasisCache, equivariantBasis } from '../../solver/index.js';
import type { Io } from '../main.js';

const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

const HELP = `Usage: erlangen basis --group G --in REP --out REP [--json]
       erlangen basis "G: REP -> REP" [--json]
       erlangen basis --batch FILE

Solve the basis of equivariant linear maps REP_in -> REP_out and print its dimension,
spectral gap and solve time. --batch reads one {"group","in","out"} JSON object per line and
prints one JSON result line each, in order.

Groups: S(n) A(n) C(n) D(n) Z(n) SO(n) O(n) SO13p SO13 O13 Sp(2m) SL(n) Tetrahedral Octahedral
        Icosahedral FullOctahedral FullIcosahedral Trivial(n), products G1xG2
Reps:   V  Scalar (or 1)  regular  3V  V^2  V*V  dual(V)  T(1,2)  A + B  (…)  ir(k)  16x0e + 8x1o
`;

/** One solved problem as printed by `--json` / `--batch`. */
export interface BasisResult {
  group: string;
  in: string;
  out: string;
  dim: number;
  gap: number | null;
  ms: number;
  method: string;
}

/** Solve one problem (sharing `cache` between calls). */
export function solveSpec(group: string, repIn: string, repOut: string, cache?: BasisCache): BasisResult & { explanation?: string } {
  const G = parseGroup(group);
  const a = parseRep(repIn, G);
  const b = parseRep(repOut, G);
  const t0 = performance.now();
  const B = equivariantBasis(a, b, cache ? { cache } : {});
  const ms = Math.round((performance.now() - t0) * 1000) / 1000;
  const res: BasisResult & { explanation?: string } = {
    group, in: repIn, out: repOut, dim: B.dim, gap: Number.isFinite(B.gap) ? B.gap : null, ms, method: B.method,
  };
  if (B.explanation) res.explanation = B.explanation;
  return res;
}

function parseArgs(argv: string[]): Map<string, string | true> | string {
  const opts = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json' || a === '-h' || a === '--help') opts.set(a, true);
    else if (a === '--group' || a === '--in' || a === '--out' || a === '--batch') {
      const v = argv[++i];
      if (v === undefined) return `${a} needs a value`;
      opts.set(a, v);
    } else if (!a.startsWith('-') && !opts.has('spec')) opts.set('spec', a);
    else return `unknown argument '${a}'`;
  }
  return opts;
}

function runBatch(file: string, io: Io): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    io.err(`erlangen basis: cannot read ${file}: ${(e as Error).message}\n`);
    return EXIT.failure;
  }
  const cache = new BasisCache();
  let code: number = EXIT.ok;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let spec: { group?: unknown; in?: unknown; out?: unknown };
    try {
      spec = JSON.parse(line) as typeof spec;
    } catch {
      io.out(`${JSON.stringify({ error: `not JSON: ${line}` })}\n`);
      code = EXIT.failure;
      continue;
    }
    const { group, in: rin, out: rout } = spec;
    if (typeof group !== 'string' || typeof rin !== 'string' || typeof rout !== 'string') {
      io.out(`${JSON.stringify({ group, in: rin, out: rout, error: 'need string fields "group", "in", "out"' })}\n`);
      code = EXIT.failure;
      continue;
    }
    try {
      const r = solveSpec(group, rin, rout, cache);
      io.out(`${JSON.stringify({ group: r.group, in: r.in, out: r.out, dim: r.dim, gap: r.gap, ms: r.ms })}\n`);
    } catch (e) {
      io.out(`${JSON.stringify({ group, in: rin, out: rout, error: `${(e as Error).name}: ${(e as Error).message}` })}\n`);
      code = EXIT.failure;
    }
  }
  return code;
}

/** `erlangen basis …` with an explicit output sink; resolves to the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  const opts = parseArgs(argv);
  if (typeof opts === 'string') {
    io.err(`erlangen basis: ${opts}\n${HELP}`);
    return EXIT.usage;
  }
  if (opts.has('-h') || opts.has('--help')) {
    io.out(HELP);
    return EXIT.ok;
  }
  const batch = opts.get('--batch');
  if (typeof batch === 'string') return runBatch(batch, io);
  let group = opts.get('--group');
  let rin = opts.get('--in');
  let rout = opts.get('--out');
  const spec = opts.get('spec');
  if (typeof spec === 'string') {
    const m = /^(.+?):(.+)->(.+)$/.exec(spec);
    if (!m) {
      io.err(`erlangen basis: cannot read spec '${spec}' (expected "G: REP -> REP")\n`);
      return EXIT.usage;
    }
    [group, rin, rout] = [m[1]!.trim(), m[2]!.trim(), m[3]!.trim()];
  }
  if (typeof group !== 'string' || typeof rin !== 'string' || typeof rout !== 'string') {
    io.err(`erlangen basis: need --group, --in and --out (or a spec "G: REP -> REP")\n${HELP}`);
    return EXIT.usage;
  }
  let r: ReturnType<typeof solveSpec>;
  try {
    r = solveSpec(group, rin, rout);
  } catch (e) {
    io.err(`erlangen basis: ${(e as Error).name}: ${(e as Error).message}\n`);
    return EXIT.failure;
  }
  if (opts.has('--json')) {
    io.out(`${JSON.stringify({ group: r.group, in: r.in, out: r.out, dim: r.dim, gap: r.gap, ms: r.ms })}\n`);
  } else {
    io.out(`${r.group}: ${r.in} -> ${r.out}\n  dim ${r.dim}\n  gap ${r.gap === null ? 'exact' : r.gap.toExponential(3)}\n  ms ${r.ms}\n  method ${r.method}\n`);
    if (r.explanation) io.out(`  ${r.explanation}\n`);
  }
  return EXIT.ok;
}

/** `erlangen basis …` writing to the process's stdout/stderr; resolves to the exit code. */
export async function basisCommand(argv: string[]): Promise<number> {
  return run(argv, {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
  });
}
