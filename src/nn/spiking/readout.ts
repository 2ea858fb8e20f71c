/**
 * Readouts of spiking layers: spike counts and membrane potentials reduced over the time axis.
 * @module
 */
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';

/**
 * Spike-count readout: the number of spikes of each output neuron over the time axis,
 * n_{b,k} = Σ_t s_{t,b,k}, used as logits (a rate code: the class whose neuron fires most wins).
 * @param spikes [T, B, K]
 * @returns [B, K]
 */
export function spikeCountReadout(spikes: Tensor): Tensor {
  if (spikes.ndim !== 3) throw new ShapeError(`spikeCountReadout: spikes ${fmtShape(spikes.shape)} must be [T, B, K]`);
  return spikes.sum([0]);
}

/** How {@link membraneReadout} reduces the time axis. */
export type MembraneReduction = 'max' | 'mean' | 'last';

/**
 * Membrane readout: the membrane potential of non-spiking output neurons (a leaky integrator,
 * `reset: 'none'`) reduced over time — its maximum, its mean or its last value — used as logits.
 * @param membrane [T, B, K]
 * @returns [B, K]
 */
export function membraneReadout(membrane: Tensor, reduction: MembraneReduction = 'max'): Tensor {
  if (membrane.ndim !== 3) throw new ShapeError(`membraneReadout: membrane ${fmtShape(membrane.shape)} must be [T, B, K]`);
  if (reduction === 'max') return membrane.max([0]);
  if (reduction === 'mean') return membrane.mean([0]);
  if (reduction === 'last') return membrane.slice([[membrane.shape[0]! - 1, membrane.shape[0]!]]).squeeze(0);
  throw new ValueError(`membraneReadout: reduction must be 'max', 'mean' or 'last', got ${String(reduction)}`);
}
