/** Matrix groups: the Group contract, the catalog, products, embeddings, parsing. @module */
export { isFinite, matrixHash } from './group.js';
export type { Group, FiniteGroup, GroupFamily } from './group.js';
export { MatrixGroup, generatorWordSample } from './matrix-group.js';
export type { GroupSpec } from './matrix-group.js';
export { FiniteMatrixGroup, MAX_ENUMERATED_ORDER } from './finite-group.js';
export type { FiniteGroupSpec } from './finite-group.js';
export { MAX_GROUP_DIM, MAX_GENERATOR_ENTRIES, MAX_ENUMERATED_ENTRIES, checkGroupSize } from './limits.js';
export {
  Trivial, C, D, S, A, Z, Tetrahedral, FullTetrahedral, Octahedral, FullOctahedral, Icosahedral, FullIcosahedral, P4, P4M,
} from './catalog-finite.js';
export { SO, O, SO2, O2, SO3, O3, SO13p, SO13, O13, Sp, SL, haarOrthogonal } from './catalog-lie.js';
export { product, embed, customGroup } from './product.js';
export type { CustomGroupOptions } from './product.js';
export { parseGroup, MAX_GROUP_NAME_LENGTH } from './parse-group.js';
export { elementary, permutationMatrix, rotation2, diag, axisAngle, negIdentity, soBasis } from './matrices.js';
export {
  checkRotation, checkQuaternion, ROTATION_TOLERANCE, quaternionToMatrix, matrixToQuaternion, composeQuaternions, inverseQuaternion,
  randomQuaternion, axisAngleToMatrix, axisAngleToQuaternion, quaternionToAxisAngle, matrixToAxisAngle, rotationX, rotationY, rotationZ,
  anglesToMatrix, matrixToAngles, anglesToQuaternion, quaternionToAngles, composeRotations, inverseRotation,
} from './so3/index.js';
export type { Mat3Like, Quaternion, AxisAngle } from './so3/index.js';
