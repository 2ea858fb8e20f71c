/**
 * Synthetic datasets with known symmetries (EMLP's O5Synthetic, Inertia, ParticleInteraction)
 * and equivariance-preserving standardisation; the charged N-body set; procedural rotated digits
 * (MNIST-rot-shaped) and 2-D rotated tetrominoes.
 * @module
 */
export {
  o5Synthetic, inertia, particleInteraction, EMLP_DATASETS, equivariantStandardization, standardize, unstandardize, datasetSymmetry,
} from './emlp-synthetic.js';
export type { SyntheticDataset, Standardization } from './emlp-synthetic.js';
export { NBODY, generateNBody, generateNBodyFrom, nbodySplits, nbodyGraphs, parseNBodyStates, simulateCharged, simulateChargedFrom, chargedForces } from './nbody.js';
export type { NBodySample, NBodySplits, NBodyTrajectory, GenerateNBodyOptions, NBodyGraphsOptions, NBodyInitialState, NBodyStateSplits } from './nbody.js';
export {
  ROTATED_DIGITS, DATASET_SPLITS, rotatedDigits, rotatedDigitChunks, renderDigits, digitParams, sampleGlyphParams, glyphGeometry, rasterizeStrokes, renderGlyph,
} from './glyphs.js';
export type { DatasetSplit, GlyphParams, GlyphSplitData, RenderGlyphOptions, DigitRenderOptions, RenderDigitsOptions, RotatedDigitsOptions } from './glyphs.js';
export { GLYPH_STROKES, GLYPH_STYLE_COUNTS, GLYPH_MAX_SEGMENT } from './glyph-strokes.js';
export { TETROMINO_NAMES, TETROMINO_CELLS, FREE_TETROMINO_NAMES, TETRIS2D, tetrominoes, renderTetromino } from './tetris2d.js';
export type { TetrominoSpec, TetrominoImageOptions, TetrominoRotation, TetrominoesOptions } from './tetris2d.js';
export { bunnyMesh, decodeBase64 } from './meshes/bunny.js';
export type { BunnyOptions } from './meshes/bunny.js';
export { shapeFamily, SHAPE_KINDS, SHAPE_PARTS, SHAPE_KIND_PARTS, SHAPE_FAMILY_DEFORMATION } from './meshes/shape-family.js';
export type { ShapeKind, ShapeSample, ShapeFamilyOptions } from './meshes/shape-family.js';
export { meshDigits, paintImage, randomPlacement, meshRadius, MESH_DIGITS } from './meshes/mesh-digits.js';
export type { MeshDigitsOptions, MeshDigitSample, PaintPlacement, PaintResult } from './meshes/mesh-digits.js';
export { LENNARD_JONES, generateLennardJones, ljEnergy, ljEnergyForces, ljVelocityVerlet } from './lennard-jones.js';
export type { LJSample, LennardJonesOptions } from './lennard-jones.js';
export { SHEPP_LOGAN, renderEllipses, sheppLogan, randomEllipsePhantoms } from './phantoms.js';
export type { Ellipse, RandomPhantomOptions } from './phantoms.js';
export { vesselImages } from './vessels.js';
export type { VesselImageOptions, VesselBatch } from './vessels.js';
export { TETRIS3D_NAMES, TETRIS3D_SHAPES, TETRIS3D_IRREPS, tetris3d, tetris3dBatch, tetris3dTarget } from './tetris3d.js';
export type { Tetris3dSample, Tetris3dOptions, Tetris3dBatch } from './tetris3d.js';
export { rhythms, RHYTHMS } from './rhythms.js';
export type { RhythmOptions, RhythmData } from './rhythms.js';
export { generateBabi, babiVocab, babiTensors, BabiVocab, BABI_PEOPLE, BABI_PLACES, BABI_OBJECTS } from './babi.js';
export type { BabiTask, BabiExample, BabiOptions, BabiTensors } from './babi.js';
