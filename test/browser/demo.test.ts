/**
 * The mesh demo (demo/, served by `npm start`) in headless Chromium: the page loads without console
 * errors, draws the bunny with a colour map and arrows, computes the same GEM output as Node for the
 * shipped weights, reports equivariance errors ≤ 1e-4 for the GEM-CNN and large ones for the
 * baseline, names a malformed file's error in the page, loads a user mesh (an icosphere written as
 * PLY), fine-tunes in its Web Worker, and its forward pass is timed. Plus the start script: the
 * server on a free port and `--snapshot`.
 *
 * Screenshots are kept under test-artifacts/demo/ (gitignored; CI keeps the folder as an artifact).
 * Chromium: Debian's /usr/bin/chromium (CHROMIUM_PATH overrides); skipped locally without it,
 * failed in CI (CI set), where .ci/run installs it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGeometry } from '../../demo/src/geometry.js';
import { GemNet } from '../../demo/src/model.js';
import { readMesh } from '../../demo/src/meshio.js';
import { bunnyMesh, icosphere, parseSafetensors } from '../../src/index.js';
import { formatPly } from '../../src/three/index.js';
import { haveChromium, launchChromium } from '../../scripts/chromium.mjs';
import { buildDemo, needsBuild, serve } from '../../scripts/start.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const artifacts = join(repo, 'test-artifacts', 'demo');
const inCI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

interface Handle {
  ready: boolean; errors: string[]; vertices: number; arrows: number; forwardMs: number;
  lastRotate: { scalar: number; vector: number }[] | null; lastGauges: { scalar: number; vector: number }[] | null;
  backend: Record<string, unknown>;
}
declare const window: EventTarget & { __demo: Handle & { output(): { scalar: number[]; vector: number[] }; benchmark(n: number): number; colors(): number[]; frameMs(n: number): number; curvePoints(): number[]; renderInfo(): { calls: number; triangles: number } } };

/** Non-background pixel count and colour variance of the 3-D view, computed in the page. */
async function pixels(page: Page): Promise<{ fg: number; total: number; variance: number; pink: number }> {
  return page.evaluate(() => {
    const src = document.getElementById('view') as HTMLCanvasElement, w = 300, h = Math.round((300 * src.height) / src.width);
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(src, 0, 0, w, h);
    const d = ctx.getImageData(0, 0, w, h).data, bg = [15, 17, 21];
    let fg = 0, pink = 0;
    const sum = [0, 0, 0], sq = [0, 0, 0];
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i]! - bg[0]!) + Math.abs(d[i + 1]! - bg[1]!) + Math.abs(d[i + 2]! - bg[2]!) < 24) continue;
      fg++;
      if (d[i]! > 150 && d[i]! > d[i + 1]! + 60 && d[i + 2]! > d[i + 1]!) pink++;
      for (let k = 0; k < 3; k++) { sum[k]! += d[i + k]!; sq[k]! += d[i + k]! ** 2; }
    }
    const variance = fg ? [0, 1, 2].reduce((s, k) => s + sq[k]! / fg - (sum[k]! / fg) ** 2, 0) : 0;
    return { fg, total: w * h, variance, pink };
  });
}

let server: Server | undefined;
let url = '';
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
let page: Page;
const consoleErrors: string[] = [];

it.runIf(inCI)('CI has Chromium', () => {
  expect(haveChromium(), 'no Chromium (apt-get install -y chromium)').toBe(true);
});

describe.skipIf(!haveChromium() && !inCI)('the mesh demo in headless Chromium', () => {
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    if (needsBuild()) await buildDemo();
    ({ server, url } = await serve(0));
    browser = await launchChromium({ width: 1200, height: 760 });
    page = browser.page;
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
    await page.goto(url);
    await page.waitForFunction(() => window.__demo?.ready || (window.__demo?.errors.length ?? 0) > 0, null, { timeout: 120_000 });
    await page.screenshot({ path: join(artifacts, 'default.png') });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  it('loads without console errors, with the wasm kernels, cross-origin isolated', async () => {
    const h = await page.evaluate(() => window.__demo);
    expect(h.errors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(h.ready).toBe(true);
    expect(h.vertices).toBe(1839);
    expect(h.backend.wasm).toBe(true);
    expect(h.backend.crossOriginIsolated).toBe(true);
    // the kernels' worker pool (Web Workers): the cores, at most 4
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(h.backend.wasmThreads).toBe(Math.max(1, Math.min(4, cores)));
    expect(await page.evaluate(() => document.getElementById('backend')!.textContent)).toContain(`wasm, ${h.backend.wasmThreads as number} thread`);
    console.log(`demo backend: ${JSON.stringify(h.backend)}`);
  });

  it('runs the GEM network on WebGL2 through gpu.js when a WebGL2 context exists, equal to the wasm pass', async () => {
    await page.waitForFunction(() => window.__demo.backend.gpujs !== undefined, null, { timeout: 120_000 });
    const b = await page.evaluate(() => window.__demo.backend);
    const r = b.gpujs as { path: string; error?: number; ms?: number; firstMs?: number; wasmMs?: number; calls?: Record<string, { gpu: number; fallback: number }>; enabled?: boolean; message?: string };
    console.log(`demo: gpu.js WebGL2 ${JSON.stringify(r)} (active backend: ${String(b.active ?? 'cpu')})`);
    if (!b.webgl2) return expect(r.path).toBe('none');
    expect(r.message).toBeUndefined();
    expect(r.path).toBe('gpu');
    expect(r.error).toBeLessThan(1e-5);
    // the GEM layers' aggregation ops ran on WebGL2: the fused transport-gather and the segment sum, every layer
    expect(r.calls!.so2Gather!.gpu).toBeGreaterThanOrEqual(3);
    expect(r.calls!.so2SegmentSum!.gpu).toBeGreaterThanOrEqual(3);
    // the page chose WebGL2 exactly when its forward pass beat the wasm one it timed (never on a
    // software-emulated GPU slower than wasm), and says which it runs on
    expect(r.wasmMs).toBeGreaterThan(0);
    expect(r.enabled).toBe(r.ms! < r.wasmMs!);
    expect(b.active ?? 'cpu').toBe(r.enabled ? 'gpujs-webgl2' : 'cpu');
    // the checkbox switches the network between WebGL2 and wasm; the output agrees either way
    const wasmOut = await page.evaluate(() => {
      const box = document.getElementById('webgl') as HTMLInputElement;
      if (box.checked) box.click();
      return window.__demo.output();
    });
    const gpuOut = await page.evaluate(() => {
      (document.getElementById('webgl') as HTMLInputElement).click();
      return { out: window.__demo.output(), active: window.__demo.backend.active, status: document.getElementById('status')!.textContent };
    });
    expect(gpuOut.active).toBe('gpujs-webgl2');
    expect(gpuOut.status).toContain('WebGL2');
    let d = 0, m = 0;
    wasmOut.scalar.forEach((v, i) => { d = Math.max(d, Math.abs(v - gpuOut.out.scalar[i]!)); m = Math.max(m, Math.abs(v)); });
    expect(d / m).toBeLessThan(1e-5);
    // the equivariance checks on WebGL2: rotating the mesh and redrawing the gauges
    for (const [button, key] of [['#rotate', 'lastRotate'], ['#gauges', 'lastGauges']] as const) {
      await page.click(button);
      const [gem] = (await page.evaluate((k) => window.__demo[k], key))!;
      console.log(`demo ${button} on WebGL2: GEM scalar ${gem!.scalar.toExponential(1)}, vector ${gem!.vector.toExponential(1)}`);
      expect(Math.max(gem!.scalar, gem!.vector)).toBeLessThanOrEqual(1e-4);
    }
    await page.click('#bunny');
    // restore the page's own choice (WebGL2 when faster than wasm); the tests below run on it
    if (!r.enabled) await page.click('#webgl');
  });

  it('plots the shipped training curves with uPlot (log scale, live legend)', async () => {
    const counts = await page.evaluate(() => window.__demo.curvePoints());
    expect(counts).toHaveLength(2); // GEM-CNN and baseline
    for (const c of counts) expect(c).toBeGreaterThan(10);
    const chart = await page.evaluate(() => {
      const root = document.querySelector('#curves .uplot');
      const canvas = root?.querySelector('canvas') as HTMLCanvasElement | null;
      const legend = [...(root?.querySelectorAll('.u-legend .u-series') ?? [])].map((e) => e.textContent ?? '');
      return { canvas: canvas ? [canvas.width, canvas.height] : null, legend };
    });
    expect(chart.canvas).not.toBeNull();
    expect(chart.legend.join('|')).toMatch(/GEM-CNN.*baseline/);
  });

  it('draws the mesh with a colour map and arrows', async () => {
    const p = await pixels(page);
    expect(p.fg / p.total).toBeGreaterThan(0.1);
    expect(p.variance).toBeGreaterThan(200);
    const colors = await page.evaluate(() => window.__demo.colors());
    const mean = colors.reduce((a, b) => a + b, 0) / colors.length;
    expect(colors.reduce((a, b) => a + (b - mean) ** 2, 0) / colors.length).toBeGreaterThan(0.005);
    expect(await page.evaluate(() => window.__demo.arrows)).toBeGreaterThan(1000);
    expect(p.pink).toBeGreaterThan(200);
    await page.click('#arrows');
    const off = await pixels(page);
    await page.click('#arrows');
    expect(off.pink).toBeLessThan(p.pink / 4);
  });

  it('switches layers, channels and colour maps, shows frames, and reads out the hovered vertex', async () => {
    const base = await page.evaluate(() => window.__demo.colors());
    await page.selectOption('#cmap', 'diverging');
    const div = await page.evaluate(() => window.__demo.colors());
    expect(div).not.toEqual(base);
    await page.selectOption('#layer', 'layer1');
    await page.selectOption('#channel', '3');
    const hidden = await page.evaluate(() => ({ c: window.__demo.colors(), a: window.__demo.arrows }));
    expect(hidden.c).not.toEqual(div);
    expect(hidden.a).toBeGreaterThan(1000); // order-1 part of a hidden channel as arrows
    await page.click('#frames');
    await page.screenshot({ path: join(artifacts, 'hidden-layer-frames.png') });
    await page.click('#frames');
    await page.selectOption('#layer', 'truth');
    await page.selectOption('#cmap', 'magma');
    const box = (await page.locator('#view').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.55);
    await page.waitForFunction(() => /vertex \d+ · value -?\d/.test(document.getElementById('hover')!.textContent ?? ''), null, { timeout: 5000 });
    await page.selectOption('#layer', 'out0');
    await page.selectOption('#cmap', 'viridis');
    expect(await page.evaluate(() => window.__demo.colors())).toEqual(base);
  });

  it('renders the mesh with its arrows at interactive frame rates (measured, reported)', async () => {
    const { ms, arrows, info } = await page.evaluate(() => ({ ms: window.__demo.frameMs(30), arrows: window.__demo.arrows, info: window.__demo.renderInfo() }));
    console.log(`demo: ${arrows} instanced arrows + mesh, ${ms.toFixed(1)} ms per frame (${(1000 / ms).toFixed(0)} fps) in software WebGL (SwiftShader); ${info.calls} draw calls, ${info.triangles} triangles`);
    expect(ms).toBeLessThan(1000);
    // the arrows are one instanced draw: the frame is a handful of draw calls whatever the arrow count
    expect(info.calls).toBeLessThanOrEqual(4);
    expect(info.triangles).toBeGreaterThan(arrows * 10);
  });

  it('computes the same GEM output as Node for the shipped weights (1e-5)', async () => {
    const out = await page.evaluate(() => window.__demo.output());
    const net = new GemNet();
    net.loadStateDict(parseSafetensors(readFileSync(join(repo, 'demo/public/models/gem.safetensors'))).tensors);
    const ref = net.run(demoGeometry(bunnyMesh()));
    expect(out.scalar.length).toBe(ref.scalar.length);
    let worst = 0;
    for (let i = 0; i < ref.scalar.length; i++) worst = Math.max(worst, Math.abs(out.scalar[i]! - ref.scalar[i]!));
    for (let i = 0; i < ref.vector.length; i++) worst = Math.max(worst, Math.abs(out.vector[i]! - ref.vector[i]!));
    console.log(`demo: page vs Node, worst |difference| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
  });

  it('measures the forward pass on the bunny (target < 200 ms)', async () => {
    const ms = await page.evaluate(() => window.__demo.benchmark(7));
    console.log(`demo: GEM forward on the bunny (1839 vertices) in Chromium, median of 7: ${ms.toFixed(1)} ms`);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(2000); // the 200 ms target is reported, not asserted (shared CI machines)
  });

  it('on one thread (?threads=1) gives the same bits, and its forward pass is timed against the pool\'s', async () => {
    const one = await browser!.ctx.newPage();
    try {
      await one.goto(`${url}?threads=1`);
      await one.waitForFunction(() => window.__demo?.ready || (window.__demo?.errors.length ?? 0) > 0, null, { timeout: 120_000 });
      const h = await one.evaluate(() => window.__demo);
      expect(h.errors).toEqual([]);
      expect(h.backend.wasmThreads).toBe(1);
      expect(await one.evaluate(() => window.__demo.output())).toEqual(await page.evaluate(() => window.__demo.output()));
      const n = (await page.evaluate(() => window.__demo.backend.wasmThreads)) as number;
      const msN = await page.evaluate(() => window.__demo.benchmark(7));
      const ms1 = await one.evaluate(() => window.__demo.benchmark(7));
      console.log(`demo: GEM forward on the bunny, median of 7: ${ms1.toFixed(1)} ms on 1 thread, ${msN.toFixed(1)} ms on ${n}`);
    } finally {
      await one.close();
    }
  }, 120_000);

  it("'rotate the mesh' and 'redraw the gauges': GEM ≤ 1e-4, the baseline visibly off", async () => {
    for (const [button, key] of [['#rotate', 'lastRotate'], ['#gauges', 'lastGauges'], ['#rotate', 'lastRotate']] as const) {
      await page.click(button);
      const e = await page.evaluate((k) => window.__demo[k], key);
      expect(e).not.toBeNull();
      const [gem, base] = e!;
      console.log(`demo ${button}: GEM scalar ${gem!.scalar.toExponential(1)}, vector ${gem!.vector.toExponential(1)}; baseline scalar ${base!.scalar.toExponential(1)}, vector ${base!.vector.toExponential(1)}`);
      expect(gem!.scalar).toBeLessThanOrEqual(1e-4);
      expect(gem!.vector).toBeLessThanOrEqual(1e-4);
      expect(Math.max(base!.scalar, base!.vector)).toBeGreaterThan(1e-2);
    }
    await page.screenshot({ path: join(artifacts, 'after-checks.png') });
    expect(await page.evaluate(() => window.__demo.errors)).toEqual([]);
  });

  it('shows the named error of a malformed file in the page', async () => {
    const bad = 'ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 zero 0\n0 1 0\n3 0 1 2\n';
    await page.setInputFiles('#file', { name: 'broken.ply', mimeType: 'application/octet-stream', buffer: Buffer.from(bad) });
    await page.waitForFunction(() => !document.getElementById('error')!.hidden, null, { timeout: 10_000 });
    const text = await page.textContent('#error');
    console.log(`demo: malformed file → ${text}`);
    expect(text).toMatch(/^ParseError: parseMesh\(ply\)/);
    await page.screenshot({ path: join(artifacts, 'malformed-file.png') });
    expect((await pixels(page)).fg).toBeGreaterThan(1000); // the previous mesh stays on screen
  });

  it('loads and renders a user mesh (an icosphere written as PLY)', async () => {
    const ico = icosphere(3), bytes = formatPly(ico);
    await page.setInputFiles('#file', { name: 'icosphere.ply', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
    const V = ico.positions.length / 3;
    await page.waitForFunction((v) => window.__demo.vertices === v, V, { timeout: 30_000 });
    expect(await page.evaluate(() => document.getElementById('error')!.hidden)).toBe(true);
    const p = await pixels(page);
    expect(p.fg / p.total).toBeGreaterThan(0.05);
    await page.screenshot({ path: join(artifacts, 'user-mesh.png') });
    // the same numbers as Node for the same file
    const out = await page.evaluate(() => window.__demo.output());
    const net = new GemNet();
    net.loadStateDict(parseSafetensors(readFileSync(join(repo, 'demo/public/models/gem.safetensors'))).tensors);
    const ref = net.run(demoGeometry(await readMesh(bytes, 'icosphere.ply')));
    let worst = 0;
    for (let i = 0; i < ref.scalar.length; i++) worst = Math.max(worst, Math.abs(out.scalar[i]! - ref.scalar[i]!));
    for (let i = 0; i < ref.vector.length; i++) worst = Math.max(worst, Math.abs(out.vector[i]! - ref.vector[i]!));
    expect(worst).toBeLessThanOrEqual(1e-5);
  });
  it('loads a mesh dropped onto the page', async () => {
    const ply = Buffer.from(formatPly(icosphere(2))).toString('base64');
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'dropped.ply'));
      window.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, cancelable: true }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
    }, ply);
    await page.waitForFunction(() => window.__demo.vertices === 162, null, { timeout: 30_000 });
    expect(await page.evaluate(() => document.getElementById('drop')!.hidden)).toBe(true);
    expect(await page.textContent('#meshinfo')).toContain('dropped.ply');
  });

  it('fine-tunes in a Web Worker with a progress bar', async () => {
    const before = (await page.evaluate(() => window.__demo.errors)).length;
    await page.fill('#steps', '3');
    await page.click('#train');
    await page.waitForFunction(() => /done/.test(document.getElementById('trainlog')!.textContent ?? ''), null, { timeout: 60_000 });
    expect(await page.evaluate(() => (document.getElementById('progress') as HTMLProgressElement).value)).toBe(1);
    expect((await page.evaluate(() => window.__demo.errors)).slice(before)).toEqual([]);
    // the uPlot chart gained the page's curve: one point per fine-tuning step, next to the shipped two
    const counts = await page.evaluate(() => window.__demo.curvePoints());
    expect(counts).toHaveLength(3);
    expect(counts[2]).toBe(3);
    await page.screenshot({ path: join(artifacts, 'after-training.png') });
  });

});

describe.skipIf(!haveChromium() && !inCI)('npm start (scripts/start.mjs)', () => {
  const start = join(repo, 'scripts/start.mjs');

  it('serves the page on a free port with COOP/COEP, prints the URL and stops on Ctrl-C', async () => {
    const child = spawn(process.execPath, [start], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const served = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 60_000);
      child.stdout.on('data', (d) => {
        out += String(d);
        const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
        if (m) { clearTimeout(t); resolve(m[0]); }
      });
      child.stderr.on('data', (d) => (out += String(d)));
    });
    const r = await fetch(served);
    expect(r.status).toBe(200);
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await r.text()).toContain('id="view"');
    expect((await fetch(`${served}models/gem.safetensors`)).status).toBe(200);
    expect((await fetch(`${served}../../package.json`)).status).toBe(404);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
  });

  it('--snapshot writes a PNG of the default view', async () => {
    const png = join(artifacts, 'snapshot.png');
    mkdirSync(artifacts, { recursive: true });
    rmSync(png, { force: true });
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [start, '--snapshot', png], { cwd: repo, stdio: 'inherit' });
      child.on('exit', resolve);
    });
    expect(code).toBe(0);
    expect(existsSync(png)).toBe(true);
    const b = readFileSync(png);
    expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(statSync(png).size).toBeGreaterThan(50_000);
  }, 120_000);
});
