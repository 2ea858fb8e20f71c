/**
 * readMesh / writeMesh on disk (Node): format from the extension, atomic writes, named errors that
 * name `readMesh(<format>)` / `writeMesh(<format>)` and the path; and the layering promise that the
 * package root never reaches three.js (only `erlangen/three` does).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { FormatError, IndexError, SizeError, ValueError } from '../../src/util/errors.js';
import { readMesh, writeMesh, meshFormatOf, parseMesh } from '../../src/three/index.js';
import { bunny, faceKeys, glbBytes, stlBinary, tetra } from './mesh-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'erlangen-mesh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readMesh / writeMesh', () => {
  test('write OBJ and PLY (ascii, binary) and read them back; no temporary files left', async () => {
    const m = bunny();
    await writeMesh(join(dir, 'b.obj'), m);
    await writeMesh(join(dir, 'b.ply'), m);
    await writeMesh(join(dir, 'bb.ply'), m, { plyFormat: 'binary_little_endian' });
    for (const f of ['b.obj', 'b.ply', 'bb.ply']) expect(faceKeys(await readMesh(join(dir, f)))).toEqual(faceKeys(m));
    expect(readFileSync(join(dir, 'bb.ply')).subarray(0, 40).toString('latin1')).toContain('binary_little_endian');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('reads STL and GLB by extension, other names with options.format', async () => {
    writeFileSync(join(dir, 't.stl'), stlBinary(tetra()));
    writeFileSync(join(dir, 't.GLB'), glbBytes(tetra()));
    writeFileSync(join(dir, 't.mesh'), glbBytes(tetra()));
    expect((await readMesh(join(dir, 't.stl'))).faces.length).toBe(12);
    expect((await readMesh(join(dir, 't.GLB'))).faces.length).toBe(12);
    expect((await readMesh(join(dir, 't.mesh'), { format: 'glb' })).faces.length).toBe(12);
    expect(meshFormatOf('a/b.Off')).toBe('off');
    expect(meshFormatOf('a/b.txt')).toBeUndefined();
  });

  test('errors name readMesh(<format>) and the path; writeMesh checks format and mesh', async () => {
    await expect(readMesh(join(dir, 't.mesh'))).rejects.toThrow(ValueError);
    await expect(readMesh(join(dir, 'missing.ply'))).rejects.toThrow(/^readMesh\(ply\): cannot read/);
    writeFileSync(join(dir, 'bad.off'), 'OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 5\n');
    const e = await readMesh(join(dir, 'bad.off')).catch((x: Error) => x);
    expect(e).toBeInstanceOf(IndexError);
    expect((e as Error).message).toMatch(/^readMesh\(off\): line 6: face 0 uses vertex 5.*bad\.off/);
    writeFileSync(join(dir, 'short.stl'), new Uint8Array(10));
    await expect(readMesh(join(dir, 'short.stl'))).rejects.toThrow(FormatError);
    await expect(writeMesh(join(dir, 'x.stl'), tetra())).rejects.toThrow(/^writeMesh: can write obj or ply/);
    await expect(writeMesh(join(dir, 'x.ply'), { positions: new Float64Array(3), faces: Int32Array.from([0, 0, 4]) })).rejects.toThrow(/^writeMesh\(ply\):/);
    expect(readdirSync(dir)).not.toContain('x.ply');
  });

  test('a PLY header claiming 2^40 vertices is a SizeError through readMesh too', async () => {
    writeFileSync(join(dir, 'huge.ply'), 'ply\nformat binary_little_endian 1.0\nelement vertex 1099511627776\nproperty float x\nproperty float y\nproperty float z\nend_header\n');
    await expect(readMesh(join(dir, 'huge.ply'))).rejects.toThrow(SizeError);
  });

  test('the erlangen/three subpath (vitest alias to src/three/index.ts) exposes the same functions', async () => {
    const spec = 'erlangen/three';
    const Three = (await import(/* @vite-ignore */ spec)) as typeof import('../../src/three/index.js');
    expect(Three.parseMesh).toBe(parseMesh);
    expect(Three.readMesh).toBe(readMesh);
  });
});

describe('layering: the package root does not reach three.js', () => {
  test('no file reachable from src/index.ts imports three (erlangen/three does)', () => {
    const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
    const reach = (entry: string): { files: Set<string>; three: string[] } => {
      const files = new Set<string>();
      const three: string[] = [];
      const stack = [entry];
      while (stack.length) {
        const f = stack.pop()!;
        if (files.has(f)) continue;
        files.add(f);
        const text = readFileSync(f, 'utf8');
        for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
          const spec = m[1]!;
          if (/^three(?:\/|$)/.test(spec)) three.push(f);
          if (spec.startsWith('.')) stack.push(resolve(dirname(f), spec).replace(/\.js$/, '.ts'));
        }
      }
      return { files, three };
    };
    const root = reach(join(src, 'index.ts'));
    expect(root.files.size).toBeGreaterThan(50);
    expect(root.three).toEqual([]);
    expect(reach(join(src, 'three/index.ts')).three.length).toBeGreaterThan(0);
  });
});
