/**
 * Spiking neural networks trained with surrogate gradients: spikes with a Heaviside forward pass and
 * a fast-sigmoid or arctan backward pass, leaky integrate-and-fire dynamics, feed-forward (`LIF`)
 * and recurrent (`RLIF`) spiking layers, rate and latency encodings, spike-count and membrane
 * readouts. Time is the first axis: [T, B, N].
 * @module
 */
export { spike, fastSigmoid, arctanSurrogate } from './surrogate.js';
export type { Surrogate, SurrogateName } from './surrogate.js';
export { lifNeurons, LIF, RLIF } from './lif.js';
export type { LIFReset, LIFNeuronOptions, LIFResult, LIFLayerOptions } from './lif.js';
export { rateEncode, latencyEncode } from './encoding.js';
export type { RateEncodeOptions, LatencyEncodeOptions } from './encoding.js';
export { spikeCountReadout, membraneReadout } from './readout.js';
export type { MembraneReduction } from './readout.js';
