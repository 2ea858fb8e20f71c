/**
 * Per-(op, dtype) copies of the JS backend's hot loops.
 *
 * V8 records, per piece of code, which typed-array classes each element access has seen. One
 * kernel function run on Float32Array, Float64Array and Int32Array data makes every `a[i]` in its
 * loops polymorphic, and the optimised code then tests the class on each access (10M float32: a
 * 4-accumulator `sum` 5.1 ms in a shared kernel against 2.9 ms in a function that only ever saw
 * Float32Array). Likewise every closure made by one factory shares its code and its feedback, so a
 * scalar function called inside (an op's definition) becomes a megamorphic call.
 *
 * {@link Specialised} therefore compiles a fresh copy of a loop *factory* — a plain function whose
 * text references nothing but its parameters and globals such as `Math` — with `new Function`, once
 * per op and per combination of the operands' array classes, lazily on first use (so start-up only
 * pays for what runs). The copies run the factory's own text, so they compute exactly what the
 * factory computes, operation for operation. Where code generation from strings is forbidden (a
 * strict Content-Security-Policy without `unsafe-eval`, or Node's
 * `--disallow-code-generation-from-strings`) the factory itself is used: the same answers, with
 * shared (polymorphic) code.
 *
 * A factory's text must reference only its parameters and globals: a free variable read by the
 * factory itself makes that table fall back, but one read only inside a returned loop throws when
 * the loop runs (test/backend/js-monomorphic.test.ts runs every kernel's copies on every dtype).
 * Factories must not contain named inner functions: tools that keep function names (esbuild's
 * `keepNames`, used by tsx) wrap them in `__name(…)`, which the copies bind to the identity.
 * @module
 */
import type { TypedArray } from '../types.js';

/** Compiles a function from parameter names and a body, as `new Function` does. */
export type Codegen = (params: string[], body: string) => (...args: unknown[]) => unknown;

const defaultCodegen: Codegen = (params, body) => new Function(...params, body) as (...args: unknown[]) => unknown;

let codegen: Codegen = defaultCodegen;
/** Bumped whenever the code generator is replaced: every table then starts afresh. */
let generation = 0;
/** Set once code generation has thrown an EvalError (CSP): later tables skip straight to the fallback. */
let forbidden = false;
let compiledCount = 0;
let fallbackCount = 0;

const keepName = <T>(f: T): T => f;

/**
 * Replace the code generator (tests use one that throws EvalError, as a strict CSP does, to exercise
 * the fallback); `undefined` restores `new Function`. Drops every compiled copy.
 */
export function setCodegen(fn?: Codegen): void {
  codegen = fn ?? defaultCodegen;
  forbidden = false;
  generation++;
}

/** How many loop copies were compiled, how many fell back to the shared factory, and whether code generation was refused. */
export function specialiseStats(): { compiled: number; fallbacks: number; forbidden: boolean } {
  return { compiled: compiledCount, fallbacks: fallbackCount, forbidden };
}

/** 0 for Float32Array, 1 for Float64Array, 2 for Int32Array: digits of a table index. */
export function kindOf(a: TypedArray): number {
  return a instanceof Float32Array ? 0 : a instanceof Float64Array ? 1 : 2;
}

/**
 * A lazily filled table of copies of `factory(...env)`, indexed by a code that names the operands'
 * array classes (e.g. `kindOf(a) * 3 + kindOf(out)`). `tag` names the op in the compiled source.
 */
export class Specialised<E extends unknown[], F> {
  private table: (F | undefined)[] = [];
  private gen = generation;

  constructor(
    private readonly tag: string,
    private readonly factory: (...env: E) => F,
    private readonly env: E,
  ) {}

  /** The copy for class combination `code`, compiled on first use. */
  get(code: number): F {
    if (this.gen !== generation) {
      this.table = [];
      this.gen = generation;
    }
    return (this.table[code] ??= this.make(code));
  }

  private make(code: number): F {
    if (!forbidden) {
      try {
        // the tag makes each copy's text distinct, so no compilation cache hands back shared code
        const body = `'use strict'; /* erlangen ${this.tag} #${code} */ return (${this.factory.toString()});`;
        const copy = codegen(['__name'], body)(keepName) as (...env: E) => F;
        const f = copy(...this.env);
        compiledCount++;
        return f;
      } catch (e) {
        if (e instanceof EvalError) forbidden = true;
      }
    }
    fallbackCount++;
    return this.factory(...this.env);
  }
}
