/**
 * vitest (or jest) matchers: `expect(model).toBeEquivariant(spec)` and
 * `expect(model).toBeInvariant(spec)`. Nothing here imports vitest: pass your `expect` to
 * {@link registerMatchers}.
 * @module
 */
import type { EquivarianceSpec } from './equivariance.js';
import { equivarianceError } from './equivariance.js';
import { invariantAction } from './actions/vector.js';
import { formatReport } from './report.js';

/**
 * The matcher methods, for declaration merging in a test setup file:
 * ```ts
 * declare module 'vitest' { interface Assertion<T = any> extends EquivarianceMatchers<T> {} }
 * ```
 */
export interface EquivarianceMatchers<R = unknown> {
  /** The model (function or Module) is equivariant under `spec` within tolerance. */
  toBeEquivariant(spec?: EquivarianceSpec): R;
  /** Every output of the model is invariant under `spec` (spec.out is ignored). */
  toBeInvariant(spec?: Omit<EquivarianceSpec, 'out'>): R;
}

/** The minimal part of vitest's / jest's `expect` that {@link registerMatchers} uses. */
export interface ExpectLike {
  extend(matchers: Record<string, (this: unknown, received: unknown, ...args: any[]) => { pass: boolean; message: () => string }>): void;
}

/**
 * Register `toBeEquivariant` and `toBeInvariant` on `expect`. A failure message is the harness's
 * printed report (worst field and element, diagnosis).
 * @example
 * ```ts
 * import { expect } from 'vitest';
 * registerMatchers(expect);
 * expect(layer).toBeEquivariant();
 * ```
 */
export function registerMatchers(expect: ExpectLike): void {
  expect.extend({
    toBeEquivariant(received: unknown, spec: EquivarianceSpec = {}) {
      const r = equivarianceError(received as object, spec);
      return { pass: r.ok, message: () => (r.ok ? `expected the model not to be equivariant, but:\n${formatReport(r)}` : formatReport(r)) };
    },
    toBeInvariant(received: unknown, spec: Omit<EquivarianceSpec, 'out'> = {}) {
      const r = equivarianceError(received as object, { ...spec, out: invariantAction() });
      return { pass: r.ok, message: () => (r.ok ? `expected the model not to be invariant, but:\n${formatReport(r)}` : formatReport(r)) };
    },
  });
}
