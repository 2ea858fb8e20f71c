/**
 * @internal The fused optimizer-update kernels of the backends, for src/optim (which sees only
 * the tensor layer): one pass over a parameter, its gradient and its state per step, the same bits
 * as the optimizers' JS loops (src/backend/wasm/optim.ts).
 * @module
 */
export { wasmAdamStep, wasmSgdStep, MIN_ADAM, type AdamStepScalars, type SgdStepScalars } from '../backend/wasm/optim.js';
