/**
 * Meshes: gauge geometry on directed edges (log-map angles, parallel transport) and the action of
 * gauge changes on SO(2)-irrep features and on the geometry (GEM-CNN, arXiv:2003.05425). See
 * docs/design/harness.md.
 * @module
 */
export { planarGauge, randomGaugeGeometry, checkGaugeGeometry } from './gauge.js';
export type { GaugeGeometry, GaugeAction } from './gauge.js';
