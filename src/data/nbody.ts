/**
 * The charged-particle N-body dataset of the EGNN paper (Satorras, Hoogeboom, Welling, "E(n)
 * Equivariant Graph Neural Networks", ICML 2021, arXiv:2102.09844, §5.1), generated in code exactly
 * as `n_body_system/dataset/synthetic_sim.py` (`ChargedParticlesSim`) and `dataset_nbody.py`
 * (`nbody_small`) do — docs/design/reference-results.md:
 *
 * - 5 particles in 3D with charges q ∈ {−1, +1} (p = ½ each); x₀ ~ N(0, 1) (loc_std 1), v₀ a random
 *   direction of norm 0.5 per particle; positions outside the box [−5, 5] are reflected at t = 0
 *   only (their velocity component flipped).
 * - Force on i: F_i = Σ_{j≠i} q_i q_j (x_i − x_j) / ‖x_i − x_j‖³ (like charges repel), every
 *   component clipped to ±0.1/Δt = ±100.
 * - Kick–drift integration with Δt = 0.001: v += Δt F(x₀); then for step = 1 … 4999:
 *   x += Δt v; every 100 steps save (x, v) (frame k is step 100(k + 1)); v += Δt F(x).
 * - A sample is (x, v at frame 30, the charges) → x at frame 40 (1000 steps = 1 time unit later).
 *
 * The simulation runs in float64. Only the frames up to the target are simulated (later steps do not
 * change them). Randomness comes from an explicit seeded {@link Rng}; the streams differ from numpy's,
 * so the samples are statistically, not bitwise, those of the paper.
 * @module
 */
import { fullyConnected } from '../graph/spatial.js';
import { GraphsTuple } from '../graph/graphs-tuple.js';
import { tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import { Rng } from '../util/rng.js';

/** Constants of the charged N-body simulation (docs/design/reference-results.md). */
export const NBODY = Object.freeze({
  /** Particles per system. */
  numParticles: 5,
  /** Spatial dimension. */
  dim: 3,
  /** Integration step Δt. */
  dt: 0.001,
  /** Steps of a full trajectory (T). */
  steps: 5000,
  /** A frame is saved every this many steps (frame k = step sampleFreq·(k + 1)). */
  sampleFreq: 100,
  /** Input frame of `nbody_small`. */
  inputFrame: 30,
  /** Target frame of `nbody_small`. */
  targetFrame: 40,
  /** Standard deviation of the initial positions. */
  locStd: 1,
  /** Norm of each initial velocity. */
  velNorm: 0.5,
  /** Interaction strength. */
  interactionStrength: 1,
  /** Half-width of the box (reflection applied at t = 0 only). */
  boxSize: 5,
  /** Component-wise force clip 0.1 / Δt. */
  maxForce: 0.1 / 0.001,
  /** Paper split sizes: 3000 training, 2000 validation, 2000 test simulations. */
  train: 3000,
  val: 2000,
  test: 2000,
});

/** One simulation: the model input at the input frame and the target positions. Row-major, float64. */
export interface NBodySample {
  /** Positions at the input frame [5, 3]. */
  readonly loc0: Float64Array;
  /** Velocities at the input frame [5, 3]. */
  readonly vel0: Float64Array;
  /** Charges ±1 [5]. */
  readonly charges: Float64Array;
  /** Positions at the target frame [5, 3]. */
  readonly target: Float64Array;
}

/** Options of {@link generateNBody}. */
export interface GenerateNBodyOptions {
  /** Number of simulations. */
  numSims: number;
  /** Seed of the generator (default 43, the seed of the paper's `nbody_small`). */
  seed?: number;
  /** Or an explicit generator (overrides `seed`; advanced by the call). */
  rng?: Rng;
  /** Input frame (default 30). */
  inputFrame?: number;
  /** Target frame (default 40). */
  targetFrame?: number;
  /** Number of particles (default 5). */
  numParticles?: number;
}

/** One whole trajectory from {@link simulateCharged}. */
export interface NBodyTrajectory {
  /** Saved positions [frames, n, 3] (frame k = step 100(k + 1)). */
  readonly loc: Float64Array;
  /** Saved velocities [frames, n, 3]. */
  readonly vel: Float64Array;
  /** Charges [n]. */
  readonly charges: Float64Array;
  /** Number of saved frames. */
  readonly frames: number;
  /** Whether any force component was clipped during the run. */
  readonly clipped: boolean;
}

/**
 * The clipped Coulomb-like forces F_i = Σ_{j≠i} s q_i q_j (x_i − x_j)/‖x_i − x_j‖³, each component
 * clipped to ±maxF, written into `out` [n, 3].
 * @returns true when some component was clipped
 */
export function chargedForces(x: Float64Array, q: Float64Array, out: Float64Array, maxF: number = NBODY.maxForce, strength: number = NBODY.interactionStrength): boolean {
  const n = q.length;
  let clipped = false;
  for (let i = 0; i < n; i++) {
    let fx = 0, fy = 0, fz = 0;
    const xi = x[3 * i]!, yi = x[3 * i + 1]!, zi = x[3 * i + 2]!;
    const qi = q[i]!;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dx = xi - x[3 * j]!, dy = yi - x[3 * j + 1]!, dz = zi - x[3 * j + 2]!;
      const r2 = dx * dx + dy * dy + dz * dz;
      const s = (strength * qi * q[j]!) / (r2 * Math.sqrt(r2));
      fx += s * dx;
      fy += s * dy;
      fz += s * dz;
    }
    if (fx > maxF || fx < -maxF || fy > maxF || fy < -maxF || fz > maxF || fz < -maxF) {
      clipped = true;
      fx = Math.min(maxF, Math.max(-maxF, fx));
      fy = Math.min(maxF, Math.max(-maxF, fy));
      fz = Math.min(maxF, Math.max(-maxF, fz));
    }
    out[3 * i] = fx;
    out[3 * i + 1] = fy;
    out[3 * i + 2] = fz;
  }
  return clipped;
}

/**
 * The raw initial state of one simulation as the reference draws it: charges [n], positions and
 * velocities [n, 3] (particle-major), the velocities not yet normalised.
 */
export interface NBodyInitialState {
  readonly charges: Float64Array;
  readonly loc: Float64Array;
  readonly vel: Float64Array;
}

/** Draw the raw initial state of one simulation (charges, positions, velocities), in the reference's order. */
function drawState(rng: Rng, n: number): NBodyInitialState {
  const charges = new Float64Array(n);
  for (let i = 0; i < n; i++) charges[i] = rng.uniform() < 0.5 ? -1 : 1;
  const loc = new Float64Array(3 * n);
  for (let k = 0; k < 3 * n; k++) loc[k] = rng.normal() * NBODY.locStd;
  const vel = new Float64Array(3 * n);
  for (let k = 0; k < 3 * n; k++) vel[k] = rng.normal();
  return { charges, loc, vel };
}

/**
 * Normalise each velocity to norm 0.5 and reflect positions outside the box (the reference clamps
 * once, at t = 0). `numpyNorm` computes ‖v‖ as numpy's sqrt(v₀² + v₁² + v₂²) instead of Math.hypot
 * (same value up to the last bit), for states replayed from the paper's numpy stream.
 */
function prepareState(s: NBodyInitialState, numpyNorm: boolean): { q: Float64Array; x: Float64Array; v: Float64Array } {
  const n = s.charges.length;
  const q = Float64Array.from(s.charges), x = Float64Array.from(s.loc), v = Float64Array.from(s.vel);
  for (let i = 0; i < n; i++) {
    const a = v[3 * i]!, b = v[3 * i + 1]!, c = v[3 * i + 2]!;
    const norm = numpyNorm ? Math.sqrt(a * a + b * b + c * c) : Math.hypot(a, b, c);
    for (let d = 0; d < 3; d++) v[3 * i + d] = (v[3 * i + d]! * NBODY.velNorm) / norm;
  }
  const L = NBODY.boxSize;
  for (let k = 0; k < 3 * n; k++) {
    if (x[k]! > L) { x[k] = 2 * L - x[k]!; v[k] = -Math.abs(v[k]!); }
    else if (x[k]! < -L) { x[k] = -2 * L - x[k]!; v[k] = Math.abs(v[k]!); }
  }
  return { q, x, v };
}

/**
 * Simulate one charged system and return its saved frames (the reference's `sample_trajectory`
 * without observation noise). Frame k holds (x, v) right after the drift of step 100(k + 1).
 * @param rng generator (advanced)
 * @param opts.frames number of frames to save (default 49, the whole 5000-step trajectory)
 */
export function simulateCharged(rng: Rng, opts: { frames?: number; numParticles?: number } = {}): NBodyTrajectory {
  return integrate('simulateCharged', prepareState(drawState(rng, opts.numParticles ?? NBODY.numParticles), false), opts.frames);
}

/**
 * Simulate one charged system from a given raw initial state (velocities are normalised and
 * positions reflected into the box first, as in {@link simulateCharged}).
 * @throws ValueError when the arrays do not have n, 3n and 3n entries
 */
export function simulateChargedFrom(state: NBodyInitialState, opts: { frames?: number } = {}): NBodyTrajectory {
  const n = state.charges.length;
  if (n < 2 || state.loc.length !== 3 * n || state.vel.length !== 3 * n) {
    throw new ValueError(`simulateChargedFrom: need n ≥ 2 charges and [n, 3] positions and velocities, got ${n}, ${state.loc.length}, ${state.vel.length} values`);
  }
  return integrate('simulateChargedFrom', prepareState(state, true), opts.frames);
}

function integrate(op: string, { q, x, v }: { q: Float64Array; x: Float64Array; v: Float64Array }, framesOpt?: number): NBodyTrajectory {
  const n = q.length;
  const maxFrames = NBODY.steps / NBODY.sampleFreq - 1;
  const frames = framesOpt ?? maxFrames;
  if (!Number.isInteger(frames) || frames < 1 || frames > maxFrames) throw new ValueError(`${op}: frames must be an integer in [1, ${maxFrames}], got ${frames}`);
  const dt = NBODY.dt;
  const F = new Float64Array(3 * n);
  const loc = new Float64Array(frames * 3 * n);
  const vel = new Float64Array(frames * 3 * n);
  let clipped = chargedForces(x, q, F);
  for (let k = 0; k < 3 * n; k++) v[k]! += dt * F[k]!;
  const lastStep = frames * NBODY.sampleFreq;
  let counter = 0;
  for (let step = 1; step <= lastStep; step++) {
    for (let k = 0; k < 3 * n; k++) x[k]! += dt * v[k]!;
    if (step % NBODY.sampleFreq === 0) {
      loc.set(x, counter * 3 * n);
      vel.set(v, counter * 3 * n);
      counter++;
      if (counter === frames) break; // later kicks cannot change the saved frames
    }
    if (chargedForces(x, q, F)) clipped = true;
    for (let k = 0; k < 3 * n; k++) v[k]! += dt * F[k]!;
  }
  return { loc, vel, charges: q, frames, clipped };
}

/**
 * Generate `numSims` independent samples of the `nbody_small` task: (x, v at frame 30, charges) →
 * x at frame 40. Deterministic in the seed.
 *
 * @example
 * ```ts
 * const train = generateNBody({ numSims: 3000, seed: 1 });
 * train[0].loc0; // Float64Array [5 × 3]
 * ```
 */
export function generateNBody(opts: GenerateNBodyOptions): NBodySample[] {
  const { numSims } = opts;
  if (!Number.isInteger(numSims) || numSims < 0) throw new ValueError(`generateNBody: numSims must be a non-negative integer, got ${numSims}`);
  const [f0, fT] = frameRange('generateNBody', opts);
  const n = opts.numParticles ?? NBODY.numParticles;
  const rng = opts.rng ?? new Rng(opts.seed ?? 43);
  const frames = Math.max(f0, fT) + 1;
  const out: NBodySample[] = [];
  for (let s = 0; s < numSims; s++) out.push(sampleOf(simulateCharged(rng, { frames, numParticles: n }), f0, fT));
  return out;
}

function frameRange(op: string, opts: { inputFrame?: number; targetFrame?: number }): [number, number] {
  const f0 = opts.inputFrame ?? NBODY.inputFrame;
  const fT = opts.targetFrame ?? NBODY.targetFrame;
  const maxFrames = NBODY.steps / NBODY.sampleFreq - 1;
  for (const [name, f] of [['inputFrame', f0], ['targetFrame', fT]] as const) {
    if (!Number.isInteger(f) || f < 0 || f >= maxFrames) throw new ValueError(`${op}: ${name} must be an integer in [0, ${maxFrames}), got ${f}`);
  }
  return [f0, fT];
}

function sampleOf(t: NBodyTrajectory, f0: number, fT: number): NBodySample {
  const m = 3 * t.charges.length;
  return { loc0: t.loc.slice(f0 * m, (f0 + 1) * m), vel0: t.vel.slice(f0 * m, (f0 + 1) * m), charges: t.charges, target: t.loc.slice(fT * m, (fT + 1) * m) };
}

/**
 * Samples of the `nbody_small` task simulated from given raw initial states (e.g. the paper's own,
 * {@link parseNBodyStates}).
 */
export function generateNBodyFrom(states: readonly NBodyInitialState[], opts: { inputFrame?: number; targetFrame?: number } = {}): NBodySample[] {
  const [f0, fT] = frameRange('generateNBodyFrom', opts);
  const frames = Math.max(f0, fT) + 1;
  return states.map((st) => sampleOf(simulateChargedFrom(st, { frames }), f0, fT));
}

/** Initial states of the three splits. */
export interface NBodyStateSplits {
  readonly train: NBodyInitialState[];
  readonly val: NBodyInitialState[];
  readonly test: NBodyInitialState[];
}

/** Values per record of `scripts/nbody-paper-states.py`: charges[5], loc[3][5], vel[3][5]. */
const STATE_RECORD = 5 + 15 + 15;

/**
 * Parse the initial states written by `scripts/nbody-paper-states.py` (bundled as
 * `datasets/nbody/paper-initial-states.f64`): the paper's own `nbody_small` draws — numpy's legacy
 * RandomState seeded 43 replayed in the generator's order — as float64 little-endian records of
 * charges[5], positions[3][5] and raw velocities[3][5] (dimension-major, as numpy draws them),
 * 3000 training, then 2000 validation, then 2000 test simulations.
 * @throws ValueError when the byte length is not that of 7000 records, a charge is not ±1 or a value is not finite
 */
export function parseNBodyStates(bytes: Uint8Array): NBodyStateSplits {
  const counts = [NBODY.train, NBODY.val, NBODY.test];
  const total = counts.reduce((a, b) => a + b, 0);
  if (bytes.byteLength !== total * STATE_RECORD * 8) {
    throw new ValueError(`parseNBodyStates: expected ${total} records of ${STATE_RECORD} float64 (${total * STATE_RECORD * 8} bytes), got ${bytes.byteLength} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = NBODY.numParticles;
  const states: NBodyInitialState[] = [];
  for (let r = 0; r < total; r++) {
    const at = (k: number): number => {
      const v = view.getFloat64((r * STATE_RECORD + k) * 8, true);
      if (!Number.isFinite(v)) throw new ValueError(`parseNBodyStates: record ${r} value ${k} is not finite (${v})`);
      return v;
    };
    const charges = new Float64Array(n), loc = new Float64Array(3 * n), vel = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      charges[i] = at(i);
      if (charges[i] !== 1 && charges[i] !== -1) throw new ValueError(`parseNBodyStates: record ${r} has charge ${charges[i]} (expected ±1)`);
      for (let d = 0; d < 3; d++) {
        loc[3 * i + d] = at(n + d * n + i);
        vel[3 * i + d] = at(4 * n + d * n + i);
      }
    }
    states.push({ charges, loc, vel });
  }
  return { train: states.slice(0, counts[0]), val: states.slice(counts[0], counts[0]! + counts[1]!), test: states.slice(counts[0]! + counts[1]!) };
}

/** The three splits of the benchmark. */
export interface NBodySplits {
  readonly train: NBodySample[];
  readonly val: NBodySample[];
  readonly test: NBodySample[];
}

/**
 * Train / validation / test simulations (default 3000 / 2000 / 2000), each split from its own
 * stream forked off `new Rng(seed)`, so the validation and test sets do not depend on the training
 * size — or, with `states`, simulated from given initial states (the first `train` / `val` / `test`
 * of each split).
 */
export function nbodySplits(opts: { train?: number; val?: number; test?: number; seed?: number; states?: NBodyStateSplits } = {}): NBodySplits {
  const nTrain = opts.train ?? NBODY.train, nVal = opts.val ?? NBODY.val, nTest = opts.test ?? NBODY.test;
  const st = opts.states;
  if (st) {
    for (const [name, want, have] of [['train', nTrain, st.train.length], ['val', nVal, st.val.length], ['test', nTest, st.test.length]] as const) {
      if (want > have) throw new ValueError(`nbodySplits: ${want} ${name} simulations requested, the given states have ${have}`);
    }
    return { train: generateNBodyFrom(st.train.slice(0, nTrain)), val: generateNBodyFrom(st.val.slice(0, nVal)), test: generateNBodyFrom(st.test.slice(0, nTest)) };
  }
  const root = new Rng(opts.seed ?? 43);
  const trainRng = root.fork(), valRng = root.fork(), testRng = root.fork();
  return {
    train: generateNBody({ numSims: nTrain, rng: trainRng }),
    val: generateNBody({ numSims: nVal, rng: valRng }),
    test: generateNBody({ numSims: nTest, rng: testRng }),
  };
}

/** Options of {@link nbodyGraphs}. */
export interface NBodyGraphsOptions {
  /** Element type of the tensors (default float32). */
  dtype?: 'float32' | 'float64';
}

/**
 * A batched GraphsTuple of N-body samples, as the EGNN N-body model consumes them: one fully
 * connected graph of n nodes per sample (n(n − 1) = 20 directed edges j → i, grouped by receiver);
 * node features ‖v_i‖ [N, 1]; edge features [q_i q_j, ‖x_i − x_j‖²] [E, 2]; node extras `pos` (x at
 * the input frame), `vel` (v at the input frame) and `target` (x at the target frame), each [N, 3].
 */
export function nbodyGraphs(samples: readonly NBodySample[], opts: NBodyGraphsOptions = {}): GraphsTuple {
  const dtype = opts.dtype ?? 'float32';
  const G = samples.length;
  const n = G > 0 ? samples[0]!.charges.length : NBODY.numParticles;
  const nNode = new Int32Array(G).fill(n);
  const { senders, receivers, nEdge } = fullyConnected(nNode);
  const N = G * n, E = senders.length;
  const Arr = dtype === 'float64' ? Float64Array : Float32Array;
  const pos64 = new Float64Array(N * 3), vel = new Arr(N * 3), target = new Arr(N * 3), speed = new Arr(N), q = new Float64Array(N);
  samples.forEach((s, b) => {
    if (s.charges.length !== n) throw new ValueError(`nbodyGraphs: sample ${b} has ${s.charges.length} particles, sample 0 has ${n}`);
    pos64.set(s.loc0, b * n * 3);
    vel.set(s.vel0, b * n * 3);
    target.set(s.target, b * n * 3);
    for (let i = 0; i < n; i++) {
      speed[b * n + i] = Math.hypot(s.vel0[3 * i]!, s.vel0[3 * i + 1]!, s.vel0[3 * i + 2]!);
      q[b * n + i] = s.charges[i]!;
    }
  });
  const edges = new Arr(E * 2);
  for (let e = 0; e < E; e++) {
    const i = receivers[e]!, j = senders[e]!;
    edges[2 * e] = q[i]! * q[j]!;
    const dx = pos64[3 * i]! - pos64[3 * j]!, dy = pos64[3 * i + 1]! - pos64[3 * j + 1]!, dz = pos64[3 * i + 2]! - pos64[3 * j + 2]!;
    edges[2 * e + 1] = dx * dx + dy * dy + dz * dz; // from the float64 positions, rounded once
  }
  return new GraphsTuple({
    nodes: tensor(speed, { shape: [N, 1], dtype }),
    edges: tensor(edges, { shape: [E, 2], dtype }),
    senders,
    receivers,
    nNode,
    nEdge,
    extras: {
      pos: { kind: 'node', value: tensor(pos64, { shape: [N, 3], dtype }) },
      vel: { kind: 'node', value: tensor(vel, { shape: [N, 3], dtype }) },
      target: { kind: 'node', value: tensor(target, { shape: [N, 3], dtype }) },
    },
  });
}
