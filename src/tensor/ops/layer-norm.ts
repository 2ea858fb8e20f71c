/**
 * Layer normalisation as a primitive: one kernel forward, one backward (src/backend/js/layer-norm.ts)
 * instead of the eleven elementwise ops and reductions, and their temporaries, of the formula as a
 * composition.
 * @module
 */
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { dispatch, isGradEnabled } from '../engine.js';
import type { Meta, OpDef } from '../op-def.js';
import type { Tensor } from '../tensor.js';
import { requireArray, requireTensor } from '../shape-util.js';
import { requireFloat, requireSameDType, reshape, sum } from './base.js';
import { add, mul, rsqrt, sub } from './elementwise.js';
import { mean, variance } from './reduce.js';

interface LayerNormAttrs {
  /** Elements normalised per row (the product of normalizedShape). */
  size: number;
  /** The normalised trailing axes' shape. */
  normalizedShape: readonly number[];
  eps: number;
  hasWeight: boolean;
  hasBias: boolean;
}

const rowsOf = (x: Meta, a: LayerNormAttrs): number => (a.size === 0 ? 0 : x.shape.reduce((p, d) => p * d, 1) / a.size);

/** Gradients (gx, gγ, gβ) in one kernel; run only without recording (see layerNormOp's rule). */
const layerNormGradOp: OpDef<LayerNormAttrs> = {
  name: 'layerNormGrad',
  infer: (inputs, a) => {
    const x = inputs[0]!;
    return [{ shape: x.shape, dtype: x.dtype }, { shape: [a.size], dtype: x.dtype }, { shape: [a.size], dtype: x.dtype }];
  },
};

/**
 * The rule's differentiable form, for a pass that records its own graph (createGraph): the
 * closed-form gradients written with ops, the statistics recomputed from x so that second
 * derivatives flow through them.
 */
function gradsAsOps(x: Tensor, w: Tensor | null, g: Tensor, a: LayerNormAttrs, needs: readonly boolean[]): (Tensor | null)[] {
  const k = a.normalizedShape.length;
  const axes = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const lead = Array.from({ length: x.ndim - k }, (_, i) => i);
  const xh = mul(sub(x, mean(x, axes, true)), rsqrt(add(variance(x, axes, true, 0), a.eps)));
  const gxh = w ? mul(g, w) : g;
  const out: (Tensor | null)[] = [
    needs[0] ? mul(rsqrt(add(variance(x, axes, true, 0), a.eps)), sub(sub(gxh, mean(gxh, axes, true)), mul(xh, mean(mul(gxh, xh), axes, true)))) : null,
  ];
  if (a.hasWeight) out.push(needs[1] ? sum(mul(g, xh), lead) : null);
  if (a.hasBias) out.push(needs[out.length] ? sum(g, lead) : null);
  return out;
}

const layerNormOp: OpDef<LayerNormAttrs> = {
  name: 'layerNorm',
  infer: (inputs, a) => {
    const x = inputs[0]!;
    requireFloat('layerNorm', ...inputs);
    requireSameDType('layerNorm', ...inputs);
    const k = a.normalizedShape.length;
    const tail = x.shape.slice(x.shape.length - k);
    if (k === 0 || k > x.shape.length || tail.some((d, i) => d !== a.normalizedShape[i])) {
      throw new ShapeError(`layerNorm: normalizedShape ${fmtShape(a.normalizedShape)} does not match the trailing axes of ${fmtShape(x.shape)}`);
    }
    for (const [i, name] of [[a.hasWeight ? 1 : -1, 'weight'], [a.hasBias ? (a.hasWeight ? 2 : 1) : -1, 'bias']] as const) {
      const t = i > 0 ? inputs[i]! : null;
      if (t && t.shape.join() !== a.normalizedShape.join()) {
        throw new ShapeError(`layerNorm: ${name} ${fmtShape(t.shape)} must have the normalized shape ${fmtShape(a.normalizedShape)} (input ${fmtShape(x.shape)})`);
      }
    }
    const rows = rowsOf(x, a);
    return [{ shape: x.shape, dtype: x.dtype }, { shape: [rows], dtype: x.dtype }, { shape: [rows], dtype: x.dtype }];
  },
  backward: ({ grad, inputs, outputs, attrs: a, needs }) => {
    const x = inputs[0]!, w = a.hasWeight ? inputs[1]! : null;
    if (isGradEnabled()) return gradsAsOps(x, w, grad, a, needs);
    const [gx, gw, gb] = dispatch(layerNormGradOp, [x, outputs[1]!, outputs[2]!, grad, ...(w ? [w] : [])], a);
    const out: (Tensor | null)[] = [gx!];
    if (a.hasWeight) out.push(reshape(gw!, a.normalizedShape));
    if (a.hasBias) out.push(reshape(gb!, a.normalizedShape));
    return out;
  },
};

/**
 * Layer normalisation (Ba, Kiros & Hinton, "Layer Normalization", 2016, arXiv:1607.06450) over
 * the trailing `normalizedShape` axes: y = (x − E[x]) / √(Var[x] + ε) · γ + β, with the biased
 * variance, as `torch.nn.functional.layer_norm`. One kernel forward (statistics in float64, each
 * output rounded once) and one backward,
 * gx = r · (a − mean(a) − x̂ · mean(a ⊙ x̂)), a = g ⊙ γ, x̂ = (x − μ) · r, r = 1/√(σ² + ε);
 * under `createGraph` the backward is written with differentiable ops, so second derivatives exist.
 *
 * @param x float tensor whose trailing axes are `normalizedShape`
 * @param normalizedShape the normalised trailing axes' sizes (at least one axis)
 * @param weight γ of shape `normalizedShape`, or null
 * @param bias β of shape `normalizedShape`, or null
 * @param eps ε ≥ 0 (default 1e-5)
 * @throws ShapeError when `normalizedShape` does not match x's trailing axes or γ/β have another shape
 * @throws ValueError for a negative or non-finite ε; DTypeError for int32 or mixed dtypes
 *
 * @example
 * ```ts
 * layerNorm(tensor([[1, 2, 3]]), [3]).toArray(); // [[-1.2247…, 0, 1.2247…]]
 * ```
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  requireTensor('layerNorm', 'x', x);
  requireArray('layerNorm', 'normalizedShape', normalizedShape);
  if (weight != null) requireTensor('layerNorm', 'weight', weight);
  if (bias != null) requireTensor('layerNorm', 'bias', bias);
  if (typeof eps !== 'number' || !(eps >= 0) || eps === Infinity) throw new ValueError(`layerNorm: eps must be a finite number ≥ 0, got ${String(eps)}`);
  const size = normalizedShape.reduce((p, d) => p * d, 1);
  const attrs: LayerNormAttrs = { size, normalizedShape: [...normalizedShape], eps, hasWeight: weight != null, hasBias: bias != null };
  return dispatch(layerNormOp, [x, ...(weight != null ? [weight] : []), ...(bias != null ? [bias] : [])], attrs)[0]!;
}
