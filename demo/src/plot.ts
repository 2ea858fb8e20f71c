/**
 * Training curves on a <canvas>: loss against step on a log scale, one line per series, with axes,
 * a few ticks and a legend. Drawn by hand (about 80 lines) instead of with a charting library:
 * the demo adds no dependency and works offline.
 * @module
 */

/** One line of the plot. */
export interface Series {
  label: string;
  color: string;
  points: readonly { step: number; loss: number }[];
}

/** Draw `series` into `canvas` (clears it first). Returns the number of points drawn. */
export function drawCurves(canvas: HTMLCanvasElement, series: readonly Series[], title = 'training loss (log scale)'): number {
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  const W = canvas.width, H = canvas.height, m = { l: 44, r: 8, t: 18, b: 22 };
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#15171c';
  ctx.fillRect(0, 0, W, H);
  const pts = series.flatMap((s) => s.points.filter((p) => p.loss > 0 && Number.isFinite(p.loss)));
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#ccc';
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillText(title, m.l, 3);
  if (!pts.length) {
    ctx.fillText('no curve yet', m.l, H / 2);
    return 0;
  }
  const x1 = Math.max(...pts.map((p) => p.step)), x0 = Math.min(...pts.map((p) => p.step));
  let y0 = Math.log10(Math.min(...pts.map((p) => p.loss))), y1 = Math.log10(Math.max(...pts.map((p) => p.loss)));
  if (y1 - y0 < 0.2) { y0 -= 0.1; y1 += 0.1; }
  const X = (s: number) => m.l + ((s - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const Y = (l: number) => H - m.b - ((Math.log10(l) - y0) / (y1 - y0)) * (H - m.t - m.b);
  // axes and ticks
  ctx.strokeStyle = '#666';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(m.l, m.t);
  ctx.lineTo(m.l, H - m.b);
  ctx.lineTo(W - m.r, H - m.b);
  ctx.stroke();
  ctx.fillStyle = '#aaa';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let e = Math.ceil(y0 * 2) / 2; e <= y1; e += 0.5) {
    const y = Y(10 ** e);
    ctx.fillText((10 ** e).toPrecision(2), m.l - 4, y);
    ctx.strokeStyle = '#2a2d35';
    ctx.beginPath();
    ctx.moveTo(m.l + 1, y);
    ctx.lineTo(W - m.r, y);
    ctx.stroke();
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  [x0, Math.round((x0 + x1) / 2), x1].forEach((s, i) => {
    ctx.textAlign = i === 0 ? 'left' : i === 2 ? 'right' : 'center';
    ctx.fillText(String(s), X(s), H - m.b + 4);
  });
  // lines and legend
  let n = 0;
  series.forEach((s, i) => {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let first = true;
    for (const p of s.points) {
      if (!(p.loss > 0)) continue;
      if (first) ctx.moveTo(X(p.step), Y(p.loss));
      else ctx.lineTo(X(p.step), Y(p.loss));
      first = false;
      n++;
    }
    ctx.stroke();
    ctx.fillStyle = s.color;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    ctx.fillText(s.label, W - m.r - 2, m.t + 2 + 13 * i);
  });
  return n;
}
