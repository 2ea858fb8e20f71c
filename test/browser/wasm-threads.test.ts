/**
 * The wasm kernels' worker pool in the browser: a tiny page (test/browser/fixtures/wasm-threads-workload.ts,
 * bundled from the sources by Vite) served with COOP/COEP is cross-origin isolated, loads the
 * kernels with `await wasmReady()` on more than one thread (Web Workers on a shared memory), and
 * every threaded kernel of test/backend/determinism-cases.ts — each call split across the threads —
 * plus a 512³ matmul give the same bits as in Node; the same page without COOP/COEP runs on one
 * thread with the same bits again.
 *
 * Chromium: Debian's /usr/bin/chromium (CHROMIUM_PATH overrides); skipped locally without it,
 * failed in CI (CI set), where .ci/run installs it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, launchChromium } from '../../scripts/chromium.mjs';
import { workload, type WorkloadResult } from './fixtures/wasm-threads-workload.js';

const inCI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
const fixture = fileURLToPath(new URL('./fixtures/wasm-threads-workload.ts', import.meta.url));

const PAGE_HTML = `<!doctype html>
<html>
  <head><meta charset="utf-8"><link rel="icon" href="data:,"><title>wasm threads</title></head>
  <body><script type="module" src="./main.ts"></script></body>
</html>
`;

const PAGE_TS = `import { workload } from ${JSON.stringify(fixture)};
const threads = new URLSearchParams(location.search).get('threads');
if (threads) (globalThis as { ERLANGEN_WASM_THREADS?: string }).ERLANGEN_WASM_THREADS = threads;
workload().then(
  (r) => { (window as unknown as { __result: unknown }).__result = r; },
  (e) => { (window as unknown as { __result: unknown }).__result = { error: String((e && e.stack) || e) }; },
);
`;

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

/** Serve `dir` on 127.0.0.1: with COOP/COEP (cross-origin isolated) unless the page's query has `plain`. */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = normalize(decodeURIComponent(u.pathname)).replace(/^([/\\])+/, '');
    const file = join(dir, path === '' ? 'index.html' : path);
    if (!file.startsWith(dir + sep) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    const isolate = !u.searchParams.has('plain');
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      ...(isolate ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {}),
      'cache-control': 'no-cache',
    }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

let server: Server | undefined;
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
let dir = '';
let url = '';
const errors: string[] = [];

/** Open `query` in a fresh tab and return the workload's result. */
async function run(query: string): Promise<WorkloadResult & { error?: string }> {
  const tab = await browser!.ctx.newPage();
  tab.on('pageerror', (e) => errors.push(String(e)));
  tab.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  try {
    await tab.goto(url + query);
    await tab.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 60_000 });
    return (await tab.evaluate(() => (window as unknown as { __result: unknown }).__result)) as WorkloadResult;
  } finally {
    await tab.close();
  }
}

it.runIf(inCI)('CI has Chromium', () => {
  expect(haveChromium(), 'no Chromium (apt-get install -y chromium)').toBe(true);
});

describe.skipIf(!haveChromium() && !inCI)('the wasm kernels\' worker pool in headless Chromium', () => {
  let node: WorkloadResult;
  let isolated: WorkloadResult & { error?: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wasm-threads-'));
    const web = join(dir, 'web'), out = join(dir, 'dist');
    rmSync(web, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(web);
    writeFileSync(join(web, 'index.html'), PAGE_HTML);
    writeFileSync(join(web, 'main.ts'), PAGE_TS);
    const { build } = await import('vite');
    // determinism-cases.ts imports node:crypto for its digest, which the page never calls: Vite
    // stubs it (and says so at warn level)
    await build({ root: web, base: './', configFile: false, logLevel: 'error', cacheDir: join(dir, '.vite-cache'),
      build: { outDir: out, emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 8000 } });
    ({ server, url } = await serve(out));
    browser = await launchChromium({ width: 400, height: 300 });
    node = await workload();
    isolated = await run('');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a cross-origin isolated page runs the kernels on more than one thread', () => {
    expect(isolated.error).toBeUndefined();
    expect(errors).toEqual([]);
    expect(isolated.ready).toBe(true);
    expect(isolated.crossOriginIsolated).toBe(true);
    expect(isolated.threads).toBeGreaterThan(1);
    expect(isolated.threads).toBeLessThanOrEqual(4);
    console.log(`wasm threads in the page: ${isolated.threads} (Node: ${node.threads}); 512³ matmul ${isolated.matmulMs.toFixed(1)} ms (Node ${node.matmulMs.toFixed(1)} ms)`);
  });

  /**
   * The cases' outputs of `r` where its inputs equal Node's, and Node's for the same cases. The
   * inputs come from Rng.normal (Box–Muller: Math.log, Math.cos), whose last bits may differ between
   * Chromium's V8 and Node's; the float32 inputs (rounded) never do here, the float64 ones may.
   */
  const comparable = (r: WorkloadResult): [Record<string, string>, Record<string, string>] => {
    const names = Object.keys(node.digests).filter((n) => r.inputs[n] === node.inputs[n]);
    const pick = (d: Record<string, string>): Record<string, string> => Object.fromEntries(names.map((n) => [n, d[n]!]));
    return [pick(r.digests), pick(node.digests)];
  };

  it('gives the same bits as Node for every threaded kernel (where the inputs are the same) and a matmul', () => {
    expect(Object.keys(isolated.digests).length).toBeGreaterThan(5);
    const [page, ref] = comparable(isolated);
    const f32 = Object.keys(node.digests).filter((n) => !n.includes('float64'));
    for (const n of f32) expect(page[n], n).toBeDefined(); // every float32 case is compared
    expect(page).toEqual(ref);
    expect(isolated.matmul).toBe(node.matmul);
    console.log(`compared with Node: ${Object.keys(page).length} of ${Object.keys(node.digests).length} cases (the others' float64 inputs differ in Chromium)`);
  });

  it('the pool size follows globalThis.ERLANGEN_WASM_THREADS (here 3), with the same bits', async () => {
    const r = await run('?threads=3');
    expect(r.error).toBeUndefined();
    expect(r.threads).toBe(3);
    expect(r.inputs).toEqual(isolated.inputs);
    expect(r.digests).toEqual(isolated.digests);
    expect(r.matmul).toBe(node.matmul);
  });

  it('without COOP/COEP the page is not isolated and falls back to one thread, with the same bits', async () => {
    const r = await run('?plain');
    expect(r.error).toBeUndefined();
    expect(r.crossOriginIsolated).toBe(false);
    expect(r.threads).toBe(1);
    expect(r.inputs).toEqual(isolated.inputs);
    expect(r.digests).toEqual(isolated.digests); // every case, float64 included: 1 thread = N threads in the same engine
    expect(r.matmul).toBe(node.matmul);
    expect(errors).toEqual([]);
    console.log(`512³ matmul in the page: ${r.matmulMs.toFixed(1)} ms on 1 thread, ${isolated.matmulMs.toFixed(1)} ms on ${isolated.threads}`);
  });
});
