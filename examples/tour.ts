/**
 * The tour (`npm run tour`): trains the examples at small size and prints their results. Every part
 * is a real training run on bundled or generated data; nothing is precomputed. `--quick` shrinks
 * it further (used by the test suite).
 */
import { printXor, runXor } from './xor.js';
import { printDepth, runDepth } from './deep-vs-shallow.js';
import { runKarate } from './karate-gcn.js';
import { printSetResults, runSetExample } from './set-transformer.js';
import { formatRow, runDataEfficiency } from './emlp-data-efficiency.js';
import { listBackends } from '../src/backend/index.js';
import { parseGroup } from '../src/group/index.js';
import { parseRep } from '../src/rep/index.js';
import { equivariantBasis } from '../src/solver/index.js';

const t0 = performance.now();
const quick = process.argv.includes('--quick');
const section = (title: string): void => console.log(`\n${'─'.repeat(78)}\n${title}\n`);
console.log('erlangen tour — geometric deep learning in TypeScript');
console.log(`backends: ${listBackends().map((b) => `${b.name}${b.note ? ` (${b.note})` : ''}`).join(', ')}`);

section('1. The solver: dimensions of equivariant maps, exact');
for (const [g, k] of [['SO(3)', 6], ['O(3)', 6], ['S(5)', 4]] as const) {
  const G = parseGroup(g);
  const dims = Array.from({ length: k + 1 }, (_, j) => equivariantBasis(j === 0 ? parseRep('Scalar', G) : parseRep(`V^${j}`, G), parseRep('Scalar', G)).dim);
  console.log(`  ${g}: invariants of V^⊗k for k = 0…${k}: ${dims.join(', ')}`);
}
console.log(`  S(6): maps V^2 → V^2: ${equivariantBasis(parseRep('V^2', parseGroup('S(6)')), parseRep('V^2', parseGroup('S(6)'))).dim} (Bell(4) = 15)`);

section('2. XOR — why a hidden layer is needed at all');
printXor(runXor({ steps: quick ? 400 : 1500, seeds: quick ? 4 : 10 }));

section('3. A compositional function: tree-shaped deep net vs shallow vs dense deep at equal budgets (16 inputs, smooth binary tree)');
printDepth(runDepth({ bits: 16, steps: quick ? 150 : 500, seeds: 1, sizes: quick ? [128] : [128, 512], testSize: quick ? 500 : 2000 }));

section("4. Graphs: a 2-layer GCN on Zachary's karate club, one labelled member per club");
const k = runKarate({ epochs: quick ? 60 : 100 });
console.log(`  accuracy on the other ${k.total} members: ${k.correct}/${k.total} = ${(100 * k.accuracy).toFixed(1)}% (chance 50%)`);

section('5. Sets: DeepSets vs Set Transformer, predicting the max of a set');
printSetResults(runSetExample({ tasks: ['max'], steps: quick ? 30 : 120, testSize: quick ? 100 : 500 }));

section('6. Symmetry as data efficiency: EMLP vs MLP on O5Synthetic (O(5)-invariant regression)');
const rows = runDataEfficiency({
  datasets: ['O5Synthetic'], sizes: quick ? [100] : [30, 100], steps: quick ? 150 : 200,
  channels: { O5Synthetic: quick ? 48 : 64, Inertia: 128, ParticleInteraction: 64 }, layers: 2, nTest: quick ? 200 : 500, seed: 0,
}, () => undefined);
console.log('  | dataset | n train | MLP test MSE | EMLP test MSE | MLP/EMLP | paper MLP | paper EMLP | seconds |');
for (const r of rows) console.log(`  ${formatRow(r)}`);

console.log(`\ntour finished in ${((performance.now() - t0) / 1000).toFixed(1)} s — more in examples/ (npx tsx examples/<name>.ts)`);
