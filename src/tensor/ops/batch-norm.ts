/**
 * Batch normalisation's training-mode computation as a primitive: one kernel forward and one
 * backward (src/backend/js/batch-norm.ts) over the [N, C, S] layout, where the formula as a
 * composition permuted the channel axis away twice (mean, variance) and ran six elementwise ops.
 * `batchNorm` (./functional.ts) calls it and updates the running statistics from its outputs.
 * @module
 */
import { dispatch, isGradEnabled } from '../engine.js';
import type { OpDef } from '../op-def.js';
import type { Tensor } from '../tensor.js';
import { requireFloat, requireSameDType, reshape, sum } from './base.js';
import { add, mul, rsqrt, sub } from './elementwise.js';
import { mean, variance } from './reduce.js';

interface BatchNormAttrs {
  eps: number;
  hasWeight: boolean;
  hasBias: boolean;
}

/** Gradients (gx, gγ, gβ) in one kernel; run only by passes that record no graph. */
const batchNormGradOp: OpDef<BatchNormAttrs> = {
  name: 'batchNormGrad',
  infer: (inputs) => {
    const x = inputs[0]!, C = x.shape[1]!;
    return [{ shape: x.shape, dtype: x.dtype }, { shape: [C], dtype: x.dtype }, { shape: [C], dtype: x.dtype }];
  },
};

/** The rule written with ops (for createGraph): statistics recomputed from x, so second derivatives flow through them. */
function gradsAsOps(x: Tensor, w: Tensor | null, g: Tensor, a: BatchNormAttrs, needs: readonly boolean[]): (Tensor | null)[] {
  const axes = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
  const bshape = [1, x.shape[1]!, ...new Array<number>(x.ndim - 2).fill(1)];
  const r = rsqrt(add(variance(x, axes, true, 0), a.eps));
  const xh = mul(sub(x, mean(x, axes, true)), r);
  const gxh = w ? mul(g, reshape(w, bshape)) : g;
  const out: (Tensor | null)[] = [
    needs[0] ? mul(r, sub(sub(gxh, mean(gxh, axes, true)), mul(xh, mean(mul(gxh, xh), axes, true)))) : null,
  ];
  if (a.hasWeight) out.push(needs[1] ? sum(mul(g, xh), axes) : null);
  if (a.hasBias) out.push(needs[out.length] ? sum(g, axes) : null);
  return out;
}

const batchNormOp: OpDef<BatchNormAttrs> = {
  name: 'batchNorm',
  infer: (inputs) => {
    requireFloat('batchNorm', ...inputs);
    requireSameDType('batchNorm', ...inputs);
    const x = inputs[0]!, C = x.shape[1]!;
    return [{ shape: x.shape, dtype: x.dtype }, { shape: [C], dtype: x.dtype }, { shape: [C], dtype: x.dtype }];
  },
  backward: ({ grad, inputs, outputs, attrs: a, needs }) => {
    const x = inputs[0]!, w = a.hasWeight ? inputs[1]! : null;
    if (isGradEnabled()) return gradsAsOps(x, w, grad, a, needs);
    const [gx, gw, gb] = dispatch(batchNormGradOp, [x, outputs[1]!, outputs[2]!, grad, ...(w ? [w] : [])], a);
    const out: (Tensor | null)[] = [gx!];
    if (a.hasWeight) out.push(gw!);
    if (a.hasBias) out.push(gb!);
    return out;
  },
};

/**
 * @internal Training-mode batch normalisation of x [N, C, …] (shapes already checked by
 * `batchNorm`): returns y and the batch mean and biased variance, each [C].
 */
export function batchNormTraining(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): [Tensor, Tensor, Tensor] {
  const outs = dispatch(batchNormOp, [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])], { eps, hasWeight: weight !== null, hasBias: bias !== null });
  return [outs[0]!, outs[1]!, outs[2]!];
}
