/**
 * A procedural, labelled family of closed meshes for shape classification and part segmentation:
 * bumpy spheres, tori, capsules, closed cylinders and rounded boxes, each with random proportions,
 * a random resolution, edge-split remeshing (new vertices projected back onto the exact surface),
 * a random smooth deformation, anisotropic scale and rotation — all seeded.
 *
 * Every sample carries its class (the kind) and per-vertex part labels from one global table
 * {@link SHAPE_PARTS}, decided on the exact surface before the deformation (the labels travel with
 * the vertices): sphere base/bump, torus outer (Gaussian curvature > 0) / inner (< 0), capsule
 * cap/body, cylinder cap/side, box face/rounded edge-or-corner. See docs/design/mesh-data.md.
 * @module
 */
import { box, capsule, cylinder, deformMesh, icosphere, randomDeformation, splitLongEdges, torus } from '../../mesh/index.js';
import type { DeformationOptions, MeshData } from '../../mesh/index.js';
import { Rng, ValueError } from '../../util/index.js';
import { blockLabel, checkCount, checkSeed, keyedRng } from '../glyphs.js';

/** The shape kinds, in class-id order. */
export const SHAPE_KINDS = Object.freeze(['sphere', 'torus', 'capsule', 'cylinder', 'box'] as const);

/** A kind of {@link SHAPE_KINDS}. */
export type ShapeKind = (typeof SHAPE_KINDS)[number];

/** Global part names; a part label is an index into this list. */
export const SHAPE_PARTS = Object.freeze([
  'sphere-base', 'sphere-bump', 'torus-outer', 'torus-inner', 'capsule-cap', 'capsule-body', 'cylinder-cap', 'cylinder-side', 'box-face', 'box-rounded',
] as const);

/** The part labels each kind uses (indices into {@link SHAPE_PARTS}). */
export const SHAPE_KIND_PARTS: Readonly<Record<ShapeKind, readonly [number, number]>> = Object.freeze({
  sphere: [0, 1], torus: [2, 3], capsule: [4, 5], cylinder: [6, 7], box: [8, 9],
});

/** One sample of {@link shapeFamily}. */
export interface ShapeSample {
  /** The deformed, remeshed mesh (closed, CCW from outside). */
  readonly mesh: MeshData;
  /** The kind. */
  readonly kind: ShapeKind;
  /** The class id: the kind's index in {@link SHAPE_KINDS}. */
  readonly label: number;
  /** Per-vertex part label, V entries, indices into {@link SHAPE_PARTS}. */
  readonly parts: Int32Array;
  /** A readable name, `${kind}-${index}`. */
  readonly name: string;
}

/** Options of {@link shapeFamily}. */
export interface ShapeFamilyOptions {
  /** Number of samples. */
  count: number;
  /** Seed (default 0); item i depends only on (seed, i) (and the kinds and targetVertices). */
  seed?: number;
  /** Alternatively a generator: the seed is then its next 32-bit draw. */
  rng?: Rng;
  /** Kinds to draw (default all of {@link SHAPE_KINDS}); classes come in balanced blocks. */
  kinds?: readonly ShapeKind[];
  /** Approximate vertex count per mesh (default 600; in [50, 20000]); samples typically land within ×0.7–1.6 of it. */
  targetVertices?: number;
  /** Options of the random deformation, or false for none (default: mild bumps, anisotropy 0.2, a rotation). */
  deform?: DeformationOptions | false;
}

/** The default deformation of the family (milder than {@link randomDeformation}'s own default). */
export const SHAPE_FAMILY_DEFORMATION: Readonly<DeformationOptions> = Object.freeze({
  radialBumps: 3, radialAmplitude: 0.08, displacementBumps: 3, displacementStrength: 0.35, anisotropy: 0.2, rotate: true,
});

function area(m: MeshData): number {
  const P = m.positions, F = m.faces;
  let A = 0;
  for (let f = 0; f < F.length; f += 3) {
    const a = 3 * F[f]!, b = 3 * F[f + 1]!, c = 3 * F[f + 2]!;
    const u = [P[b]! - P[a]!, P[b + 1]! - P[a + 1]!, P[b + 2]! - P[a + 2]!], v = [P[c]! - P[a]!, P[c + 1]! - P[a + 1]!, P[c + 2]! - P[a + 2]!];
    A += Math.hypot(u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!) / 2;
  }
  return A;
}

type Place = (mid: [number, number, number], a: readonly number[], b: readonly number[]) => readonly number[];

/** Refine `base` by edge splitting toward `target` vertices, projecting new vertices with `place`. */
function remeshTo(base: MeshData, target: number, rng: Rng, place: Place): MeshData {
  // for near-equilateral triangles F ≈ 2V and A ≈ 2V·(√3/4)ℓ²; splitting leaves edges in (ℓ/2, ℓ],
  // so aim the split threshold a little above the mean edge length that V vertices would give
  const ell = 1.7 * Math.sqrt((2 * area(base)) / (Math.sqrt(3) * target)) * rng.uniformIn(0.9, 1.1);
  return splitLongEdges(base, ell, { place });
}

function buildShape(kind: ShapeKind, rng: Rng, target: number): { mesh: MeshData; parts: Int32Array } {
  const base = target * rng.uniformIn(0.3, 0.5);
  const [p0, p1] = SHAPE_KIND_PARTS[kind];
  const eps = 1e-9;
  switch (kind) {
    case 'sphere': {
      // an icosphere's edges are nearly equal, so a length threshold splits all or none: split the
      // edges above a quantile of the lengths chosen to land near the target instead
      const n = Math.max(0, Math.min(6, Math.round(Math.log((target / 2.5 - 2) / 10) / Math.log(4))));
      const unit: Place = (p) => { const r = Math.hypot(...p); return p.map((x) => x / r); };
      const ico = icosphere(n);
      const V0 = 10 * 4 ** n + 2;
      const q = Math.max(0.02, Math.min(0.98, 1 - (target / V0 - 1) / 3 + rng.uniformIn(-0.1, 0.1)));
      const lengths: number[] = [];
      for (let f = 0; f < ico.faces.length; f += 3) {
        const a = 3 * ico.faces[f]!, b = 3 * ico.faces[f + 1]!;
        lengths.push(Math.hypot(ico.positions[a]! - ico.positions[b]!, ico.positions[a + 1]! - ico.positions[b + 1]!, ico.positions[a + 2]! - ico.positions[b + 2]!));
      }
      lengths.sort((x, y) => x - y);
      const m = splitLongEdges(ico, lengths[Math.floor(q * (lengths.length - 1))]!, { place: unit });
      const bumps = Array.from({ length: 2 + rng.int(4) }, () => {
        const d = [rng.normal(), rng.normal(), rng.normal()];
        const l = Math.hypot(d[0]!, d[1]!, d[2]!) || 1;
        return { d: d.map((x) => x / l), a: rng.uniformIn(0.15, 0.35), s: rng.uniformIn(0.2, 0.4) };
      });
      const P = m.positions, parts = new Int32Array(P.length / 3);
      for (let i = 0; i < P.length; i += 3) {
        let h = 0;
        for (const b of bumps) h += b.a * Math.exp(-((P[i]! - b.d[0]!) ** 2 + (P[i + 1]! - b.d[1]!) ** 2 + (P[i + 2]! - b.d[2]!) ** 2) / (2 * b.s * b.s));
        parts[i / 3] = h > 0.05 ? p1 : p0;
        for (let k = 0; k < 3; k++) P[i + k] = P[i + k]! * (1 + h);
      }
      return { mesh: m, parts };
    }
    case 'torus': {
      const R = 1, r = rng.uniformIn(0.25, 0.45);
      const seg = Math.max(6, Math.round(Math.sqrt((base * R) / r))), tube = Math.max(4, Math.round(base / seg));
      const place: Place = (p) => {
        const q = Math.hypot(p[0], p[1]) || 1;
        const c = [(R * p[0]) / q, (R * p[1]) / q, 0];
        const d = [p[0] - c[0]!, p[1] - c[1]!, p[2]];
        const l = Math.hypot(d[0]!, d[1]!, d[2]!) || 1;
        return c.map((x, k) => x + (r * d[k]!) / l);
      };
      const m = remeshTo(torus(R, r, seg, tube), target, rng, place);
      const P = m.positions, parts = new Int32Array(P.length / 3);
      for (let i = 0; i < P.length; i += 3) parts[i / 3] = Math.hypot(P[i]!, P[i + 1]!) >= R ? p0 : p1;
      return { mesh: m, parts };
    }
    case 'capsule': {
      const r = 0.5, L = rng.uniformIn(0.6, 1.6), h = L / 2;
      const seg = Math.max(6, Math.round(Math.sqrt(base * 1.5))), rings = Math.max(2, Math.round(base / seg / 4));
      const place: Place = (p) => {
        const z = Math.max(-h, Math.min(h, p[2]));
        const l = Math.hypot(p[0], p[1], p[2] - z) || 1;
        return [(r * p[0]) / l, (r * p[1]) / l, z + (r * (p[2] - z)) / l];
      };
      const m = remeshTo(capsule(r, L, seg, rings, Math.max(1, rings)), target, rng, place);
      const P = m.positions, parts = new Int32Array(P.length / 3);
      for (let i = 0; i < P.length; i += 3) parts[i / 3] = Math.abs(P[i + 2]!) > h + eps ? p0 : p1;
      return { mesh: m, parts };
    }
    case 'cylinder': {
      const r = 0.5, H = rng.uniformIn(0.6, 1.6), h = H / 2;
      const seg = Math.max(6, Math.round(Math.sqrt(base * 1.5))), rings = Math.max(1, Math.round(base / seg / 4));
      const place: Place = (p, a, b) => {
        if (Math.hypot(a[0]!, a[1]!) < r - eps || Math.hypot(b[0]!, b[1]!) < r - eps) return p; // on a flat cap
        const q = Math.hypot(p[0], p[1]) || 1;
        return [(r * p[0]) / q, (r * p[1]) / q, p[2]];
      };
      const m = remeshTo(cylinder(r, H, seg, rings, Math.max(1, rings)), target, rng, place);
      const P = m.positions, parts = new Int32Array(P.length / 3);
      for (let i = 0; i < P.length; i += 3) parts[i / 3] = Math.abs(P[i + 2]!) >= h - eps ? p0 : p1;
      return { mesh: m, parts };
    }
    case 'box': {
      const s = [rng.uniformIn(0.6, 1.2), rng.uniformIn(0.6, 1.2), rng.uniformIn(0.6, 1.2)];
      const rad = rng.uniformIn(0.1, 0.2) * Math.min(...s);
      const inner = s.map((x) => x / 2 - rad);
      const d = Math.max(2, Math.round(Math.sqrt(base / 6)));
      const place: Place = (p) => {
        const c = p.map((x, k) => Math.max(-inner[k]!, Math.min(inner[k]!, x)));
        const l = Math.hypot(p[0] - c[0]!, p[1] - c[1]!, p[2] - c[2]!) || 1;
        return c.map((x, k) => x + (rad * (p[k]! - x)) / l);
      };
      const m = remeshTo(box(s[0], s[1], s[2], { divisions: d, rounding: rad }), target, rng, place);
      const P = m.positions, parts = new Int32Array(P.length / 3);
      for (let i = 0; i < P.length; i += 3) {
        let out = 0;
        for (let k = 0; k < 3; k++) if (Math.abs(P[i + k]!) > inner[k]! + 1e-6) out++;
        parts[i / 3] = out >= 2 ? p1 : p0;
      }
      return { mesh: m, parts };
    }
    default:
      throw new ValueError(`shapeFamily: unknown kind ${String(kind)}`);
  }
}

/**
 * Generate `count` labelled shapes (see the module documentation). Item i uses its own random
 * stream keyed by (seed, i); its kind comes from balanced blocks (each block of `kinds.length`
 * consecutive items holds every kind once). Deterministic for a seed.
 * @throws ValueError for a bad count, seed, kind or targetVertices
 * @example
 * ```ts
 * const shapes = shapeFamily({ count: 10, seed: 1 });
 * shapes[0].kind; shapes[0].parts.length === shapes[0].mesh.positions.length / 3;
 * ```
 */
export function shapeFamily(opts: ShapeFamilyOptions): ShapeSample[] {
  const op = 'shapeFamily';
  const count = checkCount(op, 'count', opts.count, 1 << 20);
  const seed = opts.rng ? opts.rng.nextUint32() | 0 : checkSeed(op, opts.seed ?? 0);
  const kinds = opts.kinds ?? SHAPE_KINDS;
  if (!Array.isArray(kinds) || kinds.length === 0) throw new ValueError(`${op}: kinds must be a non-empty list of ${SHAPE_KINDS.join(', ')}`);
  for (const k of kinds) if (!SHAPE_KINDS.includes(k)) throw new ValueError(`${op}: unknown kind ${String(k)}; expected one of ${SHAPE_KINDS.join(', ')}`);
  const target = opts.targetVertices ?? 600;
  if (!Number.isInteger(target) || target < 50 || target > 20000) throw new ValueError(`${op}: targetVertices must be an integer in [50, 20000], got ${String(target)}`);
  const deform = opts.deform === undefined ? SHAPE_FAMILY_DEFORMATION : opts.deform;
  const out: ShapeSample[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[blockLabel(seed, 101, i, kinds.length)]!;
    const rng = keyedRng(seed, 100, i);
    const { mesh, parts } = buildShape(kind, rng, target);
    const final = deform === false ? mesh : deformMesh(mesh, randomDeformation(mesh, rng, deform));
    out.push({ mesh: final, kind, label: SHAPE_KINDS.indexOf(kind), parts, name: `${kind}-${i}` });
  }
  return out;
}
