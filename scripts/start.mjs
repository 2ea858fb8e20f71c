#!/usr/bin/env node
/**
 * `npm start`: the interactive mesh demo. Builds the page (demo/ → demo/dist, with Vite) when
 * demo/dist is missing or older than any source it is built from, serves it on 127.0.0.1 on a free
 * port (or --port N / $PORT), prints the URL and runs until Ctrl-C.
 *
 *   npm start                         build if needed, serve, print the URL
 *   npm start -- --port 8080          a fixed port
 *   npm start -- --snapshot out.png   render the default view in headless Chromium to a PNG and exit
 *   npm start -- --build              rebuild even if demo/dist is up to date
 *   npm run demo:build                only build (--build-only)
 *
 * The server sends COOP/COEP headers, so the page is cross-origin isolated (SharedArrayBuffer).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(repo, 'demo');
const dist = join(demo, 'dist');

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml', '.safetensors': 'application/octet-stream', '.map': 'application/json',
};

/** Newest mtime (ms) of the files under the given paths. */
function newest(paths) {
  let t = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== 'node_modules' && e !== 'dist') walk(join(p, e));
    } else t = Math.max(t, s.mtimeMs);
  };
  paths.forEach(walk);
  return t;
}

/** Whether demo/dist must be (re)built. */
export function needsBuild() {
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return true;
  const sources = [join(demo, 'index.html'), join(demo, 'src'), join(demo, 'public'), join(demo, 'vite.config.ts'), join(repo, 'src'), join(repo, 'package.json')];
  return newest(sources) > statSync(index).mtimeMs;
}

/** Build the page with Vite (demo/vite.config.ts). */
export async function buildDemo() {
  const t0 = performance.now();
  const { build } = await import('vite');
  await build({ configFile: join(demo, 'vite.config.ts'), logLevel: 'warn' });
  console.log(`built demo/dist in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * Serve demo/dist on 127.0.0.1. Resolves to { server, url }.
 * @param {number} port 0 for a free port
 */
export function serve(port = 0) {
  const server = createServer((req, res) => {
    let path;
    try {
      path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname)).replace(/^([/\\])+/, '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = join(dist, path === '' ? 'index.html' : path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!(file === dist || file.startsWith(dist + sep)) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
      'cache-control': 'no-cache',
    }).end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

/** Render the default view of the page at `url` to a PNG; throws if the page reports an error. */
export async function snapshot(url, out) {
  const { launchChromium } = await import('./chromium.mjs');
  const b = await launchChromium({ width: 1200, height: 760 });
  try {
    const errors = [];
    b.page.on('pageerror', (e) => errors.push(String(e)));
    b.page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await b.page.goto(url);
    await b.page.waitForFunction(() => window.__demo?.ready || (window.__demo?.errors.length ?? 0) > 0, null, { timeout: 120_000 });
    const shown = await b.page.evaluate(() => window.__demo.errors);
    if (shown.length || errors.length) throw new Error(`the page reported errors:\n${[...shown, ...errors].join('\n')}`);
    await b.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    writeFileSync(out, await b.page.screenshot({ type: 'png' }));
  } finally {
    await b.close();
  }
}

function parseArgs(argv) {
  const a = { snapshot: null, port: Number(process.env.PORT ?? 0), build: false, buildOnly: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--snapshot') a.snapshot = argv[++i];
    else if (argv[i] === '--port') a.port = Number(argv[++i]);
    else if (argv[i] === '--build') a.build = true;
    else if (argv[i] === '--build-only') a.buildOnly = true;
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log('usage: npm start [-- --port N] [-- --snapshot out.png] [-- --build] [-- --build-only]');
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]} (try --help)`);
  }
  if (a.snapshot === undefined) throw new Error('--snapshot needs a file name');
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new Error(`bad port ${a.port}`);
  return a;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.buildOnly) return buildDemo();
  if (args.build || needsBuild()) await buildDemo();
  const { server, url } = await serve(args.snapshot ? 0 : args.port);
  if (args.snapshot) {
    try {
      await snapshot(url, resolve(args.snapshot));
      console.log(`wrote ${resolve(args.snapshot)}`);
    } finally {
      server.close();
    }
    return;
  }
  console.log(`erlangen mesh demo: ${url}  (Ctrl-C to stop)`);
  const stop = () => {
    server.close();
    server.closeAllConnections?.();
    console.log('\nstopped');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
