/**
 * Checking asynchronous models (an ONNX session, a compiled GPU plan): the harness records the
 * inputs it would evaluate, the model runs on all of them, and the check replays the outputs.
 * @module
 */
import type { EquivarianceSpec } from './equivariance.js';
import { equivarianceError } from './equivariance.js';
import type { EquivarianceReport } from './report.js';
import { ValueError } from '../util/index.js';

/**
 * {@link equivarianceError} for an async model. `placeholder(...inputs)` returns outputs of the right
 * shapes (e.g. zeros) for the recording pass; the check then runs `fn` on every recorded input and
 * replays the results in the same order (the harness is deterministic for a given spec). Give
 * `spec.dtype` explicitly (`'float32'` for most runtimes) so both passes make the same calls.
 */
export async function equivarianceErrorAsync(
  fn: (...inputs: any[]) => Promise<unknown>,
  placeholder: (...inputs: any[]) => unknown,
  spec: EquivarianceSpec,
): Promise<EquivarianceReport> {
  const calls: unknown[][] = [];
  equivarianceError((...xs: unknown[]) => {
    calls.push(xs);
    return placeholder(...xs);
  }, spec);
  const results: unknown[] = [];
  for (const xs of calls) results.push(await fn(...xs));
  let i = 0;
  const report = equivarianceError(() => {
    if (i >= results.length) throw new ValueError(`equivarianceErrorAsync: the replay made more calls than the recording (${results.length}); the placeholder's outputs must have the shapes of the model's`);
    return results[i++];
  }, spec);
  if (i !== results.length) throw new ValueError(`equivarianceErrorAsync: the replay made ${i} calls but the recording ${results.length}; the placeholder's outputs must have the shapes of the model's`);
  return report;
}
