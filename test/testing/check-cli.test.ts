/** `erlangen check` with an injected fake onnxruntime (the real one is an optional dependency). */
import { describe, expect, it } from 'vitest';
import { loadOnnxRuntime, run } from '../../src/cli/commands/check.js';
import type { OrtLike } from '../../src/cli/commands/check.js';

/** A fake runtime whose "model" maps [B, 6] (2 vectors) to [B, 3]: their sum (equivariant) or a coordinate-wise square (not). */
function fakeOrt(equivariant: boolean): OrtLike {
  class T { constructor(readonly type: string, readonly data: Float32Array, readonly dims: readonly number[]) {} }
  return {
    Tensor: T,
    InferenceSession: {
      create: async () => ({
        inputNames: ['x'], outputNames: ['y'],
        run: async (feeds: Record<string, unknown>) => {
          const x = feeds.x as T, b = x.dims[0]!, y = new Float32Array(b * 3);
          for (let i = 0; i < b; i++) for (let k = 0; k < 3; k++) {
            const s = x.data[i * 6 + k]! + x.data[i * 6 + 3 + k]!;
            y[i * 3 + k] = equivariant ? s : s * s;
          }
          return { y: { data: y, dims: [b, 3] } };
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
    expect(await run(args, a.io, { loadRuntime: async () => fakeOrt(true) })).toBe(0);
    expect(a.out.join('')).toMatch(/^EQUIVARIANT under SO\(3\) \(float32/);
    const b = io();
    expect(await run([...args, '--json'], b.io, { loadRuntime: async () => fakeOrt(false) })).toBe(1);
    const j = JSON.parse(b.out.join('')) as { ok: boolean; verdict: string };
    expect([j.ok, j.verdict]).toEqual([false, 'not-equivariant']);
  });
  it('explains a missing onnxruntime-node and usage errors', async () => {
    const a = io();
    // simulate a machine without the optional dependency
    expect(await run(args, a.io, { loadRuntime: () => loadOnnxRuntime('onnxruntime-node-not-installed') })).toBe(1);
    expect(a.err.join('')).toMatch(/onnxruntime-node is not installed/);
    const b = io();
    expect(await run(['model.onnx', '--group', 'SO(3)'], b.io)).toBe(2);
  });
});
