import { describe, expect, it } from 'vitest';
import { IndexError, ShapeError, ValueError } from '../../src/util/errors.js';
import { startsWithOp, thrown, throwsNamed } from './named-errors.js';

describe('the named-error test helpers fail on broken cases', () => {
  it('thrown: passes a fast throw, fails when nothing is thrown or the throw is slow', () => {
    expect(thrown(() => { throw new ValueError('x'); })).toBeInstanceOf(ValueError);
    expect(() => thrown(() => 1)).toThrow(/expected a throw/);
    expect(() => thrown(() => { const t = performance.now(); while (performance.now() - t < 30); throw new ValueError('slow'); }, 10)).toThrow();
  });
  it('throwsNamed: wrong class, a subclass name mismatch, a missing pattern and no throw all fail', () => {
    throwsNamed(() => { throw new IndexError('indexSelect: bad index'); }, IndexError, 'bad index', /^indexSelect:/);
    expect(() => throwsNamed(() => { throw new ShapeError('x'); }, IndexError)).toThrow();
    expect(() => throwsNamed(() => { throw new TypeError('x'); }, ValueError)).toThrow();
    expect(() => throwsNamed(() => { throw new IndexError('indexSelect: bad'); }, IndexError, 'other text')).toThrow();
    expect(() => throwsNamed(() => 1, ValueError)).toThrow();
    class Sub extends ValueError { override name = 'Sub'; }
    expect(() => throwsNamed(() => { throw new Sub('x'); }, ValueError)).toThrow(); // name 'Sub' ≠ 'ValueError'
  });
  it('startsWithOp: the message must begin with the op name', () => {
    startsWithOp(() => { throw new ValueError('stack: concat: dtypes differ'); }, ValueError, 'stack', 'dtypes differ');
    expect(() => startsWithOp(() => { throw new ValueError('concat: dtypes differ'); }, ValueError, 'stack')).toThrow();
    expect(() => startsWithOp(() => { throw new ValueError('Module.call: x'); }, ValueError, 'Module.call')).not.toThrow();
  });
});

describe('error names survive minification', () => {
  it('every error class carries its name as a literal, not from the (renameable) class name', async () => {
    const util = await import('../../src/util/errors.js');
    const testing = await import('../../src/testing/errors.js');
    const classes: [string, new (m: string) => Error][] = [
      ...Object.entries(util).filter(([k]) => k.endsWith('Error')),
      ...Object.entries(testing).filter(([k]) => k.endsWith('Error')),
    ] as [string, new (m: string) => Error][];
    expect(classes.length).toBeGreaterThanOrEqual(14);
    for (const [exported, C] of classes) {
      // a minifier renames the class: simulate by reading the name off an instance of a renamed subclass
      const Renamed = { [`x${exported.length}`]: class extends C {} }[`x${exported.length}`]!;
      expect(new C('m').name).toBe(exported);
      expect(new Renamed('m').name).toBe(exported);
    }
  });
});
