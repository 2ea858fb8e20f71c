/**
 * The branch-free relu / step kernels (src/backend/js/branchless.ts) against the scalar
 * definitions, bit for bit, on special values and random data, in float32 and float64, on views
 * with a byte offset, through the JS backend's kernels.
 */
import { describe, expect, it } from 'vitest';
import { reluBits, stepBits } from '../../src/backend/js/branchless.js';
import { UNARY_FNS } from '../../src/backend/js/elementwise.js';
import { jsBackend } from '../../src/backend/index.js';
import { Rng } from '../../src/util/index.js';

const SPECIAL = [1, -1, 0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 5e-324, -5e-324, 3.4e38, -3.4e38, 1e300, -1e300, 0.5, -0.5];

function inputs(Ctor: Float32ArrayConstructor | Float64ArrayConstructor): Float32Array | Float64Array {
  const rng = new Rng(7);
  const a = new Ctor(SPECIAL.length + 1 + 2000);
  a.set(SPECIAL, 1);
  for (let i = SPECIAL.length + 1; i < a.length; i++) a[i] = rng.normal() * 10 ** Math.floor(rng.uniform() * 6 - 3);
  // a negative NaN (sign bit set), as x86 produces for 0/0
  const w = new Int32Array(a.buffer);
  if (Ctor === Float32Array) w[0] = 0xffc00000 | 0;
  else { w[0] = 0; w[1] = 0xfff80000 | 0; }
  return a.subarray(0); // same buffer, offset 0; an offset view is checked below
}

const bits = (a: Float32Array | Float64Array): number[] => Array.from(new Int32Array(a.buffer, a.byteOffset, a.byteLength >> 2));

describe.each([['float32', Float32Array], ['float64', Float64Array]] as const)('branch-free relu / step (%s)', (_name, Ctor) => {
  it.each([['relu', reluBits], ['step', stepBits]] as const)('%s equals the scalar definition bit for bit (±0, ±∞, NaN of either sign, subnormals, random)', (op, fn) => {
    const a = inputs(Ctor), got = new Ctor(a.length), want = new Ctor(a.length);
    expect(fn(a, got)).toBe(true);
    const f = UNARY_FNS[op]!;
    for (let i = 0; i < a.length; i++) want[i] = f(a[i]!, 0);
    // NaN payloads: relu returns its input's NaN unchanged, so compare the NaN inputs' bits to the outputs'
    expect(bits(got).length).toBe(bits(want).length);
    for (let i = 0; i < a.length; i++) {
      if (Number.isNaN(a[i]!) && op === 'relu') expect(bits(got.subarray(i, i + 1))).toEqual(bits(a.subarray(i, i + 1)));
      else expect(Object.is(got[i], want[i]), `${op}(${a[i]}) = ${got[i]}, want ${want[i]}`).toBe(true);
    }
  });

  it('works on views with a byte offset, and through the JS backend kernel', () => {
    const a = inputs(Ctor), off = a.subarray(3), out = new Ctor(a.length - 3);
    jsBackend.kernels.relu!([{ data: off, shape: [off.length], dtype: _name }], [{ data: out, shape: [out.length], dtype: _name }], {});
    for (let i = 0; i < off.length; i++) if (!Number.isNaN(off[i]!)) expect(Object.is(out[i], UNARY_FNS.relu!(off[i]!, 0))).toBe(true);
    jsBackend.kernels.step!([{ data: off, shape: [off.length], dtype: _name }], [{ data: out, shape: [out.length], dtype: _name }], {});
    for (let i = 0; i < off.length; i++) expect(Object.is(out[i], UNARY_FNS.step!(off[i]!, 0))).toBe(true);
  });
});

it('other arrays are declined (the scalar loop runs)', () => {
  expect(reluBits(new Int32Array(4), new Int32Array(4))).toBe(false);
  expect(stepBits(new Float32Array(4), new Float64Array(4))).toBe(false);
});
