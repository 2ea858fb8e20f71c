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
 * In `--batch` mode every non-blank input line gets one output line, in order; a line that fails
 * (not JSON, `null` or not an object, fields not strings, a parse or solver error) prints
 * `{"line": N, "error": "..."}` (with the fields it had) and the remaining lines still run.
 * A UTF-8 byte-order mark at the start of the batch file or of an argument is ignored. A positional
 * spec together with a `--group/--in/--out` that differs from it, or `--batch` together with a spec
 * or those flags, is a usage error (exit 2).
 * Exit codes: 0 success, 1 a problem failed (bad group/rep name, solver error, any failed batch
 * line), 2 usage error.
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseGroup } from '../../group/index.js';
import { parseRep } from '../../rep/index.js';
import { BasisCache, equivariantBasis } from '../../solver/index.js';
import type { Io } from '../main.js';
import { resolveSpec, stripBom } from '../spec-input.js';

const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

const HELP = `Usage: erlangen basis --group G --in REP --out REP [--json]
       erlangen basis "G: REP -> REP" [--json]
       erlangen basis --batch FILE

Solve the basis of equivariant linear maps REP_in -> REP_out and print its dimension,
spectral gap and solve time. --batch reads one {"group","in","out"} JSON object per line and
prints one JSON result line each, in order; a line that is not such an object prints
{"line": N, "error": …} and the rest go on (exit 1 at the end if any line failed). A UTF-8
byte-order mark at the start of the file is ignored. A spec and --group/--in/--out that
disagree, or --batch with either, is a usage error.

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
      const prev = opts.get(a);
      if (typeof prev === 'string' && prev !== v) return `${a} given twice ('${prev}' and '${v}')`;
      opts.set(a, v);
    } else if (!a.startsWith('-') && !opts.has('spec')) opts.set('spec', a);
    else if (!a.startsWith('-')) return `unexpected second spec '${a}' (a spec "G: REP -> REP" was already given)`;
    else return `unknown argument '${a}'`;
  }
  return opts;
}

/** A short description of a JSON value for error messages: `null`, `an array`, `a number`, … */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
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
  const fail = (obj: Record<string, unknown>): void => {
    io.out(`${JSON.stringify(obj)}\n`);
    code = EXIT.failure;
  };
  stripBom(text).split(/\r?\n/).forEach((line, i) => {
    const lineNo = i + 1;
    if (line.trim() === '') return;
    let spec: unknown;
    try {
      spec = JSON.parse(line);
    } catch (e) {
      fail({ line: lineNo, error: `line ${lineNo}: not JSON (${(e as Error).message}): ${line.length > 200 ? `${line.slice(0, 197)}...` : line}` });
      return;
    }
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      fail({ line: lineNo, error: `line ${lineNo}: expected an object {"group","in","out"}, got ${describe(spec)}` });
      return;
    }
    const { group, in: rin, out: rout } = spec as { group?: unknown; in?: unknown; out?: unknown };
    if (typeof group !== 'string' || typeof rin !== 'string' || typeof rout !== 'string') {
      fail({ line: lineNo, group, in: rin, out: rout, error: `line ${lineNo}: need string fields "group", "in", "out"` });
      return;
    }
    try {
      const r = solveSpec(group, rin, rout, cache);
      io.out(`${JSON.stringify({ group: r.group, in: r.in, out: r.out, dim: r.dim, gap: r.gap, ms: r.ms })}\n`);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      fail({ line: lineNo, group, in: rin, out: rout, error: `${err.name}: ${err.message}` });
    }
  });
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
  const str = (k: string): string | undefined => {
    const v = opts.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const batch = str('--batch');
  if (batch !== undefined) {
    const extra = ['spec', '--group', '--in', '--out'].filter((k) => opts.has(k));
    if (extra.length) {
      io.err(`erlangen basis: --batch reads its problems from the file; it cannot be combined with ${extra.map((k) => (k === 'spec' ? 'a spec' : k)).join(', ')}\n`);
      return EXIT.usage;
    }
    return runBatch(batch, io);
  }
  const resolved = resolveSpec('basis', str('spec'), { group: str('--group'), in: str('--in'), out: str('--out') });
  if (typeof resolved === 'string') {
    io.err(`erlangen basis: ${resolved}\n${HELP}`);
    return EXIT.usage;
  }
  const { group, in: rin, out: rout } = resolved;
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
