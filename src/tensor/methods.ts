/**
 * Fluent methods on Tensor (`x.matmul(w).relu()`), each delegating to the free function of the
 * same name. Imported for its side effect by the tensor module's index.
 * @module
 */
import type { DType } from '../backend/types.js';
import { Tensor } from './tensor.js';
import { type BackwardOptions, backward } from './autograd.js';
import * as B from './ops/base.js';
import * as E from './ops/elementwise.js';
import * as R from './ops/reduce.js';
import * as L from './ops/layout.js';
import * as M from './ops/matmul.js';
import * as I from './ops/indexing.js';
import * as F from './ops/functional.js';

type Operand = Tensor | number;
type Axes = number | readonly number[] | null | undefined;

declare module './tensor.js' {
  interface Tensor {
    /** See {@link E.add}. */ add(b: Operand): Tensor;
    /** See {@link E.sub}. */ sub(b: Operand): Tensor;
    /** See {@link E.mul}. */ mul(b: Operand): Tensor;
    /** See {@link E.div}. */ div(b: Operand): Tensor;
    /** See {@link E.pow}. */ pow(b: Operand): Tensor;
    /** See {@link E.maximum}. */ maximum(b: Operand): Tensor;
    /** See {@link E.minimum}. */ minimum(b: Operand): Tensor;
    /** See {@link E.eq}. */ eq(b: Operand): Tensor;
    /** See {@link E.ne}. */ ne(b: Operand): Tensor;
    /** See {@link E.lt}. */ lt(b: Operand): Tensor;
    /** See {@link E.le}. */ le(b: Operand): Tensor;
    /** See {@link E.gt}. */ gt(b: Operand): Tensor;
    /** See {@link E.ge}. */ ge(b: Operand): Tensor;
    /** See {@link E.neg}. */ neg(): Tensor;
    /** See {@link E.abs}. */ abs(): Tensor;
    /** See {@link E.sign}. */ sign(): Tensor;
    /** See {@link E.exp}. */ exp(): Tensor;
    /** See {@link E.log}. */ log(): Tensor;
    /** See {@link E.log1p}. */ log1p(): Tensor;
    /** See {@link E.expm1}. */ expm1(): Tensor;
    /** See {@link E.sqrt}. */ sqrt(): Tensor;
    /** See {@link E.rsqrt}. */ rsqrt(): Tensor;
    /** See {@link E.sin}. */ sin(): Tensor;
    /** See {@link E.cos}. */ cos(): Tensor;
    /** See {@link E.tanh}. */ tanh(): Tensor;
    /** See {@link E.sigmoid}. */ sigmoid(): Tensor;
    /** See {@link E.relu}. */ relu(): Tensor;
    /** See {@link E.leakyRelu}. */ leakyRelu(alpha?: number): Tensor;
    /** See {@link E.elu}. */ elu(alpha?: number): Tensor;
    /** See {@link E.gelu}. */ gelu(): Tensor;
    /** See {@link E.silu}. */ silu(): Tensor;
    /** See {@link E.softplus}. */ softplus(): Tensor;
    /** See {@link E.square}. */ square(): Tensor;
    /** See {@link E.reciprocal}. */ reciprocal(): Tensor;
    /** See {@link E.clamp}. */ clamp(lo?: number | null, hi?: number | null): Tensor;
    /** See {@link B.sum}. */ sum(axes?: Axes, keepDims?: boolean): Tensor;
    /** See {@link R.mean}. */ mean(axes?: Axes, keepDims?: boolean): Tensor;
    /** See {@link R.max}. */ max(axes?: Axes, keepDims?: boolean): Tensor;
    /** See {@link R.min}. */ min(axes?: Axes, keepDims?: boolean): Tensor;
    /** See {@link R.prod}. */ prod(axes?: Axes, keepDims?: boolean): Tensor;
    /** See {@link R.argmax}. */ argmax(axis?: number | null, keepDims?: boolean): Tensor;
    /** See {@link R.argmin}. */ argmin(axis?: number | null, keepDims?: boolean): Tensor;
    /** See {@link R.variance}. */ variance(axes?: Axes, keepDims?: boolean, correction?: number): Tensor;
    /** See {@link R.std}. */ std(axes?: Axes, keepDims?: boolean, correction?: number): Tensor;
    /** See {@link R.logsumexp}. */ logsumexp(axes?: Axes, keepDims?: boolean): Tensor;
    /** See {@link R.norm}. */ norm(p?: number, axes?: Axes, keepDims?: boolean): Tensor;
    /** See {@link B.reshape}. */ reshape(shape: readonly number[]): Tensor;
    /** See {@link B.permute}. */ permute(perm: readonly number[]): Tensor;
    /** See {@link B.expand}. */ expand(shape: readonly number[]): Tensor;
    /** See {@link B.cast}. */ cast(dtype: DType): Tensor;
    /** See {@link B.detach}. */ detach(): Tensor;
    /** See {@link B.clone}. */ clone(): Tensor;
    /** See {@link L.transpose}. */ transpose(a?: number, b?: number): Tensor;
    /** Matrix transpose of the last two axes. */ readonly T: Tensor;
    /** See {@link L.squeeze}. */ squeeze(axes?: number | readonly number[]): Tensor;
    /** See {@link L.unsqueeze}. */ unsqueeze(axis: number): Tensor;
    /** See {@link L.flatten}. */ flatten(start?: number, end?: number): Tensor;
    /** See {@link L.slice}. */ slice(specs: readonly L.SliceSpec[]): Tensor;
    /** See {@link L.pad}. */ pad(pads: readonly (readonly [number, number])[], value?: number): Tensor;
    /** See {@link L.flip}. */ flip(axes: number | readonly number[]): Tensor;
    /** See {@link L.roll}. */ roll(shifts: number | readonly number[], axes: number | readonly number[]): Tensor;
    /** See {@link L.repeat}. */ repeat(reps: readonly number[]): Tensor;
    /** See {@link L.split}. */ split(sizes: number | readonly number[], axis?: number): Tensor[];
    /** See {@link M.matmul}. */ matmul(b: Tensor): Tensor;
    /** See {@link I.indexSelect}. */ indexSelect(axis: number, idx: I.IndexLike): Tensor;
    /** See {@link I.takeAlongAxis}. */ takeAlongAxis(axis: number, idx: I.IndexLike): Tensor;
    /** See {@link F.softmax}. */ softmax(axis?: number): Tensor;
    /** See {@link F.logSoftmax}. */ logSoftmax(axis?: number): Tensor;
    /** Backpropagate from this tensor (see {@link backward}). */ backward(grad?: Tensor, opts?: BackwardOptions): void;
  }
}

const P = Tensor.prototype;
const binaryNames = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
for (const n of binaryNames) (P as any)[n] = function (this: Tensor, b: Operand) { return (E[n] as (a: Operand, b: Operand) => Tensor)(this, b); };
const unaryNames = ['neg', 'abs', 'sign', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'gelu', 'silu', 'softplus', 'square', 'reciprocal'] as const;
for (const n of unaryNames) (P as any)[n] = function (this: Tensor) { return (E[n] as (a: Tensor) => Tensor)(this); };

P.leakyRelu = function (alpha) { return E.leakyRelu(this, alpha); };
P.elu = function (alpha) { return E.elu(this, alpha); };
P.clamp = function (lo, hi) { return E.clamp(this, lo, hi); };
P.sum = function (axes, keepDims) { return B.sum(this, axes, keepDims); };
P.mean = function (axes, keepDims) { return R.mean(this, axes, keepDims); };
P.max = function (axes, keepDims) { return R.max(this, axes, keepDims); };
P.min = function (axes, keepDims) { return R.min(this, axes, keepDims); };
P.prod = function (axes, keepDims) { return R.prod(this, axes, keepDims); };
P.argmax = function (axis, keepDims) { return R.argmax(this, axis, keepDims); };
P.argmin = function (axis, keepDims) { return R.argmin(this, axis, keepDims); };
P.variance = function (axes, keepDims, c) { return R.variance(this, axes, keepDims, c); };
P.std = function (axes, keepDims, c) { return R.std(this, axes, keepDims, c); };
P.logsumexp = function (axes, keepDims) { return R.logsumexp(this, axes, keepDims); };
P.norm = function (p, axes, keepDims) { return R.norm(this, p, axes, keepDims); };
P.reshape = function (shape) { return B.reshape(this, shape); };
P.permute = function (perm) { return B.permute(this, perm); };
P.expand = function (shape) { return B.expand(this, shape); };
P.cast = function (dtype) { return B.cast(this, dtype); };
P.detach = function () { return B.detach(this); };
P.clone = function () { return B.clone(this); };
P.transpose = function (a, b) { return L.transpose(this, a, b); };
Object.defineProperty(P, 'T', { get(this: Tensor) { return L.transpose(this); }, configurable: true });
P.squeeze = function (axes) { return L.squeeze(this, axes); };
P.unsqueeze = function (axis) { return L.unsqueeze(this, axis); };
P.flatten = function (s, e) { return L.flatten(this, s, e); };
P.slice = function (specs) { return L.slice(this, specs); };
P.pad = function (pads, value) { return L.pad(this, pads, value); };
P.flip = function (axes) { return L.flip(this, axes); };
P.roll = function (shifts, axes) { return L.roll(this, shifts, axes); };
P.repeat = function (reps) { return L.repeat(this, reps); };
P.split = function (sizes, axis) { return L.split(this, sizes, axis); };
P.matmul = function (b) { return M.matmul(this, b); };
P.indexSelect = function (axis, idx) { return I.indexSelect(this, axis, idx); };
P.takeAlongAxis = function (axis, idx) { return I.takeAlongAxis(this, axis, idx); };
P.softmax = function (axis) { return F.softmax(this, axis); };
P.logSoftmax = function (axis) { return F.logSoftmax(this, axis); };
P.backward = function (grad, opts) { backward(this, grad, opts); };
