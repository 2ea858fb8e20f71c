/**
 * `Module`: the base class of every layer. A module owns named parameters, buffers and child
 * modules, registered explicitly (`registerParameter`, `registerBuffer`, `registerModule`), so
 * their order and dotted names (`"0.weight"`, `"encoder.norm.runningMean"`) are well defined.
 * Built-in layers expose their tensors through getters that read the registry, so `toDType`
 * (which replaces tensors) and `loadStateDict` (which copies in place) keep them current.
 * @module
 */
import { Tensor, noGrad } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { Parameter, floatDType } from './parameter.js';
import type { FloatDType } from './parameter.js';

/** One entry of a state dict: a copy of a parameter's or buffer's values with its shape. */
export interface StateEntry {
  /** Dimensions, row-major. */
  readonly shape: readonly number[];
  /** The values (a copy), float32 or float64 as the tensor. */
  readonly data: Float32Array | Float64Array;
}

/** Parameters and buffers by dotted name (`"0.weight"`, `"norm.runningMean"`). */
export type StateDict = Record<string, StateEntry>;

/** What `loadStateDict` found besides the keys it loaded. */
export interface LoadResult {
  /** Keys the module has but the state dict lacks. */
  readonly missingKeys: string[];
  /** Keys the state dict has but the module lacks. */
  readonly unexpectedKeys: string[];
}

/** Any module, whatever its forward signature. */
export type AnyModule = Module<any[], any>;

/**
 * Base class of layers and models.
 *
 * A subclass registers its tensors and children in the constructor and implements `forward`;
 * `call` runs `forward` (use either). `In` is the tuple of forward arguments, `Out` its result.
 *
 * @example
 * ```ts
 * class Affine extends Module {
 *   constructor(n: number) {
 *     super();
 *     this.registerParameter('scale', ones([n]));
 *     this.registerParameter('shift', zeros([n]));
 *   }
 *   forward(x: Tensor): Tensor {
 *     return x.mul(this.getParameter('scale')).add(this.getParameter('shift'));
 *   }
 * }
 * const m = new Affine(3);
 * m.namedParameters().map(([name]) => name); // ['scale', 'shift']
 * ```
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** True in training mode (the default), false after `eval()`. */
  training = true;
  private readonly paramMap = new Map<string, Parameter>();
  private readonly bufferMap = new Map<string, Tensor>();
  private readonly moduleMap = new Map<string, AnyModule>();
  private readonly rngMap = new Map<string, Rng>();

  /** The computation. */
  abstract forward(...args: In): Out;

  /** Run `forward`. */
  call(...args: In): Out {
    return this.forward(...args);
  }

  private checkName(kind: string, name: string, own: Map<string, unknown>): void {
    if (name === '' || name.includes('.')) throw new ValueError(`${this.constructor.name}.${kind}: invalid name '${name}' (non-empty, no '.')`);
    for (const m of [this.paramMap, this.bufferMap, this.moduleMap] as Map<string, unknown>[]) {
      if (m !== own && m.has(name)) throw new ValueError(`${this.constructor.name}.${kind}: '${name}' is already registered as another kind of attribute`);
    }
  }

  /**
   * Register (or replace) a parameter. A plain tensor is wrapped in a `Parameter` sharing its storage.
   * @returns the registered parameter
   */
  registerParameter(name: string, t: Tensor): Parameter {
    this.checkName('registerParameter', name, this.paramMap);
    const p = t instanceof Parameter ? t : new Parameter(t);
    this.paramMap.set(name, p);
    return p;
  }

  /** Register (or replace) a buffer: state that is saved but not trained (e.g. running statistics). */
  registerBuffer(name: string, t: Tensor): Tensor {
    this.checkName('registerBuffer', name, this.bufferMap);
    this.bufferMap.set(name, t);
    return t;
  }

  /**
   * Register (or replace) a random-number generator this module draws from while it runs (dropout
   * masks, sampling): it is listed by {@link namedRngs}, so a checkpoint can save and restore its
   * state and a resumed run draws the same numbers as an uninterrupted one.
   * @returns the registered generator
   */
  registerRng(name: string, rng: Rng): Rng {
    if (name === '' || name.includes('.')) throw new ValueError(`${this.constructor.name}.registerRng: invalid name '${name}' (non-empty, no '.')`);
    if (!rng || typeof rng.getState !== 'function') throw new ValueError(`${this.constructor.name}.registerRng: '${name}' is not an Rng`);
    this.rngMap.set(name, rng);
    return rng;
  }

  /** The registered generators of this module and its descendants, with dotted names (a shared one listed once). */
  namedRngs(): [string, Rng][] {
    const out: [string, Rng][] = [];
    const seen = new Set<Rng>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, r] of m.rngMap) {
        if (seen.has(r)) continue;
        seen.add(r);
        out.push([prefix ? `${prefix}.${k}` : k, r]);
      }
    }
    return out;
  }

  /** Register (or replace) a child module. */
  registerModule<M extends AnyModule>(name: string, m: M): M {
    this.checkName('registerModule', name, this.moduleMap);
    this.moduleMap.set(name, m);
    return m;
  }

  /** The parameter registered on this module as `name` (ValueError if none). */
  getParameter(name: string): Parameter {
    const p = this.paramMap.get(name);
    if (!p) throw new ValueError(`${this.constructor.name}: no parameter '${name}' (have ${[...this.paramMap.keys()].join(', ') || 'none'})`);
    return p;
  }

  /** The parameter `name`, or null if none is registered. */
  maybeParameter(name: string): Parameter | null {
    return this.paramMap.get(name) ?? null;
  }

  /** The buffer registered on this module as `name` (ValueError if none). */
  getBuffer(name: string): Tensor {
    const b = this.bufferMap.get(name);
    if (!b) throw new ValueError(`${this.constructor.name}: no buffer '${name}' (have ${[...this.bufferMap.keys()].join(', ') || 'none'})`);
    return b;
  }

  /** The child module registered as `name` (ValueError if none). */
  getModule(name: string): AnyModule {
    const m = this.moduleMap.get(name);
    if (!m) throw new ValueError(`${this.constructor.name}: no child module '${name}'`);
    return m;
  }

  /** Direct children with their names, in registration order. */
  namedChildren(): [string, AnyModule][] {
    return [...this.moduleMap.entries()];
  }

  /** Direct children, in registration order. */
  children(): AnyModule[] {
    return [...this.moduleMap.values()];
  }

  /** This module (name `''`) and all descendants with dotted names, depth first, each once. */
  namedModules(prefix = ''): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const stack: [string, AnyModule][] = [[prefix, this]];
    while (stack.length) {
      const [name, m] = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      out.push([name, m]);
      const kids = m.namedChildren();
      for (let i = kids.length - 1; i >= 0; i--) {
        const [k, c] = kids[i]!;
        stack.push([name ? `${name}.${k}` : k, c]);
      }
    }
    return out;
  }

  /** This module and all descendants. */
  modules(): AnyModule[] { return this.namedModules().map(([, m]) => m); }

  /** All parameters with dotted names (shared parameters listed once). */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, p] of m.paramMap) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${k}` : k, p]);
      }
    }
    return out;
  }

  /** All parameters (what an optimizer takes). */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** All buffers with dotted names. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, b] of m.bufferMap) out.push([prefix ? `${prefix}.${k}` : k, b]);
    }
    return out;
  }

  /** All buffers. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Total number of trainable values. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Set training mode on this module and all descendants; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (`train(false)`): dropout off, batch norm uses running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Clear the gradients of all parameters (sets `.grad = null`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Turn gradient tracking of all parameters on or off (freezing); returns this. */
  setRequiresGrad(flag: boolean): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  /** Copies of all parameters and buffers by dotted name. */
  stateDict(): StateDict {
    const sd: StateDict = {};
    for (const [k, t] of [...this.namedParameters(), ...this.namedBuffers()]) {
      const d = t.data;
      const data = d instanceof Float64Array ? Float64Array.from(d) : Float32Array.from(d);
      sd[k] = { shape: [...t.shape], data };
    }
    return sd;
  }

  /**
   * Copy values from a state dict into the parameters and buffers, in place (values are converted
   * to each tensor's dtype). Everything is checked before anything is written.
   *
   * Keys are matched as own properties of `sd` (a key such as `"constructor"` never finds a
   * prototype member). In strict mode (the default) missing and unexpected keys are an error; with
   * `strict: false` they are returned and the module's missing tensors keep their values. An entry
   * that is present but malformed is an error in both modes, never skipped.
   * @param sd entries by dotted name (`StateEntry`s `{ shape, data }` with `data` a Float32Array,
   *   Float64Array or array of numbers, or tensors)
   * @param opts.strict (default true) throw a ValueError listing missing and unexpected keys
   * @returns the missing and unexpected keys (non-strict mode)
   * @throws ValueError when `sd` is not an object, an entry is not `{ shape, data }` (null,
   *   undefined, a number, a shape that is not a list of non-negative integers, data that is not a
   *   list of numbers), or (strict) on missing/unexpected keys
   * @throws ShapeError naming the key and both shapes on a shape mismatch, or when the data length
   *   is not the shape's size
   */
  loadStateDict(sd: Readonly<Record<string, StateEntry | Tensor>>, opts: { strict?: boolean } = {}): LoadResult {
    const where = `${this.constructor.name}.loadStateDict`;
    if (typeof sd !== 'object' || sd === null || Array.isArray(sd)) {
      throw new ValueError(`${where}: expected an object of entries by name, got ${sd === null ? 'null' : Array.isArray(sd) ? 'an array' : typeof sd}`);
    }
    const strict = opts.strict ?? true;
    const own = new Map<string, Tensor>([...this.namedParameters(), ...this.namedBuffers()]);
    const missingKeys = [...own.keys()].filter((k) => !Object.hasOwn(sd, k));
    const unexpectedKeys = Object.keys(sd).filter((k) => !own.has(k));
    if (strict && (missingKeys.length || unexpectedKeys.length)) {
      throw new ValueError(
        `${where}: keys do not match for ${this.constructor.name}; missing: [${missingKeys.join(', ')}], unexpected: [${unexpectedKeys.join(', ')}]`,
      );
    }
    const pairs: [Tensor, ArrayLike<number>][] = [];
    for (const [k, t] of own) {
      if (!Object.hasOwn(sd, k)) continue;
      const e: unknown = sd[k];
      if (typeof e !== 'object' || e === null) throw new ValueError(`${where}: entry '${k}' is ${e === null ? 'null' : typeof e}, expected { shape, data } or a tensor`);
      const { shape, data } = e as { shape?: unknown; data?: unknown };
      if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
        throw new ValueError(`${where}: entry '${k}' has no valid shape (a list of non-negative integers), got ${JSON.stringify(shape) ?? String(shape)}`);
      }
      const isNumList = Array.isArray(data) && data.every((v) => typeof v === 'number');
      if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array || isNumList)) {
        throw new ValueError(`${where}: entry '${k}' has no valid data (a Float32Array, Float64Array, Int32Array or list of numbers)`);
      }
      const values = data as ArrayLike<number>;
      if (shape.length !== t.shape.length || shape.some((d, i) => d !== t.shape[i])) {
        throw new ShapeError(`${where}: shape mismatch for '${k}': the state dict has ${fmtShape(shape as number[])}, the module has ${fmtShape(t.shape)}`);
      }
      if (values.length !== t.size) throw new ShapeError(`${where}: '${k}' has ${values.length} values for shape ${fmtShape(shape as number[])}`);
      pairs.push([t, values]);
    }
    for (const [t, d] of pairs) {
      t.data.set(d);
      t.markModified();
    }
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Convert all parameters and buffers to `dtype` (new tensors replace the old ones, so create
   * optimizers afterwards); returns this.
   */
  toDType(dtype: FloatDType): this {
    const d = floatDType('toDType', dtype);
    noGrad(() => {
      for (const m of this.modules()) {
        for (const [k, p] of m.paramMap) {
          if (p.dtype !== d) m.paramMap.set(k, new Parameter(p.detach().cast(d), p.requiresGrad));
        }
        for (const [k, b] of m.bufferMap) {
          if (b.dtype !== d && b.dtype !== 'int32') m.bufferMap.set(k, b.detach().cast(d));
        }
      }
    });
    return this;
  }

  /** A one-line description of the module (overridden by layers to show their sizes). */
  extraRepr(): string {
    return '';
  }

  /** A multi-line tree of the module and its children. */
  toString(): string {
    const kids = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (!kids.length) return `${head})`;
    const body = kids.map(([k, c]) => `  (${k}): ${String(c).split('\n').join('\n  ')}`).join('\n');
    return `${head}\n${body}\n)`;
  }
}
