/**
 * PyTorch 1.13 reference fixtures (test/fixtures/torch/*.json, schema in test/fixtures/README.md):
 * for every case, build the inputs, run the forward pass and `backward(upstream)`, and compare the
 * outputs and every listed gradient with torch's values — in float64 (1e-10 relative) and again in
 * float32 (inputs cast to float32, 1e-4 relative). optim.json is tested elsewhere.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Tensor, tensor, indices, matmul, einsum, conv2d, convTranspose2d, conv1d, maxPool2d, avgPool2d, softmax, logSoftmax,
  crossEntropy, layerNorm, batchNorm, segmentSum, segmentMean, segmentMax, segmentMin, segmentSoftmax,
} from '../../src/tensor/index.js';
import type { Reduction } from '../../src/tensor/index.js';

interface Arr {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  inputs: Record<string, Arr>;
  attrs: Record<string, any>;
  outputs: Record<string, Arr>;
  grads: Record<string, Arr>;
}
interface Fixture {
  op: string;
  cases: Case[];
}

type FloatDType = 'float32' | 'float64';

const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'torch');

function load(op: string): Case[] {
  const f = JSON.parse(readFileSync(join(FIXTURE_DIR, `${op}.json`), 'utf8')) as Fixture;
  if (f.op !== op) throw new Error(`${op}.json: op field is '${f.op}'`);
  return f.cases;
}

/** Inputs that are integer class targets / segment ids (int32, never differentiated). */
const INT_INPUTS = new Set(['target', 'index']);
/** Inputs that are buffers, not differentiated leaves. */
const BUFFER_INPUTS = new Set(['running_mean', 'running_var', 'upstream']);

/** Builds the case's tensors: float inputs as leaves requiring grad (except buffers), int inputs as int32. */
class Inputs {
  readonly t: Record<string, Tensor> = {};
  /** Names the runner read, to check that no fixture input is silently ignored. */
  readonly used = new Set<string>(['upstream']);
  constructor(readonly c: Case, readonly dtype: FloatDType) {
    for (const [name, a] of Object.entries(c.inputs)) {
      this.t[name] = INT_INPUTS.has(name)
        ? indices(a.data, a.shape)
        : tensor(Float64Array.from(a.data), { shape: a.shape, dtype, requiresGrad: !BUFFER_INPUTS.has(name) });
    }
  }
  get(name: string): Tensor {
    this.used.add(name);
    const x = this.t[name];
    if (!x) throw new Error(`case ${this.c.name}: missing input '${name}'`);
    return x;
  }
  opt(name: string): Tensor | null {
    this.used.add(name);
    return this.t[name] ?? null;
  }
}

/** Runs the op's forward pass; returns `out` plus any extra outputs to compare (e.g. running stats). */
type Runner = (x: Inputs, attrs: Record<string, any>) => Record<string, Tensor>;

const pair = (v: unknown): [number, number] => {
  const a = v as number[];
  return [a[0]!, a[1]!];
};

const segment = (f: typeof segmentSum): Runner => (x, a) => ({ out: f(x.get('data'), x.get('index'), a.num_segments as number) });

const RUNNERS: Record<string, Runner> = {
  matmul: (x) => ({ out: matmul(x.get('a'), x.get('b')) }),
  einsum: (x, a) => {
    const ops = Array.from({ length: a.num_operands as number }, (_, i) => x.get(`x${i}`));
    return { out: einsum(a.equation as string, ops) };
  },
  conv2d: (x, a) => ({
    out: conv2d(x.get('input'), x.get('weight'), x.opt('bias'), {
      stride: pair(a.stride), padding: pair(a.padding), dilation: pair(a.dilation), groups: a.groups as number,
    }),
  }),
  conv_transpose2d: (x, a) => ({
    out: convTranspose2d(x.get('input'), x.get('weight'), x.opt('bias'), {
      stride: pair(a.stride), padding: pair(a.padding), outputPadding: pair(a.output_padding), dilation: pair(a.dilation), groups: a.groups as number,
    }),
  }),
  conv1d: (x, a) => ({
    out: conv1d(x.get('input'), x.get('weight'), x.opt('bias'), {
      stride: a.stride as number, padding: a.padding as number, dilation: a.dilation as number, groups: a.groups as number,
    }),
  }),
  max_pool2d: (x, a) => {
    if (a.ceil_mode) throw new Error('ceil_mode is not supported');
    return { out: maxPool2d(x.get('input'), pair(a.kernel_size), { stride: pair(a.stride), padding: pair(a.padding), dilation: pair(a.dilation) }) };
  },
  avg_pool2d: (x, a) => {
    if (a.ceil_mode) throw new Error('ceil_mode is not supported');
    return {
      out: avgPool2d(x.get('input'), pair(a.kernel_size), { stride: pair(a.stride), padding: pair(a.padding), countIncludePad: a.count_include_pad as boolean }),
    };
  },
  softmax: (x, a) => ({ out: softmax(x.get('input'), a.dim as number) }),
  log_softmax: (x, a) => ({ out: logSoftmax(x.get('input'), a.dim as number) }),
  cross_entropy: (x, a) => ({
    out: crossEntropy(x.get('input'), x.get('target'), { reduction: a.reduction as Reduction, labelSmoothing: a.label_smoothing as number }),
  }),
  layer_norm: (x, a) => ({ out: layerNorm(x.get('input'), a.normalized_shape as number[], x.opt('weight'), x.opt('bias'), a.eps as number) }),
  batch_norm: (x, a) => {
    const rm = x.get('running_mean'), rv = x.get('running_var');
    const out = batchNorm(x.get('input'), rm, rv, x.opt('weight'), x.opt('bias'), {
      training: a.training as boolean, momentum: a.momentum as number, eps: a.eps as number,
    });
    // running stats are updated in place; after an eval step they must be unchanged
    return { out, running_mean: rm, running_var: rv };
  },
  segment_sum: segment(segmentSum),
  segment_mean: segment(segmentMean),
  segment_max: segment(segmentMax),
  segment_min: segment(segmentMin),
  segment_softmax: segment(segmentSoftmax),
};

/** Asserts shape equality and max|a − b| ≤ tol·max(1, max|b|). */
function expectClose(what: string, actual: Tensor | null | undefined, ref: Arr, tol: number, dtype: FloatDType): void {
  expect(actual, `${what}: missing`).toBeTruthy();
  const a = actual!;
  expect([...a.shape], `${what}: shape`).toEqual(ref.shape);
  expect(a.dtype, `${what}: dtype`).toBe(dtype);
  const d = a.data;
  expect(d.length, `${what}: size`).toBe(ref.data.length);
  let scale = 1, err = 0, at = -1;
  for (let i = 0; i < ref.data.length; i++) scale = Math.max(scale, Math.abs(ref.data[i]!));
  for (let i = 0; i < ref.data.length; i++) {
    const e = Math.abs(d[i]! - ref.data[i]!);
    if (!(e <= err)) { err = e; at = i; } // NaN-propagating
  }
  const ok = err <= tol * scale;
  expect(ok, `${what}: max |err| ${err} at flat index ${at} (got ${d[at]}, want ${ref.data[at]}) exceeds ${tol}·${scale}`).toBe(true);
}

/** For an eval batch_norm the buffers are inputs, unchanged by the step. */
function expectedOutputs(op: string, c: Case): Record<string, Arr> {
  if (op === 'batch_norm' && !c.attrs.training) {
    return { ...c.outputs, running_mean: c.inputs.running_mean!, running_var: c.inputs.running_var! };
  }
  return c.outputs;
}

function runCase(op: string, c: Case, dtype: FloatDType, tol: number): void {
  const x = new Inputs(c, dtype);
  const outs = RUNNERS[op]!(x, c.attrs);
  expect(Object.keys(c.inputs).filter((n) => !x.used.has(n)), 'fixture inputs the runner ignored').toEqual([]);
  const want = expectedOutputs(op, c);
  const out = outs.out!;
  out.backward(x.get('upstream'));
  for (const [name, ref] of Object.entries(want)) expectClose(`output ${name}`, outs[name], ref, tol, dtype);
  for (const [name, ref] of Object.entries(c.grads)) expectClose(`grad ${name}`, x.get(name).grad, ref, tol, dtype);
  // inputs torch does not differentiate get no gradient here either
  for (const [name, t] of Object.entries(x.t)) {
    if (!(name in c.grads) && t.requiresGrad) expect(t.grad, `grad ${name} should be absent`).toBeNull();
  }
}

const OPS = [
  'matmul', 'einsum', 'conv2d', 'conv_transpose2d', 'conv1d', 'max_pool2d', 'avg_pool2d', 'softmax', 'log_softmax',
  'cross_entropy', 'layer_norm', 'batch_norm', 'segment_sum', 'segment_mean', 'segment_max', 'segment_min', 'segment_softmax',
] as const;

const PRECISIONS: { dtype: FloatDType; tol: number }[] = [
  { dtype: 'float64', tol: 1e-10 },
  { dtype: 'float32', tol: 1e-4 },
];

describe('torch fixtures', () => {
  it('covers every fixture file (optim.json is tested with the optimizers, egnn_nbody.json by test/graph/egnn-torch-fixture.test.ts, cnn_*.json by test/nn/conv-modules.test.ts, fft.json by test/tensor/fft.test.ts, ops16.json by test/tensor/ops16.test.ts, rnn.json by test/nn/rnn-torch.test.ts)', () => {
    const files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
    expect(files.filter((f) => f !== 'optim' && f !== 'egnn_nbody' && f !== 'fft' && f !== 'ops16' && f !== 'rnn' && !f.startsWith('cnn_')).sort()).toEqual([...OPS].sort());
  });
});

describe.each(OPS.map((op) => [op, load(op)] as const))('torch fixtures: %s', (op, cases) => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  describe.each(PRECISIONS.map((p) => [p.dtype, p.tol] as const))('%s (rel tol %s)', (dtype, tol) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      runCase(op, c, dtype, tol);
    });
  });
});
