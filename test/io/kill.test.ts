/**
 * Atomic writes under SIGKILL: a child process saves a 32 MB file over and over onto a valid one; the
 * parent kills it at seeded random moments. After every kill the target must load and hold exactly
 * one complete version (the old one or a newer one), never a mix or a torn file; stray temporary
 * files must not disturb `load` and are removed by the next successful save.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { load, save } from '../../src/io/index.js';
import { Rng } from '../../src/util/rng.js';
import { fillVersion } from './kill-child.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'erlangen-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MB = 32;
const N = (MB * 1024 * 1024) / 4;
const target = join(dir, 'ckpt.safetensors');
const isTemp = (f: string) => /^\.ckpt\.safetensors\.[A-Za-z0-9-]+\.\d+\.\d+\.tmp$/.test(f);

async function checkTarget(): Promise<number> {
  const { tensors, metadata } = await load(target);
  const v = Number(metadata.version);
  expect(tensors.version!.data[0]).toBe(v);
  const big = tensors.big!.data as Float32Array;
  expect(big.length).toBe(N);
  const want = new Float32Array(N);
  fillVersion(want, v);
  let bad = 0;
  for (let i = 0; i < N; i++) if (big[i] !== want[i]) bad++;
  expect(bad, `version ${v}: ${bad} values of another version`).toBe(0);
  return v;
}

it('SIGKILL at seeded random moments never leaves a torn or mixed file', async () => {
  const init = new Float32Array(N);
  fillVersion(init, 0);
  await save(target, { big: { shape: [N], data: init }, version: { shape: [], data: new Int32Array([0]) } }, { metadata: { version: '0' } });

  const rng = new Rng(20260101);
  const rounds: { mode: string; waitBegins: number; delayMs: number; lastLine: string; loaded: number; newTemps: number }[] = [];
  for (let r = 0; r < 6; r++) {
    const before = await checkTarget();
    // even rounds: kill a seeded time after a seeded number of saves began (anywhere in the loop);
    // odd rounds: kill a seeded time after the temporary file appeared (inside the write)
    const mode = r % 2 === 0 ? 'after-begin' : 'after-temp';
    const waitBegins = 1 + rng.int(3);
    const delayMs = Math.round(rng.uniform() * (mode === 'after-begin' ? 400 : 120));
    const tempsBefore = new Set(readdirSync(dir).filter(isTemp));
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/io/kill-child.ts'), target, String(before), String(MB)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let stderr = '';
    let exitedEarly: Error | null = null;
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    child.on('exit', (code) => (exitedEarly ??= new Error(`child exited (${code}): ${stderr}`)));
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += String(d);
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
    });
    const until = async (cond: () => boolean) => {
      while (!cond()) {
        if (exitedEarly) throw exitedEarly;
        await new Promise((res) => setTimeout(res, 2));
      }
    };
    await until(() => lines.filter((l) => l.startsWith('begin')).length >= waitBegins);
    if (mode === 'after-temp') await until(() => readdirSync(dir).some((f) => isTemp(f) && !tempsBefore.has(f)));
    await new Promise((res) => setTimeout(res, delayMs));
    if (exitedEarly) throw exitedEarly;
    child.kill('SIGKILL');
    await exited;
    const loaded = await checkTarget();
    const begun = lines.filter((l) => l.startsWith('begin')).map((l) => Number(l.slice(6)));
    const done = lines.filter((l) => l.startsWith('done')).map((l) => Number(l.slice(5)));
    const lastDone = done.length ? Math.max(...done) : before;
    // the file holds the newest completed version, or the one being written if its rename happened
    expect(loaded).toBeGreaterThanOrEqual(lastDone);
    expect(loaded).toBeLessThanOrEqual(Math.max(...begun));
    rounds.push({ mode, waitBegins, delayMs, lastLine: lines.at(-1) ?? '', loaded, newTemps: readdirSync(dir).filter((f) => isTemp(f) && !tempsBefore.has(f)).length });
    // nothing but the target and temporaries of killed writers
    expect(readdirSync(dir).filter((f) => f !== 'ckpt.safetensors' && !isTemp(f))).toEqual([]);
  }
  console.log(`kill rounds: ${JSON.stringify(rounds)}`);
  // the kills did land in the middle of writes (a torn target was possible, and did not happen)
  expect(rounds.some((r) => r.lastLine.startsWith('begin'))).toBe(true);
  expect(rounds.some((r) => r.mode === 'after-temp' && r.newTemps > 0)).toBe(true); // a half-written temporary was left behind

  // the next successful save removes the temporaries of the dead writers
  await save(target, { big: { shape: [N], data: init }, version: { shape: [], data: new Int32Array([0]) } }, { metadata: { version: '0' } });
  expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
  expect(await checkTarget()).toBe(0);
}, 300_000);
