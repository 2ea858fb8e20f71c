import { so2RotateGather, so2RotateSegmentMean, so2Coefficients, fromData, noGrad } from '../src/index.js';
import { Rng } from '../src/util/rng.js';
import { wasmReady } from '../src/backend/index.js';
await wasmReady?.();
const V = 35000, E = 7 * V, L = 2, F = 80, rng = new Rng(1);
const idx = new Int32Array(E).map(() => rng.int(V)), ang = new Float64Array(E).map(() => rng.uniform() * 6);
const x = fromData(new Float32Array(V * F).map(() => rng.normal()), [V, F]);
const m = fromData(new Float32Array(E * F).map(() => rng.normal()), [E, F]);
const t = (name: string, f: () => void) => { f(); const n = 10, t0 = performance.now(); for (let i = 0; i < n; i++) f(); console.log(name, ((performance.now() - t0) / n).toFixed(2), 'ms'); };
const a = fromData(Float32Array.from(ang), [E]);
noGrad(() => {
  t('coef', () => so2Coefficients(a, L));
  t('gather', () => so2RotateGather(x, idx, ang, L));
  t('segmean', () => so2RotateSegmentMean(m, ang, idx, V, L));
});
import { cos, sin, mul, reshape, stack, concat, ones, Tensor } from '../src/index.js';
import { cpuBackend } from '../src/backend/index.js';
noGrad(() => {
  const la = mul(reshape(a, [E, 1]), new Tensor(new Float32Array([1, 2]), [2], 'float32'));
  t('mul', () => mul(reshape(a, [E, 1]), new Tensor(new Float32Array([1, 2]), [2], 'float32')));
  t('cos', () => cos(la));
  t('stack', () => stack([la, la], 2));
  t('concat', () => concat([ones([E, 1]), reshape(stack([la, la], 2), [E, 4])], 1));
  const c = so2Coefficients(a, L);
  const k = cpuBackend.kernels.so2Gather!;
  const out = new Float32Array(E * F);
  t('kernel gather', () => k([{ data: x.data, shape: [V, F], dtype: 'float32' }, { data: idx, shape: [E], dtype: 'int32' }, { data: c.data, shape: [E, 5], dtype: 'float32' }], [{ data: out, shape: [E, F], dtype: 'float32' }], { maxOrder: 2 }));
  console.log(cpuBackend.counts.so2Gather);
});
