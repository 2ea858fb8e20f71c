/**
 * Finite matrix groups: the closure of the generators enumerated by breadth-first search, with
 * element lookup by hashing rounded matrices.
 * @module
 */
import { identity, matmul } from '../linalg/index.js';
import { Rng, SizeError, ValueError } from '../util/index.js';
import type { FiniteGroup } from './group.js';
import { MAX_ENUMERATED_ENTRIES, MAX_ENUMERATED_ORDER } from './limits.js';
import { MatrixGroup } from './matrix-group.js';
import type { GroupSpec } from './matrix-group.js';

export { MAX_ENUMERATED_ORDER } from './limits.js';

/** Everything needed to define a finite matrix group (no Lie algebra). */
export interface FiniteGroupSpec extends Omit<GroupSpec, 'lieAlgebra'> {
  /**
   * The group order when known in advance (catalog groups): enumeration of a group whose order
   * exceeds the limits is refused at once with a SizeError instead of after building elements.
   */
  readonly orderHint?: number;
}

interface Enumeration {
  readonly elements: Float64Array[];
  readonly index: Map<string, number>;
}

/** A finite matrix group: generators plus enumerated elements (lazily, on first use). */
export class FiniteMatrixGroup extends MatrixGroup implements FiniteGroup {
  private enumeration: Enumeration | null = null;
  private inverses: Int32Array | null = null;
  private classes: number[][] | null = null;

  private table: Int32Array | null = null;
  private tooLarge = false;
  /** The error of a failed enumeration, rethrown instead of enumerating again. */
  private failure: Error | null = null;
  /** Generic probe vector w: an element g is identified by the rounded vector g·w. */
  private readonly probe: Float64Array;

  private readonly orderHint: number | undefined;

  constructor(spec: FiniteGroupSpec) {
    super({ ...spec, lieAlgebra: [] });
    this.orderHint = spec.orderHint;
    this.probe = new Rng(7919).fillUniform(new Float64Array(this.d), 0.5, 1.5) as Float64Array;
  }

  private hashOf(g: Float64Array): string {
    const d = this.d;
    let s = '';
    for (let i = 0; i < d; i++) {
      let v = 0;
      for (let j = 0; j < d; j++) v += g[i * d + j]! * this.probe[j]!;
      s += Math.round(v * 1e7) + ',';
    }
    return s;
  }

  private enumerate(): Enumeration {
    if (this.enumeration) return this.enumeration;
    if (this.failure) throw this.failure;
    const d = this.d;
    const maxOrder = Math.min(MAX_ENUMERATED_ORDER, Math.floor(MAX_ENUMERATED_ENTRIES / (d * d)));
    if (this.orderHint !== undefined && this.orderHint > maxOrder) {
      this.tooLarge = true;
      throw (this.failure = new SizeError(`group ${this.key}: order ${this.orderHint} exceeds the enumeration limit ${maxOrder} (at most ${MAX_ENUMERATED_ORDER} elements and ${MAX_ENUMERATED_ENTRIES} stored entries)`));
    }
    const e = identity(d);
    const elements = [e];
    const index = new Map([[this.hashOf(e), 0]]);
    for (let head = 0; head < elements.length; head++) {
      const x = elements[head]!;
      for (const h of this.discreteGenerators) {
        const y = matmul(h, x, d, d, d);
        const k = this.hashOf(y);
        if (!y.every(Number.isFinite) || k.includes('Infinity') || k.includes('NaN')) {
          this.tooLarge = true;
          throw (this.failure = new ValueError(`group ${this.key}: a product of the generators overflows after ${elements.length} elements; the generators do not generate a finite group`));
        }
        if (!index.has(k)) {
          if (elements.length >= maxOrder) {
            this.tooLarge = true;
            throw (this.failure = new SizeError(`group ${this.key}: more than ${maxOrder} elements (at most ${MAX_ENUMERATED_ORDER} elements and ${MAX_ENUMERATED_ENTRIES} stored entries); not enumerable, or not a finite group`));
          }
          index.set(k, elements.length);
          elements.push(y);
        }
      }
    }
    this.enumeration = { elements, index };
    return this.enumeration;
  }

  /** A uniformly random element (a random generator word when the group is too large to enumerate). */
  override sample(rng: Rng): Float64Array {
    if (this.tooLarge) return super.sample(rng);
    try {
      const els = this.enumerate().elements;
      return Float64Array.from(els[rng.int(els.length)]!);
    } catch (e) {
      if (this.tooLarge) return super.sample(rng);
      throw e;
    }
  }

  /** |G|. */
  get order(): number {
    return this.enumerate().elements.length;
  }

  /** All elements; index 0 is the identity. */
  elements(): readonly Float64Array[] {
    return this.enumerate().elements;
  }

  /** Index of g, or −1 when g is not an element. */
  indexOf(g: Float64Array): number {
    return this.enumerate().index.get(this.hashOf(g)) ?? -1;
  }

  /** Index of g_i·g_j. */
  multiply(i: number, j: number): number {
    const n = this.order;
    if (n <= 3000) {
      if (!this.table) this.table = new Int32Array(n * n).fill(-1);
      const t = this.table[i * n + j]!;
      if (t >= 0) return t;
      const k = this.multiplyRaw(i, j);
      this.table[i * n + j] = k;
      return k;
    }
    return this.multiplyRaw(i, j);
  }

  private multiplyRaw(i: number, j: number): number {
    const els = this.enumerate().elements;
    const d = this.d;
    const k = this.indexOf(matmul(els[i]!, els[j]!, d, d, d));
    if (k < 0) throw new ValueError(`group ${this.key}: product of elements ${i}, ${j} not found (numerical drift?)`);
    return k;
  }

  /** Index of g_i⁻¹. */
  invert(i: number): number {
    if (!this.inverses) {
      const n = this.order;
      const inv = new Int32Array(n).fill(-1);
      for (let a = 0; a < n; a++) {
        if (inv[a]! >= 0) continue;
        for (let b = 0; b < n; b++) {
          if (this.multiply(a, b) === 0) {
            inv[a] = b;
            inv[b] = a;
            break;
          }
        }
      }
      this.inverses = inv;
    }
    return this.inverses[i]!;
  }

  /** Conjugacy classes {g x g⁻¹ : g ∈ G}; the identity's class first, then by smallest index. */
  conjugacyClasses(): readonly (readonly number[])[] {
    if (this.classes) return this.classes;
    const n = this.order;
    const seen = new Uint8Array(n);
    const classes: number[][] = [];
    for (let x = 0; x < n; x++) {
      if (seen[x]) continue;
      const cls: number[] = [];
      for (let g = 0; g < n; g++) {
        const y = this.multiply(this.multiply(g, x), this.invert(g));
        if (!seen[y]) {
          seen[y] = 1;
          cls.push(y);
        }
      }
      classes.push(cls.sort((a, b) => a - b));
    }
    this.classes = classes;
    return classes;
  }

  /** Generators and three seeded uniform elements. */
  override testingElements(): Float64Array[] {
    const rng = new Rng(1234);
    return [...this.discreteGenerators, this.sample(rng), this.sample(rng), this.sample(rng)];
  }
}
