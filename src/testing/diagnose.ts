/**
 * Turning per-element, per-field errors into a verdict and findings in words: the worst field and
 * element, failures only under reflections / translations / permutations, elements outside the
 * declared group, discretisation (error shrinking with resolution) versus an O(1) bug, rounding,
 * degenerate inputs.
 * @module
 */
import type { FloatDType } from '../nn/index.js';
import type { Diagnosis, ElementResult, EquivarianceReport, FieldError, ResolutionError } from './report.js';

/** Inputs of {@link diagnose}. */
export interface DiagnoseInput {
  group: string | null;
  dtype: FloatDType;
  tol: number;
  elements: ElementResult[];
  notes: string[];
  degeneracies: string[];
  study?: ResolutionError[];
  acceptDiscretisation: boolean;
}

const e = (x: number): string => (Number.isFinite(x) ? x.toExponential(2) : String(x));
const list = (xs: string[]): string => (xs.length <= 4 ? xs.map((x) => `"${x}"`).join(', ') : `${xs.slice(0, 4).map((x) => `"${x}"`).join(', ')} and ${xs.length - 4} more`);

/** The verdict and the findings of a check. */
export function diagnose(d: DiagnoseInput): EquivarianceReport {
  const diagnoses: Diagnosis[] = [];
  const counted = d.elements.filter((x) => x.inGroup !== false && !x.skipped);
  const failed = counted.filter((x) => x.failed);
  const passed = counted.filter((x) => !x.failed);

  // per-field worst over counted elements
  const byField = new Map<string, FieldError & { element: string }>();
  for (const x of counted) {
    for (const f of x.fields) {
      const k = `${f.output}|${f.field}`, cur = byField.get(k);
      if (!cur || f.relative > cur.relative || !Number.isFinite(f.relative)) byField.set(k, { ...f, element: x.label });
    }
  }
  const fields = [...byField.values()];
  const worst = fields.reduce<(FieldError & { element: string }) | null>((a, b) => (!a || !(b.relative <= a.relative) ? b : a), null);

  let verdict: EquivarianceReport['verdict'] = failed.length ? 'not-equivariant' : 'equivariant';
  if (d.study && d.study.length >= 2) {
    const [a, b] = [d.study[0]!, d.study[d.study.length - 1]!];
    const order = Math.log(a.relative / b.relative) / Math.log(b.resolution / a.resolution);
    const series = d.study.map((s) => `${s.resolution}: ${e(s.relative)}`).join(', ');
    if (a.relative > d.tol || b.relative > d.tol) {
      if (Number.isFinite(order) && order >= 0.5 && b.relative < a.relative) {
        diagnoses.push({ kind: 'discretisation', message: `the error shrinks with resolution (${series}; observed order ≈ ${order.toFixed(1)}): discretisation error of the approximate action, not a bug` });
        if (d.acceptDiscretisation) verdict = 'discretisation';
      } else {
        diagnoses.push({ kind: 'bug', message: `the error does not shrink with resolution (${series}): a real equivariance bug, not discretisation` });
        verdict = 'not-equivariant';
      }
    }
  }

  if (failed.length && worst && verdict === 'not-equivariant') {
    diagnoses.push({ kind: 'worst', message: `worst field "${worst.field}" of output ${worst.output} at element "${worst.element}": relative ${e(worst.relative)} (tolerance ${e(d.tol)})` });
    const neg = failed.every((x) => x.det < 0);
    const posPass = passed.some((x) => x.det > 0 && x.kind !== 'translation' && x.kind !== 'permutation' && x.kind !== 'shift' && x.kind !== 'gauge');
    if (neg && posPass) {
      diagnoses.push({ kind: 'reflection', message: `only elements with det −1 fail (${list(failed.map((x) => x.label))}); rotations pass: the model ignores reflections/parity (e.g. it treats a pseudovector as a vector or uses a cross product); it is equivariant under the rotation subgroup only` });
    }
    const rotPass = passed.some((x) => ['generator', 'lie', 'testing', 'reflection', 'parity'].includes(x.kind));
    if (failed.some((x) => x.kind === 'translation') && rotPass) {
      diagnoses.push({ kind: 'translation', message: 'a pure translation fails while rotations pass: the model is not translation invariant (use relative positions x_i − x_j or centre the cloud)' });
    }
    if (failed.some((x) => x.kind === 'permutation') && passed.some((x) => x.kind !== 'permutation' && x.kind !== 'translation')) {
      diagnoses.push({ kind: 'permutation', message: 'a pure node/edge permutation fails: the model depends on the order of nodes or edges (e.g. uses node indices, or reads the first edge of each node)' });
    } else if (failed.every((x) => x.kind === 'permutation')) {
      diagnoses.push({ kind: 'permutation', message: 'node/edge permutations fail: the model depends on the order of nodes or edges' });
    }
    const badFields = fields.filter((f) => f.relative > d.tol);
    if (badFields.length < fields.length) {
      diagnoses.push({ kind: 'field', message: `only ${badFields.length} of ${fields.length} fields fail: ${list(badFields.map((f) => `out${f.output} ${f.field}`))}; the others are equivariant` });
    }
    const rel = worst.relative;
    if (rel > 1e-2) diagnoses.push({ kind: 'bug', message: `the error is O(1) (${e(rel)} relative): a real equivariance bug, not rounding` });
    else if (rel < (d.dtype === 'float64' ? 1e-8 : 1e-3)) diagnoses.push({ kind: 'rounding', message: `the error (${e(rel)}) is small: it may be accumulated rounding; compare in float64 or raise tol` });
  }
  const outside = d.elements.filter((x) => x.inGroup === false);
  if (outside.length) {
    const bad = outside.filter((x) => x.relative > d.tol);
    diagnoses.push({
      kind: 'outside-group',
      message: `${outside.length} element${outside.length > 1 ? 's are' : ' is'} not in ${d.group}: ${outside.map((x) => `"${x.label}" (${x.membership})`).join('; ')}; not counted${bad.length ? ` (they do fail: ${e(Math.max(...bad.map((x) => x.relative)))}; equivariance under them is not expected)` : ''}`,
    });
  }
  const skipped = d.elements.filter((x) => x.skipped);
  if (skipped.length) diagnoses.push({ kind: 'skipped', message: `${skipped.length} of ${d.elements.length} element(s) could not be applied: ${skipped[0]!.skipped}` });
  // a check that compared nothing must not pass
  const compared = counted.reduce((n, x) => n + x.fields.reduce((m, f) => m + (f.count ?? 1), 0), 0);
  const vacuous = d.elements.length === 0
    ? 'no group element was checked (no group, and the actions need no permutation, translation, shift or gauge change; or spec.elements selected none)'
    : counted.length === 0
      ? `none of the ${d.elements.length} elements was counted (${skipped.length} skipped, ${outside.length} outside ${d.group ?? 'the group'})`
      : compared === 0
        ? 'no output value was compared (the output actions have no fields, or the outputs are empty)'
        : null;
  if (vacuous) {
    verdict = 'inconclusive';
    diagnoses.unshift({ kind: 'vacuous', message: `nothing was compared: ${vacuous}; the check fails rather than pass vacuously` });
  }
  for (const msg of d.degeneracies) diagnoses.push({ kind: 'degenerate-input', message: `degenerate input: ${msg}` });
  for (const msg of d.notes) diagnoses.push({ kind: 'dtype', message: msg });
  return {
    ok: verdict === 'equivariant' || verdict === 'discretisation', verdict, group: d.group, dtype: d.dtype, tol: d.tol,
    elements: d.elements, fields, worst, diagnoses, ...(d.study ? { resolutions: d.study } : {}),
  };
}
