/**
 * Shared assertions for the bad-input tests: the error is a named erlangen error class, its
 * message names the function the user called, and it is thrown fast (before anything large is
 * allocated). test/helpers/named-errors.test.ts checks that each of them fails on a broken case.
 */
import { expect } from 'vitest';
import type { ErlangenError } from '../../src/util/errors.js';

/** An erlangen error class. */
export type ErrorClass = abstract new (message: string) => ErlangenError;

/** Run `f` and return the error it throws; fails when it returns normally or takes `maxMs` or longer. */
export function thrown(f: () => unknown, maxMs = 1000): Error {
  const t0 = performance.now();
  try {
    f();
  } catch (e) {
    expect(performance.now() - t0).toBeLessThan(maxMs);
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** `fn` throws an instance of `cls` (checked by class and by name) whose message contains / matches every pattern. */
export function throwsNamed(fn: () => unknown, cls: ErrorClass, ...patterns: (string | RegExp)[]): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').toBeInstanceOf(cls);
  const e = err as Error;
  expect(e.name).toBe(cls.name);
  for (const p of patterns) {
    if (typeof p === 'string') expect(e.message).toContain(p);
    else expect(e.message).toMatch(p);
  }
}

/** Like {@link throwsNamed}, and the message starts with `op:` — the function the user called. */
export function startsWithOp(fn: () => unknown, cls: ErrorClass, op: string, ...patterns: (string | RegExp)[]): void {
  throwsNamed(fn, cls, new RegExp(`^${op.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`), ...patterns);
}
