/**
 * `Irreps`: a direct sum of O(3) irreps with multiplicities, e3nn's `o3.Irreps` ("16x0e+8x1o+2x2e").
 * Features are laid out as e3nn lays them out: the blocks in order, each block mul-major, i.e. the
 * feature index of component m (0…2l) of copy u of block b is offset_b + u·(2l+1) + m.
 * @module
 */
import type { Group } from '../../group/index.js';
import { o3Irrep, so3Irrep, directSum } from '../../rep/index.js';
import type { Rep } from '../../rep/index.js';
import { MAX_L } from '../../rep/index.js';
import { ParseError, ValueError } from '../../util/errors.js';

/** An O(3) irrep: degree l ≥ 0 and parity p = ±1 (printed `le` / `lo`). */
export interface Irrep {
  readonly l: number;
  readonly p: 1 | -1;
}

/** One block of an {@link Irreps}: `mul` copies of `ir`. */
export interface MulIrrep {
  readonly mul: number;
  readonly ir: Irrep;
}

/** e3nn's name of an irrep, `1o`, `2e`. */
export function irrepName(ir: Irrep): string {
  return `${ir.l}${ir.p === 1 ? 'e' : 'o'}`;
}

/** Dimension 2l + 1 of an irrep. */
export function irrepDim(ir: Irrep): number {
  return 2 * ir.l + 1;
}

/** The irreps in the product ir₁ ⊗ ir₂: l = |l₁ − l₂| … l₁ + l₂, parity p₁p₂. */
export function irrepProduct(a: Irrep, b: Irrep): Irrep[] {
  const out: Irrep[] = [];
  for (let l = Math.abs(a.l - b.l); l <= a.l + b.l; l++) out.push({ l, p: (a.p * b.p) as 1 | -1 });
  return out;
}

/** Whether two irreps are equal. */
export function sameIrrep(a: Irrep, b: Irrep): boolean {
  return a.l === b.l && a.p === b.p;
}

function checkIrrep(who: string, ir: Irrep): Irrep {
  if (!Number.isInteger(ir.l) || ir.l < 0 || ir.l > MAX_L) throw new ValueError(`${who}: l must be an integer in 0…${MAX_L}, got ${ir.l}`);
  if (ir.p !== 1 && ir.p !== -1) throw new ValueError(`${who}: parity must be 1 or -1, got ${String(ir.p)}`);
  return { l: ir.l, p: ir.p };
}

/** Anything {@link Irreps.of} accepts. */
export type IrrepsLike = Irreps | string | readonly (readonly [number, Irrep | string])[];

/**
 * A direct sum of O(3) irreps, Σ_b mul_b × (l_b, p_b), in e3nn's layout (blocks in order, each
 * mul-major). Parsed from e3nn's strings, `"16x0e + 8x1o + 2e"`; an empty string is the empty sum.
 *
 * @example
 * ```ts
 * const irreps = Irreps.of('32x0e+32x1o+32x2e');
 * irreps.dim; // 32·1 + 32·3 + 32·5 = 288
 * ```
 */
export class Irreps {
  /** The blocks. */
  readonly blocks: readonly MulIrrep[];
  /** Feature offset of each block. */
  readonly offsets: readonly number[];
  /** Total dimension Σ mul·(2l + 1). */
  readonly dim: number;

  constructor(blocks: readonly MulIrrep[]) {
    const bs: MulIrrep[] = [];
    const offs: number[] = [];
    let d = 0;
    for (const b of blocks) {
      if (!Number.isInteger(b.mul) || b.mul < 0) throw new ValueError(`Irreps: multiplicities must be integers ≥ 0, got ${b.mul}`);
      const ir = checkIrrep('Irreps', b.ir);
      bs.push({ mul: b.mul, ir });
      offs.push(d);
      d += b.mul * irrepDim(ir);
    }
    this.blocks = bs;
    this.offsets = offs;
    this.dim = d;
  }

  /** Parse e3nn's string form, or wrap a list of (mul, irrep) pairs; an Irreps is returned as is. */
  static of(x: IrrepsLike): Irreps {
    if (x instanceof Irreps) return x;
    if (typeof x === 'string') return Irreps.parse(x);
    if (!Array.isArray(x)) throw new ValueError(`Irreps.of: expected an Irreps, a string or a list of [mul, irrep], got ${typeof x}`);
    return new Irreps(x.map(([mul, ir]) => ({ mul, ir: typeof ir === 'string' ? parseIrrep(ir) : ir })));
  }

  /** Parse `"16x0e + 8x1o + 2e"` (mul defaults to 1). @throws ParseError on malformed text. */
  static parse(s: string): Irreps {
    const t = s.trim();
    if (t === '') return new Irreps([]);
    return new Irreps(t.split('+').map((part) => {
      const m = /^\s*(?:(\d+)\s*x\s*)?(\d+)\s*([eo])\s*$/.exec(part);
      if (!m) throw new ParseError(`Irreps.parse: cannot read "${part.trim()}" in "${s}" (expected e.g. 16x0e or 1o)`);
      return { mul: m[1] === undefined ? 1 : Number(m[1]), ir: checkIrrep('Irreps.parse', { l: Number(m[2]), p: m[3] === 'e' ? 1 : -1 }) };
    }));
  }

  /** Number of blocks. */
  get length(): number {
    return this.blocks.length;
  }

  /** Total number of irrep copies Σ mul. */
  get numIrreps(): number {
    return this.blocks.reduce((a, b) => a + b.mul, 0);
  }

  /** Largest l (−1 for the empty sum). */
  get lmax(): number {
    return this.blocks.reduce((a, b) => Math.max(a, b.ir.l), -1);
  }

  /** Feature range [start, end) of block i. */
  slice(i: number): [number, number] {
    const b = this.blocks[i];
    if (b === undefined) throw new ValueError(`Irreps.slice: block ${i} out of range 0…${this.blocks.length - 1} of ${this}`);
    return [this.offsets[i]!, this.offsets[i]! + b.mul * irrepDim(b.ir)];
  }

  /** Merge neighbouring blocks of the same irrep and drop empty ones (e3nn's `simplify`). */
  simplify(): Irreps {
    const out: MulIrrep[] = [];
    for (const b of this.blocks) {
      if (b.mul === 0) continue;
      const last = out[out.length - 1];
      if (last && sameIrrep(last.ir, b.ir)) out[out.length - 1] = { mul: last.mul + b.mul, ir: b.ir };
      else out.push(b);
    }
    return new Irreps(out);
  }

  /** Concatenation (direct sum) of this and other. */
  concat(other: IrrepsLike): Irreps {
    return new Irreps([...this.blocks, ...Irreps.of(other).blocks]);
  }

  /** Whether the blocks (mul and irrep, in order) are the same. */
  equals(other: IrrepsLike): boolean {
    const o = Irreps.of(other);
    return o.blocks.length === this.blocks.length && o.blocks.every((b, i) => b.mul === this.blocks[i]!.mul && sameIrrep(b.ir, this.blocks[i]!.ir));
  }

  /** Whether every block is 0e. */
  get isScalar(): boolean {
    return this.blocks.every((b) => b.ir.l === 0 && b.ir.p === 1);
  }

  /**
   * The representation of `group` on these features: O(3) (parity as declared) or SO(3) (parity
   * ignored), the blocks' irreps `ir(l, p)` with multiplicity, in this layout.
   * @throws ValueError for another group or an empty sum.
   */
  rep(group: Group): Rep {
    const fam = group.family.name;
    if (group.family.params[0] !== 3 || (fam !== 'O' && fam !== 'SO')) throw new ValueError(`Irreps.rep: ${this} needs O(3) or SO(3), got ${group.key}`);
    const blocks = this.blocks.filter((b) => b.mul > 0);
    if (blocks.length === 0) throw new ValueError('Irreps.rep: the empty sum has no representation');
    const reps: Rep[] = [];
    for (const b of blocks) {
      const r = fam === 'O' ? o3Irrep(group, b.ir.l, b.ir.p) : so3Irrep(group, b.ir.l);
      for (let u = 0; u < b.mul; u++) reps.push(r);
    }
    return directSum(reps);
  }

  toString(): string {
    return this.blocks.map((b) => `${b.mul}x${irrepName(b.ir)}`).join('+');
  }
}

/** Parse one irrep, `1o` / `2e`. @throws ParseError */
export function parseIrrep(s: string): Irrep {
  const m = /^\s*(\d+)([eo])\s*$/.exec(s);
  if (!m) throw new ParseError(`parseIrrep: cannot read "${s}" (expected e.g. 1o or 2e)`);
  return checkIrrep('parseIrrep', { l: Number(m[1]), p: m[2] === 'e' ? 1 : -1 });
}

/** Spherical-harmonic irreps 1x0e + 1x1o + 1x2e + … up to lmax (parity (−1)^l), as e3nn's `Irreps.spherical_harmonics`. */
export function shIrreps(lmax: number, p: 1 | -1 = -1): Irreps {
  if (!Number.isInteger(lmax) || lmax < 0 || lmax > MAX_L) throw new ValueError(`shIrreps: lmax must be an integer in 0…${MAX_L}, got ${lmax}`);
  return new Irreps(Array.from({ length: lmax + 1 }, (_, l) => ({ mul: 1, ir: { l, p: (p ** l) as 1 | -1 } })));
}
