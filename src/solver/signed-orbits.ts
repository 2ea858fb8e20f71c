/**
 * Orbits of signed permutations on basis indices: the invariants of a group acting by signed
 * permutations (v_{perm(i)} = sign_i · v_i) are spanned by one vector per orbit, ±1 on its
 * members; an orbit that meets itself with sign −1 carries no invariant ("dead"). Shared by the
 * finite-group orbit path (invariants.ts) and the Krylov path's exact reduction (krylov.ts).
 * @module
 */
import type { SignedPerm } from '../rep/index.js';

/** The orbits of a set of signed permutations on n indices. */
export interface SignedOrbits {
  /** Orbit (column) of each index, −1 for indices of dead orbits. */
  readonly col: Int32Array;
  /** Sign of each index relative to its orbit's representative. */
  readonly sign: Int8Array;
  /** Members per live orbit, in column order (columns numbered by first member). */
  readonly sizes: readonly number[];
}

/**
 * Union–find with signs over n indices. `dead0` (optional) marks indices that must vanish already
 * (their orbits die with them).
 */
export function signedOrbits(n: number, perms: readonly Pick<SignedPerm, 'perm' | 'sign'>[], dead0?: Uint8Array): SignedOrbits {
  const parent = new Int32Array(n);
  const rel = new Int8Array(n).fill(1); // v_i = rel_i · v_parent
  const dead = dead0 ? Uint8Array.from(dead0) : new Uint8Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): [number, number] => {
    let s = 1;
    let r = i;
    while (parent[r] !== r) {
      s *= rel[r]!;
      r = parent[r]!;
    }
    // path compression
    let x = i;
    let sx = s;
    while (parent[x] !== r) {
      const nx = parent[x]!;
      const sn = sx * rel[x]!;
      parent[x] = r;
      rel[x] = sx as 1 | -1;
      x = nx;
      sx = sn;
    }
    return [r, s];
  };
  for (const { perm, sign } of perms) {
    for (let i = 0; i < n; i++) {
      const [ri, si] = find(i);
      const [rj, sj] = find(perm[i]!);
      // v_j = sign_i · v_i  ⇒  sj·v_rj = sign_i·si·v_ri
      const s = sign[i]! * si * sj;
      if (ri === rj) {
        if (s !== 1) dead[ri] = 1;
      } else {
        parent[rj] = ri;
        rel[rj] = s as 1 | -1;
        if (dead[rj]) dead[ri] = 1;
      }
    }
  }
  const colOf = new Int32Array(n).fill(-1);
  const col = new Int32Array(n).fill(-1);
  const signs = new Int8Array(n);
  const sizes: number[] = [];
  const roots = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [r, s] = find(i);
    roots[i] = r;
    signs[i] = s;
  }
  for (let i = 0; i < n; i++) {
    const r = roots[i]!;
    if (dead[r]) continue;
    if (colOf[r] === -1) {
      colOf[r] = sizes.length;
      sizes.push(0);
    }
    col[i] = colOf[r]!;
    sizes[colOf[r]!]!++;
  }
  return { col, sign: signs, sizes };
}
