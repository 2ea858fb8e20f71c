import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/basis.js';

function capture(): { io: { out(t: string): void; err(t: string): void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => void out.push(t), err: (t) => void err.push(t) }, out, err };
}

describe('erlangen basis', () => {
  it('--json prints group, in, out, dim, gap, ms', async () => {
    const c = capture();
    expect(await run(['--group', 'SO(3)', '--in', 'V^2', '--out', 'V', '--json'], c.io)).toBe(0);
    const r = JSON.parse(c.out.join('')) as Record<string, unknown>;
    expect(Object.keys(r)).toEqual(['group', 'in', 'out', 'dim', 'gap', 'ms']);
    expect(r.dim).toBe(1);
  });
  it('accepts a spec string and explains empty bases', async () => {
    const c = capture();
    expect(await run(['O(3): V -> Scalar'], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/dim 0[\s\S]*no equivariant linear map exists/);
  });
  it('--batch answers one line per input line, in order, and fails on bad lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'erl-basis-'));
    const file = join(dir, 'b.jsonl');
    writeFileSync(file, ['{"group":"S(6)","in":"V^2","out":"V^2"}', '{"group":"Z(6)","in":"V","out":"V"}', '{"group":"Nope","in":"V","out":"V"}', ''].join('\n'));
    const c = capture();
    expect(await run(['--batch', file], c.io)).toBe(1);
    const lines = c.out.join('').trim().split('\n').map((l) => JSON.parse(l) as { dim?: number; error?: string });
    expect(lines.map((l) => l.dim)).toEqual([15, 6, undefined]);
    expect(lines[2]!.error).toMatch(/ParseError/);
  });
  it('usage errors exit 2', async () => {
    const c = capture();
    expect(await run(['--group', 'SO(3)'], c.io)).toBe(2);
    expect(await run(['--bogus'], c.io)).toBe(2);
    expect(await run(['--group', 'SO(3)', '--in', 'W', '--out', 'V'], c.io)).toBe(1);
  });
});
