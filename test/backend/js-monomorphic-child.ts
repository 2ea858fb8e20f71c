/**
 * Child process of test/backend/js-monomorphic.test.ts, run with Node's
 * `--disallow-code-generation-from-strings` (what a strict CSP does to `new Function`): runs the
 * fixed battery of JS kernel cases and prints `{ evalRefused, stats, digests }` as JSON.
 */
import { jsBackend } from '../../src/backend/js/backend.js';
import { specialiseStats } from '../../src/backend/js/specialise.js';
import { battery, digest, runKernel } from './js-monomorphic-cases.js';

let evalRefused = false;
try {
  new Function('return 1');
} catch (e) {
  evalRefused = e instanceof EvalError;
}
const digests = battery(9).map((c) => digest(runKernel(jsBackend.kernels, c)));
console.log(JSON.stringify({ evalRefused, stats: specialiseStats(), digests }));
