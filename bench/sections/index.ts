/**
 * The registry of bench sections, in run order. A new section (e.g. `graph`, issue 5) is a module
 * exporting a `Section` (../lib/types.ts) added to this list; `--only NAME` picks one.
 * @module
 */
import type { Section } from '../lib/types.js';
import { tensorSection } from './tensor.js';
import { solverSection } from './solver.js';
import { graphSection } from './graph.js';
import { meshSection } from './mesh.js';
import { fftSection } from './fft.js';
import { rnnSection } from './rnn.js';
import { irrepsSection } from './irreps.js';
import { trainStepSection } from './train-step.js';

export const SECTIONS: readonly Section[] = [tensorSection, solverSection, graphSection, meshSection, fftSection, rnnSection, irrepsSection, trainStepSection];
