/**
 * Graphs: the batched {@link GraphsTuple} (Battaglia et al. 2018, arXiv:1806.01261), the graphology
 * adapter, graph transforms and point-cloud graphs, the {@link MessagePassing} base class with its
 * aggregations (Gilmer et al. 2017, arXiv:1704.01212), and global pooling.
 * See docs/design/graphs.md.
 * @module
 */
export { GraphsTuple, graphsTuple, isIndexField } from './graphs-tuple.js';
export type { GraphsTupleInit, ExtraField, TensorField, IndexField, RowKind, IntArrayLike, CompressedView } from './graphs-tuple.js';
export { batch, unbatch } from './batch.js';
export { fromGraphology, toGraphology } from './graphology.js';
export type { FromGraphologyOptions, FromGraphologyResult, ToGraphologyOptions, NodeFeatureSpec, EdgeFeatureSpec } from './graphology.js';
export { addSelfLoops, removeSelfLoops, inDegree, outDegree, gcnNorm } from './transforms.js';
export type { AddSelfLoopsOptions, GcnNormOptions } from './transforms.js';
export { knnGraph, radiusGraph, fullyConnected } from './spatial.js';
export type { EdgeIndex, GraphBatch, KnnGraphOptions, RadiusGraphOptions, FullyConnectedOptions } from './spatial.js';
export { aggregation, resolveAggregations, multiAggregate } from './aggregation.js';
export type { Aggregation, AggregationName, AggregationSpec, AggregationOptions, AggregateContext, Flow } from './aggregation.js';
export { MessagePassing, bipartite } from './message-passing.js';
export type { MessageContext, MessagePassingOptions, PropagateOptions, PropagateInputs, NodeInput, EdgeSet, WeightedMessage, MessageForm } from './message-passing.js';
export { globalSumPool, globalMeanPool, globalMaxPool, GlobalAttentionPool } from './pooling.js';
export {
  GCNConv, SAGEConv, GINConv, GINEConv, EdgeConv, GATConv, GATv2Conv, TransformerConv, CFConv, ShiftedSoftplus,
  gaussianRbf, cosineCutoff, IGNLayer, IGNReadout, ignBasisFrom, ignPatterns, ignOperator, ignOperatorMatrix, toDenseGraph,
} from './conv/index.js';
export type {
  ConvBaseOptions, GCNConvOptions, SAGEConvOptions, GINConvOptions, GINEConvOptions, GATConvOptions, AttentionWeights,
  TransformerConvOptions, CFConvOptions, GaussianRbfOptions, IGNOptions, IgnBasis, IgnPattern, HomBasisLike,
} from './conv/index.js';
export { TopKPooling, topkCounts, topkPerGraph, graclus, graclusPool, inducedSubgraph, poolClusters } from './pool/index.js';
export type {
  TopKPoolingOptions, TopKResult, GraclusOptions, GraclusClusters, GraclusPoolOptions, GraclusPoolResult,
  Subgraph, ClusterReduce, PoolClustersOptions,
} from './pool/index.js';
export { EGNN, EGNNLayer } from './egnn.js';
export type { EGNNLayerOptions, EGNNOptions, EGNNInputs, EGNNOutput } from './egnn.js';
export {
  checkGraphData, inversePermutation, permuteRows, transformPoints, permuteGraph, moveGeometricGraph, toGraphsTuple, graphDataOf,
  declaresGraphSymmetry, permutationSymmetry,
} from './action.js';
export type {
  GraphData, GeometricGraph, GraphDataExpect, PermutationSymmetry, EuclideanGraphSymmetry, GraphSymmetry,
} from './action.js';
