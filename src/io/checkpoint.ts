/**
 * Training checkpoints: model, optimizer, learning-rate scheduler, EMA of weights, random-number
 * generator and step in one safetensors file, so that training resumed from it continues exactly
 * (bit for bit) as if it had never stopped.
 *
 * Tensors: `model.<name>` (the model's state dict), `optimizer.<i>.<key>` (the optimizer's buffers,
 * e.g. Adam's `expAvg`, for parameter i), `ema.<i>` (the EMA shadow, float64). Metadata (strings,
 * each JSON with exact numbers, see `encodeExact`): `erlangen.checkpoint` (format version),
 * `erlangen.step`, `erlangen.extra`, `erlangen.optimizer` (hyperparameters per group and scalar
 * state such as Adam's step count), `erlangen.scheduler`, `erlangen.ema` (update count),
 * `erlangen.rng` (generator words and cached normal sample).
 *
 * The objects are described by their shape (`stateDict`/`loadStateDict`, `getState`/`setState`),
 * which erlangen's `Module`, optimizers, schedulers, `ExponentialMovingAverage` and `Rng` have.
 * @module
 */
import type { Tensor } from '../tensor/index.js';
import { FormatError, ValueError } from '../util/errors.js';
import type { RngState } from '../util/rng.js';
import { readSafetensorsFile, writeFileAtomic } from './files.js';
import { decodeExact, encodeExact } from './json.js';
import type { PlainValue } from './json.js';
import { serializeSafetensors } from './safetensors.js';
import type { TensorData, TensorMap } from './safetensors.js';

/** A model: `Module` fits. */
export interface CheckpointModel {
  /** Named copies of the parameters and buffers. */
  stateDict(): TensorMap;
  /** Copy named values into the parameters and buffers (checking names and shapes). */
  loadStateDict(sd: Record<string, Tensor>): unknown;
  /**
   * The generators the model draws from while it runs (erlangen's `Module.namedRngs`: dropout
   * masks, attention dropout); their states are saved and restored with the weights.
   */
  namedRngs?(): [string, CheckpointRng][];
}

/** An optimizer's serialisable state: erlangen's `OptimizerState`. */
export interface CheckpointOptimizerState {
  /** Per-parameter state (numbers and float buffers) by flat parameter index. */
  state: Record<number, Record<string, number | Float32Array | Float64Array>>;
  /** Hyperparameters per group, with the flat indices of its parameters. */
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** An optimizer: erlangen's `Optimizer` (SGD, Adam, AdamW, RMSProp, Adagrad) fits. */
export interface CheckpointOptimizer {
  stateDict(): CheckpointOptimizerState;
  loadStateDict(sd: CheckpointOptimizerState): void;
}

/** A learning-rate scheduler: erlangen's `LRScheduler` fits (its state must be plain data). */
export interface CheckpointScheduler {
  stateDict(): Record<string, unknown>;
  loadStateDict(sd: Record<string, unknown>): void;
}

/** The EMA's state: erlangen's `EMAState`. */
export interface CheckpointEMAState {
  numUpdates: number;
  shadow: Float64Array[];
}

/** An exponential moving average of weights: erlangen's `ExponentialMovingAverage` fits. */
export interface CheckpointEMA {
  stateDict(): CheckpointEMAState;
  loadStateDict(state: CheckpointEMAState): void;
  /** When true, saving is refused (the parameters hold the average, not the live weights). */
  readonly isSwapped?: boolean;
}

/** A random-number generator: erlangen's `Rng` fits. */
export interface CheckpointRng {
  getState(): RngState;
  setState(state: RngState): void;
}

/** The objects a checkpoint restores into (each optional but the model). */
export interface CheckpointTargets {
  model: CheckpointModel;
  optimizer?: CheckpointOptimizer;
  scheduler?: CheckpointScheduler;
  ema?: CheckpointEMA;
  rng?: CheckpointRng;
}

/** What {@link saveCheckpoint} stores. */
export interface CheckpointContents extends CheckpointTargets {
  /** The training step (a non-negative integer) the checkpoint was taken after. */
  step: number;
  /** Any plain data (numbers, strings, booleans, null, arrays, plain objects), stored exactly. */
  extra?: unknown;
}

/** What {@link loadCheckpoint} returns. */
export interface LoadedCheckpoint {
  /** The step saved. */
  step: number;
  /** The `extra` saved (plain data; keys such as `__proto__` are refused on load), or undefined if none was. */
  extra: PlainValue | undefined;
}

const VERSION = '1';
const K = {
  version: 'erlangen.checkpoint',
  step: 'erlangen.step',
  extra: 'erlangen.extra',
  optimizer: 'erlangen.optimizer',
  scheduler: 'erlangen.scheduler',
  ema: 'erlangen.ema',
  rng: 'erlangen.rng',
  modelRngs: 'erlangen.model_rngs',
} as const;

/**
 * Save a training state to one safetensors file, atomically (after a crash the path holds the
 * previous checkpoint or this one, never a mix). Node only.
 *
 * @param path the file to write (replaced if it exists)
 * @param c the model and, optionally, optimizer, scheduler, EMA, Rng; the step; extra plain data
 * @throws ValueError on a step that is not a non-negative integer, an EMA whose average is swapped
 *   in, or an `extra` / scheduler state / hyperparameter that is not plain data
 *
 * @example
 * ```ts
 * await saveCheckpoint('ckpt.safetensors', { model, optimizer: opt, scheduler: sched, ema, rng, step: 100 });
 * // later, with freshly built objects of the same configuration:
 * const { step } = await loadCheckpoint('ckpt.safetensors', { model, optimizer: opt, scheduler: sched, ema, rng });
 * ```
 */
export async function saveCheckpoint(path: string, c: CheckpointContents): Promise<void> {
  const op = 'saveCheckpoint';
  if (!Number.isSafeInteger(c.step) || c.step < 0) throw new ValueError(`${op}: step must be a non-negative integer, got ${c.step}`);
  if (!c.model || typeof c.model.stateDict !== 'function') throw new ValueError(`${op}: a model (with stateDict) is required`);
  const tensors = new Map<string, TensorData | Tensor>();
  const sd = c.model.stateDict();
  for (const [k, v] of sd instanceof Map ? sd.entries() : Object.entries(sd)) tensors.set(`model.${k}`, v);
  const meta: Record<string, string> = { [K.version]: VERSION, [K.step]: encodeExact(c.step, op) };
  if (c.extra !== undefined) meta[K.extra] = encodeExact(c.extra, `${op}: extra`);
  if (c.optimizer) {
    const os = c.optimizer.stateDict();
    const scalars: Record<string, Record<string, number>> = {};
    for (const [i, st] of Object.entries(os.state)) {
      for (const [key, v] of Object.entries(st)) {
        if (typeof v === 'number') (scalars[i] ??= {})[key] = v;
        else tensors.set(`optimizer.${i}.${key}`, { shape: [v.length], data: v });
      }
    }
    meta[K.optimizer] = encodeExact({ paramGroups: os.paramGroups, scalars }, `${op}: optimizer state`);
  }
  if (c.scheduler) meta[K.scheduler] = encodeExact(c.scheduler.stateDict(), `${op}: scheduler state`);
  if (c.ema) {
    if (c.ema.isSwapped) throw new ValueError(`${op}: the EMA average is swapped into the parameters; swap back before saving`);
    const es = c.ema.stateDict();
    es.shadow.forEach((s, i) => tensors.set(`ema.${i}`, { shape: [s.length], data: s }));
    meta[K.ema] = encodeExact({ numUpdates: es.numUpdates, count: es.shadow.length }, `${op}: EMA state`);
  }
  if (c.rng) meta[K.rng] = encodeExact(c.rng.getState(), `${op}: rng state`);
  const modelRngs = c.model.namedRngs?.() ?? [];
  if (modelRngs.length) meta[K.modelRngs] = encodeExact(Object.fromEntries(modelRngs.map(([n, r]) => [n, r.getState()])), `${op}: the model's rng states`);
  await writeFileAtomic(path, serializeSafetensors(tensors, meta), op);
}

function objectOf(v: PlainValue | undefined, where: string, what: string): { [k: string]: PlainValue } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FormatError(`${where}: ${what} is not an object`);
  return v;
}

function indexOf(s: string, where: string, what: string): number {
  if (!/^(0|[1-9][0-9]{0,8})$/.test(s)) throw new FormatError(`${where}: ${what}: '${s}' is not a parameter index`);
  return Number(s);
}

/**
 * Restore a training state saved by {@link saveCheckpoint} into freshly built objects of the same
 * configuration (same model architecture, optimizer class and parameter groups, scheduler, EMA
 * parameters). Everything in the file is decoded and checked before any object is touched; the
 * objects are then restored in the order model, optimizer, scheduler, EMA, Rng (each checks its own
 * shapes before writing). State in the file for an object not given is skipped.
 *
 * @param path the checkpoint file
 * @param into the objects to restore into
 * @returns the step and the extra data saved
 * @throws FormatError for a corrupt file, a file that is not an erlangen checkpoint, or malformed state
 * @throws ValueError when an object is given whose state the file does not hold; the objects' own
 *   errors (ShapeError, ValueError) when their configuration does not match the file
 *
 * @example
 * ```ts
 * const { step, extra } = await loadCheckpoint('ckpt.safetensors', { model, optimizer: opt, rng });
 * ```
 */
export async function loadCheckpoint(path: string, into: CheckpointTargets): Promise<LoadedCheckpoint> {
  const op = 'loadCheckpoint';
  const where = `${op} (${path})`;
  const { tensors, metadata } = await readSafetensorsFile(path, op);
  if (metadata[K.version] === undefined) throw new FormatError(`${where}: not an erlangen checkpoint (no '${K.version}' metadata)`);
  if (metadata[K.version] !== VERSION) throw new FormatError(`${where}: checkpoint format version '${metadata[K.version]}' is not supported (this erlangen reads '${VERSION}')`);
  const decode = (key: string): PlainValue | undefined => (metadata[key] === undefined ? undefined : decodeExact(metadata[key]!, `${where}: metadata '${key}'`));
  const need = (key: string, what: string): PlainValue => {
    const v = decode(key);
    if (v === undefined) throw new ValueError(`${where}: the checkpoint holds no ${what} state, but ${/^[AEIOUaeiou]/.test(what) ? 'an' : 'a'} ${what} was given`);
    return v;
  };

  const step = decode(K.step);
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) throw new FormatError(`${where}: invalid step ${JSON.stringify(step)}`);
  const extra = decode(K.extra);

  const model = Object.create(null) as Record<string, Tensor>;
  const optBuffers = new Map<number, Map<string, Float32Array | Float64Array>>();
  const emaShadow = new Map<number, Float64Array>();
  for (const name of Object.keys(tensors)) {
    const t = tensors[name]!;
    if (name.startsWith('model.')) {
      model[name.slice(6)] = t;
      continue;
    }
    const m = /^(optimizer|ema)\.([^.]+)(?:\.(.+))?$/.exec(name);
    if (!m) throw new FormatError(`${where}: unexpected tensor '${name}' (not model.*, optimizer.*, ema.*)`);
    const i = indexOf(m[2]!, where, `tensor '${name}'`);
    if (m[1] === 'optimizer') {
      if (m[3] === undefined) throw new FormatError(`${where}: tensor '${name}' names no state key`);
      if (t.dtype === 'int32') throw new FormatError(`${where}: optimizer buffer '${name}' is int32`);
      let s = optBuffers.get(i);
      if (!s) optBuffers.set(i, (s = new Map()));
      s.set(m[3], t.data as Float32Array | Float64Array);
    } else {
      if (m[3] !== undefined) throw new FormatError(`${where}: unexpected tensor '${name}'`);
      if (t.dtype !== 'float64') throw new FormatError(`${where}: EMA shadow '${name}' is ${t.dtype}, expected float64`);
      emaShadow.set(i, t.data as Float64Array);
    }
  }

  let optState: CheckpointOptimizerState | null = null;
  if (into.optimizer) {
    const o = objectOf(need(K.optimizer, 'optimizer'), where, 'optimizer state');
    const groups = o.paramGroups;
    if (!Array.isArray(groups)) throw new FormatError(`${where}: optimizer paramGroups is not an array`);
    const paramGroups = groups.map((g, gi) => {
      const go = objectOf(g, where, `optimizer group ${gi}`);
      const params = go.params;
      if (!Array.isArray(params) || !params.every((p) => typeof p === 'number' && Number.isSafeInteger(p) && p >= 0)) {
        throw new FormatError(`${where}: optimizer group ${gi} has no list of parameter indices`);
      }
      return { ...go, params: params as number[] };
    });
    const state: Record<number, Record<string, number | Float32Array | Float64Array>> = {};
    for (const [i, bufs] of optBuffers) {
      const st = (state[i] ??= {});
      for (const [k, v] of bufs) st[k] = v;
    }
    const scalars = objectOf(o.scalars, where, 'optimizer scalars');
    for (const is of Object.keys(scalars)) {
      const st = (state[indexOf(is, where, 'optimizer scalars')] ??= {});
      const sc = objectOf(scalars[is], where, `optimizer scalars of parameter ${is}`);
      for (const k of Object.keys(sc)) {
        const v = sc[k];
        if (typeof v !== 'number') throw new FormatError(`${where}: optimizer scalar ${is}.${k} is not a number`);
        if (st[k] !== undefined) throw new FormatError(`${where}: optimizer state ${is}.${k} is both a scalar and a buffer`);
        st[k] = v;
      }
    }
    optState = { state, paramGroups };
  }

  let schedState: Record<string, unknown> | null = null;
  if (into.scheduler) schedState = { ...objectOf(need(K.scheduler, 'scheduler'), where, 'scheduler state') };

  let emaState: CheckpointEMAState | null = null;
  if (into.ema) {
    const e = objectOf(need(K.ema, 'EMA'), where, 'EMA state');
    const n = e.numUpdates, count = e.count;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new FormatError(`${where}: invalid EMA numUpdates ${JSON.stringify(n)}`);
    if (typeof count !== 'number' || count !== emaShadow.size) throw new FormatError(`${where}: the EMA state lists ${JSON.stringify(count)} averages, the file holds ${emaShadow.size}`);
    const shadow: Float64Array[] = [];
    for (let i = 0; i < count; i++) {
      const s = emaShadow.get(i);
      if (!s) throw new FormatError(`${where}: EMA average ${i} is missing`);
      shadow.push(s);
    }
    emaState = { numUpdates: n, shadow };
  }

  let rngState: RngState | null = null;
  if (into.rng) {
    const r = objectOf(need(K.rng, 'rng'), where, 'rng state');
    rngState = { s: r.s as unknown as RngState['s'], spare: r.spare as number | null };
    try {
      // validate on a scratch copy of the target's state before touching anything
      const probe = into.rng.getState();
      into.rng.setState(rngState);
      into.rng.setState(probe);
    } catch (err) {
      throw new FormatError(`${where}: invalid rng state: ${(err as Error).message}`);
    }
  }

  // the model's own generators (dropout masks): the same names, each a valid state
  const targets = into.model.namedRngs?.() ?? [];
  const savedRngs = metadata[K.modelRngs] === undefined ? {} : objectOf(decode(K.modelRngs), where, "the model's rng states");
  const want = targets.map(([n]) => n).sort(), have = Object.keys(savedRngs).sort();
  if (want.join('\n') !== have.join('\n')) {
    throw new ValueError(`${where}: the model does not match the checkpoint: it draws from the generators [${want.join(', ')}] but the checkpoint holds states for [${have.join(', ')}]`);
  }
  const rngStates = targets.map(([n, r]): [CheckpointRng, RngState] => {
    const st = objectOf(savedRngs[n], where, `rng state of '${n}'`);
    const state = { s: st.s as unknown as RngState['s'], spare: st.spare as number | null };
    const probe = r.getState();
    try {
      r.setState(state);
    } catch (err) {
      throw new FormatError(`${where}: invalid rng state of '${n}': ${(err as Error).message}`);
    } finally {
      r.setState(probe);
    }
    return [r, state];
  });

  into.model.loadStateDict(model);
  for (const [r, st] of rngStates) r.setState(st);
  if (into.optimizer && optState) into.optimizer.loadStateDict(optState);
  if (into.scheduler && schedState) into.scheduler.loadStateDict(schedState);
  if (into.ema && emaState) into.ema.loadStateDict(emaState);
  if (into.rng && rngState) into.rng.setState(rngState);
  return { step, extra };
}
