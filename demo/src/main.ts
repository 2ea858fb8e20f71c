/**
 * The demo page: the Stanford bunny (or the user's mesh) with the GEM-CNN's input, hidden layers,
 * output and the ground truth as colour maps and arrows, live equivariance checks against a
 * non-equivariant baseline, the training curves and in-page fine-tuning in a Web Worker.
 *
 * For the browser tests the page exposes `window.__demo` (see {@link DemoHandle}).
 * @module
 */
import {
  BackendError, bunnyMesh, getBackend, setBackend, ContractError, DTypeError, ErlangenError, FormatError, IndexError, ParseError, parseSafetensors, Rng, serializeSafetensors,
  ShapeError, SizeError, ValueError, wasmAvailable, wasmReady, wasmThreads,
} from '../../src/index.js';
import type { MeshData } from '../../src/index.js';
import type { ColormapName } from './colormap.js';
import { COLORMAPS, colorize, drawColorbar, valueRange } from './colormap.js';
import type { CheckResult, EquivarianceError } from './equivariance.js';
import { gaugeCheck, rotateCheck } from './equivariance.js';
import type { DemoGeometry } from './geometry.js';
import { demoGeometry, groundTruth, toWorld } from './geometry.js';
import { readMesh } from './meshio.js';
import type { DemoNet, Prediction } from './model.js';
import { BaselineNet, GemNet } from './model.js';
import type { Series } from './plot.js';
import { CurvePlot } from './plot.js';
import { MeshView } from './view.js';

/** What the page exposes to the tests. */
export interface DemoHandle {
  ready: boolean;
  /** Every error the page showed, as "Name: message". */
  errors: string[];
  vertices: number;
  /** Arrows drawn for the current field. */
  arrows: number;
  /** Milliseconds of the last GEM forward pass (inputs and geometry precomputed). */
  forwardMs: number;
  lastRotate: EquivarianceError[] | null;
  lastGauges: EquivarianceError[] | null;
  backend: Record<string, unknown>;
  /** The GEM output on the current mesh: scalar [V] and gauge vector [V·2]. */
  output(): { scalar: number[]; vector: number[] };
  /** Median ms of `n` GEM forward passes on the current mesh. */
  benchmark(n: number): number;
  /** The per-vertex colours currently shown (V·3). */
  colors(): number[];
  /** Mean ms per rendered frame over `n` frames (orbiting, arrows as shown). */
  frameMs(n: number): number;
  /** Points per series in the training-curve plot (shipped GEM, baseline, then the page's fine-tuning). */
  curvePoints(): number[];
  /** Draw calls and triangles of the last frame (the arrows are one instanced draw). */
  renderInfo(): { calls: number; triangles: number };
}

// `?threads=N`: the wasm kernels' thread count on this page (default: the cores, at most 4; more
// than one only where the page is cross-origin isolated), read by wasmReady() below
const threadsParam = new URLSearchParams(location.search).get('threads');
if (threadsParam) (globalThis as { ERLANGEN_WASM_THREADS?: string }).ERLANGEN_WASM_THREADS = threadsParam;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const handle: DemoHandle = {
  ready: false, errors: [], vertices: 0, arrows: 0, forwardMs: NaN, lastRotate: null, lastGauges: null, backend: {},
  output: () => ({ scalar: Array.from(preds[0]?.scalar ?? []), vector: Array.from(preds[0]?.vector ?? []) }),
  benchmark: (n) => {
    const ts: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      gem.run(geo!);
      ts.push(performance.now() - t0);
    }
    ts.sort((a, b) => a - b);
    return ts[Math.floor(ts.length / 2)]!;
  },
  colors: () => Array.from(shownColors),
  frameMs: (n) => view.timeFrames(n),
  curvePoints: () => curves.counts(),
  renderInfo: () => view.renderInfo(),
};
(window as unknown as { __demo: DemoHandle }).__demo = handle;

const view = new MeshView($<HTMLCanvasElement>('view'));
const curves = new CurvePlot($('curves'));
const gem = new GemNet(), baseline = new BaselineNet(), nets: DemoNet[] = [gem, baseline];
const rng = new Rng(Date.now() % 1e9);
let geo: DemoGeometry | null = null;
let truth: { scalar: Float64Array; vector: Float64Array } | null = null;
let preds: Prediction[] = [];
let shownColors: Float32Array = new Float32Array(0);
let shippedCurves: Series[] = [];
const pageCurve: { step: number; loss: number }[] = [];
let shippedSteps = 0;

// erlangen's errors name themselves after their class (`new.target.name`), which a minified
// bundle renames; the page names them from the classes themselves.
const ERROR_CLASSES: [new (...a: never[]) => Error, string][] = [
  [ParseError, 'ParseError'], [FormatError, 'FormatError'], [SizeError, 'SizeError'], [IndexError, 'IndexError'], [ShapeError, 'ShapeError'],
  [ValueError, 'ValueError'], [DTypeError, 'DTypeError'], [BackendError, 'BackendError'], [ContractError, 'ContractError'], [ErlangenError, 'ErlangenError'],
];

/** "Name: message" of an error, with erlangen's class names restored. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const name = ERROR_CLASSES.find(([C]) => e instanceof C)?.[1] ?? e.name;
  return `${name}: ${e.message}`;
}

function showError(e: unknown): void {
  const msg = describeError(e);
  handle.errors.push(msg);
  const box = $('error');
  box.textContent = msg;
  box.hidden = false;
  console.warn(msg);
}
function clearError(): void {
  $('error').hidden = true;
}
window.addEventListener('error', (ev) => showError(ev.error ?? ev.message));
window.addEventListener('unhandledrejection', (ev) => showError(ev.reason));
$('error').addEventListener('click', clearError);

// ---- layers -------------------------------------------------------------------------------
interface Field { scalar: ArrayLike<number>; vector: ArrayLike<number> | null; label: string }

function layerOptions(): { value: string; label: string; channels: number }[] {
  const layers = preds[0]?.layers ?? [];
  return [
    ...layers.map((l, i) => ({ value: `layer${i}`, label: l.name, channels: l.channels })),
    { value: 'out0', label: 'output: GEM-CNN', channels: 1 },
    { value: 'out1', label: 'output: baseline', channels: 1 },
    { value: 'truth', label: 'ground truth', channels: 1 },
  ];
}

function field(which: string, channel: number): Field | null {
  if (!geo) return null;
  const V = geo.geometry.vertices;
  if (which === 'truth' && truth) return { scalar: truth.scalar, vector: truth.vector, label: 'curvature (truth)' };
  if (which.startsWith('out')) {
    const p = preds[Number(which.slice(3))];
    return p ? { scalar: p.scalar, vector: p.vector, label: which === 'out0' ? 'GEM output' : 'baseline output' } : null;
  }
  const l = preds[0]?.layers[Number(which.slice(5))];
  if (!l) return null;
  const W = 2 * l.maxOrder + 1, c = Math.min(channel, l.channels - 1), s = new Float32Array(V), v = new Float32Array(2 * V);
  for (let p = 0; p < V; p++) {
    const o = (p * l.channels + c) * W;
    s[p] = l.data[o]!;
    if (l.maxOrder >= 1) { v[2 * p] = l.data[o + 1]!; v[2 * p + 1] = l.data[o + 2]!; }
  }
  return { scalar: s, vector: l.maxOrder >= 1 ? v : null, label: `${l.name}, ch ${c}: ρ₀` };
}

function refreshLayerSelect(): void {
  const sel = $<HTMLSelectElement>('layer'), keep = sel.value;
  sel.innerHTML = '';
  for (const o of layerOptions()) sel.add(new Option(o.label, o.value));
  sel.value = layerOptions().some((o) => o.value === keep) ? keep : 'out0';
  refreshChannelSelect();
}
function refreshChannelSelect(): void {
  const n = layerOptions().find((o) => o.value === $<HTMLSelectElement>('layer').value)?.channels ?? 1, sel = $<HTMLSelectElement>('channel');
  const keep = Number(sel.value) || 0;
  sel.innerHTML = '';
  for (let c = 0; c < n; c++) sel.add(new Option(String(c), String(c)));
  sel.value = String(Math.min(keep, n - 1));
  sel.disabled = n === 1;
}

function display(): void {
  if (!geo) return;
  const f = field($<HTMLSelectElement>('layer').value, Number($<HTMLSelectElement>('channel').value));
  if (!f) return;
  const cmap = $<HTMLSelectElement>('cmap').value as ColormapName, range = valueRange(f.scalar, cmap);
  shownColors = colorize(f.scalar, cmap, range);
  view.setColors(shownColors);
  drawColorbar($<HTMLCanvasElement>('colorbar'), cmap, range, f.label);
  handle.arrows = view.setVectors($<HTMLInputElement>('arrows').checked && f.vector ? toWorld(geo.frames, f.vector) : null);
  view.setFrames($<HTMLInputElement>('frames').checked ? geo.frames : null);
}

// ---- network --------------------------------------------------------------------------------
let firstMs = NaN;
function runNets(): void {
  if (!geo) return;
  let t0 = performance.now();
  const p0 = gem.run(geo, true);
  firstMs = performance.now() - t0;
  // a second, timed pass: the first one on a mesh also builds the layers' per-geometry tables
  t0 = performance.now();
  gem.run(geo);
  handle.forwardMs = performance.now() - t0;
  preds = [p0, baseline.run(geo)];
  status();
}

function status(): void {
  if (!geo) return;
  $('status').textContent = `${geo.geometry.vertices} vertices · GEM forward ${handle.forwardMs.toFixed(0)} ms on ${getBackend().name === 'cpu' ? 'wasm' : 'WebGL2 + wasm'} (first pass on this mesh ${firstMs.toFixed(0)} ms)`;
}

function setMesh(mesh: MeshData, name: string, fit = true): void {
  const g = demoGeometry(mesh);
  let t: typeof truth = null;
  try {
    t = groundTruth(g);
  } catch (e) {
    showError(e);
  }
  geo = g;
  truth = t;
  view.setMesh(mesh, g.normals, g.edgeLength, fit);
  runNets();
  handle.vertices = g.geometry.vertices;
  $('meshinfo').textContent = `${name}: ${g.geometry.vertices} vertices, ${mesh.faces.length / 3} triangles`;
  for (const k of ['rot', 'gau']) {
    for (const f of ['s', 'v']) {
      for (const i of [0, 1]) {
        const td = $(`e-${k}-${f}-${i}`);
        td.textContent = '–';
        td.className = '';
      }
    }
  }
  refreshLayerSelect();
  display();
}

function showErrors(kind: 'rot' | 'gau', r: CheckResult): void {
  r.errors.forEach((e, i) => {
    for (const [f, v] of [['s', e.scalar], ['v', e.vector]] as const) {
      const td = $(`e-${kind}-${f}-${i}`);
      td.textContent = v.toExponential(1);
      td.className = v <= 1e-4 ? 'good' : 'bad';
    }
  });
}

function check(kind: 'rot' | 'gau'): void {
  if (!geo) return;
  try {
    const t0 = performance.now();
    const r = (kind === 'rot' ? rotateCheck : gaugeCheck)(nets, geo, preds, rng, true);
    handle.forwardMs = NaN;
    geo = r.geometry;
    if (kind === 'rot') {
      truth = groundTruth(geo);
      view.setMesh(geo.mesh, geo.normals, geo.edgeLength, false);
      handle.lastRotate = r.errors;
    } else {
      truth = groundTruth(geo);
      handle.lastGauges = r.errors;
    }
    preds = r.predictions;
    showErrors(kind, r);
    $('status').textContent = `${geo.geometry.vertices} vertices · check (geometry + both networks) ${(performance.now() - t0).toFixed(0)} ms`;
    display();
  } catch (e) {
    showError(e);
  }
}

// ---- curves and training --------------------------------------------------------------------
function drawAllCurves(): void {
  const extra: Series[] = pageCurve.length ? [{ label: 'GEM fine-tune (page)', color: '#f2c14e', points: pageCurve }] : [];
  curves.set([...shippedCurves, ...extra]);
}

let worker: Worker | null = null;
function trainInPage(): void {
  if (!geo) return;
  const steps = Math.max(1, Math.min(1000, Math.round(Number($<HTMLInputElement>('steps').value) || 20)));
  worker ??= new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const weights = serializeSafetensors(gem.stateDict() as Parameters<typeof serializeSafetensors>[0]);
  const buttons = ['train', 'rotate', 'gauges', 'bunny'].map((id) => $<HTMLButtonElement>(id));
  buttons.forEach((b) => (b.disabled = true));
  const bar = $<HTMLProgressElement>('progress'), log = $('trainlog'), start = (pageCurve.at(-1)?.step ?? shippedSteps);
  bar.value = 0;
  const g = geo;
  worker.onmessage = (ev: MessageEvent) => {
    const m = ev.data as { type: string; step: number; steps: number; loss: number; weights: Uint8Array; ms: number; message: string };
    if (m.type === 'progress') {
      bar.value = m.step / m.steps;
      log.textContent = `step ${m.step}/${m.steps}: loss ${m.loss.toFixed(4)}`;
      pageCurve.push({ step: start + m.step, loss: m.loss });
      drawAllCurves();
      return;
    }
    buttons.forEach((b) => (b.disabled = false));
    if (m.type === 'error') return showError(new Error(m.message));
    gem.loadStateDict(parseSafetensors(m.weights).tensors);
    log.textContent += ` · done in ${(m.ms / 1000).toFixed(1)} s`;
    if (geo === g) {
      runNets();
      refreshLayerSelect();
      display();
    }
  };
  worker.postMessage({ positions: g.mesh.positions, faces: g.mesh.faces, phi: g.phi, weights, steps, lr: 5e-3 });
}

// ---- loading ------------------------------------------------------------------------------
async function loadFile(file: File): Promise<void> {
  clearError();
  try {
    const mesh = await readMesh(new Uint8Array(await file.arrayBuffer()), file.name);
    setMesh(mesh, file.name);
  } catch (e) {
    showError(e);
  }
}

async function fetchBytes(path: string): Promise<Uint8Array> {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`could not load ${path}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

function webgl2(): boolean {
  try {
    return !!document.createElement('canvas').getContext('webgl2');
  } catch {
    return false;
  }
}

async function init(): Promise<void> {
  const sel = $<HTMLSelectElement>('cmap');
  for (const c of COLORMAPS) sel.add(new Option(c, c));
  if (!wasmAvailable()) await wasmReady().catch(() => false);
  handle.backend = { wasm: wasmAvailable(), wasmThreads: wasmThreads(), crossOriginIsolated: globalThis.crossOriginIsolated === true, webgl2: webgl2() };
  $('backend').textContent = `kernels: ${wasmAvailable() ? `wasm, ${wasmThreads()} thread${wasmThreads() === 1 ? '' : 's'}` : 'JavaScript'} · cross-origin isolated: ${globalThis.crossOriginIsolated ? 'yes' : 'no'} · WebGL2: ${handle.backend.webgl2 ? 'yes' : 'no'}`;
  const [gw, bw, curves] = await Promise.all([fetchBytes('./models/gem.safetensors'), fetchBytes('./models/baseline.safetensors'), fetch('./models/curves.json').then((r) => r.json())]);
  gem.loadStateDict(parseSafetensors(gw, { source: 'gem.safetensors' }).tensors);
  baseline.loadStateDict(parseSafetensors(bw, { source: 'baseline.safetensors' }).tensors);
  const c = curves as { steps: number; gem: Series['points']; baseline: Series['points'] };
  shippedSteps = c.steps;
  shippedCurves = [
    { label: 'GEM-CNN', color: '#6cc3ff', points: c.gem },
    { label: 'baseline', color: '#ff8a7a', points: c.baseline },
  ];
  drawAllCurves();
  setMesh(bunnyMesh(), 'Stanford bunny');
  handle.ready = true;
  void prepareGpu();
}

/**
 * With WebGL2, build the gpu.js WebGL2 backend (demo/src/gpu.ts), run the GEM network on it, check
 * it against the wasm forward pass and, when it agrees to 1e-5 and runs faster than the wasm
 * forward pass timed on this page (`wasmMs`), run the network on it from then on (the checkbox
 * switches back and forth). A software-emulated WebGL2 (SwiftShader) is ten times slower than
 * wasm: the page then stays on wasm.
 */
async function prepareGpu(): Promise<void> {
  const line = $('gpujs'), box = $<HTMLInputElement>('webgl');
  if (!handle.backend.webgl2 || !geo || !preds[0]) {
    line.textContent = 'gpu.js WebGL2: no WebGL2 context; the network runs on the wasm kernels';
    handle.backend.gpujs = { path: 'none' };
    return;
  }
  line.textContent = 'gpu.js WebGL2: compiling…';
  const wasmMs = handle.forwardMs; // the wasm forward pass setMesh just timed
  try {
    const { prepareWebgl2 } = await import('./gpu.js');
    const r = await prepareWebgl2(gem, geo, preds[0]);
    const ok = r.path === 'gpu' && r.error <= 1e-5;
    const faster = r.ms < wasmMs;
    handle.backend.gpujs = { ...r, wasmMs, enabled: false };
    const ops = Object.entries(r.calls).map(([op, c]) => `${op} ${c.gpu}`).join(', ');
    line.textContent = `gpu.js WebGL2 (${r.path}): GEM forward ${r.ms.toFixed(0)} ms (first, compiling: ${r.firstMs.toFixed(0)} ms), ` +
      `aggregation calls on WebGL2: ${ops || 'none'}; relative difference to wasm ${r.error.toExponential(1)}` +
      (ok ? (faster ? '' : ` — slower than wasm here (${wasmMs.toFixed(0)} ms), so the network stays on wasm (tick to use WebGL2)`) : ' — not used');
    box.disabled = !ok;
    if (ok && faster) setKernels(true);
  } catch (e) {
    handle.backend.gpujs = { path: 'error', message: describeError(e) };
    line.textContent = `gpu.js WebGL2: ${describeError(e)}`;
  }
}

/** Run the networks on the gpu.js WebGL2 backend (true) or on the wasm kernels (false), and rerun them. */
function setKernels(webgl: boolean): void {
  setBackend(webgl ? 'gpujs-webgl2' : 'cpu');
  $<HTMLInputElement>('webgl').checked = webgl;
  (handle.backend.gpujs as { enabled?: boolean }).enabled = webgl;
  handle.backend.active = getBackend().name;
  if (geo) {
    runNets();
    display();
  }
}

$('layer').addEventListener('change', () => { refreshChannelSelect(); display(); });
for (const id of ['channel', 'cmap', 'arrows', 'frames']) $(id).addEventListener('change', display);
$('rotate').addEventListener('click', () => check('rot'));
$('gauges').addEventListener('click', () => check('gau'));
$('train').addEventListener('click', trainInPage);
$<HTMLInputElement>('webgl').addEventListener('change', (ev) => setKernels((ev.target as HTMLInputElement).checked));
$('bunny').addEventListener('click', () => { clearError(); setMesh(bunnyMesh(), 'Stanford bunny'); });
$<HTMLInputElement>('file').addEventListener('change', (ev) => {
  const f = (ev.target as HTMLInputElement).files?.[0];
  if (f) void loadFile(f);
});
const drop = $('drop');
window.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.hidden = false; });
window.addEventListener('dragleave', (ev) => { if (!ev.relatedTarget) drop.hidden = true; });
window.addEventListener('drop', (ev) => {
  ev.preventDefault();
  drop.hidden = true;
  const f = ev.dataTransfer?.files[0];
  if (f) void loadFile(f);
});
$('view').addEventListener('pointermove', (ev) => {
  if (!geo) return;
  const v = view.pick(ev.clientX, ev.clientY), f = field($<HTMLSelectElement>('layer').value, Number($<HTMLSelectElement>('channel').value));
  if (v < 0 || !f) return void ($('hover').textContent = '');
  const vec = f.vector ? ` · vector (${f.vector[2 * v]!.toFixed(3)}, ${f.vector[2 * v + 1]!.toFixed(3)})` : '';
  $('hover').textContent = `vertex ${v} · value ${Number(f.scalar[v]).toFixed(4)}${vec}`;
});

view.start();
init().catch(showError);
