/**
 * Convolutions (cross-correlation, PyTorch conventions): conv2d, conv1d and convTranspose2d,
 * built from three primitives (conv2d and its two gradients) whose backward rules reference each
 * other, so every one of them is differentiable.
 * @module
 */
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { asOp, checkedSize, requireTensor } from '../shape-util.js';
import { apply } from '../engine.js';
import type { Meta, OpDef } from '../op-def.js';
import type { Tensor } from '../tensor.js';
import { requireFloat, requireSameDType, reshape } from './base.js';
import { add } from './elementwise.js';

interface ConvAttrs {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

function outSize(n: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

function convShape(op: string, x: readonly number[], w: readonly number[], a: ConvAttrs): number[] {
  if (x.length !== 4) throw new ShapeError(`${op}: input must be [N,C,H,W], got ${fmtShape(x)}`);
  if (w.length !== 4) throw new ShapeError(`${op}: weight must be [Cout,Cin/groups,kh,kw], got ${fmtShape(w)}`);
  const [N, C, H, W] = x as [number, number, number, number];
  const [O, Cg, kh, kw] = w as [number, number, number, number];
  if (C % a.groups !== 0 || O % a.groups !== 0) throw new ShapeError(`${op}: channels in ${C} and out ${O} must be divisible by groups=${a.groups}`);
  if (Cg * a.groups !== C) throw new ShapeError(`${op}: weight ${fmtShape(w)} expects ${Cg * a.groups} input channels (groups=${a.groups}) but input ${fmtShape(x)} has ${C}`);
  const Ho = outSize(H, kh, a.stride[0], a.padding[0], a.dilation[0]);
  const Wo = outSize(W, kw, a.stride[1], a.padding[1], a.dilation[1]);
  if (Ho <= 0 || Wo <= 0) throw new ShapeError(`${op}: kernel ${kh}×${kw} (dilation ${a.dilation}) does not fit input ${H}×${W} with padding ${a.padding}`);
  const out = [N, O, Ho, Wo];
  checkedSize(op, out);
  return out;
}

function floats(op: string, ...ms: Meta[]): Meta['dtype'] {
  requireFloat(op, ...ms);
  return requireSameDType(op, ...ms);
}

const conv2dOp: OpDef<ConvAttrs> = {
  name: 'conv2d',
  infer: ([x, w], a) => [{ shape: convShape('conv2d', x!.shape, w!.shape, a), dtype: floats('conv2d', x!, w!) }],
  backward: ({ grad, inputs: [x, w], attrs, needs }) => [
    needs[0] ? apply(conv2dGradInputOp, [grad, w!], { ...attrs, inputShape: [...x!.shape] }) : null,
    needs[1] ? apply(conv2dGradWeightOp, [x!, grad], { ...attrs, weightShape: [...w!.shape] }) : null,
  ],
};

const conv2dGradInputOp: OpDef<ConvAttrs & { inputShape: number[] }> = {
  name: 'conv2dGradInput',
  infer: ([g, w], a) => {
    const want = convShape('convTranspose2d', a.inputShape, w!.shape, a);
    if (want.some((d, i) => d !== g!.shape[i])) {
      throw new ShapeError(`convTranspose2d: input ${fmtShape(g!.shape)} does not match the output shape ${fmtShape(want)} of the adjoint convolution`);
    }
    return [{ shape: a.inputShape, dtype: floats('convTranspose2d', g!, w!) }];
  },
  backward: ({ grad, inputs: [g, w], attrs, needs }) => [
    needs[0] ? apply(conv2dOp, [grad, w!], attrs) : null,
    needs[1] ? apply(conv2dGradWeightOp, [grad, g!], { ...attrs, weightShape: [...w!.shape] }) : null,
  ],
};

const conv2dGradWeightOp: OpDef<ConvAttrs & { weightShape: number[] }> = {
  name: 'conv2dGradWeight',
  infer: ([x, g], a) => {
    convShape('conv2dGradWeight', x!.shape, a.weightShape, a);
    return [{ shape: a.weightShape, dtype: floats('conv2dGradWeight', x!, g!) }];
  },
  backward: ({ grad, inputs: [x, g], attrs, needs }) => [
    needs[0] ? apply(conv2dGradInputOp, [g!, grad], { ...attrs, inputShape: [...x!.shape] }) : null,
    needs[1] ? apply(conv2dOp, [x!, grad], attrs) : null,
  ],
};

type Pair = number | readonly [number, number];
const pair = (op: string, name: string, v: Pair, min: number): [number, number] => {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((q) => Number.isInteger(q) && q >= min)) throw new ValueError(`${op}: ${name} must be integer(s) ≥ ${min}, got ${String(v)}`);
  return p;
};

/** Convolution options. */
export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

function attrsOf(op: string, o: Conv2dOptions): ConvAttrs {
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`${op}: groups must be a positive integer, got ${groups}`);
  return { stride: pair(op, 'stride', o.stride ?? 1, 1), padding: pair(op, 'padding', o.padding ?? 0, 0), dilation: pair(op, 'dilation', o.dilation ?? 1, 1), groups };
}

function addBias(y: Tensor, bias: Tensor | null | undefined, op: string): Tensor {
  if (!bias) return y;
  if (bias.ndim !== 1 || bias.shape[0] !== y.shape[1]) throw new ShapeError(`${op}: bias ${fmtShape(bias.shape)} must be [${y.shape[1]}]`);
  return add(y, reshape(bias, [bias.shape[0]!, ...new Array(y.ndim - 2).fill(1)]));
}

/**
 * 2-D convolution (cross-correlation): y[n,o] = b[o] + Σ_c w[o,c] ⋆ x[n,c].
 * @param x [N, C, H, W]
 * @param w [O, C/groups, kh, kw]
 * @param bias [O] or null
 */
export function conv2d(x: Tensor, w: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  requireTensor('conv2d', 'x', x);
  requireTensor('conv2d', 'w', w);
  return addBias(apply(conv2dOp, [x, w], attrsOf('conv2d', opts)), bias, 'conv2d');
}

/** 1-D convolution: x [N, C, L], w [O, C/groups, k] (lowered to conv2d with height 1). */
export function conv1d(x: Tensor, w: Tensor, bias?: Tensor | null, opts: { stride?: number; padding?: number; dilation?: number; groups?: number } = {}): Tensor {
  requireTensor('conv1d', 'x', x);
  requireTensor('conv1d', 'w', w);
  return asOp('conv1d', () => {
    if (x.ndim !== 3 || w.ndim !== 3) throw new ShapeError(`conv1d: expected input [N,C,L] and weight [O,C/groups,k], got ${fmtShape(x.shape)} and ${fmtShape(w.shape)}`);
    const y = conv2d(reshape(x, [x.shape[0]!, x.shape[1]!, 1, x.shape[2]!]), reshape(w, [w.shape[0]!, w.shape[1]!, 1, w.shape[2]!]), null, {
      stride: [1, opts.stride ?? 1], padding: [0, opts.padding ?? 0], dilation: [1, opts.dilation ?? 1], groups: opts.groups,
    });
    return addBias(reshape(y, [y.shape[0]!, y.shape[1]!, y.shape[3]!]), bias, 'conv1d');
  });
}

/**
 * Transposed 2-D convolution (the adjoint of conv2d; "deconvolution").
 * Output size H_out = (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
 * @param x [N, Cin, H, W]
 * @param w [Cin, Cout/groups, kh, kw] (PyTorch's layout)
 */
export function convTranspose2d(x: Tensor, w: Tensor, bias?: Tensor | null, opts: Conv2dOptions & { outputPadding?: Pair } = {}): Tensor {
  requireTensor('convTranspose2d', 'x', x);
  requireTensor('convTranspose2d', 'w', w);
  const a = attrsOf('convTranspose2d', opts);
  const op = pair('convTranspose2d', 'outputPadding', opts.outputPadding ?? 0, 0);
  if (x.ndim !== 4 || w.ndim !== 4) throw new ShapeError(`convTranspose2d: expected input [N,Cin,H,W] and weight [Cin,Cout/groups,kh,kw], got ${fmtShape(x.shape)} and ${fmtShape(w.shape)}`);
  if (w.shape[0] !== x.shape[1]) throw new ShapeError(`convTranspose2d: weight ${fmtShape(w.shape)} expects ${w.shape[0]} input channels, input ${fmtShape(x.shape)} has ${x.shape[1]}`);
  for (let i = 0; i < 2; i++) if (op[i]! >= Math.max(a.stride[i]!, a.dilation[i]!)) throw new ValueError(`convTranspose2d: outputPadding ${op} must be smaller than stride or dilation`);
  const [N, , H, W] = x.shape as [number, number, number, number];
  const [, Og, kh, kw] = w.shape as [number, number, number, number];
  const Ho = (H - 1) * a.stride[0] - 2 * a.padding[0] + a.dilation[0] * (kh - 1) + op[0] + 1;
  const Wo = (W - 1) * a.stride[1] - 2 * a.padding[1] + a.dilation[1] * (kw - 1) + op[1] + 1;
  const inputShape = [N, Og * a.groups, Ho, Wo];
  checkedSize('convTranspose2d', inputShape);
  const y = apply(conv2dGradInputOp, [x, w], { ...a, inputShape });
  return addBias(y, bias, 'convTranspose2d');
}
