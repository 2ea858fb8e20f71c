/**
 * `save` / `load`: a model's weights (or any named tensors) in a safetensors file.
 * @module
 */
import { ValueError } from '../util/errors.js';
import { readSafetensorsFile, writeFileAtomic } from './files.js';
import { serializeSafetensors } from './safetensors.js';
import type { SafetensorsContents, SafetensorsMetadata, TensorMap } from './safetensors.js';

/** Anything with a `stateDict()` of named `{shape, data}` entries: a `Module`. */
export interface HasStateDict {
  /** Named copies of the parameters and buffers. */
  stateDict(): TensorMap;
}

/** Options of {@link save}. */
export interface SaveOptions {
  /** String→string pairs stored in the file's `__metadata__` (JSON-encode other values). */
  metadata?: SafetensorsMetadata;
}

function tensorsOf(op: string, source: HasStateDict | TensorMap): TensorMap {
  if (source === null || typeof source !== 'object') throw new ValueError(`${op}: expected a module or a state dict, got ${String(source)}`);
  const sd = (source as { stateDict?: unknown }).stateDict;
  return typeof sd === 'function' ? (source as HasStateDict).stateDict() : (source as TensorMap);
}

/**
 * Save a module's parameters and buffers (its `stateDict()`), or any named tensors, to a
 * safetensors file that PyTorch's `safetensors.torch.load_file` reads. The write is atomic: after a
 * crash the path holds the old file or the new one, never a mix (Node only; in a browser use
 * {@link serializeSafetensors}).
 *
 * @param path the file to write (replaced if it exists)
 * @param source a module, or name → `{shape, data}` / `Tensor`
 * @param opts.metadata string→string pairs for the header's `__metadata__`
 * @throws ValueError / ShapeError / DTypeError / SizeError as {@link serializeSafetensors}
 * @throws the file system's error when the folder is missing or not writable
 *
 * @example
 * ```ts
 * const model = new MLP([3, 16, 1], { rng: new Rng(0) });
 * await save('model.safetensors', model, { metadata: { arch: 'mlp 3-16-1' } });
 * const { tensors, metadata } = await load('model.safetensors');
 * model.loadStateDict(tensors);
 * ```
 */
export async function save(path: string, source: HasStateDict | TensorMap, opts: SaveOptions = {}): Promise<void> {
  const bytes = serializeSafetensors(tensorsOf('save', source), opts.metadata);
  await writeFileAtomic(path, bytes, 'save');
}

/**
 * Load a safetensors file (written by {@link save}, by PyTorch's `safetensors`, or by any other
 * writer): every structural rule is checked before the data is read, so a truncated or corrupt file
 * is a `FormatError` naming the file and the problem. Pass `tensors` to `Module.loadStateDict`.
 *
 * @param path the file to read
 * @returns the tensors by name (a null-prototype object) and the `__metadata__` strings. F32/F64/I32
 *   load as float32/float64/int32; F16 and BF16 widened to float32, small and in-range
 *   integer dtypes (BOOL, U8, I8, I16, U16, U32, I64, U64) to int32 (see {@link parseSafetensors})
 * @throws FormatError for a truncated or corrupt file; DTypeError for an integer outside int32 or a
 *   dtype with no exact erlangen form (F8, F6, F4, C64)
 * @throws the file system's error when the file cannot be opened
 *
 * @example
 * ```ts
 * const { tensors } = await load('model.safetensors');
 * model.loadStateDict(tensors);
 * ```
 */
export async function load(path: string): Promise<SafetensorsContents> {
  return readSafetensorsFile(path, 'load');
}
