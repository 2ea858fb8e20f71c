/**
 * The fused wasm Adam / AdamW and SGD steps (src/backend/wasm/optim.ts) against the JS loops of
 * src/optim/adam.ts and sgd.ts: the same bits for float32 and float64, every mode (L2 decay, decoupled decay,
 * maximise), special values, a tail that is not a multiple of the vector width, on 1, 2 and 4
 * threads; resident arrays updated in place; and the optimizer end to end.
 */
import { describe, expect, it } from 'vitest';
import { wasmAdamStep, wasmSgdStep, type AdamStepScalars, type SgdStepScalars } from '../../src/backend/wasm/optim.js';
import { Adam, AdamW, SGD } from '../../src/optim/index.js';
import { adamLoop, adamLoopL2 } from '../../src/optim/adam.js';
import { sgdLoop } from '../../src/optim/sgd.js';
import { allocArray } from '../../src/backend/index.js';
import { isResident } from '../../src/backend/wasm/resident.js';
import { Tensor } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';
import { firstDiff, threadTables } from '../backend/wasm-test-helpers.js';

type F = Float32Array | Float64Array;

/** The JS reference step (the optimizer's own loops, decoupled decay first). */
function reference(p: F, g: F, m: F, v: F, s: AdamStepScalars): void {
  if (s.decay !== null) for (let i = 0; i < p.length; i++) p[i] = p[i]! * s.decay;
  if (s.decay === null && s.wd !== 0) adamLoopL2(p, g, m, v, s.sgn, s.wd, s.b1, s.b2, s.bc2sqrt, s.eps, s.stepSize);
  else adamLoop(p, g, m, v, s.sgn, s.b1, s.b2, s.bc2sqrt, s.eps, s.stepSize);
}

const SPECIAL = [0, -0, 1e-30, -1e-30, 1e30, -1e30, 3.4e38, NaN, Infinity, -Infinity, 1e-45, 0.5];

function arrays(rng: Rng, n: number, f64: boolean): F[] {
  const make = (scale: number, positive: boolean): F => {
    const a = f64 ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (positive ? Math.abs(rng.normal()) : rng.normal()) * scale;
    return a;
  };
  const [p, g, m, v] = [make(1, false), make(0.1, false), make(0.01, false), make(1e-3, true)];
  SPECIAL.forEach((x, k) => { g![3 * k + 1] = x; p![3 * k + 2] = x; }); // special gradients and parameters
  return [p!, g!, m!, v!];
}

const scalars = (t: number, o: Partial<AdamStepScalars> = {}): AdamStepScalars => {
  const b1 = 0.9, b2 = 0.999, lr = 1e-3;
  return { sgn: 1, wd: 0, b1, b2, bc2sqrt: Math.sqrt(1 - b2 ** t), eps: 1e-8, stepSize: lr / (1 - b1 ** t), decay: null, ...o };
};

describe('wasm Adam step: the JS loops\' bits', () => {
  const rng = new Rng(7);
  const modes: [string, AdamStepScalars][] = [
    ['plain', scalars(1)], ['L2 decay', scalars(3, { wd: 0.01 })], ['decoupled decay (AdamW)', scalars(5, { decay: 1 - 1e-3 * 0.05 })],
    ['maximise', scalars(2, { sgn: -1, wd: 1e-4 })],
  ];
  for (const [T, , rt] of threadTables()) {
    for (const f64 of [false, true]) {
      for (const [name, s] of modes) {
        it(`${name}, ${f64 ? 'float64' : 'float32'}, ${T} thread${T > 1 ? 's' : ''}`, () => {
          const n = 70_003; // parallel chunks and a tail
          const ref = arrays(rng, n, f64), got = ref.map((a) => a.slice());
          for (let step = 0; step < 2; step++) {
            reference(ref[0]!, ref[1]!, ref[2]!, ref[3]!, s);
            expect(wasmAdamStep(got[0]!, got[1]!, got[2]!, got[3]!, s, { runtime: rt })).toBe(true);
          }
          for (let k = 0; k < 4; k++) expect(firstDiff(got[k]!, ref[k]!, true), ['p', 'g', 'm', 'v'][k]).toBeNull();
        });
      }
    }
  }
  it('declines small, mixed-dtype and mismatched calls (nothing written)', () => {
    const s = scalars(1);
    const a = (n: number): Float32Array => new Float32Array(n).fill(1);
    expect(wasmAdamStep(a(100), a(100), a(100), a(100), s)).toBe(false);
    expect(wasmAdamStep(a(100), a(100), a(100), a(100), s, { minWork: 0 })).toBe(true);
    const p = a(8192);
    expect(wasmAdamStep(p, new Float64Array(8192), a(8192), a(8192), s)).toBe(false);
    expect(wasmAdamStep(p, a(8191), a(8192), a(8192), s)).toBe(false);
    expect(p.every((x) => x === 1)).toBe(true);
  });
  it('resident parameters and moments are updated in place', () => {
    const n = 1 << 16, s = scalars(1);
    const [p, g, m, v] = [0, 1, 2, 3].map(() => allocArray('float32', n) as Float32Array);
    expect(isResident(p) && isResident(m) && isResident(v)).toBe(true);
    g!.fill(0.5);
    const ref = [p, g, m, v].map((x) => x!.slice());
    reference(ref[0]!, ref[1]!, ref[2]!, ref[3]!, s);
    expect(wasmAdamStep(p!, g!, m!, v!, s)).toBe(true);
    expect(firstDiff(p!, ref[0]!, true)).toBeNull();
    expect(firstDiff(v!, ref[3]!, true)).toBeNull();
  });
});

describe('Adam and AdamW take the fused step for large parameters', () => {
  for (const Opt of [Adam, AdamW]) {
    it(`${Opt.name}: a large and a small parameter, three steps, the bits of the loops`, () => {
      const rng = new Rng(3);
      const shapes = [[300, 200], [7]];
      const params = shapes.map((s) => new Tensor(Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()), s, 'float32', true));
      const opt = new Opt(params, { lr: 1e-2, weightDecay: 0.1 });
      const refP = params.map((p) => p.data.slice() as Float32Array), refM = refP.map((p) => new Float32Array(p.length)), refV = refP.map((p) => new Float32Array(p.length));
      for (let t = 1; t <= 3; t++) {
        params.forEach((p) => { p.grad = new Tensor(Float32Array.from({ length: p.size }, () => rng.normal()), p.shape, 'float32'); });
        params.forEach((p, k) => {
          const s = scalars(t, { stepSize: 1e-2 / (1 - 0.9 ** t), ...(Opt === AdamW ? { decay: 1 - 1e-2 * 0.1 } : { wd: 0.1 }) });
          reference(refP[k]!, p.grad!.data as Float32Array, refM[k]!, refV[k]!, s);
        });
        opt.step();
      }
      params.forEach((p, k) => expect(firstDiff(p.data, refP[k]!, true)).toBeNull());
    });
  }
});

describe('wasm SGD step: the JS loop\'s bits', () => {
  const rng = new Rng(9);
  const modes: [string, Omit<SgdStepScalars, 'first'>][] = [
    ['plain', { sgn: 1, wd: 0, mu: 0, dampening: 0, lr: 0.1, nesterov: false }],
    ['weight decay, maximise', { sgn: -1, wd: 1e-3, mu: 0, dampening: 0, lr: 0.05, nesterov: false }],
    ['momentum, dampening', { sgn: 1, wd: 0, mu: 0.9, dampening: 0.1, lr: 0.1, nesterov: false }],
    ['Nesterov, weight decay', { sgn: 1, wd: 1e-4, mu: 0.9, dampening: 0, lr: 0.01, nesterov: true }],
  ];
  for (const [T, , rt] of threadTables()) {
    for (const f64 of [false, true]) {
      for (const [name, s] of modes) {
        it(`${name}, ${f64 ? 'float64' : 'float32'}, ${T} thread${T > 1 ? 's' : ''}`, () => {
          const n = 70_001;
          const [p, g, b] = arrays(rng, n, f64);
          const ref = [p!, g!, b!], got = ref.map((a) => a.slice());
          for (let step = 0; step < 3; step++) {
            const sc = { ...s, first: step === 0 };
            sgdLoop(ref[0]!, ref[1]!, s.mu ? ref[2]! : null, sc);
            expect(wasmSgdStep(got[0]!, got[1]!, s.mu ? got[2]! : null, sc, { runtime: rt })).toBe(true);
          }
          for (let k = 0; k < 3; k++) expect(firstDiff(got[k]!, ref[k]!, true), ['p', 'g', 'buf'][k]).toBeNull();
        });
      }
    }
  }
  it('SGD with momentum takes it for a large parameter: the loop\'s bits over three steps', () => {
    const rng2 = new Rng(4);
    const p = new Tensor(Float32Array.from({ length: 50_000 }, () => rng2.normal()), [50_000], 'float32', true);
    const ref = p.data.slice() as Float32Array, buf = new Float32Array(50_000);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
    for (let t = 0; t < 3; t++) {
      p.grad = new Tensor(Float32Array.from({ length: 50_000 }, () => rng2.normal()), [50_000], 'float32');
      sgdLoop(ref, p.grad.data as Float32Array, buf, { sgn: 1, wd: 1e-3, mu: 0.9, dampening: 0, lr: 0.1, nesterov: true, first: t === 0 });
      opt.step();
    }
    expect(firstDiff(p.data, ref, true)).toBeNull();
  });
});
