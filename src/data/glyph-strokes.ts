/**
 * Stroke outlines of the digits 0–9 for the procedural rotated-digit set ({@link rotatedDigits} in
 * glyphs.ts). Each digit has two or three style variants (open and closed 4, plain / flagged /
 * serif 1, plain and crossed 7, slashed 0, flat-topped 3, …); each style is a few strokes, each
 * stroke a polyline in the unit box [0, 1]² with x to the right and y **down** (image convention),
 * the digit spanning roughly y ∈ [0.08, 0.92]. Curves are written as elliptic arcs and quadratic
 * Bézier segments and flattened here, once, into polylines whose segments are at most
 * {@link GLYPH_MAX_SEGMENT} long, so that a smooth displacement field applied to the vertices (the
 * elastic jitter) bends them smoothly.
 * @module
 */

/** Longest segment of a flattened stroke, in unit-box lengths. */
export const GLYPH_MAX_SEGMENT = 0.06;

type Pt = readonly [number, number];
type Piece = Pt[];

/** Straight polyline through the given points. */
function line(...pts: Pt[]): Piece {
  return pts;
}

/**
 * Elliptic arc about (cx, cy) with radii (rx, ry), from angle a0 to a1 in degrees, measured
 * counter-clockwise as seen on the page (so the point at angle a is (cx + rx cos a, cy − ry sin a)
 * with y down). a1 < a0 runs clockwise.
 */
function arc(cx: number, cy: number, rx: number, ry: number, a0: number, a1: number): Piece {
  const n = Math.max(2, Math.ceil(Math.abs(a1 - a0) / 10));
  const out: Pt[] = [];
  for (let i = 0; i <= n; i++) {
    const a = ((a0 + ((a1 - a0) * i) / n) * Math.PI) / 180;
    out.push([cx + rx * Math.cos(a), cy - ry * Math.sin(a)]);
  }
  return out;
}

/** Quadratic Bézier from p0 to p2 with control point p1. */
function quad(p0: Pt, p1: Pt, p2: Pt): Piece {
  const n = 12;
  const out: Pt[] = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n, s = 1 - t;
    out.push([s * s * p0[0] + 2 * s * t * p1[0] + t * t * p2[0], s * s * p0[1] + 2 * s * t * p1[1] + t * t * p2[1]]);
  }
  return out;
}

/** Point of {@link arc} at angle a (degrees). */
function at(cx: number, cy: number, rx: number, ry: number, a: number): Pt {
  const r = (a * Math.PI) / 180;
  return [cx + rx * Math.cos(r), cy - ry * Math.sin(r)];
}

/** Join pieces into one stroke (consecutive pieces share or connect their end points). */
function stroke(...pieces: Piece[]): Pt[] {
  const out: Pt[] = [];
  for (const p of pieces) {
    for (const q of p) {
      const last = out[out.length - 1];
      if (last && Math.hypot(last[0] - q[0], last[1] - q[1]) < 1e-9) continue;
      out.push(q);
    }
  }
  return out;
}

/** Subdivide so that no segment is longer than {@link GLYPH_MAX_SEGMENT}; flatten to x0, y0, x1, y1, …. */
function densify(pts: readonly Pt[]): Float64Array {
  const out: number[] = [pts[0]![0], pts[0]![1]];
  for (let i = 1; i < pts.length; i++) {
    const [x0, y0] = pts[i - 1]!, [x1, y1] = pts[i]!;
    const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / GLYPH_MAX_SEGMENT));
    for (let k = 1; k <= n; k++) out.push(x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n);
  }
  return Float64Array.from(out);
}

/** The styles of one digit: each a list of strokes (polylines). */
const RAW: readonly (readonly (readonly Pt[])[])[][] = [
  // 0: oval, slashed oval, rounder oval
  [
    [stroke(arc(0.5, 0.5, 0.27, 0.42, 90, 450))],
    [stroke(arc(0.5, 0.5, 0.26, 0.42, 90, 450)), stroke(line([0.68, 0.22], [0.32, 0.78]))],
    [stroke(arc(0.5, 0.5, 0.33, 0.4, 100, 460))],
  ],
  // 1: bar, flagged bar, flag with serif foot
  [
    [stroke(line([0.52, 0.08], [0.48, 0.92]))],
    [stroke(line([0.3, 0.27], [0.54, 0.08], [0.54, 0.92]))],
    [stroke(line([0.3, 0.25], [0.52, 0.08], [0.52, 0.92])), stroke(line([0.3, 0.92], [0.74, 0.92]))],
  ],
  // 2: round neck with flat base, curved neck with a small loop-free base
  [
    [stroke(arc(0.5, 0.32, 0.26, 0.24, 160, -35), line(at(0.5, 0.32, 0.26, 0.24, -35), [0.22, 0.92], [0.8, 0.92]))],
    [stroke(arc(0.5, 0.3, 0.27, 0.22, 170, -20), quad(at(0.5, 0.3, 0.27, 0.22, -20), [0.5, 0.72], [0.2, 0.9]), quad([0.2, 0.9], [0.5, 0.82], [0.82, 0.92]))],
  ],
  // 3: two bowls, flat top with a lower bowl
  [
    [stroke(arc(0.5, 0.29, 0.24, 0.21, 150, -90), arc(0.5, 0.71, 0.27, 0.21, 90, -150))],
    [stroke(line([0.24, 0.08], [0.76, 0.08], [0.46, 0.45]), quad([0.46, 0.45], [0.8, 0.45], [0.77, 0.7]), arc(0.5, 0.7, 0.27, 0.22, 0, -150))],
  ],
  // 4: open top, closed, closed with a long crossbar
  [
    [stroke(line([0.42, 0.08], [0.2, 0.62], [0.82, 0.62])), stroke(line([0.64, 0.3], [0.64, 0.92]))],
    [stroke(line([0.64, 0.92], [0.64, 0.08], [0.2, 0.64], [0.8, 0.64]))],
    [stroke(line([0.6, 0.92], [0.6, 0.08], [0.16, 0.58], [0.86, 0.58]))],
  ],
  // 5: joined top bar, detached top bar
  [
    [stroke(line([0.76, 0.08], [0.3, 0.08], [0.28, 0.47]), arc(0.5, 0.68, 0.27, 0.24, 140, -150))],
    [stroke(line([0.32, 0.1], [0.3, 0.47]), arc(0.52, 0.68, 0.27, 0.24, 140, -150)), stroke(line([0.34, 0.09], [0.78, 0.1]))],
  ],
  // 6: curved stem, straight stem
  [
    [stroke(quad([0.72, 0.1], [0.24, 0.25], [0.24, 0.68]), arc(0.5, 0.68, 0.26, 0.24, 180, 540))],
    [stroke(line([0.66, 0.08], [0.26, 0.62]), arc(0.5, 0.69, 0.25, 0.23, 160, 520))],
  ],
  // 7: plain, crossed, with a hooked top
  [
    [stroke(line([0.2, 0.1], [0.8, 0.1], [0.42, 0.92]))],
    [stroke(line([0.2, 0.1], [0.8, 0.1], [0.44, 0.92])), stroke(line([0.42, 0.5], [0.78, 0.5]))],
    [stroke(line([0.2, 0.22], [0.2, 0.1], [0.8, 0.1]), quad([0.8, 0.1], [0.5, 0.45], [0.48, 0.92]))],
  ],
  // 8: two loops, small head over a large body
  [
    [stroke(arc(0.5, 0.28, 0.22, 0.2, 270, 630)), stroke(arc(0.5, 0.7, 0.27, 0.22, 90, 450))],
    [stroke(arc(0.5, 0.25, 0.18, 0.17, 270, 630)), stroke(arc(0.5, 0.66, 0.29, 0.26, 90, 450))],
  ],
  // 9: straight stem, curved tail
  [
    [stroke(arc(0.5, 0.32, 0.26, 0.24, 0, 360), line([0.76, 0.32], [0.72, 0.92]))],
    [stroke(arc(0.5, 0.31, 0.26, 0.23, 0, 360), quad([0.76, 0.31], [0.8, 0.86], [0.34, 0.9]))],
  ],
];

/**
 * The digit outlines: `GLYPH_STROKES[digit][style]` is a list of strokes, each a flat Float64Array
 * `x0, y0, x1, y1, …` of polyline vertices in the unit box (y down), no segment longer than
 * {@link GLYPH_MAX_SEGMENT}. Frozen; treat the arrays as read-only.
 */
export const GLYPH_STROKES: readonly (readonly (readonly Float64Array[])[])[] = Object.freeze(
  RAW.map((styles) => Object.freeze(styles.map((strokes) => Object.freeze(strokes.map(densify))))),
);

/** Number of style variants of each digit 0–9. */
export const GLYPH_STYLE_COUNTS: readonly number[] = Object.freeze(GLYPH_STROKES.map((s) => s.length));
