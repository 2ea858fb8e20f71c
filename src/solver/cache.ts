/**
 * The explicit solver cache: a plain map from canonical keys to solved invariant bases. Pass one
 * to `equivariantBasis` to share work between calls; nothing is cached globally.
 * @module
 */
import type { InvariantBasis } from './invariants.js';

/** A cache of invariant bases keyed by `"<tol>|<rep key>"`. */
export class BasisCache {
  private readonly map = new Map<string, InvariantBasis>();
  /** Number of cache hits so far. */
  hits = 0;
  /** Number of cache misses so far. */
  misses = 0;

  /** Look up a solved basis. */
  get(key: string): InvariantBasis | undefined {
    const v = this.map.get(key);
    if (v) this.hits++;
    else this.misses++;
    return v;
  }

  /** Store a solved basis. */
  set(key: string, value: InvariantBasis): void {
    this.map.set(key, value);
  }

  /** Number of stored entries. */
  get size(): number {
    return this.map.size;
  }

  /** Stored keys. */
  keys(): string[] {
    return [...this.map.keys()];
  }

  /** Drop everything. */
  clear(): void {
    this.map.clear();
  }
}
