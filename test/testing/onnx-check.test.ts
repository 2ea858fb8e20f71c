/**
 * `erlangen check` end to end with the real onnxruntime-node: ONNX models are written with
 * onnx-proto (a Gemm y = x·Wᵀ on 2V → V for SO(3)): W = [2I, −I] is equivariant, a random W is not;
 * and models that do not match the declared reps (widths, NaN outputs, two outputs) must fail with
 * a named error and exit code 1, never pass.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import { main } from '../../src/cli/main.js';
import { Rng } from '../../src/util/rng.js';

const { onnx } = onnxProto;

/** Encode a one-node Gemm model: Y[batch, nOut] = X[batch, nIn] · Wᵀ (transB = 1); `twoOutputs` adds Z = Identity(Y). */
function gemmModel(w: number[], nIn: number, nOut: number, twoOutputs = false): Uint8Array {
  const dim = (d: number | string) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d });
  const valueInfo = (name: string, n: number) => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [dim('batch'), dim(n)] } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'erlangen-test',
    graph: {
      name: 'gemm',
      node: [
        { opType: 'Gemm', input: ['X', 'W'], output: ['Y'], attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
        ...(twoOutputs ? [{ opType: 'Identity', input: ['Y'], output: ['Z'] }] : []),
      ],
      initializer: [{ name: 'W', dims: [nOut, nIn], dataType: onnx.TensorProto.DataType.FLOAT, floatData: w }],
      input: [valueInfo('X', nIn)],
      output: [valueInfo('Y', nOut), ...(twoOutputs ? [valueInfo('Z', nOut)] : [])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function capture() {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
}

describe('erlangen check with onnxruntime-node (real ONNX models)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'erlangen-onnx-'));
  // W: 3×6 acting on x = (u, v) ∈ V ⊕ V: y = 2u − v (a combination of the basis maps I on each copy).
  const eqW: number[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 6; j++) eqW.push(j === i ? 2 : j === i + 3 ? -1 : 0);
  const rng = new Rng(7);
  const badW = Array.from({ length: 18 }, () => rng.normal());
  const eqPath = join(dir, 'equivariant.onnx'), badPath = join(dir, 'random.onnx');
  const nanPath = join(dir, 'nan.onnx'), twoPath = join(dir, 'two-outputs.onnx');
  writeFileSync(eqPath, gemmModel(eqW, 6, 3));
  writeFileSync(badPath, gemmModel(badW, 6, 3));
  writeFileSync(nanPath, gemmModel(eqW.map((v, i) => (i === 0 ? NaN : v)), 6, 3));
  writeFileSync(twoPath, gemmModel(eqW, 6, 3, true));
  const args = ['--group', 'SO(3)', '--in', '2V', '--out', 'V'];

  it('passes the equivariant model with exit code 0', async () => {
    const c = capture();
    const code = await main(['check', eqPath, ...args, '--json'], c.io);
    const report = JSON.parse(c.out.join('')) as { ok: boolean };
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
  });

  it('fails the random model with exit code 1 and a readable report', async () => {
    const c = capture();
    const code = await main(['check', badPath, ...args], c.io);
    expect(code).toBe(1);
    expect(c.out.join('')).toMatch(/NOT EQUIVARIANT|not equivariant/i);
  });

  it.each([
    ['the random [B,6] → [B,3] model declared 2V → 2V (output width)', badPath, ['--in', '2V', '--out', '2V'], /ShapeError: output 0 of the model \(ρ = 2V of SO\(3\), width 6\): expected \[\.\.\., 6\], got \[4,3\]/],
    ['the random model declared V → V (input width)', badPath, ['--in', 'V', '--out', 'V'], /ShapeError: the model rejected the input "X" \[4,3\] \(--in "V" of SO\(3\), width 3\)/],
    ['an equivariant model declared 2V → V + Scalar (output width)', eqPath, ['--in', '2V', '--out', 'V + Scalar'], /ShapeError: .*expected \[\.\.\., 4\], got \[4,3\]/],
    ['a model with NaN outputs', nanPath, ['--in', '2V', '--out', 'V'], /NonFiniteError: output 0 of the model/],
    ['a model with two outputs', twoPath, ['--in', '2V', '--out', 'V'], /ShapeError: the model has 2 outputs \(Y, Z\)/],
  ] as const)('fails %s with exit code 1 and a named error', async (_name, path, reps, message) => {
    const c = capture();
    const code = await main(['check', path, '--group', 'SO(3)', ...reps], c.io);
    expect(code).toBe(1);
    expect(c.err.join('')).toMatch(message);
    expect(c.out.join('')).not.toMatch(/^EQUIVARIANT/);
  });
});
