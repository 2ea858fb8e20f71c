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

  it('--batch reports null, non-object and non-JSON lines with their line number and goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'erl-basis-'));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, ['null', '{"group":"Z(3)","in":"V","out":"V"}', '42', '["S(3)","V","V"]', '"text"', '{nope', '', '{"group":"S(3)","in":"V","out":"V"}'].join('\n'));
    const c = capture();
    expect(await run(['--batch', file], c.io)).toBe(1);
    const lines = c.out.join('').trim().split('\n').map((l) => JSON.parse(l) as { line?: number; dim?: number; error?: string });
    expect(lines.map((l) => l.line ?? l.dim)).toEqual([1, 3, 3, 4, 5, 6, 2]);
    expect(lines[0]!.error).toMatch(/^line 1: expected an object .* got null$/);
    expect(lines[2]!.error).toMatch(/got a number/);
    expect(lines[3]!.error).toMatch(/got an array/);
    expect(lines[5]!.error).toMatch(/^line 6: not JSON/);
    expect(lines[6]!.dim).toBe(2); // the last line still ran
  });
  it('--batch accepts a UTF-8 BOM and CRLF line ends, and exits 0 when every line succeeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'erl-basis-'));
    const file = join(dir, 'bom.jsonl');
    writeFileSync(file, '\uFEFF{"group":"S(3)","in":"V","out":"V"}\r\n{"group":"Z(4)","in":"V","out":"V"}\r\n');
    const c = capture();
    expect(await run(['--batch', file], c.io)).toBe(0);
    expect(c.out.join('').trim().split('\n').map((l) => (JSON.parse(l) as { dim: number }).dim)).toEqual([2, 4]);
  });
  it('a spec that conflicts with --group/--in/--out is a usage error; a repeating flag is accepted', async () => {
    let c = capture();
    expect(await run(['SO(3): V -> V', '--group', 'O(3)'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/gives group 'SO\(3\)' but --group gives 'O\(3\)'/);
    c = capture();
    expect(await run(['SO(3): V -> V', '--out', 'V^2'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/--out/);
    c = capture();
    expect(await run(['SO(3): V -> V', '--group', 'SO(3)', '--json'], c.io)).toBe(0);
    expect((JSON.parse(c.out.join('')) as { dim: number }).dim).toBe(1);
  });
  it('--batch with a spec or flags, a repeated flag, a second spec, and a BOM in a spec argument', async () => {
    const c = capture();
    expect(await run(['--batch', 'x.jsonl', '--group', 'SO(3)'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/cannot be combined with --group/);
    expect(await run(['--group', 'SO(3)', '--group', 'O(3)', '--in', 'V', '--out', 'V'], c.io)).toBe(2);
    expect(await run(['SO(3): V -> V', 'O(3): V -> V'], c.io)).toBe(2);
    const ok = capture();
    expect(await run(['\uFEFFSO(3): V -> V', '--json'], ok.io)).toBe(0);
  });
  it('oversized and prototype-named specs fail with a named error, exit 1', async () => {
    const c = capture();
    expect(await run(['--group', 'P4(2147483648)', '--in', 'V', '--out', 'V'], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/SizeError: parseGroup/);
    expect(await run(['--group', 'constructor', '--in', 'V', '--out', 'V'], c.io)).toBe(1);
    expect(await run(['--group', 'SO(3)', '--in', 'V^40', '--out', 'V'], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/ParseError: parseGroup: unknown group "constructor"/);
    expect(c.err.join('')).toMatch(/SizeError: parseRep\("V\^40"\)/);
  });
});
