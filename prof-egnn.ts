import { Rng, backward, mseLoss } from './src/index.js';
import { Adam } from './src/optim/index.js';
import { EGNN } from './src/graph/egnn.js';
import { generateNBody, nbodyGraphs } from './src/data/nbody.js';
const samples = generateNBody({ numSims: 600, seed: 1 });
const rng = new Rng(2);
const model = EGNN.nbody({ rng: rng.fork(), hidden: 64, layers: 4 });
const opt = new Adam(model.parameters(), { lr: 5e-4 });
const t0 = performance.now();
let tg = 0;
for (let b = 0; b < 600; b += 100) {
  const a = performance.now();
  const g = nbodyGraphs(samples.slice(b, b + 100));
  tg += performance.now() - a;
  const loss = mseLoss(model.call(g, g.nodes!, g.extraTensor('pos'), { v: g.extraTensor('vel') }).x, g.extraTensor('target'));
  model.zeroGrad(); backward(loss); opt.step();
}
console.log('6 batches', (performance.now() - t0).toFixed(0), 'ms; graph building', tg.toFixed(0), 'ms');
