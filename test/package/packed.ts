/**
 * A scratch project, outside the repository, with the packed erlangen installed the way a user
 * gets it: `npm pack` of the current build, then `npm install <tarball>` into an empty project.
 * Built once and shared by the test files that need it (test/package, test/browser), which vitest
 * may run at the same time in different processes; reused by later runs while nothing that goes
 * into the tarball changed.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { ensureDist, newestSourceMtime, oldestDistMtime, root, withLock } from './build.js';
import type { SmokeResult } from './fixtures/smoke.mjs';

const run = promisify(execFile);

/** The scratch project. */
export interface PackedProject {
  /** The project directory (has package.json and node_modules/erlangen). */
  dir: string;
  /** The tarball that was installed. */
  tarball: string;
  /** Whether an existing project was reused (then the timings are those of the run that built it). */
  reused: boolean;
  /** Seconds spent building dist/, packing and installing (0 when reused). */
  seconds: { build: number; pack: number; install: number };
}

/** Where the scratch project lives: in the system temp dir, so no node_modules above it can leak in. */
export const packedBase = join(tmpdir(), `erlangen-packed-${createHash('sha256').update(root).digest('hex').slice(0, 10)}`);

/**
 * The environment for npm in the scratch project: without the `npm_*` variables that an enclosing
 * `npm test` sets (npm_config_local_prefix would point the install at this repository).
 */
export function npmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_registry', 'npm_config_cafile']);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || keep.has(k.toLowerCase())) env[k] = v;
  return env;
}

/** What goes into the tarball, as modification times: a different key means repack. */
function packKey(): string {
  const files = ['package.json', 'README.md', join('bin', 'erlangen.js')].map((f) => statSync(join(root, f)).mtimeMs);
  return JSON.stringify({ root, src: newestSourceMtime(), dist: oldestDistMtime(), files });
}

const secondsSince = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

/**
 * The scratch project with the current erlangen packed and installed (built on first use; see the
 * module comment). Fails if the build, `npm pack` or `npm install` fails.
 */
export async function packedProject(): Promise<PackedProject> {
  const t0 = performance.now();
  await ensureDist();
  const build = secondsSince(t0);
  return withLock(`${packedBase}.lock`, async () => {
    const dir = join(packedBase, 'app');
    const stampFile = join(packedBase, 'stamp.json');
    const key = packKey();
    if (existsSync(stampFile)) {
      const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { key: string; tarball: string; seconds: PackedProject['seconds'] };
      if (stamp.key === key && existsSync(join(dir, 'node_modules', 'erlangen', 'package.json'))) {
        return { dir, tarball: stamp.tarball, reused: true, seconds: stamp.seconds };
      }
    }
    rmSync(packedBase, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });

    // dist/ was just checked to be current, so skip the `prepare` build that `npm pack` would run
    const t1 = performance.now();
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packedBase], {
      cwd: root, env: npmEnv(), maxBuffer: 1 << 26,
    });
    const tarball = join(packedBase, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
    const pack = secondsSince(t1);

    // erlangen's own `prepare` (the build) must not run: the tarball carries dist/
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'scratch', private: true, type: 'module', allowScripts: { erlangen: false } }, null, 2)}\n`);
    const t2 = performance.now();
    await run('npm', ['install', '--prefix', dir, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
      cwd: dir, env: npmEnv(), maxBuffer: 1 << 24,
    });
    const install = secondsSince(t2);
    const seconds = { build, pack, install };
    writeFileSync(stampFile, JSON.stringify({ key, tarball, seconds }));
    return { dir, tarball, reused: false, seconds };
  });
}

/**
 * The numbers the smoke workload (fixtures/smoke.mjs) must produce wherever it runs — plain node
 * from the tarball, or the Vite bundle in Chromium.
 */
export function expectSmokeWorkload(r: SmokeResult): void {
  expect(r.basisDim).toBe(1);
  expect(r.okVerdict).toBe('equivariant');
  expect(r.okWorst).toBeLessThan(1e-12);
  // the harness catches a non-equivariant layer
  expect(r.badOk).toBe(false);
  expect(r.badVerdict).toBe('not-equivariant');
  expect(r.badWorst).toBeGreaterThan(0.1);
  // 2V -> V fitted to 2u - v: the loss falls by more than six orders of magnitude
  expect(r.firstLoss).toBeGreaterThan(1);
  expect(r.finalLoss).toBeLessThan(1e-6);
  expect(r.matmulMaxAbsDiff).toBeLessThan(1e-3);
}
