/**
 * Test helpers that need the compiled package: {@link ensureDist} rebuilds `dist/` when it is older
 * than the sources (so a test never exercises a stale build), and {@link withLock} serialises work
 * shared by test files that vitest runs in parallel processes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository root. */
export const root = fileURLToPath(new URL('../../', import.meta.url));

const run = promisify(execFile);

/** Visit every file and directory below `dir` (directories too: a deleted file changes its directory's mtime). */
function walk(dir: string, visit: (path: string, mtimeMs: number, isDir: boolean) => void): void {
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    const st = statSync(p);
    visit(p, st.mtimeMs, ent.isDirectory());
    if (ent.isDirectory()) walk(p, visit);
  }
}

/** The newest modification time among the inputs of `npm run build` (src/ and the tsconfigs). */
export function newestSourceMtime(): number {
  let newest = statSync(join(root, 'src')).mtimeMs;
  walk(join(root, 'src'), (_p, m) => void (newest = Math.max(newest, m)));
  for (const f of ['tsconfig.json', 'tsconfig.build.json']) newest = Math.max(newest, statSync(join(root, f)).mtimeMs);
  return newest;
}

/** The oldest modification time of a file in dist/ (null when dist/ is missing or has no entry point). */
export function oldestDistMtime(): number | null {
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'index.js')) || !existsSync(join(dist, 'cli', 'main.js'))) return null;
  let oldest = Infinity;
  walk(dist, (_p, m, isDir) => void (isDir || (oldest = Math.min(oldest, m))));
  return oldest;
}

/** Whether dist/ exists and every file in it is newer than every source. */
export function distIsFresh(): boolean {
  const oldest = oldestDistMtime();
  return oldest !== null && oldest >= newestSourceMtime();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Run `fn` while holding the lock directory `lockDir` (mkdir is atomic), waiting for another
 * process that holds it. A lock older than `staleMs` is taken to be left over by a killed run.
 */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, staleMs = 10 * 60_000): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > staleMs) rmSync(lockDir, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Make sure dist/ is the build of the current sources: if it is missing or older than a source
 * file, run `npm run build` (once, even when several test files ask at the same time). Returns
 * whether it built.
 */
export async function ensureDist(): Promise<boolean> {
  if (distIsFresh()) return false;
  mkdirSync(join(root, '.tmp'), { recursive: true });
  return withLock(join(root, '.tmp', 'dist-build.lock'), async () => {
    if (distIsFresh()) return false; // built by the process we waited for
    await run('npm', ['run', '-s', 'build'], { cwd: root, maxBuffer: 1 << 24 });
    if (!distIsFresh()) throw new Error('npm run build finished but dist/ is still older than src/');
    return true;
  });
}
