/**
 * Pooling and unpooling between mesh levels for GEM-CNN (de Haan, Weiler, Cohen & Welling, "Gauge
 * Equivariant Mesh CNNs", ICLR 2021, arXiv:2003.05425, §6): a {@link MeshPooling} assigns fine
 * vertices q to coarse vertices p with a transport angle g_{q→p}. Pooling averages the transported
 * features ρ(g_{q→p}) f_q over the assignments of p; unpooling sends ρ(−g_{q→p}) f_p back to q
 * (averaged over the assignments of q). Both are exactly gauge equivariant. See docs/design/gem.md.
 * @module
 */
import { Module } from '../../nn/module.js';
import { segmentMean } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ValueError } from '../../util/index.js';
import type { GaugeAction } from '../gauge.js';
import { planarGauge } from '../gauge.js';
import { checkMeshPooling } from '../types.js';
import type { MeshPooling } from '../types.js';
import { checkGemFeatures } from './conv.js';
import { so2RotateGather, so2RotateSegmentMean, so2Width } from './transport.js';

function negated(a: Float64Array): Float64Array {
  return Float64Array.from(a, (v) => -v);
}

function featureChannels(op: string, x: Tensor, maxOrder: number, vertices: number): void {
  const w = so2Width(maxOrder);
  checkGemFeatures(op, x, x?.ndim === 2 && x.shape[1]! % w === 0 && x.shape[1]! > 0 ? x.shape[1]! / w : 1, maxOrder, vertices);
}

/**
 * Mean pooling to the coarse level (arXiv:2003.05425): out_p = mean_{k: coarse[k] = p}
 * ρ(g_k) f_{fine[k]}; a coarse vertex without assignments gets 0. Parameter-free.
 */
export class GemPool extends Module<[Tensor, MeshPooling], Tensor> {
  /** L of the features. */
  readonly maxOrder: number;

  constructor(maxOrder: number) {
    super();
    if (!Number.isInteger(maxOrder) || maxOrder < 0) throw new ValueError(`GemPool: maxOrder must be an integer ≥ 0, got ${maxOrder}`);
    this.maxOrder = maxOrder;
  }

  /**
   * @param x fine features [V_fine, C·(2L+1)]
   * @param pool the pooling map
   * @returns coarse features [V_coarse, C·(2L+1)]
   */
  forward(x: Tensor, pool: MeshPooling): Tensor {
    checkMeshPooling(pool, 'GemPool');
    featureChannels('GemPool', x, this.maxOrder, pool.fineVertices);
    return so2RotateSegmentMean(x.indexSelect(0, pool.fine), pool.transport, pool.coarse, pool.coarseVertices, this.maxOrder);
  }

  extraRepr(): string {
    return `L=${this.maxOrder}`;
  }
}

/**
 * Unpooling to the fine level (arXiv:2003.05425): out_q = mean_{k: fine[k] = q} ρ(−g_k) f_{coarse[k]};
 * a fine vertex without assignments gets 0. Parameter-free.
 */
export class GemUnpool extends Module<[Tensor, MeshPooling], Tensor> {
  /** L of the features. */
  readonly maxOrder: number;

  constructor(maxOrder: number) {
    super();
    if (!Number.isInteger(maxOrder) || maxOrder < 0) throw new ValueError(`GemUnpool: maxOrder must be an integer ≥ 0, got ${maxOrder}`);
    this.maxOrder = maxOrder;
  }

  /**
   * @param x coarse features [V_coarse, C·(2L+1)]
   * @param pool the pooling map
   * @returns fine features [V_fine, C·(2L+1)]
   */
  forward(x: Tensor, pool: MeshPooling): Tensor {
    checkMeshPooling(pool, 'GemUnpool');
    featureChannels('GemUnpool', x, this.maxOrder, pool.coarseVertices);
    // the rotation happens in the gather; the average over a fine vertex's assignments needs none
    const moved = so2RotateGather(x, pool.coarse, negated(pool.transport), this.maxOrder);
    return segmentMean(moved, pool.fine, pool.fineVertices);
  }

  extraRepr(): string {
    return `L=${this.maxOrder}`;
  }
}

/**
 * The gauge action on a {@link MeshPooling} (arXiv:2003.05425): the angle vector has
 * V_fine + V_coarse entries, fine vertex q first (φ_q), then coarse vertex p (φ_{V_fine + p}), and
 * g_{q→p} ↦ g_{q→p} − φ_p + φ_q. Features use {@link planarGauge}; to check a pooling layer, act on
 * fine features with φ[0, V_fine) and on coarse features with φ[V_fine, V_fine + V_coarse).
 */
export const poolingGauge: GaugeAction<MeshPooling> = {
  vertices: (pool) => pool.fineVertices + pool.coarseVertices,
  features: planarGauge.features,
  geometry(phi, pool) {
    const Vf = pool.fineVertices, transport = Float64Array.from(pool.transport, (g, k) => g - phi[Vf + pool.coarse[k]!]! + phi[pool.fine[k]!]!);
    return { ...pool, transport };
  },
  check: checkMeshPooling,
};
