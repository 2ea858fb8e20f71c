/**
 * The equivariance report: its types and a readable printout.
 * @module
 */
import type { FloatDType } from '../nn/index.js';
import type { ElementKind } from './element.js';
import type { ErrorStats } from './metrics.js';

/** Error of one output field under one element. */
export interface FieldError extends ErrorStats {
  /** Output index (position in the model's outputs). */
  output: number;
  /** Field name, e.g. `"V^2#1"`, `"nodes"`, `"ρ_2"`. */
  field: string;
}

/** Result for one element. */
export interface ElementResult extends ErrorStats {
  label: string;
  kind: ElementKind;
  /** det of the matrix part (1 without one). */
  det: number;
  /** Membership in the declared group (null: undecided; false elements are reported, not counted). */
  inGroup: boolean | null;
  /** Why it is (not) in the group. */
  membership: string;
  /** Set when the element could not be applied (e.g. a 30° rotation on an exact grid action). */
  skipped?: string;
  /** Per output field. */
  fields: FieldError[];
  /** relative > tol (and counted). */
  failed: boolean;
}

/** The kinds of diagnosis the harness makes. */
export type DiagnosisKind =
  | 'worst' | 'bug' | 'rounding' | 'reflection' | 'translation' | 'permutation' | 'field'
  | 'outside-group' | 'discretisation' | 'degenerate-input' | 'dtype' | 'skipped' | 'vacuous';

/** One finding, in words. */
export interface Diagnosis {
  kind: DiagnosisKind;
  message: string;
}

/** Worst error at one resolution (discretisation study). */
export interface ResolutionError {
  resolution: number;
  relative: number;
  maxAbs: number;
}

/** Everything {@link equivarianceError} found. */
export interface EquivarianceReport {
  /**
   * Within tolerance on every counted element (or only discretisation error, when accepted), and
   * something was compared: false when no element was counted (none sampled, all skipped or
   * outside the group) or no output value was compared.
   */
  ok: boolean;
  /**
   * `'equivariant'`, `'not-equivariant'`, `'discretisation'` (error that shrinks with resolution)
   * or `'inconclusive'` (nothing was compared: a failure, with the reason in a `'vacuous'` diagnosis).
   */
  verdict: 'equivariant' | 'not-equivariant' | 'discretisation' | 'inconclusive';
  /** Group key, or null for permutation/gauge-only checks. */
  group: string | null;
  /** dtype the model ran in. */
  dtype: FloatDType;
  /** Relative tolerance used. */
  tol: number;
  /** One entry per element. */
  elements: ElementResult[];
  /** Per output field: the worst error over counted elements and the element it occurred at. */
  fields: (FieldError & { element: string })[];
  /** The worst (element, field) over counted elements. */
  worst: (FieldError & { element: string }) | null;
  /** Findings, most important first. */
  diagnoses: Diagnosis[];
  /** Worst relative error per resolution (only for approximate actions / a discretisation study). */
  resolutions?: ResolutionError[];
}

const e = (x: number): string => (Number.isFinite(x) ? x.toExponential(2) : String(x));

/** A readable multi-line printout of a report. */
export function formatReport(r: EquivarianceReport, opts: { maxElements?: number } = {}): string {
  const lines: string[] = [];
  const head = r.verdict === 'equivariant' ? 'EQUIVARIANT' : r.verdict === 'discretisation' ? 'DISCRETISATION ERROR ONLY'
    : r.verdict === 'inconclusive' ? 'INCONCLUSIVE (nothing was compared; a failure)' : 'NOT EQUIVARIANT';
  lines.push(`${head}${r.group ? ` under ${r.group}` : ''} (${r.dtype}, relative tolerance ${e(r.tol)})`);
  if (r.worst) lines.push(`  worst: ${e(r.worst.relative)} relative (max-abs ${e(r.worst.maxAbs)}, RMS ${e(r.worst.rms)}) in field "${r.worst.field}" of output ${r.worst.output} at element "${r.worst.element}"`);
  if (r.diagnoses.length) {
    lines.push('  diagnosis:');
    for (const d of r.diagnoses) lines.push(`    - [${d.kind}] ${d.message}`);
  }
  lines.push('  elements (relative / max-abs / RMS):');
  const shown = r.elements.slice(0, opts.maxElements ?? 24);
  const w = Math.max(8, ...shown.map((x) => x.label.length));
  for (const x of shown) {
    const mark = x.skipped ? 'skip' : x.inGroup === false ? 'out ' : x.failed ? 'FAIL' : 'ok  ';
    const tail = x.skipped ? `  ${x.skipped}` : x.inGroup === false ? `  not in group: ${x.membership}` : '';
    lines.push(`    ${mark} ${x.label.padEnd(w)}  ${e(x.relative)}  ${e(x.maxAbs)}  ${e(x.rms)}${x.det < 0 ? '  det −1' : ''}${tail}`);
  }
  if (r.elements.length > shown.length) lines.push(`    … ${r.elements.length - shown.length} more`);
  if (r.fields.length) {
    lines.push('  fields (worst relative, at element):');
    for (const f of r.fields) lines.push(`    ${f.relative > r.tol ? 'FAIL' : 'ok  '} out${f.output} ${f.field}: ${e(f.relative)} at "${f.element}"`);
  }
  if (r.resolutions) lines.push(`  by resolution: ${r.resolutions.map((x) => `${x.resolution}: ${e(x.relative)}`).join(', ')}`);
  return lines.join('\n');
}
