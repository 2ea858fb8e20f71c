/**
 * `Optimizer`: the base of SGD, Adam, AdamW, RMSProp and Adagrad. Parameters come as a list or as
 * parameter groups with their own hyperparameters; updates run on the raw typed arrays in place
 * (no autograd graph), in the parameter's dtype (state buffers have the parameter's dtype).
 * @module
 */
import type { Tensor } from '../tensor/index.js';
import { DTypeError, ValueError, fmtShape } from '../util/errors.js';

/** Float storage of a parameter or a state buffer. */
export type FloatArray = Float32Array | Float64Array;

/** A parameter group: its tensors plus hyperparameters overriding the optimizer's defaults. */
export type ParamGroupInput<H> = { params: readonly Tensor[] } & Partial<H>;

/** A resolved parameter group: tensors and every hyperparameter (`lr` is mutable for schedulers). */
export type ParamGroup<H> = { params: Tensor[] } & H;

/** Per-parameter optimizer state: step counts and buffers. */
export type ParamState = Record<string, number | FloatArray>;

/** A serialisable optimizer state: per-parameter state by flat index, and the groups' hyperparameters. */
export interface OptimizerState {
  /** State of parameter i (indices run over the groups' params in order). */
  state: Record<number, ParamState>;
  /** Hyperparameters per group, with the indices of its parameters. */
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** Hyperparameters every optimizer has. */
export interface BaseHyper {
  /** Learning rate. */
  lr: number;
}

/**
 * Check a hyperparameter that must be a finite number ≥ 0 (ValueError naming the class and the value).
 * @param op the class or function, e.g. `"Adam"`
 * @param name the hyperparameter, e.g. `"weightDecay"`
 */
export function nonNegative(op: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValueError(`${op}: ${name} must be a finite number ≥ 0, got ${String(v)}`);
}

/** Check a hyperparameter that must be a boolean (ValueError naming the class and the value). */
export function flag(op: string, name: string, v: unknown): void {
  if (typeof v !== 'boolean') throw new ValueError(`${op}: ${name} must be true or false, got ${String(v)}`);
}

function isFloatArray(v: unknown): v is FloatArray {
  return v instanceof Float32Array || v instanceof Float64Array;
}

function copyState(s: ParamState): ParamState {
  const out: ParamState = {};
  for (const [k, v] of Object.entries(s)) out[k] = typeof v === 'number' ? v : v instanceof Float64Array ? Float64Array.from(v) : Float32Array.from(v);
  return out;
}

/**
 * Base class of optimizers. A subclass implements `updateParam(p, grad, state, group)`; `step()`
 * calls it for every parameter that has a gradient.
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad();
 * loss(model).backward();
 * opt.step();
 * ```
 */
export abstract class Optimizer<H extends BaseHyper = BaseHyper> {
  /** The parameter groups (change `group.lr` to adjust the learning rate). */
  readonly paramGroups: ParamGroup<H>[];
  /** Per-parameter state, created lazily on the first step. */
  readonly state = new Map<Tensor, ParamState>();
  /** The default hyperparameters. */
  readonly defaults: H;

  /**
   * @param params tensors, or groups `{ params, ...overrides }`
   * @param defaults hyperparameters used where a group does not override them
   */
  constructor(params: readonly Tensor[] | readonly ParamGroupInput<H>[], defaults: H) {
    this.defaults = { ...defaults };
    const list = params as readonly (Tensor | ParamGroupInput<H>)[];
    if (list.length === 0) throw new ValueError(`${this.constructor.name}: got an empty parameter list`);
    const groups: ParamGroupInput<H>[] = isGroupList(list) ? [...list] : [{ params: list as readonly Tensor[] } as ParamGroupInput<H>];
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g) => {
      const group = { ...this.defaults, ...g, params: [...g.params] } as ParamGroup<H>;
      for (const p of group.params) {
        if (seen.has(p)) throw new ValueError(`${this.constructor.name}: a parameter ${fmtShape(p.shape)} appears in more than one group`);
        if (p.dtype === 'int32') throw new DTypeError(`${this.constructor.name}: cannot optimize an int32 tensor ${fmtShape(p.shape)}`);
        if (!p.isLeaf) throw new ValueError(`${this.constructor.name}: can only optimize leaf tensors, got a non-leaf ${fmtShape(p.shape)}`);
        seen.add(p);
      }
      this.validate(group);
      return group;
    });
  }

  /** Check a group's hyperparameters (throw ValueError); subclasses extend. */
  protected validate(group: ParamGroup<H>): void {
    nonNegative(this.constructor.name, 'lr (learning rate)', group.lr);
  }

  /** Update one parameter in place from its gradient. */
  protected abstract updateParam(p: FloatArray, grad: FloatArray, state: ParamState, group: ParamGroup<H>, param: Tensor): void;

  /** Allocate a zero state buffer with the parameter's dtype. */
  protected buffer(param: Tensor, fill = 0): FloatArray {
    const b = param.dtype === 'float64' ? new Float64Array(param.size) : new Float32Array(param.size);
    if (fill !== 0) b.fill(fill);
    return b;
  }

  /** One optimisation step over every parameter with a gradient. */
  step(): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (!g) continue;
        if (g.dtype !== p.dtype || g.size !== p.size) {
          throw new DTypeError(`${this.constructor.name}.step: gradient ${g.dtype} ${fmtShape(g.shape)} does not match the parameter ${p.dtype} ${fmtShape(p.shape)}`);
        }
        let st = this.state.get(p);
        if (!st) this.state.set(p, (st = {}));
        this.updateParam(p.data as FloatArray, g.data as FloatArray, st, group, p);
        p.markModified(); // a graph recorded before this step can no longer be differentiated
      }
    }
  }

  /** Clear the gradients of all parameters (sets `.grad = null`). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /** All parameters, in group order. */
  params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** A copy of the optimizer's state (buffers copied), keyed by flat parameter index. */
  stateDict(): OptimizerState {
    const index = new Map<Tensor, number>();
    this.params().forEach((p, i) => index.set(p, i));
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = copyState(s);
    }
    let k = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...hyper } = g;
      return { ...(hyper as Record<string, unknown>), params: params.map(() => k++) };
    });
    return { state, paramGroups };
  }

  /**
   * Restore a state from `stateDict()` (same group structure and parameter sizes). Hyperparameters
   * (including `lr`) and buffers are copied. Everything is checked before anything is written.
   * @throws ValueError when `sd` is not `{ state, paramGroups }`, the group structure or a buffer
   *   size differs, a state entry is not a parameter index with numbers and Float32/Float64Array
   *   buffers, a group has a key that is not a hyperparameter, or a restored hyperparameter is
   *   invalid
   */
  loadStateDict(sd: OptimizerState): void {
    const where = `${this.constructor.name}.loadStateDict`;
    if (typeof sd !== 'object' || sd === null) throw new ValueError(`${where}: expected { state, paramGroups }, got ${sd === null ? 'null' : typeof sd}`);
    if (!Array.isArray(sd.paramGroups)) throw new ValueError(`${where}: paramGroups must be an array`);
    if (typeof sd.state !== 'object' || sd.state === null || Array.isArray(sd.state)) throw new ValueError(`${where}: state must be an object keyed by parameter index`);
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(`${where}: ${sd.paramGroups.length} groups in the state, ${this.paramGroups.length} in the optimizer`);
    }
    const params = this.params();
    const candidates = sd.paramGroups.map((g, gi) => {
      const own = this.paramGroups[gi]!;
      if (typeof g !== 'object' || g === null || !Array.isArray(g.params)) throw new ValueError(`${where}: group ${gi} is not { params, ...hyperparameters }`);
      if (g.params.length !== own.params.length) {
        throw new ValueError(`${where}: group ${gi} has ${g.params.length} parameters in the state, ${own.params.length} in the optimizer`);
      }
      const { params: _ignored, ...hyper } = g;
      const known = new Set([...Object.keys(this.defaults), ...Object.keys(own), 'initialLr']);
      for (const k of Object.keys(hyper)) {
        if (!known.has(k) || k === 'params') throw new ValueError(`${where}: group ${gi} has an unknown key '${k}'`);
      }
      const merged = { ...own, ...hyper } as ParamGroup<H>;
      try {
        this.validate(merged);
      } catch (e) {
        if (e instanceof ValueError) throw new ValueError(`${where}: group ${gi}: ${e.message}`);
        throw e;
      }
      return hyper;
    });
    for (const [key, s] of Object.entries(sd.state)) {
      const p = /^(0|[1-9][0-9]*)$/.test(key) ? params[Number(key)] : undefined;
      if (!p) throw new ValueError(`${where}: state for parameter '${key}', but the indices are 0…${params.length - 1}`);
      if (typeof s !== 'object' || s === null) throw new ValueError(`${where}: state of parameter ${key} is ${s === null ? 'null' : typeof s}, expected an object`);
      for (const [name, v] of Object.entries(s)) {
        if (typeof v === 'number') continue;
        if (!isFloatArray(v)) throw new ValueError(`${where}: state '${name}' of parameter ${key} is neither a number nor a Float32Array/Float64Array`);
        if (v.length !== p.size) throw new ValueError(`${where}: a buffer of ${v.length} values for parameter ${key} ${fmtShape(p.shape)}`);
      }
    }
    candidates.forEach((hyper, gi) => Object.assign(this.paramGroups[gi]!, hyper));
    this.state.clear();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = params[Number(key)]!;
      const st: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        if (typeof v === 'number') st[k] = v;
        else {
          const b = this.buffer(p);
          b.set(v);
          st[k] = b;
        }
      }
      this.state.set(p, st);
    }
  }
}

function isGroupList<H>(list: readonly (Tensor | ParamGroupInput<H>)[]): list is readonly ParamGroupInput<H>[] {
  const first = list[0] as { params?: unknown };
  return first !== undefined && Array.isArray(first.params);
}
