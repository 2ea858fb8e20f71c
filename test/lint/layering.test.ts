/**
 * The layering rule (docs/design/layering.md) is real: lint small snippets with the project's own
 * eslint.config.js and check which imports are reported.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The rule ids and messages ESLint reports for `code` as if it lived at `filePath`. */
async function lint(filePath: string, code: string): Promise<{ ruleId: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error('no lint result');
  return result.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

const layering = (msgs: { ruleId: string | null; message: string }[]) =>
  msgs.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax');

describe('layering lint rule', () => {
  it('reports src/group importing src/tensor', async () => {
    const msgs = layering(await lint('src/group/x.ts', "import { Tensor } from '../tensor/index.js';\nexport { Tensor };\n"));
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.message).toMatch(/src\/group must not import src\/tensor/);
  });

  it('allows src/group importing src/linalg and src/util', async () => {
    const code = "import { Rng } from '../util/index.js';\nimport * as la from '../linalg/index.js';\nexport { Rng, la };\n";
    expect(await lint('src/group/x.ts', code)).toEqual([]);
  });

  it('matches the depth of the file: ../tensor from a subfolder stays inside src/group', async () => {
    expect(layering(await lint('src/group/sub/x.ts', "export * as t from '../tensor/index.js';\n"))).toEqual([]);
    expect(layering(await lint('src/group/sub/x.ts', "import type { Tensor } from '../../tensor/index.js';\nexport type T = Tensor;\n"))).toHaveLength(1);
  });

  it('reports dynamic imports and import types too', async () => {
    const code = "export const t = await import('../group/index.js');\nexport type R = import('../rep/index.js').Rep;\n";
    expect(layering(await lint('src/tensor/x.ts', code))).toHaveLength(2);
  });

  it('keeps src/testing out of src, except for src/cli', async () => {
    const code = "import { assertEquivariant } from '../testing/index.js';\nexport { assertEquivariant };\n";
    expect(layering(await lint('src/nn/x.ts', code))).toHaveLength(1);
    expect(await lint('src/cli/x.ts', code)).toEqual([]);
  });

  it('allows three only in src/io and gpu.js only in src/backend/gpu*', async () => {
    const three = "import { OBJLoader } from 'three/addons/loaders/OBJLoader.js';\nexport { OBJLoader };\n";
    const gpu = "import { GPU } from 'gpu.js';\nexport { GPU };\n";
    expect(layering(await lint('src/mesh/x.ts', three))).toHaveLength(1);
    expect(await lint('src/io/x.ts', three)).toEqual([]);
    expect(layering(await lint('src/backend/js/x.ts', gpu))).toHaveLength(1);
    expect(await lint('src/backend/gpu.ts', gpu)).toEqual([]);
    expect(await lint('src/backend/gpu/kernels.ts', gpu)).toEqual([]);
  });

  it('bans Math.random in src but not in tests', async () => {
    const code = 'export const u = Math.random();\n';
    expect((await lint('src/util/x.ts', code)).map((m) => m.ruleId)).toEqual(['no-restricted-properties']);
    expect(await lint('test/util/x.test.ts', code)).toEqual([]);
  });

  it('grid may import tensor, nn, rep, solver, group, linalg, util, but not graph, mesh, io or testing', async () => {
    const ok = "import type { Rep } from '../rep/index.js';\nimport { Tensor } from '../tensor/index.js';\nimport { Linear } from '../nn/index.js';\nimport { det } from '../linalg/index.js';\nimport { equivariantBasis } from '../solver/index.js';\nexport { Tensor, Linear, det, equivariantBasis };\nexport type R = Rep;\n";
    expect(await lint('src/grid/x.ts', ok)).toEqual([]);
    for (const m of ['graph', 'mesh', 'io', 'testing', 'data']) {
      const msgs = layering(await lint('src/grid/x.ts', `import { x } from '../${m}/index.js';\nexport { x };\n`));
      expect(msgs, m).toHaveLength(1);
      expect(msgs[0]!.message).toMatch(new RegExp(`src/grid must not import src/${m}`));
    }
    expect(layering(await lint('src/grid/sub/x.ts', "import { x } from '../../graph/index.js';\nexport { x };\n"))).toHaveLength(1);
    expect(layering(await lint('src/grid/x.ts', "import * as THREE from 'three';\nexport { THREE };\n"))).toHaveLength(1);
  });

  it('mesh may import graph, nn, tensor, rep, solver, group, linalg, util, but not data, io, optim, grid or testing', async () => {
    const ok = "import { GraphsTuple } from '../graph/index.js';\nimport { O } from '../group/index.js';\nimport { det } from '../linalg/index.js';\nimport { equivariantBasis } from '../solver/index.js';\nexport { GraphsTuple, O, det, equivariantBasis };\n";
    expect(await lint('src/mesh/x.ts', ok)).toEqual([]);
    for (const m of ['data', 'io', 'optim', 'grid', 'testing']) {
      const msgs = layering(await lint('src/mesh/x.ts', `import { x } from '../${m}/index.js';\nexport { x };\n`));
      expect(msgs, m).toHaveLength(1);
      expect(msgs[0]!.message).toMatch(new RegExp(`src/mesh must not import src/${m}`));
    }
  });

  it('io may import mesh, graph, nn, optim, tensor, util and three, but not group, rep, data, grid or testing', async () => {
    const ok = "import { Adam } from '../optim/index.js';\nimport { GraphsTuple } from '../graph/index.js';\nimport { Module } from '../nn/index.js';\nimport * as THREE from 'three';\nexport { Adam, GraphsTuple, Module, THREE };\n";
    expect(await lint('src/io/x.ts', ok)).toEqual([]);
    for (const m of ['group', 'rep', 'data', 'grid', 'testing']) {
      const msgs = layering(await lint('src/io/x.ts', `import { x } from '../${m}/index.js';\nexport { x };\n`));
      expect(msgs, m).toHaveLength(1);
      expect(msgs[0]!.message).toMatch(new RegExp(`src/io must not import src/${m}`));
    }
  });

  it('graph (with its actions) may not import rep, group, grid, mesh or testing', async () => {
    for (const m of ['rep', 'group', 'grid', 'mesh', 'testing']) {
      expect(layering(await lint('src/graph/action.ts', `import { x } from '../${m}/index.js';\nexport { x };\n`)), m).toHaveLength(1);
    }
  });
});
