/**
 * FFT section (issue 16): `rfft` of 2^20 points (radix-2², real input as 2^19 complex points) and of
 * the prime length 1,048,573 (the largest prime below 2^20: Bluestein with 2^21-point transforms),
 * float32, against `torch.fft.rfft` (bench/peers/torch_fft.py, pocketfft). Target: within 3× of
 * PyTorch on one thread. docs/design/fft.md reports the measured figures.
 * @module
 */
import { noGrad, randn, rfft, type Tensor } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';
import type { Case, Measurement, OpSpec, Section, SectionOptions } from '../lib/types.js';

const TARGET = 3;

function ops({ quick }: SectionOptions): OpSpec[] {
  const mk = (id: string, label: string, n: number): OpSpec => ({
    id, label, kind: 'rfft', params: { n },
    // 5 n log2 n / 2 real flops (the usual FFT count for a real input), for the GFLOP/s column
    flops: 2.5 * n * Math.log2(n),
    warmup: quick ? 1 : 2, repeats: quick ? 3 : 11, budgetMs: quick ? 2_000 : 15_000, minRepeats: quick ? 1 : 3,
  });
  return [
    mk('rfft_2p20', 'rfft n = 2^20 = 1,048,576 (float32)', 1 << 20),
    mk('rfft_prime_1048573', 'rfft n = 1,048,573, prime (float32)', 1_048_573),
  ];
}

function erlangen(op: OpSpec): Case {
  const x: Tensor = randn(new Rng(20261202), [op.params.n as number]);
  return { run: () => { noGrad(() => rfft(x)); } };
}

function notes(get: (op: string, impl: string) => Measurement | undefined, erlangenImpls: readonly string[], peers: readonly string[]): string[] {
  const out: string[] = [];
  for (const op of ['rfft_2p20', 'rfft_prime_1048573']) {
    for (const e of erlangenImpls) {
      const em = get(op, e)?.median_ms;
      for (const p of peers.filter((q) => /^torch-\d+t$/.test(q))) {
        const pm = get(op, p)?.median_ms;
        if (em == null || pm == null) continue;
        const r = em / pm;
        out.push(`target ${op} within ${TARGET}× of ${p} on ${e}: ${r.toFixed(2)}× (${em.toFixed(1)} vs ${pm.toFixed(1)} ms) — ${r <= TARGET ? 'met' : 'NOT met'}`);
      }
    }
  }
  return out;
}

/** The FFT section (`npm run bench -- --only fft`). */
export const fftSection: Section = {
  name: 'fft',
  title: 'FFT: rfft of 2^20 points and of a prime length near 2^20 (float32)',
  ops,
  erlangen,
  notes,
  torch: { script: 'bench/peers/torch_fft.py', threads: [1, 2] },
};
