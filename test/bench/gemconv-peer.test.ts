/**
 * The PyTorch peer of the mesh bench's GemConv cases (bench/peers/mesh_bench.py, `gemconv`) computes
 * the same layer as erlangen's GemConv: on the bunny's geometry (gemGeometry), with the weights,
 * bias, input and upstream gradient written by the bench's writeGemFile, the peer's output and its
 * gradients wrt x, weight, selfWeight and bias (float64) equal erlangen's — float64 to 1e-12, and
 * erlangen's float32 layer to 1e-4 (relative to the largest entry); also a layer without
 * self-interaction and bias, with 3 rings (float64, output and the x and weight gradients). Skipped when Debian's python3
 * with torch (the bench's peer interpreter) is not there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGemFile } from '../../bench/sections/mesh.js';
import { bunnyMesh } from '../../src/data/index.js';
import { GemConv, gemGeometry } from '../../src/mesh/index.js';
import { backward, enableGrad, fromData } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/index.js';

const PY = process.env.ERLANGEN_BENCH_PYTHON ?? '/usr/bin/python3';
const hasTorch = existsSync(PY) && spawnSync(PY, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'erlangen-gemconv-peer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); }
  return d / Math.max(m, 1e-300);
}

describe.skipIf(!hasTorch)('mesh bench: GemConv PyTorch peer', () => {
  const C = 4, L = 2, F = C * (2 * L + 1);
  const geo = gemGeometry(bunnyMesh()).geometry, V = geo.vertices;
  const rng = new Rng(7);
  const normals = (n: number): Float64Array => { const a = new Float64Array(n); rng.fillNormal(a); return a; };
  const x = normals(V * F), g = normals(V * F), bias = normals(C);

  // the peer's float64 output and gradients
  const conv64 = new GemConv(C, C, { maxOrderIn: L, maxOrderOut: L, rings: 2, dtype: 'float64', rng: new Rng(3) });
  (conv64.getParameter('bias').data as Float64Array).set(bias);
  const file = join(dir, 'gem.bin'), out = join(dir, 'out.bin');
  const params = { ...writeGemFile(file, conv64, geo, x, g, 'float64'), file, out };
  const run = hasTorch ? spawnSync(PY, ['bench/peers/mesh_bench.py', '--gemconv-check', JSON.stringify(params)], { encoding: 'utf8' }) : null;

  function peerOut(): Float64Array[] {
    expect(run?.status, run?.stderr).toBe(0);
    return readOut(out, conv64);
  }

  function readOut(path: string, conv: GemConv): Float64Array[] {
    const b = readFileSync(path), all = new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
    const p = conv.params(), sizes = [V * F, V * F, p.weight.size, p.selfWeight?.size ?? 0, C];
    let o = 0;
    return sizes.map((n) => all.slice(o, (o += n)));
  }

  function erlangen(conv: GemConv, dtype: 'float32' | 'float64'): ArrayLike<number>[] {
    const Arr = dtype === 'float64' ? Float64Array : Float32Array;
    if (dtype === 'float32') {
      for (const name of ['weight', 'selfWeight', 'bias']) (conv.getParameter(name).data as Float32Array).set(conv64.getParameter(name).data as Float64Array);
    }
    const xt = fromData(Arr.from(x), [V, F], { requiresGrad: true });
    const y: Tensor = enableGrad(() => conv.call(xt, geo));
    backward(y, fromData(Arr.from(g), [V, F]));
    const p = conv.params();
    return [y.data, xt.grad!.data, p.weight.grad!.data, p.selfWeight?.grad!.data ?? [], p.bias?.grad!.data ?? new Float64Array(C)] as ArrayLike<number>[];
  }

  it('float64: output and gradients equal erlangen GemConv to 1e-12', () => {
    const peer = peerOut(), ours = erlangen(conv64, 'float64');
    ours.forEach((a, i) => expect(relErr(a, peer[i]!), `array ${i}`).toBeLessThan(1e-12));
  });

  it('float32 erlangen GemConv against the float64 peer to 1e-4', () => {
    const peer = peerOut();
    const conv32 = new GemConv(C, C, { maxOrderIn: L, maxOrderOut: L, rings: 2, dtype: 'float32', rng: new Rng(3) });
    const ours = erlangen(conv32, 'float32');
    ours.forEach((a, i) => expect(relErr(a, peer[i]!), `array ${i}`).toBeLessThan(1e-4));
  });

  it('float64 without self-interaction and bias, 3 rings: equal to 1e-12', () => {
    const conv = new GemConv(C, C, { maxOrderIn: L, maxOrderOut: L, rings: 3, selfInteraction: false, bias: false, dtype: 'float64', rng: new Rng(5) });
    const f2 = join(dir, 'gem2.bin'), o2 = join(dir, 'out2.bin');
    const p2 = { ...writeGemFile(f2, conv, geo, x, g, 'float64'), file: f2, out: o2 };
    const r2 = spawnSync(PY, ['bench/peers/mesh_bench.py', '--gemconv-check', JSON.stringify(p2)], { encoding: 'utf8' });
    expect(r2.status, r2.stderr).toBe(0);
    const peer = readOut(o2, conv), ours = erlangen(conv, 'float64');
    [0, 1, 2].forEach((i) => expect(relErr(ours[i]!, peer[i]!), `array ${i}`).toBeLessThan(1e-12));
  });
});
