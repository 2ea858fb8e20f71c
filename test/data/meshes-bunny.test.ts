import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bunnyMesh, decodeBase64 } from '../../src/data/index.js';
import { BUNNY_FACE_COUNT, BUNNY_VERTEX_COUNT } from '../../src/data/bunny-data.js';
import { checkMeshData } from '../../src/mesh/index.js';
import { ValueError } from '../../src/util/index.js';
import { expectClosedOriented } from '../mesh/mesh-checks.js';

const require = createRequire(import.meta.url);
const pkg = require('bunny') as { positions: number[][]; cells: number[][] };

describe('bunnyMesh', () => {
  it('equals the bunny package exactly (raw), and after the documented normalisation', () => {
    const raw = bunnyMesh({ normalize: false });
    checkMeshData(raw);
    expect(raw.positions.length / 3).toBe(pkg.positions.length);
    expect(BUNNY_VERTEX_COUNT).toBe(pkg.positions.length);
    expect(BUNNY_FACE_COUNT).toBe(pkg.cells.length);
    expect(Array.from(raw.positions)).toEqual(pkg.positions.flat());
    expect(Array.from(raw.faces)).toEqual(pkg.cells.flat());
    const m = bunnyMesh();
    const P = pkg.positions;
    const lo = [0, 1, 2].map((k) => Math.min(...P.map((p) => p[k]!))), hi = [0, 1, 2].map((k) => Math.max(...P.map((p) => p[k]!)));
    const c = [0, 1, 2].map((k) => (lo[k]! + hi[k]!) / 2);
    const rho = Math.max(...P.map((p) => Math.hypot(p[0]! - c[0]!, p[1]! - c[1]!, p[2]! - c[2]!)));
    expect(Array.from(m.positions)).toEqual(P.flatMap((p) => p.map((x, k) => (x - c[k]!) / rho)));
    let far = 0;
    for (let i = 0; i < m.positions.length; i += 3) far = Math.max(far, Math.hypot(m.positions[i]!, m.positions[i + 1]!, m.positions[i + 2]!));
    expect(far).toBeCloseTo(1, 14);
  });
  it('is closed, genus 0, counter-clockwise from outside (the package orientation), non-degenerate', () => {
    const r = expectClosedOriented(bunnyMesh(), 2, 1e-9);
    expect(r.V).toBe(1839);
    expect(r.F).toBe(3674);
    const s = bunnyMesh({ subdivisions: 1 });
    expect(expectClosedOriented(s, 2).V).toBe(1839 + r.E);
  });
  it('returns fresh arrays and rejects bad options', () => {
    const a = bunnyMesh();
    a.positions[0] = 99;
    expect(bunnyMesh().positions[0]).not.toBe(99);
    expect(() => bunnyMesh({ subdivisions: 4 })).toThrow(ValueError);
  });
  it('decodeBase64 decodes and rejects invalid input', () => {
    expect(Array.from(decodeBase64('AQID'))).toEqual([1, 2, 3]);
    expect(Array.from(decodeBase64('AQI='))).toEqual([1, 2]);
    expect(() => decodeBase64('A*ID')).toThrow(/invalid character/);
  });
  it('src/data/bunny-data.ts is what scripts/generate-bunny.mjs writes today', () => {
    const root = resolve(import.meta.dirname, '../..');
    const dir = mkdtempSync(join(tmpdir(), 'bunny-'));
    try {
      execFileSync(process.execPath, [join(root, 'scripts/generate-bunny.mjs'), join(dir, 'bunny-data.ts')], { cwd: root });
      const committed = readFileSync(join(root, 'src/data/bunny-data.ts'), 'utf8');
      expect(readFileSync(join(dir, 'bunny-data.ts'), 'utf8')).toBe(committed);
      expect(committed.length).toBeLessThan(150_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
