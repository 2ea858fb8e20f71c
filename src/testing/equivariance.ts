/**
 * `equivarianceError` and `assertEquivariant`: check f(g·x) = g·f(x) for any function or module
 * under group actions on every data type, and explain failures. Every mismatch between the
 * declared actions and the data or the model's outputs (widths, shapes, dtypes, number of
 * outputs, NaN/Inf) is a named error raised before anything is compared; see docs/design/harness.md.
 * @module
 */
import { declaresGraphSymmetry } from '../graph/index.js';
import type { GraphSymmetry } from '../graph/index.js';
import { O } from '../group/index.js';
import type { Group } from '../group/index.js';
import type { FloatDType } from '../nn/index.js';
import { Rep, V } from '../rep/index.js';
import { Tensor, noGrad } from '../tensor/index.js';
import { DTypeError, ErlangenError, Rng, ShapeError, ValueError, fmtShape } from '../util/index.js';
import { geometricGraphAction, graphAction, nodeAction, nodeCloudAction } from './actions/graph.js';
import type { Action } from './actions/types.js';
import { describeValue } from './actions/types.js';
import { repAction } from './actions/vector.js';
import { NonFiniteError, UnsupportedElementError } from './errors.js';
import { diagnose } from './diagnose.js';
import type { Element, ElementOptions } from './element.js';
import { elementDet, elementDistance, membership, sampleElements } from './element.js';
import { defaultTolerance, errorStats } from './metrics.js';
import type { Model } from './model.js';
import { declaresSymmetry, isModule, moduleDType, outputsOf, withModuleDType } from './model.js';
import type { ElementResult, EquivarianceReport, FieldError, ResolutionError } from './report.js';
import { formatReport } from './report.js';

/** An action, or a Rep (read as `repAction(rep)`). */
export type ActionLike = Action<any> | Rep;

/** What to check: the group, how inputs and outputs transform, which inputs and elements. */
export interface EquivarianceSpec {
  /** The declared symmetry group (its elements are sampled); null/absent for permutation- or gauge-only checks. */
  group?: Group | null;
  /** Actions on the inputs, one per argument of the model (a single one for one argument). */
  in?: ActionLike | readonly ActionLike[];
  /** Actions on the outputs, one per output (a single one for one output). */
  out?: ActionLike | readonly ActionLike[];
  /** Example inputs (one per input action); default: sampled by the actions. */
  data?: readonly unknown[];
  /** Which elements (default: testing elements, 3 random ones, reflections/parity, base-space moves). */
  elements?: ElementOptions;
  /** `'auto'` (default: float64 when the model runs in it), `'float64'` or `'float32'`. */
  dtype?: 'auto' | FloatDType;
  /** Relative tolerance (default 1e−12 in float64, 1e−5 in float32). */
  tol?: number;
  /** Seed of sampled inputs (default 0). */
  seed?: number;
  /** Resolutions of a discretisation study (default for approximate actions: [r, 2r]). */
  resolutions?: readonly number[];
  /** Accept error that shrinks with resolution as discretisation (default true). */
  acceptDiscretisation?: boolean;
}

/** Thrown by the `assert*` functions; carries the report. */
export class EquivarianceError extends ErlangenError {
  override name = 'EquivarianceError';
  constructor(readonly report: EquivarianceReport) {
    super(formatReport(report));
  }
}

const asActions = (a: ActionLike | readonly ActionLike[] | undefined): Action<any>[] =>
  (a === undefined ? [] : Array.isArray(a) ? a : [a]).map((x: ActionLike) => (x instanceof Rep ? repAction(x) : x));

interface Resolved {
  fn: Model;
  module: import('../nn/index.js').AnyModule | null;
  G: Group | null;
  ins: Action<any>[];
  outs: Action<any>[];
}

/** The harness's reading of a graph layer's {@link GraphSymmetry} declaration: model, actions and group. */
function graphDeclaration(s: GraphSymmetry): { fn: Model; ins: Action<any>[]; outs: Action<any>[]; G: Group | null } {
  if (s.kind === 'permutation') {
    const act = graphAction({ ...(s.nodeFeatures !== null ? { features: s.nodeFeatures } : {}), edgeFeatures: s.edgeFeatures });
    // a layer that does not know its input width cannot have its inputs sampled: spec.data is needed
    const ins = s.nodeFeatures === null ? [{ ...act, name: `${act.name} (node feature width not declared by the layer)`, sample: undefined }] : [act];
    return { fn: (g) => s.apply(g), ins, outs: [nodeAction()], G: null };
  }
  const G = O(s.dim);
  const layout = { h: 'invariant' as const, x: 'positions' as const, ...(s.velocity ? { v: V(G) } : {}) };
  return {
    fn: (g) => s.apply(g),
    ins: [geometricGraphAction(s.dim, { features: s.nodeFeatures, edgeFeatures: s.edgeFeatures, velocity: s.velocity })],
    outs: [nodeCloudAction(s.dim, layout)],
    G,
  };
}

function resolve(fnOrModule: Model | object, spec: EquivarianceSpec): Resolved {
  const module = isModule(fnOrModule) ? fnOrModule : null;
  const declared = declaresSymmetry(fnOrModule) ? fnOrModule : null;
  if (!declared && spec.in === undefined && spec.out === undefined && declaresGraphSymmetry(fnOrModule)) {
    const d = graphDeclaration(fnOrModule.graphSymmetry);
    return { fn: d.fn, module, G: spec.group === undefined ? d.G : spec.group, ins: d.ins, outs: d.outs };
  }
  const fn: Model = module ? (...xs: any[]) => module.call(...xs) : (fnOrModule as Model);
  if (typeof fn !== 'function') throw new ValueError('assertEquivariant: expected a function or a Module');
  const ins = asActions(spec.in ?? declared?.repIn), outs = asActions(spec.out ?? declared?.repOut);
  if (!ins.length || !outs.length) throw new ValueError('assertEquivariant: give spec.in and spec.out (or a module declaring repIn/repOut/group, or a graph layer declaring graphSymmetry)');
  const G = spec.group === undefined ? (declared?.group ?? null) : spec.group;
  if (G) {
    for (const [role, list] of [['spec.in', ins], ['spec.out', outs]] as const) {
      list.forEach((a, i) => {
        if (a.groupDim !== undefined && a.groupDim !== G.d) {
          throw new ShapeError(`assertEquivariant: ${role}[${i}] (${a.name}) reads ${a.groupDim}×${a.groupDim} group elements but the group ${G.key} acts on R^${G.d} (${G.d}×${G.d} elements)`);
        }
      });
    }
  }
  return { fn, module, G, ins, outs };
}

/** Tensors directly inside a value (the value itself, or the tensor fields of a record). */
function tensorsIn(v: unknown): [string, Tensor][] {
  if (v instanceof Tensor) return [['', v]];
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [];
  return Object.entries(v as Record<string, unknown>).filter((e): e is [string, Tensor] => e[1] instanceof Tensor);
}

/**
 * Check one input or output against its action before anything is compared: the action's own
 * check (type, shape, width, dtype), float dtypes (outputs in float64 when checking in float64)
 * and finite values. Throws ShapeError / DTypeError / ValueError / NonFiniteError. (Outputs without
 * values are not an error here: the report of a check that compared nothing is inconclusive.)
 */
function validate(a: Action<any>, v: unknown, where: string, output: FloatDType | null): void {
  if (v === undefined || v === null) throw new ValueError(`${where} (${a.name}): got ${v === null ? 'null' : 'undefined'}`);
  a.check?.(v, where);
  for (const [k, t] of tensorsIn(v)) {
    const what = k ? `${where} field "${k}"` : where;
    if (t.dtype !== 'float32' && t.dtype !== 'float64') {
      throw new DTypeError(`${what} (${a.name}): expected float32 or float64 values, got ${t.dtype} ${fmtShape(t.shape)}`);
    }
    if (output === 'float64' && t.dtype === 'float32') {
      throw new DTypeError(`${what} (${a.name}): the model returned float32 ${fmtShape(t.shape)} while it is checked in float64 (the 1e-12 tolerance cannot be met); check it in float32 (spec.dtype: 'float32')`);
    }
  }
  const fields = a.fields(v);
  for (const f of fields) {
    let bad = 0;
    for (const x of f.values) if (!Number.isFinite(x)) bad++;
    if (bad) throw new NonFiniteError(`${where} (${a.name}): ${bad} of ${f.values.length} values of field "${f.name}" are NaN or ±Infinity; the equivariance error cannot be measured`);
  }
}

interface RunResult {
  elements: ElementResult[];
  dtype: FloatDType;
  notes: string[];
  degeneracies: string[];
}

function sampleData(r: Resolved, spec: EquivarianceSpec, dtype: FloatDType, resolution?: number): unknown[] {
  if (spec.data && resolution === undefined) {
    if (spec.data.length !== r.ins.length) throw new ShapeError(`assertEquivariant: spec.data has ${spec.data.length} values but the model takes ${r.ins.length} inputs (${r.ins.map((a) => a.name).join('; ')})`);
    return r.ins.map((a, i) => {
      const v = spec.data![i];
      validate(a, v, `spec.data[${i}]`, null);
      return a.cast ? a.cast(v, dtype) : v;
    });
  }
  const rng = new Rng(spec.seed ?? 0);
  return r.ins.map((a) => {
    if (!a.sample) throw new ValueError(`assertEquivariant: action "${a.name}" cannot sample inputs; pass spec.data`);
    return a.sample(rng, resolution === undefined ? { dtype } : { dtype, resolution });
  });
}

function runAt(r: Resolved, spec: EquivarianceSpec, tol: number | undefined, resolution?: number): RunResult {
  const want = spec.dtype ?? 'auto';
  const notes: string[] = [];
  const attempt = (dtype: FloatDType): RunResult => {
    const run = (): RunResult => noGrad(() => {
      const x = sampleData(r, spec, dtype, resolution);
      r.ins.forEach((a, i) => validate(a, x[i], `input ${i}`, null));
      const y0 = outputsOf(r.fn(...x));
      checkCount(r, y0, 'f(x)');
      r.outs.forEach((a, j) => validate(a, y0[j], `output ${j} of the model`, dtype));
      const needs = { translate: false, permute: false, shift: false, gauge: false };
      for (const a of [...r.ins, ...r.outs]) for (const k of Object.keys(needs) as (keyof typeof needs)[]) needs[k] ||= !!a.uses[k];
      const els = sampleElements(r.G, needs, spec.elements);
      const t = tol ?? spec.tol ?? defaultTolerance(dtype);
      const results = els.map((e) => evalElement(r, e, x, y0, t));
      const degeneracies = r.ins.flatMap((a, i) => (a.degeneracies ? a.degeneracies(x[i]) : []));
      return { elements: results, dtype, notes, degeneracies };
    });
    return r.module && dtype !== moduleDType(r.module) ? withModuleDType(r.module, dtype, run) : run();
  };
  if (want !== 'auto') return attempt(want);
  try {
    return attempt('float64');
  } catch (err) {
    if ((err as Error)?.name !== 'DTypeError') throw err;
    notes.push(`the model does not run in float64 (${(err as Error).message}); checked in float32`);
    return attempt('float32');
  }
}

function checkCount(r: Resolved, y: unknown[], what: string): void {
  if (y.length !== r.outs.length) {
    throw new ShapeError(`assertEquivariant: ${what} returned ${y.length} output${y.length === 1 ? '' : 's'} (${y.map(describeValue).join('; ')}) but ${r.outs.length} output action${r.outs.length === 1 ? ' is' : 's are'} declared (${r.outs.map((a) => a.name).join('; ')})`);
  }
}

function evalElement(r: Resolved, e: Element, x: unknown[], y0: unknown[], tol: number): ElementResult {
  const mem = r.G && e.g ? membership(r.G, e.g) : { inGroup: true, reason: 'identity matrix part' };
  const base = { label: e.label, kind: e.kind, det: elementDet(e), inGroup: mem.inGroup, membership: mem.reason };
  let gx: unknown[], y2: unknown[];
  try {
    gx = r.ins.map((a, i) => a.act(e, x[i]));
    y2 = r.outs.map((a, j) => a.act(e, y0[j]));
  } catch (err) {
    // only an element the action cannot apply is skipped; anything else is an error
    if (!(err instanceof UnsupportedElementError)) throw err;
    return { ...base, maxAbs: 0, rms: 0, relative: 0, fields: [], failed: false, skipped: err.message };
  }
  const y1 = outputsOf(r.fn(...gx));
  checkCount(r, y1, `f(g·x) at element "${e.label}"`);
  r.outs.forEach((a, j) => a.check?.(y1[j], `output ${j} of the model at element "${e.label}"`));
  const dist = elementDistance(e);
  const fields: FieldError[] = r.outs.flatMap((a, j) => {
    const f1 = a.fields(y1[j]), f2 = a.fields(y2[j]);
    const shape = (fs: typeof f1) => fs.map((f) => `${f.name}:${f.values.length}`).join(', ');
    if (f1.length !== f2.length || f1.some((f, k) => f.name !== f2[k]!.name || f.values.length !== f2[k]!.values.length)) {
      throw new ShapeError(`assertEquivariant: output ${j} (${a.name}) at element "${e.label}": f(g·x) has fields {${shape(f1)}} but g·f(x) has {${shape(f2)}}`);
    }
    return f1.map((f, k) => ({ output: j, field: f.name, ...errorStats(f.values, f2[k]!.values, dist) }));
  });
  const worst = fields.reduce((a, b) => (b.relative > a.relative ? b : a), { maxAbs: 0, rms: 0, relative: 0 } as FieldError);
  const maxAbs = Math.max(0, ...fields.map((f) => f.maxAbs));
  return { ...base, maxAbs, rms: worst.rms, relative: worst.relative, fields, failed: mem.inGroup !== false && !(worst.relative <= tol) };
}

/**
 * Measure equivariance: for sampled elements g, compare f(g·x) with g·f(x) per output field and
 * report max-abs, RMS and EMLP's scale-adjusted relative error, with a diagnosis (worst field and
 * element, reflections only, outside the group, discretisation vs bug, degenerate inputs).
 *
 * @param fnOrModule a function from inputs to one output or an array of outputs, or a Module
 *   (one declaring `repIn`/`repOut`/`group` needs no `in`/`out`/`group` in the spec).
 * @returns the report (never throws on a failure; see {@link assertEquivariant}).
 * @example
 * ```ts
 * const G = SO(3);
 * const report = equivarianceError((x: Tensor) => x.mul(x.square().sum(-1, true)), { group: G, in: V(G), out: V(G) });
 * console.log(formatReport(report));
 * ```
 */
export function equivarianceError(fnOrModule: Model | object, spec: EquivarianceSpec = {}): EquivarianceReport {
  const r = resolve(fnOrModule, spec);
  const approx = [...r.ins, ...r.outs].filter((a) => a.approximate);
  const res0 = approx.find((a) => a.resolution)?.resolution;
  const resolutions = spec.resolutions ?? (approx.length && res0 ? [res0, 2 * res0] : null);
  let main: RunResult;
  let study: ResolutionError[] | undefined;
  if (resolutions && resolutions.length >= 2) {
    const runs = resolutions.map((res) => runAt(r, spec, undefined, res));
    main = runs[0]!;
    study = runs.map((run, i) => {
      const counted = run.elements.filter((x) => x.inGroup !== false && !x.skipped);
      return { resolution: resolutions[i]!, relative: Math.max(0, ...counted.map((x) => x.relative)), maxAbs: Math.max(0, ...counted.map((x) => x.maxAbs)) };
    });
  } else {
    main = runAt(r, spec, undefined);
  }
  const tol = spec.tol ?? defaultTolerance(main.dtype);
  return diagnose({
    group: r.G?.key ?? null, dtype: main.dtype, tol, elements: main.elements, notes: main.notes,
    degeneracies: main.degeneracies, study, acceptDiscretisation: spec.acceptDiscretisation ?? true,
  });
}

/**
 * Throw an {@link EquivarianceError} (whose message is the printed report) unless the model is
 * equivariant within tolerance; returns the report otherwise.
 */
export function assertEquivariant(fnOrModule: Model | object, spec: EquivarianceSpec = {}): EquivarianceReport {
  const report = equivarianceError(fnOrModule, spec);
  if (!report.ok) throw new EquivarianceError(report);
  return report;
}
