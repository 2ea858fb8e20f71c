/** Helpers shared by the set-model tests (attention, DeepSets, Set Transformer). */
import { concat, noGrad, randn, tensor, uniform, type Tensor } from '../../src/tensor/index.js';
import type { AnyModule } from '../../src/nn/index.js';
import type { Rng } from '../../src/util/rng.js';

/** The two float dtypes. */
export type DT = 'float32' | 'float64';

/** Relative tolerances of the equivariance checks. */
export const tol: Record<DT, number> = { float64: 1e-12, float32: 1e-5 };

/** max |a − b| / max |b|. */
export function relErr(a: Tensor, b: Tensor): number {
  const x = a.toFlatArray(), y = b.toFlatArray();
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) {
    num = Math.max(num, Math.abs(x[i]! - y[i]!));
    den = Math.max(den, Math.abs(y[i]!));
  }
  return num / Math.max(den, 1e-300);
}

/** Permute the elements (axis 1) of a batch of sets [B, n, F]. */
export const permuteSet = (x: Tensor, perm: Int32Array): Tensor => x.indexSelect(1, perm);

/** Worst relative error of every parameter's analytic gradient vs central differences. */
export function paramGradError(m: AnyModule, f: () => Tensor, rng: Rng, eps = 1e-6): number {
  const u = uniform(rng, noGrad(f).shape, -1, 1, { dtype: 'float64' });
  m.zeroGrad();
  f().mul(u).sum().backward();
  const val = (): number => noGrad(() => f().mul(u).sum().item());
  let worst = 0;
  for (const p of m.parameters()) {
    for (let i = 0; i < p.size; i++) {
      const old = p.data[i]!;
      p.data[i] = old + eps;
      const fp = val();
      p.data[i] = old - eps;
      const fm = val();
      p.data[i] = old;
      const num = (fp - fm) / (2 * eps);
      worst = Math.max(worst, Math.abs((p.grad ? p.grad.data[i]! : 0) - num) / (1 + Math.abs(num)));
    }
  }
  return worst;
}

/** Sets of the given sizes padded to max size with junk, plus the [B, n] padding mask (1 = pad). */
export function padded(rng: Rng, sizes: number[], F: number, dtype: DT): { sets: Tensor[]; x: Tensor; mask: Tensor } {
  const N = Math.max(...sizes);
  const sets = sizes.map((n) => randn(rng, [1, n, F], { dtype }));
  const x = concat(sets.map((s) => concat([s, randn(rng, [1, N - s.shape[1]!, F], { dtype }).mul(100)], 1)), 0);
  const mask = tensor(sizes.map((n) => Array.from({ length: N }, (_, j) => (j < n ? 0 : 1))));
  return { sets, x, mask };
}
