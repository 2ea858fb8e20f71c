/**
 * The tensors and metadata of test/fixtures/safetensors/erlangen-written.safetensors, built
 * deterministically, and the sidecar format shared with scripts/safetensors_fixtures.py (values JSON
 * cannot hold are the strings "NaN", "Infinity", "-Infinity", "-0").
 */
import { Rng } from '../../src/util/rng.js';
import { encodeExact } from '../../src/io/json.js';
import type { TensorData } from '../../src/io/index.js';

export function erlangenFixture(): { tensors: Map<string, TensorData>; metadata: Record<string, string> } {
  const rng = new Rng(20251202);
  const f32 = (n: number) => rng.fillNormal(new Float32Array(n)) as Float32Array;
  const f64 = (n: number) => rng.fillNormal(new Float64Array(n)) as Float64Array;
  const tensors = new Map<string, TensorData>([
    ['encoder.weight', { shape: [4, 3], data: f32(12) }],
    ['encoder.bias', { shape: [3], data: f32(3) }],
    ['head.weight', { shape: [3, 2, 2], data: f64(12) }],
    ['steps', { shape: [5], data: new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, -1, 42]) }],
    ['scalar', { shape: [], data: new Float64Array([Math.PI]) }],
    ['scalar32', { shape: [], data: new Float32Array([0.1]) }],
    ['empty', { shape: [2, 0], data: new Float32Array(0) }],
    ['special', { shape: [6], data: new Float32Array([-0, Infinity, -Infinity, NaN, 1.401298464324817e-45, 3.4028234663852886e38]) }],
    ['special64', { shape: [4], data: new Float64Array([-0, 5e-324, Number.MAX_VALUE, NaN]) }],
    ['ünïcode.名前', { shape: [2], data: new Float64Array([1, -1]) }],
    ['__proto__', { shape: [1, 1], data: new Float32Array([2.5]) }],
  ]);
  const metadata = {
    framework: 'erlangen',
    note: 'unicode ✓, "quotes", a\nnewline',
    config: encodeExact({ lr: 1e-3, betas: [0.9, 0.999], tiny: -0, big: Infinity }, 'fixture'),
  };
  return { tensors, metadata };
}

function enc(x: number): number | string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

export function dec(x: number | string): number {
  if (typeof x === 'number') return x;
  return ({ NaN, Infinity, '-Infinity': -Infinity, '-0': -0 } as Record<string, number>)[x]!;
}

/** The sidecar JSON for scripts/safetensors_fixtures.py `check`. */
export function sidecarOf(tensors: Map<string, TensorData>, metadata: Record<string, string>, order: string[]): string {
  const t = Object.create(null) as Record<string, unknown>; // '__proto__' is a tensor name here
  for (const [k, v] of tensors) {
    const dtype = v.data instanceof Float64Array ? 'F64' : v.data instanceof Int32Array ? 'I32' : 'F32';
    t[k] = { dtype, shape: v.shape, data: Array.from(v.data, enc) };
  }
  return `${JSON.stringify({ metadata, order, tensors: t }, null, 1)}\n`;
}
