/** `erlangen check` with an injected fake onnxruntime (the real one is an optional dependency). */
import { describe, expect, it } from 'vitest';
import { loadOnnxRuntime, run } from '../../src/cli/commands/check.js';
import type { OrtLike } from '../../src/cli/commands/check.js';

/** How the fake model misbehaves (or not). */
type Mode = 'equivariant' | 'square' | 'narrow' | 'nan' | 'int64' | 'two-outputs' | 'strict-input';

/**
 * A fake runtime whose "model" maps [B, 6] (2 vectors) to [B, 3]: their sum (equivariant), a
 * coordinate-wise square (not), or a broken variant: a [B, 2] output, NaN outputs, int64 outputs,
 * two outputs, or an input layer that rejects any width but 6 (as onnxruntime does).
 */
function fakeOrt(mode: Mode): OrtLike {
  class T { constructor(readonly type: string, readonly data: Float32Array, readonly dims: readonly number[]) {} }
  return {
    Tensor: T,
    InferenceSession: {
      create: async () => ({
        inputNames: ['x'], outputNames: mode === 'two-outputs' ? ['y', 'z'] : ['y'],
        run: async (feeds: Record<string, unknown>) => {
          const x = feeds.x as T, b = x.dims[0]!, w = x.dims[1]!;
          if (w !== 6) throw new Error(`Got invalid dimensions for input: x for the following indices index: 1 Got: ${w} Expected: 6`);
          const width = mode === 'narrow' ? 2 : 3, y = new Float32Array(b * width);
          for (let i = 0; i < b; i++) for (let k = 0; k < width; k++) {
            const s = x.data[i * 6 + k]! + x.data[i * 6 + 3 + k]!;
            y[i * width + k] = mode === 'square' ? s * s : mode === 'nan' ? NaN : s;
          }
          return { y: { data: y, dims: [b, width], type: mode === 'int64' ? 'int64' : 'float32' } };
        },
      }),
    },
  };
}

function io() {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
}

describe('erlangen check', () => {
  const args = ['model.onnx', '--group', 'SO(3)', '--in', '2V', '--out', 'V'];
  it('passes an equivariant model (exit 0) and fails a non-equivariant one (exit 1)', async () => {
    const a = io();
    expect(await run(args, a.io, { loadRuntime: async () => fakeOrt('equivariant') })).toBe(0);
    expect(a.out.join('')).toMatch(/^EQUIVARIANT under SO\(3\) \(float32/);
    const b = io();
    expect(await run([...args, '--json'], b.io, { loadRuntime: async () => fakeOrt('square') })).toBe(1);
    const j = JSON.parse(b.out.join('')) as { ok: boolean; verdict: string };
    expect([j.ok, j.verdict]).toEqual([false, 'not-equivariant']);
  });
  it('explains a missing onnxruntime-node and usage errors', async () => {
    const a = io();
    // simulate a machine without the optional dependency
    expect(await run(args, a.io, { loadRuntime: () => loadOnnxRuntime('onnxruntime-node-not-installed') })).toBe(1);
    expect(a.err.join('')).toMatch(/BackendError: onnxruntime-node is not installed/);
    const b = io();
    expect(await run(['model.onnx', '--group', 'SO(3)'], b.io)).toBe(2);
  });

  it('reads a positional spec (a BOM is dropped) and refuses a spec and flags that disagree', async () => {
    const a = io();
    expect(await run(['model.onnx', '\uFEFFSO(3): 2V -> V'], a.io, { loadRuntime: async () => fakeOrt('equivariant') })).toBe(0);
    expect(a.out.join('')).toMatch(/^EQUIVARIANT under SO\(3\)/);
    const b = io();
    expect(await run(['model.onnx', 'SO(3): 2V -> V', '--group', 'O(3)'], b.io, { loadRuntime: async () => fakeOrt('equivariant') })).toBe(2);
    expect(b.err.join('')).toMatch(/the spec 'SO\(3\): 2V -> V' gives group 'SO\(3\)' but --group gives 'O\(3\)'/);
    const c = io();
    expect(await run(['model.onnx', ...args.slice(1), '--in', '3V'], c.io, { loadRuntime: async () => fakeOrt('equivariant') })).toBe(2);
    expect(c.err.join('')).toMatch(/--in given twice/);
    const d = io(); // repeating the spec's value as a flag is fine
    expect(await run(['model.onnx', 'SO(3): 2V -> V', '--out', 'V'], d.io, { loadRuntime: async () => fakeOrt('equivariant') })).toBe(0);
  });

  const broken: [string, Mode, string[], RegExp][] = [
    ['an output wider than the model gives (--out 2V, the model gives [B, 3])', 'equivariant', ['--in', '2V', '--out', '2V'],
      /ShapeError: output 0 of the model \(ρ = 2V of SO\(3\), width 6\): expected \[\.\.\., 6\], got \[4,3\]/],
    ['a model whose output is [B, 2] for --out V', 'narrow', ['--in', '2V', '--out', 'V'], /ShapeError: .*expected \[\.\.\., 3\], got \[4,2\]/],
    ['an input width the model rejects (--in 3V for a [B, 6] input)', 'strict-input', ['--in', '3V', '--out', 'V'],
      /ShapeError: the model rejected the input "x" \[4,9\] \(--in "3V" of SO\(3\), width 9\)/],
    ['NaN outputs', 'nan', ['--in', '2V', '--out', 'V'], /NonFiniteError: output 0 of the model .* NaN/],
    ['int64 outputs', 'int64', ['--in', '2V', '--out', 'V'], /DTypeError: output "y" \[4,3\] is int64/],
    ['two outputs for one --out', 'two-outputs', ['--in', '2V', '--out', 'V'], /ShapeError: the model has 2 outputs \(y, z\)/],
  ];
  it.each(broken)('exits 1 with a named error on %s', async (_name, mode, reps, message) => {
    const c = io();
    expect(await run(['model.onnx', '--group', 'SO(3)', ...reps], c.io, { loadRuntime: async () => fakeOrt(mode) })).toBe(1);
    expect(c.err.join('')).toMatch(message);
    expect(c.out.join('')).not.toMatch(/^EQUIVARIANT/);
  });
});
