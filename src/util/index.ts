/** Utilities: the seeded RNG and the named error classes. @module */
export { Rng } from './rng.js';
export {
  ErlangenError,
  ShapeError,
  DTypeError,
  IndexError,
  ValueError,
  GradError,
  AnomalyError,
  BackendError,
  ParseError,
  ContractError,
  SizeError,
  FormatError,
  fmtShape,
} from './errors.js';
