/**
 * erlangen in the browser as a user would ship it: a page in the scratch project of
 * test/package/packed.ts (the packed tarball installed, nothing else) that imports `erlangen` and
 * `erlangen/testing`, bundled with Vite's `build()`, served from 127.0.0.1 and run in headless
 * Chromium. The page runs the same workload as the plain-node test (test/package/fixtures/smoke.mjs)
 * and hands its numbers back through `window.__result`.
 *
 * Chromium is Debian's /usr/bin/chromium (CHROMIUM_PATH overrides it), driven by playwright-core.
 * Without it the test is skipped locally and fails in CI (CI set), where .ci/run installs it.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as E from '../../src/index.js';
import * as T from '../../src/testing/index.js';
import { smoke, type SmokeResult } from '../package/fixtures/smoke.mjs';
import { expectSmokeWorkload, packedProject } from '../package/packed.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
const inCI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
const fixtures = fileURLToPath(new URL('../package/fixtures/', import.meta.url));

const PAGE_HTML = `<!doctype html>
<html>
  <head><meta charset="utf-8"><link rel="icon" href="data:,"><title>erlangen in the browser</title></head>
  <body><script type="module" src="./main.js"></script></body>
</html>
`;

const PAGE_JS = `import * as E from 'erlangen';
import * as T from 'erlangen/testing';
import { smoke } from './smoke.mjs';

smoke(E, T).then(
  (r) => { window.__result = r; },
  (e) => { window.__result = { error: String((e && e.stack) || e) }; },
);
`;

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json', '.wasm': 'application/wasm' };

/** A static file server for `dir` on 127.0.0.1 and an ephemeral port. */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname)).replace(/^([/\\])+/, '');
    const file = join(dir, path === '' ? 'index.html' : path);
    if (!file.startsWith(dir + sep) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

interface PageRun {
  result: SmokeResult & { error?: string };
  errors: string[];
  bundleBytes: number;
  seconds: { vite: number; chromium: number };
}

let page: PageRun;
let server: Server | undefined;
let closeBrowser: (() => Promise<void>) | undefined;

// In CI a missing browser is a failure, counted as a failed test (not only a failed beforeAll).
it.runIf(inCI)('CI has Chromium', () => {
  expect(haveChromium, `no Chromium at ${chromiumPath} (apt-get install -y chromium)`).toBe(true);
});

describe.skipIf(!haveChromium && !inCI)('erlangen bundled by Vite, in headless Chromium', () => {
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`no Chromium at ${chromiumPath}: with CI set this test fails instead of skipping (apt-get install -y chromium)`);
    const project = await packedProject();
    const web = join(project.dir, 'web');
    const out = join(project.dir, 'web-dist');
    rmSync(web, { recursive: true, force: true });
    mkdirSync(web);
    writeFileSync(join(web, 'index.html'), PAGE_HTML);
    writeFileSync(join(web, 'main.js'), PAGE_JS);
    copyFileSync(join(fixtures, 'smoke.mjs'), join(web, 'smoke.mjs'));

    const t0 = performance.now();
    const { build } = await import('vite');
    await build({
      root: web,
      configFile: false,
      logLevel: 'warn',
      cacheDir: join(project.dir, '.vite-cache'),
      build: { outDir: out, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
    });
    const vite = (performance.now() - t0) / 1000;
    const assets = readFileSync(join(out, 'index.html'), 'utf8');
    const script = /src="\.?\/?(assets\/[^"]+\.js)"/.exec(assets)?.[1];
    if (!script) throw new Error(`vite wrote no script into index.html:\n${assets}`);
    const bundleBytes = readFileSync(join(out, script)).length;

    const t1 = performance.now();
    const served = await serve(out);
    server = served.server;
    const { chromium } = await import('playwright-core');
    const profile = mkdtempSync(join(tmpdir(), 'cr-'));
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 800, height: 600 },
    });
    closeBrowser = async () => {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    };
    const launched = (performance.now() - t1) / 1000;
    const tab = ctx.pages()[0] ?? (await ctx.newPage());
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    tab.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await tab.goto(served.url);
    await tab.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 120_000 });
    const result = (await tab.evaluate(() => (window as unknown as { __result: unknown }).__result)) as PageRun['result'];
    const chromiumSeconds = (performance.now() - t1) / 1000;
    page = { result, errors, bundleBytes, seconds: { vite, chromium: chromiumSeconds } };
    console.log(`browser test: vite build ${vite.toFixed(1)} s (bundle ${(bundleBytes / 1024).toFixed(0)} KiB), chromium ${chromiumSeconds.toFixed(1)} s (launch ${launched.toFixed(1)} s)`);
  }, 300_000);

  afterAll(async () => {
    await closeBrowser?.();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  it('runs the layer, the harness and a training step in the page', () => {
    const r = page.result;
    expect(r.error).toBeUndefined();
    expect(page.errors).toEqual([]);
    expectSmokeWorkload(r);
  });

  it('loads the wasm kernels in the page, on one thread (served without COOP/COEP, the page is not cross-origin isolated: no worker pool)', () => {
    expect(page.result.wasm).toBe(true);
    expect(page.result.wasmThreads).toBe(1);
  });

  it('computes the same numbers as the sources in Node', async () => {
    const ref = await smoke(E, T);
    const r = page.result;
    expect(r.basisDim).toBe(ref.basisDim);
    expect(r.badWorst).toBeCloseTo(ref.badWorst!, 12);
    expect(r.firstLoss).toBe(ref.firstLoss);
    expect(Math.abs(r.finalLoss - ref.finalLoss)).toBeLessThanOrEqual(1e-6 * ref.finalLoss);
    expect(Math.abs(r.matmulSum - ref.matmulSum)).toBeLessThan(1e-9 * Math.abs(ref.matmulSum));
  });

  it('bundles without Node built-ins or the optional peers', () => {
    // the whole library with its harness, but not gpu.js (≈ 1 MiB) or three.js (≈ 700 KiB)
    expect(page.bundleBytes).toBeGreaterThan(200_000);
    expect(page.bundleBytes).toBeLessThan(2_000_000);
  });
});
