/**
 * The Rep value: an immutable expression over leaf representations with a canonical key.
 * Construction normalises: sums are flattened with adjacent equal terms merged into multiples,
 * tensor products are flattened with Scalars dropped and adjacent equal factors merged into
 * powers, and duals are pushed down to leaves (and dropped for orthogonal groups, where ρ* = ρ).
 * Normalisation never changes the coordinate layout, so equal keys mean equal matrices.
 * @module
 */
import type { Group } from '../group/index.js';
import { ShapeError, SizeError, ValueError } from '../util/index.js';
import { evalDrho, evalRho, evalSignedPerm } from './evaluate.js';
import type { RepLeaf, SignedPerm } from './leaf.js';

/** A summand of a direct sum: `mult` consecutive copies of `rep`. */
export interface SumTerm {
  readonly mult: number;
  readonly rep: Rep;
}
/** A factor of a tensor product: `rep^{⊗power}`. */
export interface TensorFactor {
  readonly rep: Rep;
  readonly power: number;
}
/** The expression node of a Rep. */
export type RepNode =
  | { readonly kind: 'leaf'; readonly leaf: RepLeaf }
  | { readonly kind: 'dual'; readonly of: Rep }
  | { readonly kind: 'sum'; readonly terms: readonly SumTerm[] }
  | { readonly kind: 'tensor'; readonly factors: readonly TensorFactor[] };

/**
 * Largest representation dimension: 2²⁶ (67,108,864). Every algebra operation (`times`, `pow`,
 * `tensor`, `plus`, the parser) checks it before building, so a size is always an exact integer and
 * `V^40` is a SizeError instead of a number that no vector can have.
 */
export const MAX_REP_SIZE = 2 ** 26;

/**
 * Largest number of entries of a dense ρ(g) or dρ(A) matrix that `Rep.rho`/`Rep.drho` build:
 * 2²⁶ float64 values (512 MiB), i.e. reps of size ≤ 8192. Larger reps must be used through
 * signed permutations or the solver's structured paths.
 */
export const MAX_DENSE_ENTRIES = 2 ** 26;

/**
 * Largest number of Kronecker factors (the sum of the powers) in a tensor product. Only reachable
 * with 1-dimensional factors (a 2-dimensional rep hits MAX_REP_SIZE at 26 factors).
 */
export const MAX_TENSOR_FACTORS = 1024;

function wrapForProduct(r: Rep): string {
  return r.node.kind === 'sum' ? `(${r.toString()})` : r.toString();
}

function printNode(n: RepNode): string {
  switch (n.kind) {
    case 'leaf':
      return n.leaf.name;
    case 'dual':
      return `dual(${n.of.toString()})`;
    case 'sum':
      return n.terms
        .map((t) => {
          if (t.mult === 1) return t.rep.toString();
          const inner = t.rep.node.kind === 'tensor' && t.rep.node.factors.length > 1 ? `(${t.rep.toString()})` : wrapForProduct(t.rep);
          return /^[0-9]/.test(inner) ? `${t.mult}x${inner}` : `${t.mult}${inner}`;
        })
        .join(' + ');
    case 'tensor':
      return n.factors
        .map((f) => {
          const base = f.rep.node.kind === 'sum' || f.rep.node.kind === 'tensor' ? `(${f.rep.toString()})` : f.rep.toString();
          return f.power === 1 ? base : `${base}^${f.power}`;
        })
        .join('*');
  }
}

function nodeSize(n: RepNode): number {
  switch (n.kind) {
    case 'leaf':
      return n.leaf.size;
    case 'dual':
      return n.of.size;
    case 'sum':
      return n.terms.reduce((s, t) => s + t.mult * t.rep.size, 0);
    case 'tensor':
      return n.factors.reduce((s, f) => s * f.rep.size ** f.power, 1);
  }
}

/**
 * An immutable group representation ρ: G → GL(size). Build with {@link leafRep}, the algebra
 * methods, or the string grammar (`parseRep`).
 */
export class Rep {
  /** Printed form without the group (parses back to this rep). */
  private readonly str: string;
  /** Dimension of the representation space. */
  readonly size: number;

  /** Use the factory functions; the constructor does not normalise. */
  constructor(readonly group: Group, readonly node: RepNode) {
    const size = nodeSize(node);
    if (!(size <= MAX_REP_SIZE)) throw new SizeError(`Rep: dimension ${size} exceeds the limit ${MAX_REP_SIZE} (MAX_REP_SIZE)`);
    this.str = printNode(node);
    this.size = size;
  }

  /** Canonical key `"<group key>:<expression>"`; equal keys ⇔ equal reps. */
  get key(): string {
    return `${this.group.key}:${this.str}`;
  }

  /** The expression in the string grammar, e.g. `"V^2 + 3V"`. */
  toString(): string {
    return this.str;
  }

  /** Same key. */
  equals(other: Rep): boolean {
    return this.key === other.key;
  }

  /** True when ρ(g) is orthogonal for all g. */
  get isOrthogonal(): boolean {
    const n = this.node;
    switch (n.kind) {
      case 'leaf':
        return n.leaf.orthogonal;
      case 'dual':
        return n.of.isOrthogonal;
      case 'sum':
        return n.terms.every((t) => t.rep.isOrthogonal);
      case 'tensor':
        return n.factors.every((f) => f.rep.isOrthogonal);
    }
  }

  /** ρ(g) (size×size row-major) for g given in the group's defining representation. */
  rho(g: Float64Array): Float64Array {
    this.checkDense('rho', g);
    return evalRho(this, g);
  }

  /** The argument is a d×d matrix of the group, and the dense result fits MAX_DENSE_ENTRIES. */
  private checkDense(op: string, m: Float64Array): void {
    const d = this.group.d;
    if (!(m instanceof Float64Array) || m.length !== d * d) {
      throw new ShapeError(`Rep.${op}: expected a ${d}×${d} Float64Array for ${this.group.key}, got ${m instanceof Float64Array ? `${m.length} values` : String(m)}`);
    }
    if (this.size * this.size > MAX_DENSE_ENTRIES) {
      throw new SizeError(`Rep.${op}: a dense ${this.size}×${this.size} matrix for ${this.toString().slice(0, 60)} exceeds ${MAX_DENSE_ENTRIES} entries (MAX_DENSE_ENTRIES)`);
    }
  }

  /** dρ(A) for A in the Lie algebra: d/dt ρ(exp tA) at t = 0. */
  drho(A: Float64Array): Float64Array {
    this.checkDense('drho', A);
    return evalDrho(this, A);
  }

  /** ρ(g) as a signed permutation when it is one, else null. */
  signedPerm(g: Float64Array): SignedPerm | null {
    return evalSignedPerm(this, g);
  }

  /** Direct sum ρ ⊕ σ (block diagonal). */
  plus(other: Rep): Rep {
    return directSum([this, other]);
  }

  /** n copies ρ ⊕ … ⊕ ρ. */
  times(n: number): Rep {
    if (!Number.isInteger(n) || n < 1) throw new ValueError(`Rep.times: multiplicity must be a positive integer, got ${n}`);
    if (!(n * this.size <= MAX_REP_SIZE)) throw new SizeError(`Rep.times: ${n} copies of a rep of size ${this.size} exceed the limit ${MAX_REP_SIZE} (MAX_REP_SIZE)`);
    return makeSum([{ mult: n, rep: this }], this.group);
  }

  /** Tensor product ρ ⊗ σ: ρ(g)⊗σ(g), dρ(A)⊗I + I⊗dσ(A). */
  tensor(other: Rep): Rep {
    return tensorProduct([this, other]);
  }

  /** Tensor power ρ^{⊗k} (k = 0 gives Scalar). */
  pow(k: number): Rep {
    if (!Number.isInteger(k) || k < 0) throw new ValueError(`Rep.pow: exponent must be a non-negative integer, got ${k}`);
    if (!(this.size ** k <= MAX_REP_SIZE)) throw new SizeError(`Rep.pow: ${this.toString().slice(0, 60)} (size ${this.size}) to the power ${k} has dimension ${this.size ** k}, over the limit ${MAX_REP_SIZE} (MAX_REP_SIZE)`);
    return makeTensor([{ rep: this, power: k }], this.group);
  }

  /** Dual ρ*(g) = ρ(g)^{−T}, dρ*(A) = −dρ(A)ᵀ. */
  dual(): Rep {
    return dualRep(this);
  }

  /** Sum terms (a non-sum rep is one term of multiplicity 1). */
  terms(): readonly SumTerm[] {
    return this.node.kind === 'sum' ? this.node.terms : [{ mult: 1, rep: this }];
  }
}

function sameGroup(reps: readonly Rep[]): Group {
  const g = reps[0]!.group;
  for (const r of reps) {
    if (r.group.key !== g.key) throw new ValueError(`rep algebra: mixing groups ${g.key} and ${r.group.key}`);
  }
  return g;
}

/** Wrap a leaf as a Rep. */
export function leafRep(group: Group, leaf: RepLeaf): Rep {
  return new Rep(group, { kind: 'leaf', leaf });
}

/** True for the Scalar leaf (trivial 1-dim rep). */
export function isScalar(r: Rep): boolean {
  return r.node.kind === 'leaf' && r.node.leaf.name === 'Scalar';
}

function scalarOf(group: Group): Rep {
  return leafRep(group, {
    name: 'Scalar', size: 1, orthogonal: true,
    rho: () => Float64Array.of(1), drho: () => Float64Array.of(0),
    signedPerm: () => ({ perm: Int32Array.of(0), sign: Int8Array.of(1) }),
  });
}

function makeSum(input: readonly SumTerm[], group: Group): Rep {
  const total = input.reduce((acc, t) => acc + t.mult * t.rep.size, 0);
  if (!(total <= MAX_REP_SIZE)) throw new SizeError(`directSum: dimension ${total} exceeds the limit ${MAX_REP_SIZE} (MAX_REP_SIZE)`);
  const expanded: SumTerm[] = [];
  for (const t of input) {
    if (t.rep.node.kind === 'sum') for (let c = 0; c < t.mult; c++) expanded.push(...t.rep.node.terms);
    else expanded.push(t);
  }
  const flat: SumTerm[] = [];
  for (const u of expanded) {
    const last = flat[flat.length - 1];
    if (last && last.rep.key === u.rep.key) flat[flat.length - 1] = { mult: last.mult + u.mult, rep: last.rep };
    else flat.push(u);
  }
  if (flat.length === 0) throw new ValueError('directSum: empty sum');
  if (flat.length === 1 && flat[0]!.mult === 1) return flat[0]!.rep;
  return new Rep(group, { kind: 'sum', terms: flat });
}

/** Number of Kronecker factors of rep^power (leaves count 1, a tensor node the sum of its powers). */
function factorCount(rep: Rep, power: number): number {
  const n = rep.node;
  if (isScalar(rep)) return 0;
  return power * (n.kind === 'tensor' ? n.factors.reduce((a, f) => a + f.power, 0) : 1);
}

function makeTensor(input: readonly TensorFactor[], group: Group): Rep {
  const size = input.reduce((acc, f) => acc * f.rep.size ** f.power, 1);
  if (!(size <= MAX_REP_SIZE)) throw new SizeError(`tensorProduct: dimension ${size} exceeds the limit ${MAX_REP_SIZE} (MAX_REP_SIZE)`);
  const factors = input.reduce((acc, f) => acc + factorCount(f.rep, f.power), 0);
  if (!(factors <= MAX_TENSOR_FACTORS)) throw new SizeError(`tensorProduct: ${factors} Kronecker factors exceed the limit ${MAX_TENSOR_FACTORS} (MAX_TENSOR_FACTORS)`);
  const flat: TensorFactor[] = [];
  const push = (rep: Rep, power: number): void => {
    if (power === 0 || isScalar(rep)) return;
    const last = flat[flat.length - 1];
    if (last && last.rep.key === rep.key) flat[flat.length - 1] = { rep: last.rep, power: last.power + power };
    else flat.push({ rep, power });
  };
  for (const f of input) {
    if (f.rep.node.kind === 'tensor') {
      for (let k = 0; k < f.power; k++) for (const g of f.rep.node.factors) push(g.rep, g.power);
    } else push(f.rep, f.power);
  }
  if (flat.length === 0) return scalarOf(group);
  if (flat.length === 1 && flat[0]!.power === 1) return flat[0]!.rep;
  return new Rep(group, { kind: 'tensor', factors: flat });
}

/** Direct sum ⊕ᵢ ρᵢ (block diagonal, in order). */
export function directSum(reps: readonly Rep[]): Rep {
  return makeSum(reps.map((rep) => ({ mult: 1, rep })), sameGroup(reps));
}

/** Tensor product ⊗ᵢ ρᵢ (Kronecker, in order). */
export function tensorProduct(reps: readonly Rep[]): Rep {
  return makeTensor(reps.map((rep) => ({ rep, power: 1 })), sameGroup(reps));
}

/** Dual representation, pushed to the leaves; identity for orthogonal reps. */
export function dualRep(r: Rep): Rep {
  if (r.isOrthogonal || isScalar(r)) return r;
  const n = r.node;
  switch (n.kind) {
    case 'leaf':
      return new Rep(r.group, { kind: 'dual', of: r });
    case 'dual':
      return n.of;
    case 'sum':
      return makeSum(n.terms.map((t) => ({ mult: t.mult, rep: dualRep(t.rep) })), r.group);
    case 'tensor':
      return makeTensor(n.factors.map((f) => ({ rep: dualRep(f.rep), power: f.power })), r.group);
  }
}

/** The trivial representation of a group (size 1, ρ = 1). */
export function Scalar(group: Group): Rep {
  return scalarOf(group);
}

/** hom(a, b) = b ⊗ a*: the representation on linear maps a → b, acting on vec_r(W). */
export function hom(a: Rep, b: Rep): Rep {
  return tensorProduct([b, dualRep(a)]);
}
