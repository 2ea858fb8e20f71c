/**
 * Colour maps for scalar fields: viridis and magma (perceptually uniform, after matplotlib's maps by
 * van der Walt & Smith, CC0; here as 9 control points each, linearly interpolated) and a diverging
 * blue–white–red map for signed fields (symmetric range around 0). Plus the colour bar.
 * @module
 */

/** The names of the colour maps. */
export type ColormapName = 'viridis' | 'magma' | 'diverging';
/** The colour maps offered by the page. */
export const COLORMAPS: readonly ColormapName[] = ['viridis', 'magma', 'diverging'];

const STOPS: Record<ColormapName, readonly (readonly [number, number, number])[]> = {
  viridis: [
    [0.267, 0.005, 0.329], [0.283, 0.141, 0.458], [0.254, 0.265, 0.530], [0.207, 0.372, 0.553], [0.164, 0.471, 0.558],
    [0.128, 0.567, 0.551], [0.135, 0.659, 0.518], [0.478, 0.821, 0.318], [0.993, 0.906, 0.144],
  ],
  magma: [
    [0.001, 0.000, 0.014], [0.112, 0.065, 0.276], [0.316, 0.071, 0.485], [0.507, 0.137, 0.506], [0.716, 0.215, 0.475],
    [0.904, 0.322, 0.380], [0.987, 0.536, 0.382], [0.997, 0.765, 0.532], [0.987, 0.991, 0.750],
  ],
  diverging: [
    [0.230, 0.299, 0.754], [0.406, 0.537, 0.934], [0.602, 0.731, 0.999], [0.788, 0.846, 0.939], [0.865, 0.865, 0.865],
    [0.961, 0.779, 0.692], [0.958, 0.602, 0.481], [0.867, 0.377, 0.301], [0.706, 0.016, 0.150],
  ],
};

/** The colour (r, g, b in [0, 1]) of t ∈ [0, 1] in a map. */
export function colorAt(name: ColormapName, t: number): [number, number, number] {
  const s = STOPS[name], x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (s.length - 1);
  const i = Math.min(s.length - 2, Math.floor(x)), f = x - i, a = s[i]!, b = s[i + 1]!;
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** The display range of values: [min, max], or symmetric [−m, m] for the diverging map. */
export function valueRange(values: ArrayLike<number>, name: ColormapName): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi >= lo)) return [0, 1];
  if (name === 'diverging') {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
}

/** Per-vertex colours (sRGB in [0, 1], V·3) of `values` in `range` under a map. */
export function colorize(values: ArrayLike<number>, name: ColormapName, range: [number, number]): Float32Array {
  const out = new Float32Array(3 * values.length), [lo, hi] = range, d = hi - lo || 1;
  for (let i = 0; i < values.length; i++) out.set(colorAt(name, (values[i]! - lo) / d), 3 * i);
  return out;
}

/** Draw a horizontal colour bar with its end and middle labels onto a canvas. */
export function drawColorbar(canvas: HTMLCanvasElement, name: ColormapName, range: [number, number], label: string): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const w = canvas.width, h = canvas.height, barH = Math.round(h * 0.45);
  ctx.clearRect(0, 0, w, h);
  for (let x = 0; x < w; x++) {
    const [r, g, b] = colorAt(name, x / (w - 1));
    ctx.fillStyle = `rgb(${Math.round(255 * r)},${Math.round(255 * g)},${Math.round(255 * b)})`;
    ctx.fillRect(x, 0, 1, barH);
  }
  ctx.fillStyle = '#ddd';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  const fmt = (v: number) => (Math.abs(v) >= 100 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : v.toFixed(2));
  ctx.textAlign = 'left';
  ctx.fillText(fmt(range[0]), 0, barH + 2);
  ctx.textAlign = 'right';
  ctx.fillText(fmt(range[1]), w, barH + 2);
  ctx.textAlign = 'center';
  ctx.fillText(label, w / 2, barH + 2);
}
