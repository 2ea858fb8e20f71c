/**
 * Containers: `Sequential` (a chain of modules) and `MLP` (Linear layers with activations and
 * optional dropout in between).
 * @module
 */
import type { Tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { activation } from './activation.js';
import type { ActivationName } from './activation.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import type { FloatDType } from './parameter.js';

/** A module mapping one tensor to one tensor. */
export type TensorModule = Module<[Tensor], Tensor>;

/**
 * Applies its children in order: y = f_k(… f_2(f_1(x))). Children are named `"0"`, `"1"`, ….
 *
 * @example
 * ```ts
 * const net = new Sequential(new Linear(2, 8, { rng }), new ReLU(), new Linear(8, 1, { rng }));
 * net.namedParameters().map(([n]) => n); // ['0.weight', '0.bias', '2.weight', '2.bias']
 * ```
 */
export class Sequential extends Module {
  private count = 0;

  /** @param layers the modules, applied first to last */
  constructor(...layers: TensorModule[]) {
    super();
    for (const l of layers) this.append(l);
  }

  /** Add a module at the end; returns this. */
  append(layer: TensorModule): this {
    this.registerModule(String(this.count++), layer);
    return this;
  }

  /** Number of layers. */
  get length(): number {
    return this.count;
  }

  /** The layer at `i` (negative counts from the end). */
  at(i: number): TensorModule {
    const j = i < 0 ? this.count + i : i;
    if (!Number.isInteger(j) || j < 0 || j >= this.count) throw new ValueError(`Sequential.at: index ${i} out of range for ${this.count} layers`);
    return this.getModule(String(j)) as TensorModule;
  }

  /**
   * @param x input of the first layer
   * @returns output of the last layer (x itself when empty)
   */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.children()) y = (m as TensorModule).call(y);
    return y;
  }
}

/** Options of `MLP`. */
export interface MLPOptions {
  /** Source of the initial weights (and the dropout masks). */
  rng: Rng;
  /** Activation between layers: a name or a factory (default `'relu'`). */
  activation?: ActivationName | (() => TensorModule);
  /** Activation after the last layer (default none). */
  finalActivation?: ActivationName | (() => TensorModule) | null;
  /** Dropout probability after each hidden activation (default 0: no Dropout modules). */
  dropout?: number;
  /** Linear layers learn biases (default true). */
  bias?: boolean;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

function makeAct(a: ActivationName | (() => TensorModule)): TensorModule {
  return typeof a === 'function' ? a() : activation(a);
}

/**
 * Multi-layer perceptron: Linear(s₀→s₁), act, [Dropout], …, Linear(s_{k−1}→s_k), [finalActivation].
 * It is a `Sequential`, so parameters are named `"0.weight"`, `"2.weight"`, ….
 *
 * @example
 * ```ts
 * const mlp = new MLP([2, 16, 16, 1], { rng: new Rng(0), activation: 'tanh' });
 * const y = mlp.call(x); // x [N, 2] → y [N, 1]
 * ```
 */
export class MLP extends Sequential {
  /** Layer widths, input first. */
  readonly sizes: readonly number[];

  /** @param sizes widths [in, hidden…, out] (at least two) */
  constructor(sizes: readonly number[], opts: MLPOptions) {
    super();
    if (sizes.length < 2) throw new ValueError(`MLP: sizes needs at least [in, out], got [${sizes.join(', ')}]`);
    if (!opts?.rng) throw new ValueError('MLP: opts.rng is required (all randomness goes through an explicit Rng)');
    this.sizes = [...sizes];
    const p = opts.dropout ?? 0;
    const act = opts.activation ?? 'relu';
    for (let i = 0; i + 1 < sizes.length; i++) {
      this.append(new Linear(sizes[i]!, sizes[i + 1]!, { rng: opts.rng, bias: opts.bias, dtype: opts.dtype }));
      const last = i + 2 === sizes.length;
      if (!last) {
        this.append(makeAct(act));
        if (p > 0) this.append(new Dropout(p, { rng: opts.rng.fork() }));
      } else if (opts.finalActivation) {
        this.append(makeAct(opts.finalActivation));
      }
    }
  }
}
