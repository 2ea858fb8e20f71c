/**
 * Trains the demo's two networks on the Stanford bunny and writes what the page loads:
 *
 *   demo/public/models/gem.safetensors       the GEM-CNN (demo/src/model.ts, GemNet)
 *   demo/public/models/baseline.safetensors  the non-equivariant baseline (BaselineNet)
 *   demo/public/models/curves.json           both training curves (loss per step)
 *
 * Run with `npm run demo:train` (tsx demo/train.ts [steps], default 1000: a few minutes on 2 cores). Deterministic: fixed seeds, one mesh,
 * full-batch Adam. The targets are the ground truth of demo/src/geometry.ts (a smoothed mean
 * curvature and its tangent gradient).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bunnyMesh, save } from '../src/index.js';
import { demoGeometry } from './src/geometry.js';
import { BaselineNet, GemNet } from './src/model.js';
import { train } from './src/training.js';

const steps = Number(process.argv[2] ?? 1000);
const out = fileURLToPath(new URL('./public/models/', import.meta.url));
mkdirSync(out, { recursive: true });

const g = demoGeometry(bunnyMesh());
const curves: Record<string, { step: number; loss: number }[]> = {};
for (const [name, net] of [['gem', new GemNet()], ['baseline', new BaselineNet()]] as const) {
  const t0 = performance.now();
  curves[name] = train(net, g, {
    steps,
    lr: 1e-2,
    onStep: (s, l) => void (s % 25 === 0 && console.log(`${name} step ${s}: loss ${l.toFixed(4)}`)),
  });
  const params = [...net.parameters()].reduce((n, p) => n + p.size, 0);
  await save(`${out}${name}.safetensors`, net, { metadata: { model: name, params: String(params), steps: String(steps), mesh: 'bunny' } });
  console.log(`${name}: ${params} parameters, ${steps} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const round = (c: { step: number; loss: number }[]) => c.map((p) => ({ step: p.step, loss: Number(p.loss.toPrecision(5)) }));
writeFileSync(`${out}curves.json`, JSON.stringify({ mesh: 'bunny', steps, gem: round(curves.gem!), baseline: round(curves.baseline!) }) + '\n');
console.log(`wrote ${out}`);
