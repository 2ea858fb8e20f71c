/**
 * The tour (`npm start`): trains the examples at small size and prints their results.
 * Each part is a real training run on bundled or generated data; nothing is precomputed.
 */
import { printXor, runXor } from './xor.js';
import { printDepth, runDepth } from './deep-vs-shallow.js';
import { listBackends } from '../src/backend/index.js';

const t0 = performance.now();
const quick = process.argv.includes('--quick');
console.log('erlangen tour — geometric deep learning in TypeScript');
console.log(`backends: ${listBackends().map((b) => `${b.name}${b.note ? ` (${b.note})` : ''}`).join(', ')}\n`);

console.log('1. XOR — depth is needed at all');
printXor(runXor({ steps: quick ? 400 : 1500, seeds: quick ? 4 : 10 }));

console.log('\n2. Deep narrow vs shallow wide on a compositional function (parity of 8 bits as a tree of XORs)');
printDepth(runDepth({ bits: 8, steps: quick ? 200 : 600, trials: quick ? 1 : 2, sizes: quick ? [64, 192] : [32, 64, 128, 192] }));

console.log(`\ntour finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
