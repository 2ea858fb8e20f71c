/**
 * Graph convolution layers on {@link MessagePassing}: GCN, GraphSAGE, GIN/GINE, GAT/GATv2,
 * EdgeConv, SchNet's continuous-filter convolution, TransformerConv, and the second-order
 * invariant graph network layer.
 * @module
 */
export type { ConvBaseOptions } from './common.js';
export { GCNConv } from './gcn.js';
export type { GCNConvOptions } from './gcn.js';
export { SAGEConv } from './sage.js';
export type { SAGEConvOptions } from './sage.js';
export { GINConv, GINEConv } from './gin.js';
export type { GINConvOptions, GINEConvOptions } from './gin.js';
export { EdgeConv } from './edge-conv.js';
export { GATConv, GATv2Conv } from './gat.js';
export type { GATConvOptions, AttentionWeights } from './gat.js';
export { TransformerConv } from './transformer-conv.js';
export type { TransformerConvOptions } from './transformer-conv.js';
export { CFConv, ShiftedSoftplus, gaussianRbf, cosineCutoff } from './schnet.js';
export type { CFConvOptions, GaussianRbfOptions } from './schnet.js';
export { IGNLayer, IGNReadout, ignBasisFrom, ignPatterns, ignOperator, ignOperatorMatrix, toDenseGraph } from './ign.js';
export type { IGNOptions, IgnBasis, IgnPattern, HomBasisLike } from './ign.js';
