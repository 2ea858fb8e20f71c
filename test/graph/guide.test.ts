import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '../..');

describe('docs/guide/04-graphs-and-sets.md', () => {
  it('its code blocks run in order as one module', async () => {
    const md = readFileSync(join(root, 'docs/guide/04-graphs-and-sets.md'), 'utf8');
    const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const src = blocks.join('\n').replaceAll("'…/", `'${root}/src/`).replaceAll("'graphology", `'${root}/node_modules/graphology`);
    const dir = mkdtempSync(join(tmpdir(), 'erlangen-guide-'));
    const file = join(dir, 'guide04.ts');
    writeFileSync(file, src);
    const logs: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { logs.push(a.map(String).join(' ')); });
    try {
      await import(pathToFileURL(file).href);
    } finally {
      spy.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(logs).toContain('GraphsTuple(G=2, N=5, E=3)');
    expect(logs).toContain('2,3');
    expect(logs).toContain('34 156');
    expect(logs).toContain('17');
    expect(logs.some((l) => /^accuracy \d+\/34$/.test(l))).toBe(true);
    expect(logs.filter((l) => l === 'true')).toHaveLength(4); // EGNN E(3), two set models, gpu.js == cpu
    expect(logs).toContain('{"gpu":1,"fallback":0}');
  });
});
