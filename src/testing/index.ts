/**
 * `erlangen/testing`: the tools erlangen tests itself with, shipped to users — the backend
 * conformance suite, gradient checking and the equivariance harness (docs/design/harness.md).
 * The data types and group actions it checks live in the modules that own them (src/graph,
 * src/grid, src/mesh); the harness wraps them into {@link Action}s and re-exports their names.
 * @module erlangen/testing
 */
export { backendConformanceSuite, conformanceCases, coveredKernels } from './conformance.js';
export type { ConformanceCase, ConformanceOptions, TestApi } from './conformance.js';
export { gradcheck, assertGradcheck, formatGradcheckReport, paramGradcheck, assertParamGradcheck } from './gradcheck.js';
export type { GradcheckOptions, GradcheckReport, GradcheckInputReport, GradcheckWorst } from './gradcheck.js';
export { equivarianceError, assertEquivariant, EquivarianceError } from './equivariance.js';
export type { EquivarianceSpec, ActionLike } from './equivariance.js';
export { assertInvariant, assertPermutationEquivariant, assertGaugeEquivariant } from './wrappers.js';
export type { PermutationSpec, GaugeSpec } from './wrappers.js';
export { formatReport } from './report.js';
export type { EquivarianceReport, ElementResult, FieldError, Diagnosis, DiagnosisKind, ResolutionError } from './report.js';
export { diagnose } from './diagnose.js';
export type { DiagnoseInput } from './diagnose.js';
export { TOL_FLOAT32, TOL_FLOAT64, defaultTolerance, errorStats, rms } from './metrics.js';
export type { ErrorStats } from './metrics.js';
export {
  makeElement, sampleElements, membership, elementTranslation, elementPermutation, elementShift, elementGaugeAngles, elementMatrix, elementDistance, elementDet,
} from './element.js';
export type { Element, ElementKind, ElementOptions, ElementNeeds, Membership } from './element.js';
export { declaresSymmetry, isModule, withModuleDType, outputsOf } from './model.js';
export type { Model, DeclaresSymmetry } from './model.js';
export type { Action, ActionUses, Field, SampleOptions } from './actions/types.js';
export { expectFloatTensor, expectWidth } from './actions/types.js';
export { repAction, invariantAction, positionsAction, pointCloudAction, splitRepFields, positionDegeneracies } from './actions/vector.js';
export type { RepActionOptions, PointCloud, PointField } from './actions/vector.js';
export { graphAction, nodeAction, edgeAction, setAction, geometricGraphAction, nodeCloudAction } from './actions/graph.js';
export type { GraphActionOptions, GeometricGraphActionOptions } from './actions/graph.js';
export type { GraphData, GeometricGraph, GraphSymmetry, PermutationSymmetry, EuclideanGraphSymmetry } from '../graph/index.js';
export { gridAction, rotatedGridAction } from './actions/grid.js';
export type { GridActionOptions } from './actions/grid.js';
export { smoothImage } from '../grid/index.js';
export { gaugeFeatureAction, gaugeGeometryAction } from './actions/gauge.js';
export { planarGauge, randomGaugeGeometry } from '../mesh/index.js';
export type { GaugeAction, GaugeGeometry } from '../mesh/index.js';
export { NonFiniteError, UnsupportedElementError, GradcheckError } from './errors.js';
export { checkGroup, checkRep, checkBasis, formatCheckReport } from './checks.js';
export type { CheckItem, CheckReport } from './checks.js';
export { registerMatchers } from './matchers.js';
export type { EquivarianceMatchers, ExpectLike } from './matchers.js';
export { makeArbitraries } from './arbitraries.js';
export type { Arbitraries, SmallMesh } from './arbitraries.js';
export { equivarianceErrorAsync } from './async.js';
export { gradgradcheck, assertGradgradcheck } from './gradcheck.js';
export type { GradgradcheckOptions } from './gradcheck.js';
