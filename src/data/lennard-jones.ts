/**
 * Lennard-Jones clusters: energies and exact analytic forces of random 13–38-atom configurations,
 * generated in code (the training data of a force-field model, examples/lj-forces.ts).
 *
 * Reduced units (ε = σ = m = k_B = 1). The potential has no cutoff (a free cluster):
 *
 *   E = Σ_{i<j} 4 (r_ij⁻¹² − r_ij⁻⁶),   F_i = −∂E/∂x_i = Σ_{j≠i} 24 (2 r_ij⁻¹⁴ − r_ij⁻⁸) (x_i − x_j).
 *
 * A configuration: N uniform in [minAtoms, maxAtoms]; atoms placed uniformly in a ball of density
 * ≈ 0.7 σ⁻³ with a minimum separation of 0.9 σ (rejection sampling); then relaxed by a quench
 * (velocity-Verlet with the velocity zeroed whenever F·v < 0, as FIRE's first ingredient), then
 * thermalised: Maxwell–Boltzmann velocities at `temperature` (zero total momentum) and `mdSteps`
 * velocity-Verlet steps of Δt. The energy and forces are those of the final positions, which are
 * centred at the centre of mass. All randomness comes from an explicit seeded {@link Rng}; the
 * computation is float64.
 * @module
 */
import { ValueError } from '../util/errors.js';
import { Rng } from '../util/rng.js';

/** Defaults of {@link generateLennardJones}. */
export const LENNARD_JONES = Object.freeze({
  /** Smallest cluster. */
  minAtoms: 13,
  /** Largest cluster. */
  maxAtoms: 38,
  /** Number density of the initial random placement (σ⁻³). */
  density: 0.7,
  /** Minimum separation of the initial placement (σ). */
  minDistance: 0.9,
  /** Quench (damped velocity-Verlet) steps. */
  relaxSteps: 20,
  /** Thermalising velocity-Verlet steps after the quench. */
  mdSteps: 10,
  /** Velocity-Verlet time step (reduced units). */
  dt: 0.005,
  /** Temperature of the Maxwell–Boltzmann velocities (ε / k_B). */
  temperature: 0.3,
});

/** One configuration: positions, energy and forces (float64, row-major [N, 3]). */
export interface LJSample {
  /** Number of atoms N. */
  readonly numAtoms: number;
  /** Positions [N, 3], centred at the centre of mass. */
  readonly positions: Float64Array;
  /** Potential energy E (ε). */
  readonly energy: number;
  /** Forces F = −∂E/∂x [N, 3]. */
  readonly forces: Float64Array;
}

/** Options of {@link generateLennardJones}. */
export interface LennardJonesOptions {
  /** Number of configurations. */
  numConfigs: number;
  /** Seed (default 0), or `rng`. */
  seed?: number;
  /** An explicit generator (overrides `seed`; advanced by the call). */
  rng?: Rng;
  /** Smallest cluster (default 13). */
  minAtoms?: number;
  /** Largest cluster (default 38). */
  maxAtoms?: number;
  /** Quench steps (default 20). */
  relaxSteps?: number;
  /** Thermalising MD steps (default 10). */
  mdSteps?: number;
  /** Time step (default 0.005). */
  dt?: number;
  /** Temperature (default 0.3). */
  temperature?: number;
}

function checkPositions(op: string, positions: ArrayLike<number>): number {
  if (positions.length % 3 !== 0 || positions.length === 0) throw new ValueError(`${op}: positions must be a non-empty flat [N, 3] array, got ${positions.length} values`);
  return positions.length / 3;
}

/** The Lennard-Jones energy 4 Σ_{i<j} (r⁻¹² − r⁻⁶) of flat [N, 3] positions. */
export function ljEnergy(positions: ArrayLike<number>): number {
  const n = checkPositions('ljEnergy', positions);
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = positions[3 * i]! - positions[3 * j]!, dy = positions[3 * i + 1]! - positions[3 * j + 1]!, dz = positions[3 * i + 2]! - positions[3 * j + 2]!;
      const s6 = 1 / (dx * dx + dy * dy + dz * dz) ** 3;
      e += 4 * (s6 * s6 - s6);
    }
  }
  return e;
}

/** Energy and exact forces F_i = Σ_{j≠i} 24 (2 r⁻¹⁴ − r⁻⁸)(x_i − x_j) of flat [N, 3] positions. */
export function ljEnergyForces(positions: ArrayLike<number>): { energy: number; forces: Float64Array } {
  const n = checkPositions('ljEnergyForces', positions);
  const f = new Float64Array(3 * n);
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = positions[3 * i]! - positions[3 * j]!, dy = positions[3 * i + 1]! - positions[3 * j + 1]!, dz = positions[3 * i + 2]! - positions[3 * j + 2]!;
      const inv2 = 1 / (dx * dx + dy * dy + dz * dz);
      const s6 = inv2 * inv2 * inv2;
      e += 4 * (s6 * s6 - s6);
      const c = 24 * (2 * s6 * s6 - s6) * inv2;
      f[3 * i] = f[3 * i]! + c * dx; f[3 * i + 1] = f[3 * i + 1]! + c * dy; f[3 * i + 2] = f[3 * i + 2]! + c * dz;
      f[3 * j] = f[3 * j]! - c * dx; f[3 * j + 1] = f[3 * j + 1]! - c * dy; f[3 * j + 2] = f[3 * j + 2]! - c * dz;
    }
  }
  return { energy: e, forces: f };
}

/**
 * Velocity-Verlet integration (unit masses) of the LJ dynamics, in place: v += ½Δt F; x += Δt v;
 * v += ½Δt F(x). With `quench`, a velocity is zeroed (all atoms) whenever the power F·v is
 * negative — a damped descent into a nearby minimum. Returns the final energy and forces.
 */
export function ljVelocityVerlet(positions: Float64Array, velocities: Float64Array, steps: number, dt: number, quench = false): { energy: number; forces: Float64Array } {
  checkPositions('ljVelocityVerlet', positions);
  if (velocities.length !== positions.length) throw new ValueError(`ljVelocityVerlet: ${velocities.length} velocity values for ${positions.length} position values`);
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`ljVelocityVerlet: steps must be a non-negative integer, got ${steps}`);
  if (!(dt > 0)) throw new ValueError(`ljVelocityVerlet: dt must be positive, got ${dt}`);
  let ef = ljEnergyForces(positions);
  for (let s = 0; s < steps; s++) {
    if (quench) {
      let p = 0;
      for (let k = 0; k < velocities.length; k++) p += ef.forces[k]! * velocities[k]!;
      if (p < 0) velocities.fill(0);
    }
    for (let k = 0; k < velocities.length; k++) velocities[k] = velocities[k]! + 0.5 * dt * ef.forces[k]!;
    for (let k = 0; k < positions.length; k++) positions[k] = positions[k]! + dt * velocities[k]!;
    ef = ljEnergyForces(positions);
    for (let k = 0; k < velocities.length; k++) velocities[k] = velocities[k]! + 0.5 * dt * ef.forces[k]!;
  }
  return ef;
}

/** Random positions in a ball of the given density with a minimum separation (rejection sampling). */
function placeAtoms(n: number, rng: Rng): Float64Array {
  const R = Math.cbrt((3 * n) / (4 * Math.PI * LENNARD_JONES.density));
  const dmin2 = LENNARD_JONES.minDistance ** 2;
  const x = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 10000) throw new ValueError(`generateLennardJones: could not place ${n} atoms at density ${LENNARD_JONES.density}`);
      const p = [0, 0, 0].map(() => (2 * rng.uniform() - 1) * R);
      if (p[0]! ** 2 + p[1]! ** 2 + p[2]! ** 2 > R * R) continue;
      let ok = true;
      for (let j = 0; j < i && ok; j++) ok = (p[0]! - x[3 * j]!) ** 2 + (p[1]! - x[3 * j + 1]!) ** 2 + (p[2]! - x[3 * j + 2]!) ** 2 >= dmin2;
      if (!ok) continue;
      x.set(p, 3 * i);
      break;
    }
  }
  return x;
}

function intOpt(name: string, v: number | undefined, def: number, min: number): number {
  const x = v ?? def;
  if (!Number.isInteger(x) || x < min) throw new ValueError(`generateLennardJones: ${name} must be an integer ≥ ${min}, got ${x}`);
  return x;
}

/**
 * Generate `numConfigs` Lennard-Jones cluster configurations with energies and exact forces
 * (see the module description for the protocol).
 *
 * @example
 * ```ts
 * const data = generateLennardJones({ numConfigs: 4, seed: 1 });
 * data[0].numAtoms;          // 13 … 38
 * data[0].forces.length;     // 3 · numAtoms
 * ```
 * @throws ValueError for a bad count, atom range, step count, time step or temperature
 */
export function generateLennardJones(opts: LennardJonesOptions): LJSample[] {
  const numConfigs = intOpt('numConfigs', opts.numConfigs, 0, 0);
  const minAtoms = intOpt('minAtoms', opts.minAtoms, LENNARD_JONES.minAtoms, 2);
  const maxAtoms = intOpt('maxAtoms', opts.maxAtoms, LENNARD_JONES.maxAtoms, 2);
  if (maxAtoms < minAtoms) throw new ValueError(`generateLennardJones: maxAtoms ${maxAtoms} < minAtoms ${minAtoms}`);
  const relaxSteps = intOpt('relaxSteps', opts.relaxSteps, LENNARD_JONES.relaxSteps, 0);
  const mdSteps = intOpt('mdSteps', opts.mdSteps, LENNARD_JONES.mdSteps, 0);
  const dt = opts.dt ?? LENNARD_JONES.dt;
  if (!(dt > 0)) throw new ValueError(`generateLennardJones: dt must be positive, got ${dt}`);
  const T = opts.temperature ?? LENNARD_JONES.temperature;
  if (!(T >= 0)) throw new ValueError(`generateLennardJones: temperature must be non-negative, got ${T}`);
  const rng = opts.rng ?? new Rng(opts.seed ?? 0);
  const out: LJSample[] = [];
  for (let c = 0; c < numConfigs; c++) {
    const n = minAtoms + Math.floor(rng.uniform() * (maxAtoms - minAtoms + 1));
    const x = placeAtoms(n, rng);
    const v = new Float64Array(3 * n);
    ljVelocityVerlet(x, v, relaxSteps, dt, true);
    // Maxwell–Boltzmann velocities (unit mass: each component N(0, T)), zero total momentum.
    const s = Math.sqrt(T);
    for (let k = 0; k < v.length; k++) v[k] = s * rng.normal();
    for (let d = 0; d < 3; d++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += v[3 * i + d]!;
      for (let i = 0; i < n; i++) v[3 * i + d] = v[3 * i + d]! - m / n;
    }
    ljVelocityVerlet(x, v, mdSteps, dt);
    for (let d = 0; d < 3; d++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += x[3 * i + d]!;
      for (let i = 0; i < n; i++) x[3 * i + d] = x[3 * i + d]! - m / n;
    }
    const { energy, forces } = ljEnergyForces(x);
    out.push({ numAtoms: n, positions: x, energy, forces });
  }
  return out;
}
