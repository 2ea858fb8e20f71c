/**
 * save/load on disk and training checkpoints: resuming from a checkpoint continues bit for bit
 * (parameters, buffers, optimizer moments, EMA shadow, learning rate, random stream).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { load, loadCheckpoint, save, saveCheckpoint, serializeSafetensors } from '../../src/io/index.js';
import { BatchNorm1d, Dropout, Linear, MLP, ReLU, Sequential } from '../../src/nn/index.js';
import { Adam, CosineAnnealingLR, ExponentialMovingAverage, LinearWarmup, SequentialLR, SGD } from '../../src/optim/index.js';
import { mseLoss, randn } from '../../src/tensor/index.js';
import { FormatError, ShapeError, ValueError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const tmp = mkdtempSync(join(tmpdir(), 'erlangen-ckpt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function setup(seed = 5) {
  const rng = new Rng(seed);
  const model = new Sequential(
    new Linear(4, 16, { rng }),
    new BatchNorm1d(16),
    new ReLU(),
    new Dropout(0.25, { rng: rng.fork() }), // its own generator: restored through model.namedRngs()
    new Linear(16, 2, { rng }),
  );
  const optimizer = new Adam(model.parameters(), { lr: 1e-2, weightDecay: 1e-3, amsgrad: true });
  const scheduler = new SequentialLR(optimizer, [new LinearWarmup(optimizer, { warmupSteps: 3 }), new CosineAnnealingLR(optimizer, { tMax: 20 })], [3]);
  const ema = new ExponentialMovingAverage(model.parameters(), { decay: 0.9, warmup: true });
  return { rng, model, optimizer, scheduler, ema };
}
type Setup = ReturnType<typeof setup>;

function trainStep(s: Setup): void {
  const x = randn(s.rng, [5, 4]);
  const y = randn(s.rng, [5, 2]);
  s.rng.normal(); // 31 normals per step: the cached Box–Muller spare alternates
  s.optimizer.zeroGrad();
  mseLoss(s.model.call(x), y).backward();
  s.optimizer.step();
  s.scheduler.step();
  s.ema.update();
}

function bits(a: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function snapshot(s: Setup) {
  return {
    params: s.model.namedParameters().map(([k, p]) => [k, bits(p.data as Float32Array).slice()] as const),
    buffers: s.model.namedBuffers().map(([k, b]) => [k, bits(b.data as Float32Array).slice()] as const),
    ema: s.ema.averages().map((a) => bits(a).slice()),
    moments: s.optimizer.params().map((p) => {
      const st = s.optimizer.state.get(p)!;
      return [st.step, ...['expAvg', 'expAvgSq', 'maxExpAvgSq'].map((k) => bits(st[k] as Float32Array).slice())];
    }),
    lr: s.optimizer.paramGroups.map((g) => g.lr),
    rng: s.rng.getState(),
  };
}

describe('training checkpoints resume bit-identical', () => {
  const N = 12;

  it.each([5, 6])('N = 12 steps straight vs k = %i → saveCheckpoint → fresh objects → loadCheckpoint → N − k', async (k) => {
    const straight = setup();
    for (let t = 0; t < N; t++) trainStep(straight);

    const first = setup();
    for (let t = 0; t < k; t++) trainStep(first);
    expect(first.rng.getState().spare !== null).toBe(k % 2 === 1); // odd k saves a cached normal sample
    const path = join(tmp, `resume-${k}.safetensors`);
    await saveCheckpoint(path, { ...first, step: k, extra: { note: 'resume test', best: -0, hist: [NaN, 1.5] } });

    const resumed = setup(999); // different seed: everything must come from the file
    const { step, extra } = await loadCheckpoint(path, resumed);
    expect(step).toBe(k);
    expect(Object.is((extra as { best: number }).best, -0)).toBe(true);
    expect((extra as { hist: number[] }).hist[0]).toBeNaN();
    for (let t = step; t < N; t++) trainStep(resumed);

    const a = snapshot(straight), b = snapshot(resumed);
    expect(b.params.map(([n]) => n)).toEqual(a.params.map(([n]) => n));
    b.params.forEach(([n, v], i) => expect(v, n).toEqual(a.params[i]![1]));
    b.buffers.forEach(([n, v], i) => expect(v, n).toEqual(a.buffers[i]![1]));
    b.ema.forEach((v, i) => expect(v, `ema ${i}`).toEqual(a.ema[i]));
    expect(b.moments).toEqual(a.moments);
    expect(b.lr).toEqual(a.lr);
    expect(b.rng).toEqual(a.rng);
  });

  it('the comparison is sensitive: resuming without the Rng state (or without the EMA) diverges', async () => {
    const straight = setup();
    for (let t = 0; t < N; t++) trainStep(straight);
    const first = setup();
    for (let t = 0; t < 5; t++) trainStep(first);
    const path = join(tmp, 'sensitive.safetensors');
    await saveCheckpoint(path, { ...first, step: 5 });

    const noRng = setup(999);
    await loadCheckpoint(path, { model: noRng.model, optimizer: noRng.optimizer, scheduler: noRng.scheduler, ema: noRng.ema });
    for (let t = 5; t < N; t++) trainStep(noRng);
    expect(snapshot(noRng).params).not.toEqual(snapshot(straight).params);

    const noEma = setup(999);
    await loadCheckpoint(path, { model: noEma.model, optimizer: noEma.optimizer, scheduler: noEma.scheduler, rng: noEma.rng });
    for (let t = 5; t < N; t++) trainStep(noEma);
    expect(snapshot(noEma).params).toEqual(snapshot(straight).params);
    expect(snapshot(noEma).ema).not.toEqual(snapshot(straight).ema);
  });

  it("restores the model's own generators: an MLP with dropout (private forked Rng) resumes exactly", async () => {
    const make = (seed: number) => {
      const rng = new Rng(seed);
      const model = new MLP([3, 8, 8, 1], { rng, dropout: 0.3 });
      return { rng, model, optimizer: new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }) };
    };
    const step = (s: ReturnType<typeof make>) => {
      const x = randn(s.rng, [6, 3]), y = randn(s.rng, [6, 1]);
      s.optimizer.zeroGrad();
      mseLoss(s.model.call(x), y).backward();
      s.optimizer.step();
    };
    const straight = make(3);
    for (let t = 0; t < 8; t++) step(straight);
    const first = make(3);
    for (let t = 0; t < 4; t++) step(first);
    expect(first.model.namedRngs().map(([n]) => n)).toEqual(['2.rng', '5.rng']);
    const path = join(tmp, 'mlp-dropout.safetensors');
    await saveCheckpoint(path, { ...first, step: 4 });
    const resumed = make(77);
    await loadCheckpoint(path, resumed);
    for (let t = 4; t < 8; t++) step(resumed);
    resumed.model.parameters().forEach((p, i) => expect(bits(p.data as Float32Array)).toEqual(bits(straight.model.parameters()[i]!.data as Float32Array)));
    // a model drawing from other generators than the file holds is refused before anything changes
    const other = new MLP([3, 8, 8, 1], { rng: new Rng(0), dropout: 0 });
    await expect(loadCheckpoint(path, { model: other })).rejects.toThrow(/does not match the checkpoint: it draws from the generators \[\] but the checkpoint holds states for \[2.rng, 5.rng\]/);
  });

  it('works for float64 models and SGD with momentum', async () => {
    const make = () => {
      const rng = new Rng(3);
      const model = new Linear(3, 2, { rng, dtype: 'float64' });
      const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
      return { rng, model, optimizer };
    };
    const run = (s: ReturnType<typeof make>, steps: number) => {
      for (let t = 0; t < steps; t++) {
        const x = randn(s.rng, [4, 3], { dtype: 'float64' });
        s.optimizer.zeroGrad();
        s.model.call(x).square().mean().backward();
        s.optimizer.step();
      }
    };
    const a = make();
    run(a, 6);
    const b = make();
    run(b, 2);
    await saveCheckpoint(join(tmp, 'sgd.safetensors'), { ...b, step: 2 });
    const c = make();
    run(c, 1); // disturb
    await loadCheckpoint(join(tmp, 'sgd.safetensors'), c);
    run(c, 4);
    expect(bits(c.model.getParameter('weight').data as Float64Array)).toEqual(bits(a.model.getParameter('weight').data as Float64Array));
  });
});

describe('checkpoint errors', () => {
  it('refuses a bad step, a swapped-in EMA, and extra data that is not plain', async () => {
    const s = setup();
    const p = join(tmp, 'refused.safetensors');
    await expect(saveCheckpoint(p, { model: s.model, step: -1 })).rejects.toThrow(ValueError);
    await expect(saveCheckpoint(p, { model: s.model, step: 1.5 })).rejects.toThrow(/step must be a non-negative integer/);
    s.ema.swap();
    await expect(saveCheckpoint(p, { model: s.model, ema: s.ema, step: 0 })).rejects.toThrow(/swapped/);
    s.ema.swap();
    await expect(saveCheckpoint(p, { model: s.model, step: 0, extra: { t: new Float32Array(2) } })).rejects.toThrow(/only plain data/);
    expect(readdirSync(tmp).filter((f) => f.includes('refused'))).toEqual([]);
  });

  it('a weights file, a mismatched model, missing state and corrupt state are named errors', async () => {
    const s = setup();
    const weights = join(tmp, 'weights-only.safetensors');
    await save(weights, s.model);
    await expect(loadCheckpoint(weights, { model: s.model })).rejects.toThrow(/not an erlangen checkpoint/);

    const p = join(tmp, 'model-only.safetensors');
    await saveCheckpoint(p, { model: s.model, step: 3 });
    await expect(loadCheckpoint(p, { model: s.model, optimizer: s.optimizer })).rejects.toThrow(/holds no optimizer state, but an optimizer was given/);
    await expect(loadCheckpoint(p, { model: new Linear(4, 3, { rng: new Rng(0) }) })).rejects.toThrow(ValueError);
    const other = new Sequential(new Linear(4, 16, { rng: new Rng(0) }), new BatchNorm1d(16), new ReLU(), new Dropout(0.25, { rng: new Rng(0) }), new Linear(16, 3, { rng: new Rng(0) }));
    await expect(loadCheckpoint(p, { model: other })).rejects.toThrow(ShapeError);

    // hand-made files with bad state
    const sd = s.model.stateDict();
    const withModel = (extra: Record<string, { shape: number[]; data: Float32Array | Float64Array }>, meta: Record<string, string>) => {
      const t = new Map<string, { shape: readonly number[]; data: Float32Array | Float64Array }>(Object.entries(sd).map(([k, v]) => [`model.${k}`, v]));
      for (const [k, v] of Object.entries(extra)) t.set(k, v);
      return serializeSafetensors(t, { 'erlangen.checkpoint': '1', 'erlangen.step': '1', ...meta });
    };
    const bad = join(tmp, 'bad.safetensors');
    const rejects = async (bytes: Uint8Array, into: Parameters<typeof loadCheckpoint>[1], msg: RegExp) => {
      writeFileSync(bad, bytes);
      await expect(loadCheckpoint(bad, into)).rejects.toThrow(FormatError);
      await expect(loadCheckpoint(bad, into)).rejects.toThrow(msg);
    };
    await rejects(withModel({}, { 'erlangen.checkpoint': '2' }), { model: s.model }, /version '2' is not supported/);
    await rejects(withModel({}, { 'erlangen.step': '"x"' }), { model: s.model }, /invalid step/);
    await rejects(withModel({}, { 'erlangen.rng': '{"s":[0,0,0,0],"spare":null}' }), { model: s.model, rng: s.rng }, /invalid rng state.*all zero/);
    await rejects(withModel({}, { 'erlangen.rng': '{"s":[1,2,3],"spare":null}' }), { model: s.model, rng: s.rng }, /invalid rng state/);
    await rejects(withModel({ stray: { shape: [1], data: new Float32Array(1) } }, {}), { model: s.model }, /unexpected tensor 'stray'/);
    await rejects(withModel({ 'ema.0': { shape: [1], data: new Float32Array(1) } }, {}), { model: s.model }, /EMA shadow 'ema.0' is float32/);
    await rejects(withModel({}, { 'erlangen.ema': '{"numUpdates":1,"count":2}' }), { model: s.model, ema: s.ema }, /lists 2 averages, the file holds 0/);
    await rejects(withModel({}, { 'erlangen.optimizer': '{"paramGroups":{},"scalars":{}}' }), { model: s.model, optimizer: s.optimizer }, /paramGroups is not an array/);
    await rejects(withModel({}, { 'erlangen.optimizer': '{"paramGroups":[{"params":[0],"__proto__":{}}],"scalars":{}}' }), { model: s.model, optimizer: s.optimizer }, /'__proto__' is not allowed/);
    await rejects(withModel({}, { 'erlangen.extra': '{"a":1,"a":2}' }), { model: s.model }, /duplicate key/);
    // the state of a valid rng is untouched by a rejected file
    expect(s.rng.getState()).toEqual(setup().rng.getState());
  });
});

describe('save / load', () => {
  it('round-trips a module with metadata; loadStateDict takes the tensors', async () => {
    const a = setup(1), b = setup(2);
    const p = join(tmp, 'model.safetensors');
    await save(p, a.model, { metadata: { arch: 'test' } });
    const { tensors, metadata } = await load(p);
    expect(metadata.arch).toBe('test');
    b.model.loadStateDict(tensors);
    expect(b.model.namedParameters().map(([, t]) => Array.from(t.data))).toEqual(a.model.namedParameters().map(([, t]) => Array.from(t.data)));
  });

  it('load names the file in FormatErrors, checking the header before reading the data', async () => {
    const p = join(tmp, 'huge-header.safetensors');
    const b = new Uint8Array(16);
    new DataView(b.buffer).setBigUint64(0, 2n ** 60n, true);
    writeFileSync(p, b);
    await expect(load(p)).rejects.toThrow(FormatError);
    await expect(load(p)).rejects.toThrow(`load (${p}): the header length field says more than 2^53 bytes`);
    writeFileSync(p, new Uint8Array(3));
    await expect(load(p)).rejects.toThrow(/3 bytes is too short/);
    await expect(load(join(tmp, 'missing.safetensors'))).rejects.toThrow(/ENOENT/);
  });

  it('a failed write leaves no temporary file and the old target intact', async () => {
    const dirTarget = join(tmp, 'is-a-dir');
    mkdirSync(join(dirTarget, 'child'), { recursive: true });
    await expect(save(dirTarget, { w: { shape: [1], data: new Float32Array(1) } })).rejects.toThrow();
    expect(readdirSync(tmp).filter((f) => f.startsWith('.is-a-dir'))).toEqual([]);
    await expect(save(join(tmp, 'no-such-dir', 'x.safetensors'), { w: { shape: [1], data: new Float32Array(1) } })).rejects.toThrow(/ENOENT/);
    // a serialisation error happens before any file is touched
    const p = join(tmp, 'keep.safetensors');
    await save(p, { w: { shape: [1], data: new Float32Array([7]) } });
    await expect(save(p, { w: { shape: [2], data: new Float32Array([1]) } })).rejects.toThrow(ShapeError);
    expect(Array.from((await load(p)).tensors.w!.data)).toEqual([7]);
    expect(readdirSync(tmp).filter((f) => f.startsWith('.keep'))).toEqual([]);
  });

  it("a temporary name already taken (another writer's) is skipped, never opened or removed", async () => {
    const d = join(tmp, 'taken');
    mkdirSync(d);
    const host = hostname().replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40) || 'host';
    const taken = Array.from({ length: 300 }, (_, n) => `.x.safetensors.${host}.${process.pid}.${n}.tmp`);
    for (const f of taken) writeFileSync(join(d, f), 'in progress');
    await save(join(d, 'x.safetensors'), { w: { shape: [1], data: new Float32Array([3]) } });
    expect(Array.from((await load(join(d, 'x.safetensors'))).tensors.w!.data)).toEqual([3]);
    expect(readdirSync(d).filter((f) => f.endsWith('.tmp')).sort()).toEqual([...taken].sort());
  });
});
