/**
 * Hierarchical graph pooling: TopK pooling and Graclus coarsening, with the induced-subgraph and
 * cluster-quotient helpers they are built on.
 * @module
 */
export { TopKPooling, topkCounts, topkPerGraph } from './topk.js';
export type { TopKPoolingOptions, TopKResult } from './topk.js';
export { graclus, graclusPool } from './graclus.js';
export type { GraclusOptions, GraclusClusters, GraclusPoolOptions, GraclusPoolResult } from './graclus.js';
export { inducedSubgraph, poolClusters } from './subgraph.js';
export type { Subgraph, ClusterReduce, PoolClustersOptions } from './subgraph.js';
