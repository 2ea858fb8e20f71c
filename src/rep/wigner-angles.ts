/**
 * Wigner D-matrices from Euler angles in e3nn's convention: D^l(α, β, γ) = D^l(R_y(α) R_x(β) R_y(γ)),
 * the same matrices as the `ir(l)` irrep's ρ of `anglesToMatrix(α, β, γ)`. Rotations about the
 * polar axis y act on each (m, −m) pair by a plane rotation by mα (closed form); the rotation about
 * x is conjugated to one about y by the fixed rotation Q = R_z(−π/2) (Q ŷ = x̂), whose D^l is
 * computed once per l (docs/design/so3-conventions.md).
 * @module
 */
import { rotationZ } from '../group/index.js';
import { matmul } from '../linalg/index.js';
import { ValueError } from '../util/index.js';
import { MAX_L } from './spherical-harmonics.js';
import { wignerD, wignerData } from './so3-irreps.js';

/**
 * D^l(R_y(α)) in closed form, (2l+1)×(2l+1) row-major, basis m = −l…l: for k = 1…l,
 * Y_k ↦ cos(kα) Y_k − sin(kα) Y_{−k} and Y_{−k} ↦ sin(kα) Y_k + cos(kα) Y_{−k}; Y_0 is fixed.
 */
export function wignerDY(l: number, alpha: number): Float64Array {
  checkL(l);
  const n = 2 * l + 1;
  const D = new Float64Array(n * n);
  D[l * n + l] = 1;
  for (let k = 1; k <= l; k++) {
    const c = Math.cos(k * alpha);
    const s = Math.sin(k * alpha);
    const p = l + k;
    const q = l - k;
    D[p * n + p] = c;
    D[p * n + q] = -s;
    D[q * n + p] = s;
    D[q * n + q] = c;
  }
  return D;
}

const qCache = new Map<number, { Q: Float64Array; Qt: Float64Array }>();

function conjugator(l: number): { Q: Float64Array; Qt: Float64Array } {
  const hit = qCache.get(l);
  if (hit !== undefined) return hit;
  const n = 2 * l + 1;
  const Q = wignerD(wignerData(l), rotationZ(-Math.PI / 2));
  const Qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Qt[j * n + i] = Q[i * n + j]!;
  const v = { Q, Qt };
  qCache.set(l, v);
  return v;
}

/**
 * Real Wigner D^l(α, β, γ) = D^l_y(α) · D^l_x(β) · D^l_y(γ) ((2l+1)×(2l+1), row-major, e3nn basis),
 * equal to the `ir(l)` / `le` / `lo` irrep matrix of `anglesToMatrix(α, β, γ)`; D¹ is that matrix.
 * @throws ValueError unless l is an integer in 0…MAX_L and the angles are finite.
 */
export function wignerDFromAngles(l: number, alpha: number, beta: number, gamma: number): Float64Array {
  checkL(l);
  if (![alpha, beta, gamma].every(Number.isFinite)) throw new ValueError(`wignerDFromAngles: angles must be finite, got (${alpha}, ${beta}, ${gamma})`);
  const n = 2 * l + 1;
  const { Q, Qt } = conjugator(l);
  const Dx = matmul(matmul(Q, wignerDY(l, beta), n, n, n), Qt, n, n, n);
  return matmul(matmul(wignerDY(l, alpha), Dx, n, n, n), wignerDY(l, gamma), n, n, n);
}

function checkL(l: number): void {
  if (!Number.isInteger(l) || l < 0 || l > MAX_L) throw new ValueError(`wignerDFromAngles: l must be an integer in 0…${MAX_L}, got ${l}`);
}
