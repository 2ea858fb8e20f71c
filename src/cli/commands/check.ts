/**
 * `erlangen check model.onnx --group "SO(3)" --in "4V" --out "V^2" [--json] [--batch 4] [--tol 1e-5]`:
 * run the equivariance harness on an ONNX model through onnxruntime-node (an optional
 * dependency, loaded lazily). The model takes one float32 input [batch, |in|] and has one float
 * output [batch, |out|]. Exit code 0 only when equivariant within tolerance; 1 when it is not, when
 * nothing could be compared, or on any mismatch between the model and the declared reps (number
 * of inputs/outputs, widths, dtypes, NaN/Inf outputs: a named error, printed with its class);
 * 2 on a usage error. See docs/design/harness.md.
 * @module
 */
import { parseGroup } from '../../group/index.js';
import { parseRep } from '../../rep/index.js';
import { resolveSpec } from '../spec-input.js';
import { Tensor, fromData, zeros } from '../../tensor/index.js';
import { equivarianceErrorAsync } from '../../testing/async.js';
import { formatReport, repAction } from '../../testing/index.js';
import { BackendError, DTypeError, ShapeError, fmtShape } from '../../util/index.js';
import type { Io } from '../main.js';

const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The part of onnxruntime-node's API this command uses. */
export interface OrtLike {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
  InferenceSession: {
    create(pathOrBytes: string | Uint8Array): Promise<{
      readonly inputNames: readonly string[];
      readonly outputNames: readonly string[];
      run(feeds: Record<string, unknown>): Promise<Record<string, { data: ArrayLike<number>; dims: readonly number[]; type?: string }>>;
    }>;
  };
}

/** Where the runtime comes from (tests inject a fake one). */
export interface CheckDeps {
  loadRuntime?: () => Promise<OrtLike>;
}

const USAGE = 'usage: erlangen check <model.onnx> --group "SO(3)" --in "4V" --out "V^2" [--json] [--batch N] [--tol X]\n       erlangen check <model.onnx> "SO(3): 4V -> V^2" [--json] [--batch N] [--tol X]\n';

/** Load onnxruntime-node (or another package exposing its API) by specifier, explaining when it is missing. */
export async function loadOnnxRuntime(specifier = 'onnxruntime-node'): Promise<OrtLike> {
  try {
    const mod = (await import(specifier)) as { default?: OrtLike } & OrtLike;
    return mod.InferenceSession ? mod : mod.default!;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(String(e))) {
      throw new BackendError('onnxruntime-node is not installed: install it with `npm pkg set \'allowScripts.onnxruntime-node=false\' --json && npm install -D onnxruntime-node` (see docs/guide/harness.md)');
    }
    throw e;
  }
}

function parseArgs(argv: string[]): { file: string; group: string; inp: string; out: string; json: boolean; batch: number; tol?: number } | string {
  const o: Record<string, string> = {};
  let file = '', spec: string | undefined, json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (['--group', '--in', '--out', '--batch', '--tol'].includes(a)) {
      const v = argv[++i];
      if (v === undefined) return `missing value after ${a}`;
      const k = a.slice(2);
      if (o[k] !== undefined && o[k] !== v) return `${a} given twice ('${o[k]}' and '${v}')`;
      o[k] = v;
    } else if (a.startsWith('--')) return `unknown flag ${a}`;
    else if (!file) file = a;
    else if (spec === undefined) spec = a;
    else return `unexpected argument ${a}`;
  }
  if (!file) return 'give a model file';
  const r = resolveSpec('check', spec, { group: o.group, in: o.in, out: o.out });
  if (typeof r === 'string') return r;
  const batch = Number(o.batch ?? 4), tol = o.tol === undefined ? undefined : Number(o.tol);
  if (!Number.isInteger(batch) || batch < 1 || (tol !== undefined && !(tol > 0))) return 'bad --batch or --tol';
  return { file, group: r.group, inp: r.in, out: r.out, json, batch, ...(tol !== undefined ? { tol } : {}) };
}

/** Run `erlangen check`; resolves to the exit code. */
export async function run(argv: string[], io: Io, deps: CheckDeps = {}): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.err(`erlangen check: ${args}\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    const G = parseGroup(args.group);
    const repIn = parseRep(args.inp, G), repOut = parseRep(args.out, G);
    const ort = await (deps.loadRuntime ?? (() => loadOnnxRuntime()))();
    const session = await ort.InferenceSession.create(args.file);
    const inDecl = `--in "${args.inp}" of ${G.key}, width ${repIn.size}`, outDecl = `--out "${args.out}" of ${G.key}, width ${repOut.size}`;
    if (session.inputNames.length !== 1) throw new ShapeError(`the model has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}) but erlangen check feeds one [batch, ${repIn.size}] (${inDecl})`);
    if (session.outputNames.length !== 1) throw new ShapeError(`the model has ${session.outputNames.length} outputs (${session.outputNames.join(', ')}) but erlangen check compares one [batch, ${repOut.size}] (${outDecl})`);
    const inName = session.inputNames[0]!, outName = session.outputNames[0]!;
    const model = async (x: Tensor): Promise<Tensor> => {
      let res: Awaited<ReturnType<typeof session.run>>;
      try {
        res = await session.run({ [inName]: new ort.Tensor('float32', Float32Array.from(x.data), x.shape) });
      } catch (err) {
        throw new ShapeError(`the model rejected the input "${inName}" ${fmtShape(x.shape)} (${inDecl}): ${(err as Error).message}`);
      }
      const y = res[outName];
      if (!y) throw new ShapeError(`the model returned no output "${outName}" (${outDecl})`);
      if (y.type !== undefined && y.type !== 'float32' && y.type !== 'float64') throw new DTypeError(`output "${outName}" ${fmtShape(y.dims)} is ${y.type} but ${outDecl} needs float32 values`);
      return fromData(Float32Array.from(y.data), y.dims);
    };
    const inAct = repAction(repIn, { batch: args.batch });
    const report = await equivarianceErrorAsync(model, (x: Tensor) => zeros([x.shape[0]!, repOut.size]), {
      group: G, in: inAct, out: repAction(repOut), dtype: 'float32', ...(args.tol !== undefined ? { tol: args.tol } : {}),
    });
    if (!report.ok && report.verdict === 'inconclusive') io.err(`erlangen check: ${report.diagnoses[0]?.message ?? 'nothing was compared'}\n`);
    if (args.json) io.out(JSON.stringify({ ok: report.ok, verdict: report.verdict, group: report.group, dtype: report.dtype, tol: report.tol, worst: report.worst, diagnoses: report.diagnoses, elements: report.elements.map(({ fields: _f, ...e }) => e), fields: report.fields }) + '\n');
    else io.out(formatReport(report) + '\n');
    return report.ok ? EXIT.ok : EXIT.failure;
  } catch (e) {
    const err = e as Error;
    io.err(`erlangen check: ${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}\n`);
    return EXIT.failure;
  }
}
