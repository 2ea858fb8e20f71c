/**
 * Training curves with uPlot: loss against step on a log scale, one line per series, and a live
 * legend that reads out every series' value at the hovered step (drag to zoom, double-click to
 * reset).
 *
 * Why uPlot: it is small (≈ 50 kB minified, no dependencies), draws on a canvas (thousands of points
 * per series stay cheap while the in-page training streams a point per step) and has log scales
 * and a hover readout built in. Observable Plot and Vega-Lite render SVG from a grammar of
 * graphics, which suits static figures better than a curve that grows while the page trains, and
 * each is several times larger.
 * @module
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One line of the plot. */
export interface Series {
  label: string;
  color: string;
  points: readonly { step: number; loss: number }[];
}

/** uPlot's aligned data: the union of the series' steps, and each series' loss there (null elsewhere). */
export function alignSeries(series: readonly Series[]): [number[], ...(number | null)[][]] {
  const steps = [...new Set(series.flatMap((s) => s.points.map((p) => p.step)))].sort((a, b) => a - b);
  const at = new Map(steps.map((s, i) => [s, i]));
  const cols = series.map((s) => {
    const c: (number | null)[] = new Array<number | null>(steps.length).fill(null);
    // a log scale has no place for zero or negative losses: they are left out
    for (const p of s.points) if (p.loss > 0 && Number.isFinite(p.loss)) c[at.get(p.step)!] = p.loss;
    return c;
  });
  return [steps, ...cols];
}

/** A uPlot chart of training curves in a container element. */
export class CurvePlot {
  private plot: uPlot | null = null;
  private labels = '';

  constructor(private readonly el: HTMLElement, private readonly width = 260, private readonly height = 150) {}

  /** Show `series` (the chart is rebuilt when the set of series changes, otherwise updated in place). */
  set(series: readonly Series[]): void {
    const data = alignSeries(series) as uPlot.AlignedData;
    const labels = series.map((s) => s.label).join('\n');
    if (this.plot && labels === this.labels) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.labels = labels;
    const axis = { stroke: '#aaa', grid: { stroke: '#2a2d35', width: 1 }, ticks: { stroke: '#444', width: 1 }, font: '10px system-ui, sans-serif' };
    this.plot = new uPlot({
      width: this.width,
      height: this.height,
      title: 'training loss',
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [{ ...axis, size: 24 }, { ...axis, size: 40, values: (_u, vals) => vals.map((v) => (v == null ? '' : v.toPrecision(2))) }],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: 'step', value: (_u, v) => (v == null ? '–' : String(v)) },
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: true, points: { show: false }, value: (_u: uPlot, v: number | null) => (v == null ? '–' : v.toPrecision(3)) })),
      ],
    }, data, this.el);
  }

  /** Points drawn per series (non-null values), for the tests. */
  counts(): number[] {
    if (!this.plot) return [];
    return this.plot.data.slice(1).map((c) => (c as (number | null)[]).filter((v) => v != null).length);
  }
}
