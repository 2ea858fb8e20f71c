/**
 * The representation string grammar. It parses what `Rep.toString()` prints:
 *
 * ```
 * sum     := term ('+' term)*
 * term    := [INT ['x']] product            3V, 2(V+1), 16x0e
 * product := power ('*' power)*             V*V (tensor product, as in emlp)
 * power   := primary ['^' INT]              V^2
 * primary := 'V' | 'Scalar' | '1' | 'regular' | 'dual(' sum ')' | 'T(' INT ',' INT ')'
 *          | 'ir(' INT (',' INT)* ')' | INT('e'|'o'|'y')   (O(3) irreps, e3nn style) | '(' sum ')'
 * ```
 * @module
 */
import type { Group } from '../group/index.js';
import { ErlangenError, ParseError, SizeError } from '../util/index.js';
import { V, regular } from './base-reps.js';
import { irrep } from './irreps.js';
import { Rep, Scalar, directSum, dualRep, tensorProduct } from './rep.js';

type Tok =
  | { t: 'int'; v: number; pos: number }
  | { t: 'mult'; v: number; pos: number }
  | { t: 'irrep'; l: number; p: string; pos: number }
  | { t: 'id'; v: string; pos: number }
  | { t: 'sym'; v: string; pos: number };

function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (/[0-9]/.test(c)) {
      const start = i;
      while (i < s.length && /[0-9]/.test(s[i]!)) i++;
      const v = Number(s.slice(start, i));
      const nx = s[i];
      if (nx !== undefined && 'eoy'.includes(nx) && !/[A-Za-z0-9_]/.test(s[i + 1] ?? '')) {
        out.push({ t: 'irrep', l: v, p: nx, pos: start });
        i++;
      } else if (nx === 'x' && /[0-9A-Za-z(]/.test(s[i + 1] ?? '')) {
        out.push({ t: 'mult', v, pos: start });
        i++;
      } else out.push({ t: 'int', v, pos: start });
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < s.length && /[A-Za-z0-9_]/.test(s[i]!)) i++;
      out.push({ t: 'id', v: s.slice(start, i), pos: start });
    } else if ('()+*^,-'.includes(c)) {
      out.push({ t: 'sym', v: c, pos: i });
      i++;
    } else throw new ParseError(`parseRep: unexpected character "${c}" at ${i} in "${short(s)}"`);
  }
  return out;
}

/** Longest representation string parseRep reads (characters). */
export const MAX_REP_STRING_LENGTH = 100_000;

/** Deepest nesting of parentheses (`(…)`, `dual(…)`) parseRep follows. */
export const MAX_REP_NESTING = 200;

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[], private readonly src: string, private readonly group: Group) {}

  private fail(msg: string): never {
    const tok = this.toks[this.i];
    throw new ParseError(`parseRep: ${msg} at ${tok ? tok.pos : this.src.length} in "${short(this.src)}"`);
  }
  private peek(): Tok | undefined {
    return this.toks[this.i];
  }
  private isSym(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'sym' && t.v === v;
  }
  private expectSym(v: string): void {
    if (!this.isSym(v)) this.fail(`expected "${v}"`);
    this.i++;
  }
  private int(): number {
    const t = this.peek();
    if (t?.t === 'int') {
      this.i++;
      return t.v;
    }
    if (t?.t === 'sym' && t.v === '-') {
      const n = this.toks[this.i + 1];
      if (n?.t === 'int') {
        this.i += 2;
        return -n.v;
      }
    }
    return this.fail('expected an integer');
  }

  parseAll(): Rep {
    const r = this.sum();
    if (this.i < this.toks.length) this.fail('unexpected token');
    return r;
  }

  private sum(): Rep {
    if (++this.depth > MAX_REP_NESTING) this.fail(`nesting deeper than ${MAX_REP_NESTING}`);
    const terms = [this.term()];
    while (this.isSym('+')) {
      this.i++;
      terms.push(this.term());
    }
    this.depth--;
    return directSum(terms);
  }

  private startsPrimary(t: Tok | undefined): boolean {
    return t !== undefined && (t.t === 'id' || t.t === 'irrep' || t.t === 'int' || (t.t === 'sym' && t.v === '('));
  }

  private term(): Rep {
    const t = this.peek();
    let mult = 1;
    if (t?.t === 'mult') {
      mult = t.v;
      this.i++;
    } else if (t?.t === 'int' && this.startsPrimary(this.toks[this.i + 1])) {
      mult = t.v;
      this.i++;
    }
    if (mult < 1) this.fail('multiplicity must be ≥ 1');
    const p = this.product();
    return mult === 1 ? p : p.times(mult);
  }

  private product(): Rep {
    const fs = [this.power()];
    while (this.isSym('*')) {
      this.i++;
      fs.push(this.power());
    }
    return tensorProduct(fs);
  }

  private power(): Rep {
    const base = this.primary();
    if (this.isSym('^')) {
      this.i++;
      return base.pow(this.int());
    }
    return base;
  }

  private primary(): Rep {
    const t = this.peek();
    if (!t) return this.fail('unexpected end');
    if (t.t === 'sym' && t.v === '(') {
      this.i++;
      const r = this.sum();
      this.expectSym(')');
      return r;
    }
    if (t.t === 'int') {
      if (t.v !== 1) this.fail(`a bare integer must be 1 (Scalar), got ${t.v}`);
      this.i++;
      return Scalar(this.group);
    }
    if (t.t === 'irrep') {
      this.i++;
      const p = t.p === 'e' ? 1 : t.p === 'o' ? -1 : t.l % 2 === 0 ? 1 : -1;
      return this.guard(() => irrep(this.group, t.l, p));
    }
    if (t.t !== 'id') return this.fail('expected a representation');
    this.i++;
    switch (t.v) {
      case 'V':
        return V(this.group);
      case 'Scalar':
        return Scalar(this.group);
      case 'regular':
        return this.guard(() => regular(this.group));
      case 'dual': {
        this.expectSym('(');
        const r = this.sum();
        this.expectSym(')');
        return dualRep(r);
      }
      case 'T': {
        this.expectSym('(');
        const p = this.int();
        this.expectSym(',');
        const q = this.int();
        this.expectSym(')');
        if (p < 0 || q < 0) this.fail('T(p,q) needs p, q ≥ 0');
        const v = V(this.group);
        return tensorProduct([v.pow(p), dualRep(v).pow(q)]);
      }
      case 'ir': {
        this.expectSym('(');
        const args = [this.int()];
        while (this.isSym(',')) {
          this.i++;
          args.push(this.int());
        }
        this.expectSym(')');
        return this.guard(() => irrep(this.group, ...args));
      }
      default:
        return this.fail(`unknown representation "${t.v}"`);
    }
  }

  private guard(f: () => Rep): Rep {
    try {
      return f();
    } catch (e) {
      if (e instanceof SizeError) throw e; // too large to build: keep the class
      return this.fail(e instanceof Error ? e.message : String(e));
    }
  }
}

/**
 * Parse a representation of `group` from the grammar above.
 * @throws ParseError on a non-string argument, a string longer than MAX_REP_STRING_LENGTH, nesting
 *   deeper than MAX_REP_NESTING, or text outside the grammar (also for an irrep the group lacks);
 *   SizeError (a ValueError) when the rep exceeds MAX_REP_SIZE or MAX_TENSOR_FACTORS, and other
 *   ValueErrors from the rep algebra, their messages prefixed by the call.
 */
export function parseRep(text: string, group: Group): Rep {
  if (typeof text !== 'string') throw new ParseError(`parseRep: expected a string, got ${text === null ? 'null' : typeof text}`);
  if (typeof group !== 'object' || group === null || typeof group.key !== 'string') {
    throw new ParseError(`parseRep: expected a group as the second argument, got ${group === null ? 'null' : typeof group}`);
  }
  if (text.length > MAX_REP_STRING_LENGTH) throw new ParseError(`parseRep: string of ${text.length} characters exceeds ${MAX_REP_STRING_LENGTH}`);
  const toks = lex(text);
  if (toks.length === 0) throw new ParseError('parseRep: empty string');
  try {
    return new Parser(toks, text, group).parseAll();
  } catch (e) {
    if (e instanceof ErlangenError && !(e instanceof ParseError)) {
      const Ctor = e.constructor as new (message: string) => ErlangenError;
      throw new Ctor(`parseRep("${short(text)}"): ${e.message}`);
    }
    throw e;
  }
}
