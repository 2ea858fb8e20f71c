/**
 * Energy-based learning of a 2-D density (LeCun et al., "A tutorial on energy-based learning",
 * 2006): an MLP energy E_θ(x), p_θ(x) ∝ e^{−E_θ(x)}, trained on two moons and on two rings
 * (generated here) with two objectives that never compute the normaliser:
 * - noise-contrastive estimation (Gutmann & Hyvärinen 2012) against a broadened Gaussian fitted to
 *   the data; the last bias of E learns the log-normaliser;
 * - denoising score matching (Vincent 2011) at noise level σ, through E's closed-form score.
 *
 * Quantitative fit, against the same network untrained and against the NCE noise Gaussian:
 * - held-out negative log-likelihood, with the normaliser Z = ∫ e^{−E} computed numerically on a
 *   grid over the box [−3, 3]² (exact up to the grid; 2-D makes this possible);
 * - MMD² (Gaussian kernel) between Langevin samples of the model and held-out data (the train-vs-test
 *   MMD² of the data itself is the floor).
 *
 * The energy landscapes (density e^{−E}/Z as a heat map, with Langevin samples) go to an SVG file.
 *
 * Run: `npx tsx examples/energy-2d.ts` (options: `--svg energy-2d.svg`, `--steps 3000`, `--seed 0`).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Rng, Tensor, noGrad, tensor, uniform, indexSelect } from '../src/index.js';
import { EnergyMLP, nceLoss, denoisingScoreMatchingLoss, langevinSample, DiagonalGaussian } from '../src/nn/index.js';
import { Adam } from '../src/optim/index.js';

/** The two densities. */
export type Density2d = 'moons' | 'rings';

/** Half-width of the square box [−B, B]² on which densities are normalised and drawn. */
export const BOX = 3;

/** n points of a density: two interleaved half-circles (noise 0.1, scaled ×1.5, centred) or two concentric rings of radii 1 and 2 (noise 0.1, mass ∝ radius). */
export function sample2d(kind: Density2d, n: number, rng: Rng): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (kind === 'moons') {
      const t = Math.PI * rng.uniform();
      const upper = rng.bernoulli(0.5);
      const x = upper ? Math.cos(t) : 1 - Math.cos(t), y = upper ? Math.sin(t) : 0.5 - Math.sin(t);
      out.push([1.5 * (x - 0.5 + 0.1 * rng.normal()), 1.5 * (y - 0.25 + 0.1 * rng.normal())]);
    } else {
      const r = rng.uniform() < 1 / 3 ? 1 : 2, a = 2 * Math.PI * rng.uniform();
      out.push([r * Math.cos(a) + 0.1 * rng.normal(), r * Math.sin(a) + 0.1 * rng.normal()]);
    }
  }
  return out;
}

/**
 * log p(x) of the true density at the rows of pts, by quadrature over the curve parameter (the
 * generating process is a Gaussian blur of a curve): the reference any fit is measured against.
 */
export function trueLogDensity(kind: Density2d, pts: number[][], nodes = 720): number[] {
  const comps: [number, number, number, number][] = []; // centre x, y, weight, std
  for (let k = 0; k < nodes; k++) {
    if (kind === 'moons') {
      const t = (Math.PI * (k + 0.5)) / nodes;
      comps.push([1.5 * (Math.cos(t) - 0.5), 1.5 * (Math.sin(t) - 0.25), 0.5 / nodes, 0.15]);
      comps.push([1.5 * (0.5 - Math.cos(t)), 1.5 * (0.25 - Math.sin(t)), 0.5 / nodes, 0.15]);
    } else {
      const a = (2 * Math.PI * (k + 0.5)) / nodes;
      comps.push([Math.cos(a), Math.sin(a), 1 / 3 / nodes, 0.1]);
      comps.push([2 * Math.cos(a), 2 * Math.sin(a), 2 / 3 / nodes, 0.1]);
    }
  }
  return pts.map(([x, y]) => {
    let s = 0;
    for (const [cx, cy, w, sd] of comps) s += (w / (2 * Math.PI * sd * sd)) * Math.exp(-((x! - cx) ** 2 + (y! - cy) ** 2) / (2 * sd * sd));
    return Math.log(s);
  });
}

/** The G×G cell centres of the box, row-major from the top-left (y decreasing). */
export function gridPoints(G: number): Tensor {
  const h = (2 * BOX) / G, pts: number[][] = [];
  for (let r = 0; r < G; r++) for (let c = 0; c < G; c++) pts.push([-BOX + (c + 0.5) * h, BOX - (r + 0.5) * h]);
  return tensor(pts);
}

/** log Z = log ∫_box e^{−E} by the midpoint rule on a G×G grid; also the grid energies. */
export function logPartition(energy: (x: Tensor) => Tensor, G: number): { logZ: number; gridEnergy: Float32Array | Float64Array } {
  const e = noGrad(() => energy(gridPoints(G))).data as Float32Array;
  let m = Infinity;
  for (const v of e) m = Math.min(m, v);
  let s = 0;
  for (const v of e) s += Math.exp(-(v - m));
  const cell = ((2 * BOX) / G) ** 2;
  return { logZ: -m + Math.log(s * cell), gridEnergy: e };
}

/** MMD² (biased V-statistic) between point sets with a Gaussian kernel exp(−‖a − b‖²/(2h²)). */
export function mmd2(a: number[][], b: number[][], h = 0.3): number {
  const k = (p: number[], q: number[]): number => Math.exp(-((p[0]! - q[0]!) ** 2 + (p[1]! - q[1]!) ** 2) / (2 * h * h));
  const mean = (x: number[][], y: number[][]): number => {
    let s = 0;
    for (const p of x) for (const q of y) s += k(p, q);
    return s / (x.length * y.length);
  };
  return mean(a, a) + mean(b, b) - 2 * mean(a, b);
}

/** One row of the result table. */
export interface EnergyResult {
  density: Density2d;
  model: 'true density' | 'untrained' | 'noise Gaussian' | 'NCE' | 'DSM';
  /** Held-out negative log-likelihood (nats per point). */
  nll: number;
  /** MMD² between samples and held-out data: Langevin samples of the energies; exact samples of the noise Gaussian and (train data) of the true density. */
  mmd: number;
  seconds: number;
}

/** Options of {@link runEnergy2d}. */
export interface Energy2dOptions {
  densities?: Density2d[];
  train?: number;
  test?: number;
  steps?: number;
  batch?: number;
  hidden?: number;
  lr?: number;
  /** DSM noise level σ (default 0.1). */
  sigma?: number;
  /** Grid cells per side for the normaliser (default 120). */
  grid?: number;
  langevinSteps?: number;
  langevinStepSize?: number;
  samples?: number;
  seed?: number;
  /** Write the SVG here (atomically: temp file + rename). */
  svg?: string;
}

interface Panel {
  title: string;
  density: Float32Array | Float64Array | null;
  G: number;
  points: number[][];
}

/** Train NCE and DSM energies on each density and evaluate them; optionally draw the SVG. */
export function runEnergy2d(opts: Energy2dOptions = {}): { results: EnergyResult[]; dataMmd: Record<string, number> } {
  const densities = opts.densities ?? ['moons', 'rings'];
  const nTrain = opts.train ?? 2000, nTest = opts.test ?? 2000, steps = opts.steps ?? 3000, batch = opts.batch ?? 256;
  const hidden = opts.hidden ?? 64, G = opts.grid ?? 120, nS = opts.samples ?? 500;
  const results: EnergyResult[] = [];
  const dataMmd: Record<string, number> = {};
  const panels: Panel[][] = [];
  for (const kind of densities) {
    const rng = new Rng(opts.seed ?? 0);
    const trainPts = sample2d(kind, nTrain, rng), testPts = sample2d(kind, nTest, rng);
    const xTrain = tensor(trainPts), xTest = tensor(testPts);
    const testSub = testPts.slice(0, nS);
    dataMmd[kind] = mmd2(trainPts.slice(0, nS), testSub);
    const noise = DiagonalGaussian.fit(xTrain, 1.5);
    const row: Panel[] = [{ title: `${kind}: data`, density: null, G, points: trainPts.slice(0, nS) }];
    const evaluate = (model: EnergyResult['model'], e: EnergyMLP, t0: number): void => {
      const { logZ, gridEnergy } = logPartition((x) => e.call(x), G);
      const nll = noGrad(() => e.call(xTest).mean().item()) + logZ;
      const x0 = uniform(rng, [nS, 2], -BOX, BOX);
      const xs = langevinSample(x0, { score: (x) => e.score(x), steps: opts.langevinSteps ?? 500, stepSize: opts.langevinStepSize ?? 0.005, rng });
      const pts = xs.toArray() as number[][];
      results.push({ density: kind, model, nll, mmd: mmd2(pts, testSub), seconds: (Date.now() - t0) / 1000 });
      const dens = gridEnergy.map((v) => Math.exp(-v - logZ));
      row.push({ title: `${kind}: ${model}`, density: dens, G, points: pts });
    };
    // the reference: the true density's held-out NLL (and MMD of its exact samples)
    const tl = trueLogDensity(kind, testPts);
    results.push({ density: kind, model: 'true density', nll: -tl.reduce((a, b) => a + b, 0) / tl.length, mmd: dataMmd[kind], seconds: 0 });
    // the untrained network
    let t0 = Date.now();
    evaluate('untrained', new EnergyMLP([2, hidden, hidden], { rng: new Rng(1 + (opts.seed ?? 0)) }), t0);
    // the NCE noise itself
    results.push({ density: kind, model: 'noise Gaussian', nll: -noise.logProb(xTest).mean().item(), mmd: mmd2(noise.sample(nS, rng).toArray() as number[][], testSub), seconds: 0 });
    for (const objective of ['NCE', 'DSM'] as const) {
      t0 = Date.now();
      const e = new EnergyMLP([2, hidden, hidden], { rng: new Rng(1 + (opts.seed ?? 0)) });
      const opt = new Adam(e.parameters(), { lr: opts.lr ?? 1e-2 });
      for (let s = 0; s < steps; s++) {
        const idx = new Tensor(Int32Array.from({ length: batch }, () => rng.int(nTrain)), [batch], 'int32');
        const x = indexSelect(xTrain, 0, idx);
        opt.zeroGrad();
        let loss: Tensor;
        if (objective === 'NCE') {
          const y = noise.sample(2 * batch, rng);
          loss = nceLoss({ energyData: e.call(x), energyNoise: e.call(y), logNoiseData: noise.logProb(x), logNoiseNoise: noise.logProb(y) });
        } else {
          loss = denoisingScoreMatchingLoss((z) => e.score(z), x, opts.sigma ?? 0.1, rng);
        }
        loss.backward();
        opt.step();
      }
      evaluate(objective, e, t0);
    }
    panels.push(row);
  }
  if (opts.svg) writeSvgAtomic(opts.svg, renderSvg(panels));
  return { results, dataMmd };
}

const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

function color(t: number): string {
  const u = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u)), f = u - i;
  const c = VIRIDIS[i]!.map((a, k) => Math.round(a + f * (VIRIDIS[i + 1]![k]! - a)));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** The SVG document: one row per density, one panel per model; heat maps as runs of equal-colour cells (√density, 32 levels). */
export function renderSvg(rows: Panel[][]): string {
  const P = 220, pad = 24;
  const cols = Math.max(...rows.map((r) => r.length));
  const W = cols * (P + pad) + pad, H = rows.length * (P + pad + 14) + pad;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  rows.forEach((row, ri) => row.forEach((p, ci) => {
    const x0 = pad + ci * (P + pad), y0 = pad + 14 + ri * (P + pad + 14);
    out.push(`<text x="${x0}" y="${y0 - 4}">${p.title}</text>`);
    out.push(`<g transform="translate(${x0},${y0})">`);
    if (p.density) {
      let mx = 0;
      for (const v of p.density) mx = Math.max(mx, v);
      const cell = P / p.G;
      for (let r = 0; r < p.G; r++) {
        let c = 0;
        while (c < p.G) {
          const level = Math.round(31 * Math.sqrt(p.density[r * p.G + c]! / (mx || 1)));
          let e = c + 1;
          while (e < p.G && Math.round(31 * Math.sqrt(p.density[r * p.G + e]! / (mx || 1))) === level) e++;
          out.push(`<rect x="${(c * cell).toFixed(2)}" y="${(r * cell).toFixed(2)}" width="${((e - c) * cell + 0.3).toFixed(2)}" height="${(cell + 0.3).toFixed(2)}" fill="${color(level / 31)}"/>`);
          c = e;
        }
      }
    } else {
      out.push(`<rect width="${P}" height="${P}" fill="#f4f4f4" stroke="#ccc"/>`);
    }
    const s = P / (2 * BOX);
    for (const q of p.points) {
      const px = (q[0]! + BOX) * s, py = (BOX - q[1]!) * s;
      if (px >= 0 && px <= P && py >= 0 && py <= P) out.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="1.3" fill="${p.density ? 'white' : '#d62728'}" fill-opacity="0.8"/>`);
    }
    out.push('</g>');
  }));
  out.push('</svg>');
  return out.join('\n');
}

/** Write a file atomically: a temporary file next to it, then rename over the target. */
export function writeSvgAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Print the result table. */
export function printEnergy({ results, dataMmd }: ReturnType<typeof runEnergy2d>): void {
  console.log(['density', 'model', 'held-out NLL', 'MMD² (samples)', 'seconds'].map((h) => h.padEnd(16)).join(''));
  for (const r of results) {
    console.log([r.density, r.model, r.nll.toFixed(3), r.mmd.toExponential(2), r.seconds.toFixed(1)].map((c) => c.padEnd(16)).join(''));
  }
  console.log(`MMD² floor (train vs test data): ${Object.entries(dataMmd).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}; uniform density on the box: NLL = log 36 = ${Math.log(36).toFixed(3)}.`);
  console.log('NLL normalised numerically on the grid over [−3, 3]²; samples: Langevin chains from uniform starts; noise Gaussian sampled exactly.');
}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const si = process.argv.indexOf('--svg');
  const svg = si > 0 ? process.argv[si + 1]! : 'energy-2d.svg';
  printEnergy(runEnergy2d({ steps: arg('--steps', 3000), seed: arg('--seed', 0), svg }));
  console.log(`energy landscapes written to ${svg}`);
}
