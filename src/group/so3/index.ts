/** SO(3) geometry in plain float64: quaternions, Euler angles (e3nn's YXY), axis–angle, validation. @module */
export { checkRotation, checkQuaternion, ROTATION_TOLERANCE } from './check.js';
export type { Mat3Like, Quaternion, AxisAngle } from './check.js';
export { quaternionToMatrix, matrixToQuaternion, composeQuaternions, inverseQuaternion, randomQuaternion } from './quaternion.js';
export { axisAngleToMatrix, axisAngleToQuaternion, quaternionToAxisAngle, matrixToAxisAngle } from './axis-angle.js';
export { rotationX, rotationY, rotationZ, anglesToMatrix, matrixToAngles, anglesToQuaternion, quaternionToAngles } from './euler-angles.js';
export { composeRotations, inverseRotation } from './compose.js';
