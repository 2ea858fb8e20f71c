/**
 * The guides' code must run: every ```ts block of the listed guides is executed as its own module
 * (imports of 'erlangen' resolve to this checkout's src/ through the alias in vitest.config.ts; relative '../../src/'
 * imports are rewritten to this checkout). Guide 4 has its own test (test/graph/guide.test.ts).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const tmp = join(root, '.tmp-docs');
const guides = ['01-quickstart.md', '02-groups-and-reps.md', '03-equivariant-mlps.md', '05-saving-and-loading.md', '06-grids.md', '07-meshes.md', '08-performance.md', '10-recurrent.md', '11-known-operators.md', '12-capsules.md', '13-spiking.md', '14-memory-networks.md', '15-energy-based.md', '16-irreps-and-point-clouds.md', 'harness.md'];

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(guides)('docs/guide/%s', (guide) => {
  const md = readFileSync(join(root, 'docs/guide', guide), 'utf8');
  const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  it('has code blocks', () => expect(blocks.length).toBeGreaterThan(0));
  it.each(blocks.map((b, i) => [i, b] as const))('block %i runs', async (i, block) => {
    mkdirSync(tmp, { recursive: true });
    const file = join(tmp, `${guide.replace('.md', '')}-${i}.ts`);
    writeFileSync(file, block.replaceAll("'../../src/", `'${root}/src/`));
    const logs: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a.map(String).join(' ')));
    try {
      await import(pathToFileURL(file).href);
    } finally {
      spy.mockRestore();
    }
    for (const line of logs) expect(line).not.toMatch(/^false$/);
  }, 60_000);
});
