/**
 * `RecurrentBase`: the multi-layer, optionally bidirectional sequence loop shared by `RNN`, `LSTM`
 * and `GRU` — PyTorch's `nn.RNNBase` semantics, parameter names and layout, with `batchFirst`,
 * dropout between layers, initial states and right-padded variable-length sequences that behave as
 * PyTorch's packed sequences.
 * @module
 */
import { Tensor, concat, dropout, isGradEnabled, matmul, ones, reshape, slice, stack, where, zeros } from '../../tensor/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { Module } from '../module.js';
import { floatDType } from '../parameter.js';
import type { FloatDType } from '../parameter.js';
import type { RecurrentKind } from './kind.js';
import { checkLengths, lengthsFromMask, stepMasks, unbindSteps } from './sequence.js';
import { checkPositive, getWeights, project, projectionBias, registerWeights } from './weights.js';

/** Options of `RNN`, `LSTM` and `GRU` (PyTorch's constructor arguments). */
export interface RecurrentOptions {
  /** Source of the initial weights and of the dropout masks (required: all randomness is explicit). */
  rng: Rng;
  /** Stacked layers (default 1); layer k > 0 reads layer k − 1's output sequence. */
  numLayers?: number;
  /** Learn the biases (default true). */
  bias?: boolean;
  /** Input and output as [B, T, ·] instead of [T, B, ·] (default false; states stay [L·D, B, H]). */
  batchFirst?: boolean;
  /** Dropout probability on every layer's output except the last's, in training mode (default 0). */
  dropout?: number;
  /** Run a second recurrence backwards in time and concatenate both outputs (default false). */
  bidirectional?: boolean;
  /** Element type of the parameters (default float32). */
  dtype?: FloatDType;
}

/** Per-call inputs besides the sequence. */
export interface SequenceOptions {
  /** Initial hidden state [L·D, B, H] (or [L·D, H] unbatched); zeros when omitted. */
  h0?: Tensor;
  /**
   * Length of every sequence of the batch (integers in 1…T). The input is right-padded: steps at or
   * past a sequence's length are ignored, its outputs there are zero, and its final state is the
   * state after its last valid step (the reverse direction starts there) — PyTorch's packed
   * sequences (`pack_padded_sequence(…, enforce_sorted=False)` then `pad_packed_sequence` with
   * `total_length = T`). An array, or a vector tensor (int32 or float).
   */
  lengths?: ArrayLike<number> | Tensor;
  /** The same as `lengths`, as a prefix mask [B, T] ([T, B] when not `batchFirst`), non-zero on valid steps. */
  mask?: Tensor;
}

/** The result of a sequence pass. */
export interface SequenceResult {
  /** Last layer's hidden states at every step, [T, B, D·H] ([B, T, D·H] batch-first; [T, D·H] unbatched). */
  readonly output: Tensor;
  /** Final hidden state of every layer and direction, [L·D, B, H] (index l·D + d; [L·D, H] unbatched). */
  readonly h: Tensor;
}

/** The state tensors' names, for messages. */
const STATE_NAMES = ['h0', 'c0'];

/** Base class of the sequence modules; subclasses name the recurrence and shape the result. */
export abstract class RecurrentBase<In extends unknown[], Out> extends Module<In, Out> {
  /** Input features I. */
  readonly inputSize: number;
  /** Hidden features H. */
  readonly hiddenSize: number;
  /** Stacked layers L. */
  readonly numLayers: number;
  /** Whether the layers have biases. */
  readonly bias: boolean;
  /** Whether input and output are batch-first. */
  readonly batchFirst: boolean;
  /** Dropout between layers. */
  readonly dropout: number;
  /** Whether each layer also runs backwards in time. */
  readonly bidirectional: boolean;
  /** The recurrence. */
  protected readonly kind: RecurrentKind;
  private readonly label: string;
  private readonly dropoutRng: Rng;

  protected constructor(kind: RecurrentKind, label: string, inputSize: number, hiddenSize: number, opts: RecurrentOptions) {
    super();
    this.inputSize = checkPositive(label, 'inputSize', inputSize);
    this.hiddenSize = checkPositive(label, 'hiddenSize', hiddenSize);
    if (!opts?.rng) throw new ValueError(`${label}: opts.rng is required (all randomness goes through an explicit Rng)`);
    this.numLayers = checkPositive(label, 'numLayers', opts.numLayers ?? 1);
    const p = opts.dropout ?? 0;
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw new ValueError(`${label}: dropout must be in [0, 1), got ${String(p)}`);
    this.dropout = p;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.bidirectional = opts.bidirectional ?? false;
    this.kind = kind;
    this.label = label;
    const dtype = floatDType(label, opts.dtype);
    const D = this.numDirections;
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        registerWeights(this, kind, suffix(l, d), l === 0 ? inputSize : D * hiddenSize, hiddenSize, this.bias, opts.rng, dtype);
      }
    }
    // the dropout masks come from a generator forked off after the weights (saved in checkpoints)
    this.dropoutRng = this.registerRng('dropoutRng', opts.rng.fork());
  }

  /** 2 when bidirectional, else 1. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /**
   * Run the layers over a sequence.
   * @param x [T, B, I] ([B, T, I] batch-first) or unbatched [T, I]
   * @param states initial states (h0, and c0 for LSTM), each [L·D, B, H] or null for zeros
   * @returns the output sequence and the final states, each [L·D, B, H]
   */
  protected runSequence(x: Tensor, states: readonly (Tensor | undefined)[], opts: SequenceOptions): { output: Tensor; finals: Tensor[] } {
    const L = this.label, I = this.inputSize, H = this.hiddenSize, D = this.numDirections, LD = this.numLayers * D;
    if (!(x instanceof Tensor)) throw new ValueError(`${L}: input must be a Tensor, got ${typeof x}`);
    if (x.ndim !== 2 && x.ndim !== 3) {
      throw new ShapeError(`${L}: input ${fmtShape(x.shape)} must be ${this.batchFirst ? '[B, T, I]' : '[T, B, I]'} or unbatched [T, I] with I = ${I}`);
    }
    if (x.shape[x.ndim - 1] !== I) throw new ShapeError(`${L}: input ${fmtShape(x.shape)} has ${x.shape[x.ndim - 1]} features, expected inputSize = ${I}`);
    const w0 = getWeights(this, suffix(0, 0));
    if (x.dtype !== w0.wIh.dtype) throw new DTypeError(`${L}: input is ${x.dtype} but the parameters are ${w0.wIh.dtype} (convert one with cast / toDType)`);
    const unbatched = x.ndim === 2;
    const timeAxis = unbatched || !this.batchFirst ? 0 : 1;
    const T = x.shape[timeAxis]!, B = unbatched ? 1 : x.shape[1 - timeAxis]!;
    if (T === 0) throw new ShapeError(`${L}: input ${fmtShape(x.shape)} has no time steps`);
    const want = unbatched ? [LD, H] : [LD, B, H];
    const init = states.map((s, k) => {
      if (s === undefined || s === null) return null;
      if (!(s instanceof Tensor)) throw new ValueError(`${L}: ${STATE_NAMES[k]} must be a Tensor, got ${typeof s}`);
      if (s.ndim !== want.length || s.shape.some((d, i) => d !== want[i])) {
        throw new ShapeError(`${L}: ${STATE_NAMES[k]} ${fmtShape(s.shape)} must be ${fmtShape(want)} (numLayers·numDirections = ${LD}${unbatched ? '' : `, batch ${B}`}, hiddenSize ${H}) for input ${fmtShape(x.shape)}`);
      }
      if (s.dtype !== x.dtype) throw new DTypeError(`${L}: ${STATE_NAMES[k]} is ${s.dtype} but the input is ${x.dtype}`);
      return unbatched ? reshape(s, [LD, 1, H]) : s;
    });
    if (opts.lengths !== undefined && opts.mask !== undefined) throw new ValueError(`${L}: give lengths or mask, not both`);
    let lengths: Int32Array | null = null;
    if (opts.lengths !== undefined) lengths = checkLengths(L, opts.lengths, B, T);
    else if (opts.mask !== undefined) lengths = lengthsFromMask(L, opts.mask, B, T, unbatched || !this.batchFirst);
    const masks = lengths ? stepMasks(lengths, T, x.dtype as FloatDType) : null;

    // Layer input: the whole sequence (time-major [T·B, ·] when available) and/or its steps.
    const x3 = unbatched ? reshape(x, [T, 1, I]) : x;
    const tracking = isGradEnabled() && (x.requiresGrad || init.some((s) => s?.requiresGrad) || this.parameters().some((p) => p.requiresGrad));
    let stepsIn: Tensor[] | null = null;
    let whole: Tensor | null = null; // [T, B, ·] time-major
    if (tracking) stepsIn = unbindSteps(x3, timeAxis);
    else whole = timeAxis === 0 ? x3 : x3.permute([1, 0, 2]);

    const finals: Tensor[][] = this.kind.states === 2 ? [[], []] : [[]];
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[][] = [];
      for (let d = 0; d < D; d++) {
        const w = getWeights(this, suffix(l, d));
        // Without autograd: the input projection of all steps in one matmul, then the hidden one
        // per step. With autograd, T slices of one projection would cost O(T²) in the backward pass
        // (each slice's gradient is scattered into a zero tensor of the full size); instead each
        // step multiplies z_t = [x_t, h_{t−1}, 1] by the fused weight [W_ih, W_hh, b]: one matmul.
        let pre: (t: number, h: Tensor) => Tensor;
        if (whole) {
          const inF = whole.shape[2]!;
          const all = project(reshape(whole, [T * B, inF]), w.wIh, projectionBias(this.kind, w));
          pre = (t) => slice(all, [[t * B, (t + 1) * B]]);
        } else {
          const wf = this.kind.fusedWeight(w);
          const one = this.bias ? [ones([B, 1], { dtype: x.dtype })] : [];
          pre = (t, h) => matmul(concat([stepsIn![t]!, h, ...one], 1), wf, { transB: true });
        }
        const k = l * D + d;
        let state: Tensor[] = init.map((s) => (s ? slice(s, [k]) : zeros([B, H], { dtype: x.dtype })));
        const out: Tensor[] = new Array<Tensor>(T);
        const bHh = this.kind.foldHiddenBias ? null : w.bHh;
        for (let s = 0; s < T; s++) {
          const t = d === 0 ? s : T - 1 - s;
          if (masks && masks.count[t] === 0) {
            out[t] = zeros([B, H], { dtype: x.dtype });
            continue;
          }
          const next = whole ? this.kind.step(pre(t, state[0]!), state, w.wHh, bHh) : this.kind.fusedStep(pre(t, state[0]!), state);
          const m = masks?.mask[t] ?? null;
          if (m) {
            state = next.map((n, i) => where(m, n, state[i]!));
            out[t] = next[0]!.mul(m);
          } else {
            state = next;
            out[t] = next[0]!;
          }
        }
        outs.push(out);
        state.forEach((st, i) => finals[i]!.push(st));
      }
      const last = l === this.numLayers - 1;
      const p = last ? 0 : this.dropout;
      if (whole && !last) {
        const seq = D === 1 ? stack(outs[0]!, 0) : concat([stack(outs[0]!, 0), stack(outs[1]!, 0)], 2);
        whole = dropout(seq, p, this.dropoutRng, this.training);
      } else {
        const perStep = Array.from({ length: T }, (_, t) => (D === 1 ? outs[0]![t]! : concat([outs[0]![t]!, outs[1]![t]!], 1)));
        if (last) {
          let y = stack(perStep, 0); // [T, B, D·H]
          if (unbatched) y = reshape(y, [T, D * H]);
          else if (this.batchFirst) y = y.permute([1, 0, 2]);
          const fin = finals.map((f) => (unbatched ? reshape(stack(f, 0), [LD, H]) : stack(f, 0)));
          return { output: y, finals: fin };
        }
        stepsIn = perStep.map((t) => dropout(t, p, this.dropoutRng, this.training));
      }
    }
    throw new ValueError(`${L}: no layers`); // unreachable: numLayers ≥ 1
  }

  extraRepr(): string {
    const parts = [`inputSize=${this.inputSize}`, `hiddenSize=${this.hiddenSize}`, `numLayers=${this.numLayers}`];
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    return parts.join(', ');
  }
}

/** PyTorch's parameter-name suffix of layer l, direction d: `_l0`, `_l0_reverse`, `_l1`, … */
export function suffix(l: number, d: number): string {
  return `_l${l}${d === 1 ? '_reverse' : ''}`;
}
