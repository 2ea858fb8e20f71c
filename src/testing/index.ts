/**
 * `erlangen/testing`: the tools erlangen tests itself with, shipped to users — the backend
 * conformance suite and gradient checking. (The equivariance harness joins it in a later issue.)
 * @module erlangen/testing
 */
export { backendConformanceSuite, conformanceCases, coveredKernels } from './conformance.js';
export type { ConformanceCase, ConformanceOptions, TestApi } from './conformance.js';
export { gradcheck, assertGradcheck, formatGradcheckReport } from './gradcheck.js';
export type { GradcheckOptions, GradcheckReport } from './gradcheck.js';
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
export { repAction, invariantAction, positionsAction, pointCloudAction, splitRepFields, positionDegeneracies } from './actions/vector.js';
export type { RepActionOptions, PointCloud, PointField } from './actions/vector.js';
export { graphAction, nodeAction, edgeAction, setAction } from './actions/graph.js';
export type { GraphData, GraphActionOptions } from './actions/graph.js';
export { gridAction, rotatedGridAction, smoothImage } from './actions/grid.js';
export type { GridActionOptions } from './actions/grid.js';
export { planarGauge, gaugeFeatureAction, gaugeGeometryAction, randomGaugeGeometry } from './actions/gauge.js';
export type { GaugeAction, GaugeGeometry } from './actions/gauge.js';
export { checkGroup, checkRep, checkBasis, formatCheckReport } from './checks.js';
export type { CheckItem, CheckReport } from './checks.js';
export { registerMatchers } from './matchers.js';
export type { EquivarianceMatchers, ExpectLike } from './matchers.js';
export { makeArbitraries } from './arbitraries.js';
export type { Arbitraries, SmallMesh } from './arbitraries.js';
export { equivarianceErrorAsync } from './async.js';
