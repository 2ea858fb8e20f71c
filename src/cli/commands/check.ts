/**
 * `erlangen check model.onnx --group "SO(3)" --in "4V" --out "V^2" [--json] [--batch 4] [--tol 1e-5]`:
 * run the equivariance harness on an ONNX model through onnxruntime-node (an optional
 * dependency, loaded lazily). The model takes one float32 input [batch, |in|] and its first output
 * is [batch, |out|]. Exit code 0 only when equivariant within tolerance (1 otherwise or on error,
 * 2 on a usage error).
 * @module
 */
import { parseGroup } from '../../group/index.js';
import { parseRep } from '../../rep/index.js';
import { Tensor, fromData, zeros } from '../../tensor/index.js';
import { equivarianceErrorAsync } from '../../testing/async.js';
import { formatReport, repAction } from '../../testing/index.js';
import type { Io } from '../main.js';

const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The part of onnxruntime-node's API this command uses. */
export interface OrtLike {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
  InferenceSession: {
    create(pathOrBytes: string | Uint8Array): Promise<{
      readonly inputNames: readonly string[];
      readonly outputNames: readonly string[];
      run(feeds: Record<string, unknown>): Promise<Record<string, { data: ArrayLike<number>; dims: readonly number[] }>>;
    }>;
  };
}

/** Where the runtime comes from (tests inject a fake one). */
export interface CheckDeps {
  loadRuntime?: () => Promise<OrtLike>;
}

const USAGE = 'usage: erlangen check <model.onnx> --group "SO(3)" --in "4V" --out "V^2" [--json] [--batch N] [--tol X]\n';

/** Load onnxruntime-node (or another package exposing its API) by specifier, explaining when it is missing. */
export async function loadOnnxRuntime(specifier = 'onnxruntime-node'): Promise<OrtLike> {
  try {
    const mod = (await import(specifier)) as { default?: OrtLike } & OrtLike;
    return mod.InferenceSession ? mod : mod.default!;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(String(e))) {
      throw new Error('onnxruntime-node is not installed: install it with `npm pkg set \'allowScripts.onnxruntime-node=false\' --json && npm install -D onnxruntime-node` (see TOOLCHAIN.md §8)');
    }
    throw e;
  }
}

function parseArgs(argv: string[]): { file: string; group: string; inp: string; out: string; json: boolean; batch: number; tol?: number } | string {
  const o: Record<string, string> = {};
  let file = '', json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (['--group', '--in', '--out', '--batch', '--tol'].includes(a)) {
      const v = argv[++i];
      if (v === undefined) return `missing value after ${a}`;
      o[a.slice(2)] = v;
    } else if (a.startsWith('--')) return `unknown flag ${a}`;
    else if (!file) file = a;
    else return `unexpected argument ${a}`;
  }
  if (!file || !o.group || !o.in || !o.out) return 'give a model file, --group, --in and --out';
  const batch = Number(o.batch ?? 4), tol = o.tol === undefined ? undefined : Number(o.tol);
  if (!Number.isInteger(batch) || batch < 1 || (tol !== undefined && !(tol > 0))) return 'bad --batch or --tol';
  return { file, group: o.group, inp: o.in, out: o.out, json, batch, ...(tol !== undefined ? { tol } : {}) };
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
    const inName = session.inputNames[0]!, outName = session.outputNames[0]!;
    const model = async (x: Tensor): Promise<Tensor> => {
      const res = await session.run({ [inName]: new ort.Tensor('float32', Float32Array.from(x.data), x.shape) });
      const y = res[outName]!;
      return fromData(Float32Array.from(y.data), y.dims);
    };
    const inAct = repAction(repIn, { batch: args.batch });
    const report = await equivarianceErrorAsync(model, (x: Tensor) => zeros([x.shape[0]!, repOut.size]), {
      group: G, in: inAct, out: repAction(repOut), dtype: 'float32', ...(args.tol !== undefined ? { tol: args.tol } : {}),
    });
    if (args.json) io.out(JSON.stringify({ ok: report.ok, verdict: report.verdict, group: report.group, dtype: report.dtype, tol: report.tol, worst: report.worst, diagnoses: report.diagnoses, elements: report.elements.map(({ fields: _f, ...e }) => e), fields: report.fields }) + '\n');
    else io.out(formatReport(report) + '\n');
    return report.ok ? EXIT.ok : EXIT.failure;
  } catch (e) {
    io.err(`erlangen check: ${(e as Error).message}\n`);
    return EXIT.failure;
  }
}
