/**
 * einsum for any contraction: repeated indices within an operand (diagonals), indices summed in
 * one operand, `...` ellipses that broadcast (right-aligned, size-1 dimensions stretch, as NumPy
 * and torch), and pairwise contractions lowered to batched matmul (left to right).
 * @module
 */
import { ParseError, ShapeError, fmtShape } from '../../util/errors.js';
import type { Tensor } from '../tensor.js';
import { permute, reshape, sum } from './base.js';
import { matmul } from './matmul.js';
import { indexSelect } from './indexing.js';
import { asOp, requireTensors } from '../shape-util.js';

interface Term {
  t: Tensor;
  letters: string[];
}

function parse(eq: string, ops: readonly Tensor[]): { inputs: string[][]; output: string[]; ell: string[] } {
  const clean = eq.replace(/\s+/g, '');
  const [lhs, rhs] = clean.split('->') as [string, string | undefined];
  const parts = lhs.split(',');
  if (parts.length !== ops.length) throw new ParseError(`einsum: equation '${eq}' has ${parts.length} operands but ${ops.length} tensors were given`);
  for (const p of [...parts, rhs ?? '']) {
    if (p.indexOf('...') !== p.lastIndexOf('...')) throw new ParseError(`einsum: more than one ellipsis in '${p}'`);
  }
  const spare = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').filter((c) => !clean.includes(c));
  // Each operand's ellipsis covers its own number of dimensions; they broadcast right-aligned
  // (NumPy / torch), so one set of letters for the widest, and each operand takes its last ones.
  const ranks = parts.map((p, i) => {
    if (!p.includes('...')) return 0;
    const e = ops[i]!.ndim - p.replace('...', '').length;
    if (e < 0) throw new ShapeError(`einsum: operand ${i} '${p}' has more indices than the dimensions of its tensor ${fmtShape(ops[i]!.shape)}`);
    return e;
  });
  const E = Math.max(0, ...ranks);
  if (E > spare.length) throw new ParseError(`einsum: the ellipsis covers ${E} dimensions, more than the ${spare.length} spare index letters`);
  const ell = spare.slice(0, E);
  const expand = (p: string, e: number): string[] => {
    const k = p.indexOf('...');
    if (k < 0) return p.split('');
    return [...p.slice(0, k).split(''), ...ell.slice(E - e), ...p.slice(k + 3).split('')];
  };
  const inputs = parts.map((p, i) => {
    const letters = expand(p, ranks[i]!);
    if (letters.some((c) => !/[a-zA-Z]/.test(c))) throw new ParseError(`einsum: invalid character in '${p}' (use letters and '...')`);
    if (letters.length !== ops[i]!.ndim) throw new ShapeError(`einsum: operand ${i} '${p}' has ${letters.length} indices but the tensor has shape ${fmtShape(ops[i]!.shape)}`);
    return letters;
  });
  let output: string[];
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const l of inputs.flat()) counts.set(l, (counts.get(l) ?? 0) + 1);
    output = [...ell, ...[...counts.keys()].filter((l) => counts.get(l) === 1 && !ell.includes(l)).sort()];
  } else {
    output = expand(rhs, E);
    if (output.some((c) => !/[a-zA-Z]/.test(c))) throw new ParseError(`einsum: invalid character in the output '${rhs}' (use letters and '...')`);
    const all = new Set(inputs.flat());
    for (const l of output) if (!all.has(l)) throw new ParseError(`einsum: output index '${l}' does not appear in any input of '${eq}'`);
    if (new Set(output).size !== output.length) throw new ParseError(`einsum: repeated output index in '${eq}'`);
  }
  return { inputs, output, ell };
}

/**
 * Broadcast size-1 dimensions: an index with size 1 in one operand and n > 1 in another is dropped
 * from the first (its values do not depend on it). Sizes that are neither equal nor 1 are an error.
 */
function broadcastTerms(terms: Term[], ell: readonly string[]): Term[] {
  const size = new Map<string, number>();
  for (const { t, letters } of terms) {
    letters.forEach((l, i) => {
      const d = t.shape[i]!, s = size.get(l);
      if (s === undefined || s === 1) size.set(l, d);
      else if (d !== 1 && d !== s) {
        const what = ell.includes(l) ? 'a dimension covered by the ellipsis' : `index '${l}'`;
        throw new ShapeError(`einsum: ${what} has sizes ${s} and ${d}, which do not broadcast (operand shapes ${terms.map((x) => fmtShape(x.t.shape)).join(', ')})`);
      }
    });
  }
  return terms.map((term) => {
    const drop = term.letters.map((l, i) => term.t.shape[i] === 1 && size.get(l)! > 1);
    if (!drop.some(Boolean)) return term;
    return { t: reshape(term.t, term.t.shape.filter((_, i) => !drop[i])), letters: term.letters.filter((_, i) => !drop[i]) };
  });
}

/** Take the diagonal over every repeated letter of one operand. */
function diagonals(term: Term): Term {
  let { t, letters } = term;
  for (;;) {
    const dup = letters.find((l, i) => letters.indexOf(l) !== i);
    if (!dup) return { t, letters };
    const pos = letters.map((l, i) => (l === dup ? i : -1)).filter((i) => i >= 0);
    const n = t.shape[pos[0]!]!;
    for (const p of pos) if (t.shape[p] !== n) throw new ShapeError(`einsum: index '${dup}' has sizes ${pos.map((q) => t.shape[q]).join(' and ')}`);
    const rest = letters.map((_, i) => i).filter((i) => !pos.includes(i));
    const moved = permute(t, [...rest, ...pos]);
    const flat = reshape(moved, [...rest.map((i) => t.shape[i]!), n ** pos.length]);
    let stride = 0;
    for (let k = 0; k < pos.length; k++) stride += n ** k;
    const idx = Int32Array.from({ length: n }, (_, i) => i * stride);
    t = indexSelect(flat, -1, idx);
    letters = [...rest.map((i) => letters[i]!), dup];
  }
}

function sumOut(term: Term, keep: Set<string>): Term {
  const axes = term.letters.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (!axes.length) return term;
  return { t: sum(term.t, axes), letters: term.letters.filter((l) => keep.has(l)) };
}

function sizeOfLetter(terms: Term[], l: string): number {
  for (const { t, letters } of terms) {
    const i = letters.indexOf(l);
    if (i >= 0) return t.shape[i]!;
  }
  return 1;
}

function contract(a: Term, b: Term, needed: Set<string>): Term {
  const inB = new Set(b.letters);
  const inA = new Set(a.letters);
  for (const l of a.letters) {
    if (inB.has(l) && a.t.shape[a.letters.indexOf(l)] !== b.t.shape[b.letters.indexOf(l)]) {
      throw new ShapeError(`einsum: index '${l}' has size ${a.t.shape[a.letters.indexOf(l)]} in one operand and ${b.t.shape[b.letters.indexOf(l)]} in another`);
    }
  }
  const batch = a.letters.filter((l) => inB.has(l) && needed.has(l));
  const con = a.letters.filter((l) => inB.has(l) && !needed.has(l));
  const aOnly = a.letters.filter((l) => !inB.has(l));
  const bOnly = b.letters.filter((l) => !inA.has(l));
  const sz = (l: string): number => sizeOfLetter([a, b], l);
  const prodOf = (ls: string[]): number => ls.reduce((p, l) => p * sz(l), 1);
  const pa = permute(a.t, [...batch, ...aOnly, ...con].map((l) => a.letters.indexOf(l)));
  const pb = permute(b.t, [...batch, ...con, ...bOnly].map((l) => b.letters.indexOf(l)));
  const Bn = prodOf(batch), M = prodOf(aOnly), K = prodOf(con), N = prodOf(bOnly);
  const y = matmul(reshape(pa, [Bn, M, K]), reshape(pb, [Bn, K, N]));
  const letters = [...batch, ...aOnly, ...bOnly];
  return { t: reshape(y, letters.map(sz)), letters };
}

/**
 * Einstein summation, e.g. `einsum('bij,bjk->bik', [a, b])`, `einsum('ii->', [m])` (trace),
 * `einsum('i,j->ij', [u, v])`. Without `->` the output is the alphabetically sorted indices that
 * occur once (NumPy's implicit mode). Ellipses broadcast: `einsum('...ij,...jk->...ik', [a, b])`
 * with a [5, 1, 2, 3] and b [4, 3, 2] gives [5, 4, 2, 2]; a size-1 dimension of any index
 * stretches to the other operands' size.
 * @throws ParseError for a malformed equation; ShapeError for sizes that do not broadcast
 */
export function einsum(equation: string, operands: readonly Tensor[]): Tensor {
  requireTensors('einsum', 'operands', operands);
  return asOp('einsum', () => {
    const { inputs, output, ell } = parse(equation, operands);
    let terms: Term[] = broadcastTerms(operands.map((t, i) => diagonals({ t, letters: inputs[i]! })), ell);
    const outSet = new Set(output);
    // sum indices that occur in exactly one operand and not in the output
    terms = terms.map((term, i) => {
      const elsewhere = new Set(terms.filter((_, j) => j !== i).flatMap((x) => x.letters));
      return sumOut(term, new Set(term.letters.filter((l) => outSet.has(l) || elsewhere.has(l))));
    });
    let acc = terms[0]!;
    for (let i = 1; i < terms.length; i++) {
      const later = new Set([...output, ...terms.slice(i + 1).flatMap((x) => x.letters)]);
      acc = contract(acc, terms[i]!, later);
    }
    acc = sumOut(acc, outSet);
    return permute(acc.t, output.map((l) => acc.letters.indexOf(l)));
  });
}
