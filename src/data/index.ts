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
export { generateBabi, babiVocab, babiTensors, BabiVocab, BABI_PEOPLE, BABI_PLACES, BABI_OBJECTS } from './babi.js';
export type { BabiTask, BabiExample, BabiOptions, BabiTensors } from './babi.js';
