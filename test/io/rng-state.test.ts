/** Rng.getState / setState / fromState, and the browser-safety of src/io's imports. */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/rng.js';
import { ValueError } from '../../src/util/errors.js';

describe('Rng state', () => {
  it('continues the exact stream, including a cached normal sample', () => {
    const a = new Rng(123);
    a.uniform();
    a.normal(); // caches the second Box–Muller value
    const s = a.getState();
    expect(s.spare).not.toBeNull();
    const ref = [a.normal(), a.normal(), a.uniform(), a.nextUint32(), a.int(1000)];
    const b = Rng.fromState(s);
    expect([b.normal(), b.normal(), b.uniform(), b.nextUint32(), b.int(1000)]).toEqual(ref);
    const c = new Rng(9);
    c.setState(s);
    expect([c.normal(), c.normal(), c.uniform(), c.nextUint32(), c.int(1000)]).toEqual(ref);
  });

  it('without the spare the stream differs (the spare is part of the state)', () => {
    const a = new Rng(5);
    a.normal();
    const s = a.getState();
    const b = Rng.fromState({ s: s.s, spare: null });
    expect(b.normal()).not.toBe(Rng.fromState(s).normal());
  });

  it('state words are unsigned 32-bit and JSON round-trips', () => {
    const a = new Rng(-1);
    for (let i = 0; i < 10; i++) a.nextUint32();
    const s = a.getState();
    for (const w of s.s) expect(Number.isInteger(w) && w >= 0 && w < 2 ** 32).toBe(true);
    const b = Rng.fromState(JSON.parse(JSON.stringify(s)));
    expect(b.nextUint32()).toBe(a.nextUint32());
  });

  it('rejects invalid states without changing the generator', () => {
    const a = new Rng(1);
    const before = a.getState();
    const bad: unknown[] = [
      { s: [0, 0, 0, 0], spare: null },
      { s: [1, 2, 3], spare: null },
      { s: [1, 2, 3, 2 ** 32], spare: null },
      { s: [1, 2, 3, -1], spare: null },
      { s: [1, 2, 3, 0.5], spare: null },
      { s: [1, 2, 3, 4], spare: NaN },
      { s: [1, 2, 3, 4], spare: '1' },
      { s: 'abcd', spare: null },
      null,
    ];
    for (const st of bad) expect(() => a.setState(st as never), JSON.stringify(st)).toThrow(ValueError);
    expect(a.getState()).toEqual(before);
  });
});

describe('src/io in the browser', () => {
  it('reaches Node built-ins only through process.getBuiltinModule (no node:* import that a bundler would follow)', () => {
    const dir = resolve(import.meta.dirname, '../../src/io');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const src = readFileSync(join(dir, f), 'utf8');
      for (const line of src.split('\n')) {
        if (/\bimport\b[^;]*['"]node:/.test(line)) expect(line, f).toMatch(/^import type /);
        expect(line, f).not.toMatch(/import\(\s*['"]node:/);
        expect(line, f).not.toMatch(/\brequire\(/);
      }
    }
  });
});
