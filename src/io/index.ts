/**
 * Weights and checkpoints on disk in the safetensors format: byte-level `serializeSafetensors` /
 * `parseSafetensors` (any runtime), atomic file `save` / `load` and training checkpoints
 * `saveCheckpoint` / `loadCheckpoint` (Node).
 * @module
 */
export { serializeSafetensors, parseSafetensors, MAX_HEADER_BYTES } from './safetensors.js';
export type { SafetensorsDType, TensorData, TensorMap, SafetensorsMetadata, SafetensorsContents } from './safetensors.js';
export { save, load } from './weights.js';
export type { HasStateDict, SaveOptions } from './weights.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.js';
export type {
  CheckpointModel, CheckpointOptimizer, CheckpointOptimizerState, CheckpointScheduler, CheckpointEMA, CheckpointEMAState,
  CheckpointRng, CheckpointTargets, CheckpointContents, LoadedCheckpoint,
} from './checkpoint.js';
export type { PlainValue } from './json.js';
