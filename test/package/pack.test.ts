/**
 * erlangen as a user installs it: `npm pack` of the current build installed into an empty project
 * outside the repository (test/package/packed.ts), then imported by plain `node` — no tsx, no
 * TypeScript, and none of the optional peers (three, gpu.js, fast-check, onnxruntime-node).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import * as E from '../../src/index.js';
import * as T from '../../src/testing/index.js';
import { root } from './build.js';
import { smoke, type SmokeResult } from './fixtures/smoke.mjs';
import { expectSmokeWorkload, npmEnv, packedProject, type PackedProject } from './packed.js';

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };

let project: PackedProject;
let nodeResult: SmokeResult;
let nodeSeconds = 0;

/** Run `node <args>` in the scratch project (plain node: no loader, the scratch project's environment). */
async function node(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, args, { cwd: project.dir, env: { ...npmEnv(), ...env }, maxBuffer: 1 << 24, timeout: 120_000 });
}

/** The fenced ```js blocks of README.md's Quickstart section. */
function quickstartBlocks(readme: string): string[] {
  const start = readme.indexOf('\n## Quickstart');
  if (start < 0) throw new Error('README.md has no "## Quickstart" section');
  const next = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

beforeAll(async () => {
  project = await packedProject();
  for (const f of ['smoke.mjs', 'run-node.mjs']) copyFileSync(join(fixtures, f), join(project.dir, f));
  const t0 = performance.now();
  // two threads: the wasm kernels' worker pool (workers run eval'd source) must start from dist/
  const { stdout } = await node(['run-node.mjs'], { ERLANGEN_WASM_THREADS: '2' });
  nodeSeconds = (performance.now() - t0) / 1000;
  nodeResult = JSON.parse(stdout) as SmokeResult;
  console.log(
    `package test: build ${project.seconds.build} s, pack ${project.seconds.pack} s, install ${project.seconds.install} s` +
      `${project.reused ? ' (reused from an earlier run)' : ''}, node run ${nodeSeconds.toFixed(1)} s`,
  );
}, 300_000);

describe('the packed package', () => {
  it('ships the build, its source maps and sources, the bin and the README, and installs only its runtime dependencies', () => {
    const inst = join(project.dir, 'node_modules', 'erlangen');
    const manifest = JSON.parse(readFileSync(join(inst, 'package.json'), 'utf8')) as {
      version: string; main: string; types: string; exports: Record<string, unknown>;
    };
    expect(manifest.version).toBe(pkg.version);
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/testing/index.js', 'dist/backend/gpu/index.js', 'dist/three/index.js',
      'dist/cli/main.js', 'bin/erlangen.js', 'README.md', 'LICENSE', manifest.main, manifest.types]) {
      expect(existsSync(join(inst, f)), f).toBe(true);
    }
    for (const f of ['test', 'examples', 'bench', 'scripts', 'wasm', 'node_modules', 'tsconfig.json']) expect(existsSync(join(inst, f)), f).toBe(false);
    // the source maps point at the shipped sources
    for (const map of ['dist/index.js.map', 'dist/backend/wasm/runtime.js.map', 'dist/testing/index.d.ts.map']) {
      const { sources } = JSON.parse(readFileSync(join(inst, map), 'utf8')) as { sources: string[] };
      expect(sources).toHaveLength(1);
      expect(existsSync(join(inst, dirname(map), sources[0]!)), `${map} -> ${sources[0]}`).toBe(true);
    }
    const mods = join(project.dir, 'node_modules');
    for (const dep of ['graphology', 'ml-matrix']) expect(existsSync(join(mods, dep)), dep).toBe(true);
    for (const dep of ['three', 'gpu.js', 'tsx', 'typescript', 'fast-check', 'onnxruntime-node', 'vitest']) expect(existsSync(join(mods, dep)), dep).toBe(false);
    // and nothing above the project could supply them
    for (let d = dirname(project.dir); d !== dirname(d); d = dirname(d)) expect(existsSync(join(d, 'node_modules')), d).toBe(false);
  });

  it('runs a model under plain node: an SO(3) layer, the harness and a training step', () => {
    const r = nodeResult;
    expectSmokeWorkload(r);
    // the wasm kernels loaded synchronously, with their worker pool (ERLANGEN_WASM_THREADS=2)
    expect(r.wasmSync).toBe(true);
    expect(r.wasmThreads).toBe(2);
  });

  it('computes the same numbers as the sources', async () => {
    const ref = await smoke(E, T);
    expect(nodeResult.basisDim).toBe(ref.basisDim);
    expect(nodeResult.badWorst).toBeCloseTo(ref.badWorst!, 12);
    expect(nodeResult.firstLoss).toBe(ref.firstLoss);
    expect(Math.abs(nodeResult.finalLoss - ref.finalLoss)).toBeLessThanOrEqual(1e-6 * ref.finalLoss);
    expect(Math.abs(nodeResult.matmulSum - ref.matmulSum)).toBeLessThan(1e-9 * Math.abs(ref.matmulSum));
  });

  it('keeps gpu.js behind erlangen/gpu: the main entry runs without it, the subpath asks for it', async () => {
    const script = "import('erlangen/gpu').then(() => console.log('loaded'), (e) => console.log(e.code, e.message.split('\\n')[0]))";
    const { stdout } = await node(['--input-type=module', '-e', script]);
    expect(stdout).toMatch(/^ERR_MODULE_NOT_FOUND .*'gpu\.js'/);
  });

  it('keeps three behind erlangen/three: the subpath resolves and asks for three', async () => {
    const script = "import('erlangen/three').then(() => console.log('loaded'), (e) => console.log(e.code, e.message.split('\\n')[0]))";
    const { stdout } = await node(['--input-type=module', '-e', script]);
    expect(stdout).toMatch(/^ERR_MODULE_NOT_FOUND .*'three'/);
  });

  it('can be require()d where Node loads ES modules synchronously', async () => {
    const { stdout } = await node(['-e', "const E = require('erlangen'); console.log(E.SO3().key, new E.Rng(0).uniform().toFixed(6))"]);
    expect(stdout.trim()).toBe(`SO(3) ${new E.Rng(0).uniform().toFixed(6)}`);
  });

  it('the erlangen bin runs the compiled CLI with plain node', async () => {
    const bin = join(project.dir, 'node_modules', '.bin', 'erlangen');
    const info = JSON.parse((await node([bin, 'info', '--json'])).stdout) as { name: string; version: string };
    expect(info).toMatchObject({ name: 'erlangen', version: pkg.version });
    const basis = JSON.parse((await node([bin, 'basis', '--group', 'SO(3)', '--in', 'V^2', '--out', 'V', '--json'])).stdout) as { dim: number };
    expect(basis.dim).toBe(1); // the Levi-Civita tensor: the cross product
  });

  it("the type declarations resolve through the package's exports", async () => {
    writeFileSync(join(project.dir, 'consumer.ts'), [
      "import { SO3, parseRep, EquivariantLinear, Rng } from 'erlangen';",
      "import { assertEquivariant, type EquivarianceReport } from 'erlangen/testing';",
      "import type { GpuBackendOptions } from 'erlangen/gpu';",
      "const layer = new EquivariantLinear(parseRep('V', SO3()), parseRep('V', SO3()), { rng: new Rng(0) });",
      'export const dim: number = layer.basisDim;',
      'export const report: EquivarianceReport = assertEquivariant(layer);',
      'export type Opts = GpuBackendOptions;',
      '// @ts-expect-error basisDim is a number (fails if the declarations were missing and this were any)',
      'export const wrong: string = layer.basisDim;',
      '',
    ].join('\n'));
    writeFileSync(join(project.dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
      files: ['consumer.ts'],
    }));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await node([tsc, '-p', 'tsconfig.json']).then(() => ({ ok: true, out: '' }), (e: { stdout?: string }) => ({ ok: false, out: e.stdout ?? '' }));
    expect(r.out).toBe('');
    expect(r.ok).toBe(true);
  });
});

describe("README's quickstart", () => {
  it('runs verbatim with plain node in the fresh project', async () => {
    const blocks = quickstartBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(blocks.length).toBe(2);
    const outs: string[] = [];
    for (const [i, code] of blocks.entries()) {
      writeFileSync(join(project.dir, `quickstart-${i}.mjs`), code);
      outs.push((await node([`quickstart-${i}.mjs`])).stdout);
    }
    const lines = outs[0]!.trim().split('\n');
    expect(lines[0]).toBe('free weights: 2');
    const losses = lines.slice(1, 5).map((l) => Number(/^step \d+: loss (\S+)$/.exec(l)?.[1]));
    expect(losses).toHaveLength(4);
    expect(losses.every((l, i) => i === 0 || l < losses[i - 1]!)).toBe(true);
    expect(losses[3]).toBeLessThan(1e-6);
    const last = /^equivariant worst relative error (\S+)$/.exec(lines[5] ?? '');
    expect(last, lines[5]).not.toBeNull();
    expect(Number(last![1])).toBeLessThan(1e-12);
    expect(lines).toHaveLength(6);
    expect(outs[1]!.trim()).toBe('true');
  });
});
