import { describe, expect, it } from 'vitest';
import { Tensor, ones, randn, tensor, zeros } from '../../src/tensor/index.js';
import { BatchNorm1d, Linear, MLP, Module, Parameter, ReLU, Sequential } from '../../src/nn/index.js';
import { DTypeError, ShapeError, ValueError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

class Affine extends Module {
  constructor(n: number) {
    super();
    this.registerParameter('scale', ones([n]));
    this.registerParameter('shift', zeros([n]));
    this.registerBuffer('count', zeros([1]));
  }
  forward(x: Tensor): Tensor {
    return x.mul(this.getParameter('scale')).add(this.getParameter('shift'));
  }
}

class Net extends Module {
  constructor(rng: Rng) {
    super();
    this.registerModule('encoder', new Sequential(new Linear(3, 4, { rng }), new ReLU(), new Linear(4, 2, { rng })));
    this.registerModule('head', new Affine(2));
  }
  forward(x: Tensor): Tensor {
    return (this.getModule('head') as Affine).call((this.getModule('encoder') as Sequential).call(x));
  }
}

describe('Module registration', () => {
  it('Parameter is a leaf sharing storage, requiring grad', () => {
    const t = randn(new Rng(0), [2, 2]);
    const p = new Parameter(t);
    expect(p).toBeInstanceOf(Tensor);
    expect(p.requiresGrad && p.isLeaf).toBe(true);
    expect(p.data).toBe(t.data);
    expect(() => new Parameter(tensor([1], { dtype: 'int32' }))).toThrow(DTypeError);
  });

  it('namedParameters, namedBuffers, children and namedModules use dotted names in order', () => {
    const net = new Net(new Rng(1));
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'encoder.0.weight', 'encoder.0.bias', 'encoder.2.weight', 'encoder.2.bias', 'head.scale', 'head.shift',
    ]);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['head.count']);
    expect(net.children().map((m) => m.constructor.name)).toEqual(['Sequential', 'Affine']);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', 'encoder', 'encoder.0', 'encoder.1', 'encoder.2', 'head']);
    expect(net.parameters().every((p) => p instanceof Parameter)).toBe(true);
    expect(net.numParameters()).toBe(3 * 4 + 4 + 4 * 2 + 2 + 2 + 2);
    expect(String(net)).toContain('Linear(inFeatures=3, outFeatures=4, bias=true)');
  });

  it('shared parameters and modules are listed once', () => {
    const rng = new Rng(2);
    const lin = new Linear(2, 2, { rng });
    const seq = new Sequential(lin, lin);
    expect(seq.parameters()).toHaveLength(2);
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias']);
  });

  it('rejects bad names and clashes', () => {
    const m = new Affine(2);
    expect(() => m.registerParameter('a.b', zeros([1]))).toThrow(ValueError);
    expect(() => m.registerBuffer('scale', zeros([1]))).toThrow(/already registered/);
    expect(() => m.getParameter('nope')).toThrow(ValueError);
  });

  it('train/eval propagate to all descendants', () => {
    const net = new Net(new Rng(3));
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
  });

  it('gradients reach every parameter; zeroGrad clears them; setRequiresGrad freezes', () => {
    const rng = new Rng(4);
    const net = new Net(rng);
    const x = randn(rng, [5, 3]);
    net.call(x).square().sum().backward();
    for (const [name, p] of net.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      expect(p.grad!.shape, name).toEqual(p.shape);
      expect(Array.from(p.grad!.data).some((v) => v !== 0), name).toBe(true);
    }
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    net.setRequiresGrad(false);
    expect(net.call(x).requiresGrad).toBe(false);
  });
});

describe('stateDict / loadStateDict', () => {
  it('round-trips parameters and buffers as copies', () => {
    const a = new MLP([3, 5, 2], { rng: new Rng(5) });
    const b = new MLP([3, 5, 2], { rng: new Rng(6) });
    const sd = a.stateDict();
    expect(Object.keys(sd)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(sd['0.weight']!.shape).toEqual([5, 3]);
    expect(sd['0.weight']!.data).toBeInstanceOf(Float32Array);
    expect(sd['0.weight']!.data).not.toBe(a.getModule('0').getParameter('weight').data);
    const x = randn(new Rng(7), [4, 3]);
    expect(b.call(x).toFlatArray()).not.toEqual(a.call(x).toFlatArray());
    const res = b.loadStateDict(sd);
    expect(res).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.call(x).toFlatArray()).toEqual(a.call(x).toFlatArray());
    sd['0.bias']!.data[0] = 123; // copies: the model is unaffected
    expect(a.stateDict()['0.bias']!.data[0]).not.toBe(123);
  });

  it('includes BatchNorm running statistics', () => {
    const bn = new BatchNorm1d(3);
    bn.call(randn(new Rng(8), [6, 3]));
    const bn2 = new BatchNorm1d(3);
    bn2.loadStateDict(bn.stateDict());
    expect(Array.from(bn2.runningMean!.data)).toEqual(Array.from(bn.runningMean!.data));
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'runningMean', 'runningVar']);
  });

  it('a shape mismatch raises ShapeError naming the key and both shapes, and writes nothing', () => {
    const a = new MLP([3, 5, 2], { rng: new Rng(9) });
    const b = new MLP([3, 4, 2], { rng: new Rng(10) });
    const before = b.stateDict();
    expect(() => b.loadStateDict(a.stateDict())).toThrow(ShapeError);
    expect(() => b.loadStateDict(a.stateDict())).toThrow("loadStateDict: shape mismatch for '0.weight': the state dict has [5,3], the module has [4,3]");
    expect(b.stateDict()).toEqual(before);
  });

  it('strict mode reports missing and unexpected keys; non-strict returns them', () => {
    const m = new MLP([2, 2], { rng: new Rng(11) });
    const sd = m.stateDict();
    const partial = { '0.weight': sd['0.weight']!, extra: sd['0.bias']! };
    expect(() => m.loadStateDict(partial)).toThrow(/missing: \[0\.bias\], unexpected: \[extra\]/);
    expect(m.loadStateDict(partial, { strict: false })).toEqual({ missingKeys: ['0.bias'], unexpectedKeys: ['extra'] });
  });

  it('accepts tensors and converts dtypes', () => {
    const m = new Linear(2, 1, { rng: new Rng(12), dtype: 'float64' });
    m.loadStateDict({ weight: tensor([[1, 2]]), bias: tensor([0.5]) });
    expect(m.call(tensor([[1, 1]], { dtype: 'float64' })).toFlatArray()).toEqual([3.5]);
  });
});

describe('loadStateDict: malformed input is a named error, never skipped', () => {
  const fresh = (): Linear => new Linear(2, 1, { rng: new Rng(13) });
  it('a state dict that is not an object is a ValueError', () => {
    for (const sd of [null, undefined, 3, 'weights', [1, 2]] as unknown[]) {
      expect(() => fresh().loadStateDict(sd as never)).toThrow(ValueError);
    }
    expect(() => fresh().loadStateDict(null as never)).toThrow(/Linear\.loadStateDict: expected an object .* got null/);
  });
  it('null / undefined / non-object entries are ValueErrors in strict and non-strict mode, and nothing is written', () => {
    for (const strict of [true, false]) {
      for (const bad of [null, undefined, 0, 'x']) {
        const m = fresh();
        const before = m.stateDict();
        const sd = { ...m.stateDict(), bias: bad } as never;
        expect(() => m.loadStateDict(sd, { strict })).toThrow(ValueError);
        expect(() => m.loadStateDict(sd, { strict })).toThrow(/entry 'bias'/);
        expect(m.stateDict()).toEqual(before);
      }
    }
  });
  it('entries without a valid shape or data are ValueErrors; wrong lengths ShapeErrors', () => {
    const m = fresh();
    const sd = m.stateDict();
    const w = sd.weight!;
    expect(() => m.loadStateDict({ ...sd, weight: { shape: 'oops', data: w.data } as never })).toThrow(/no valid shape/);
    expect(() => m.loadStateDict({ ...sd, weight: { shape: [1, -2], data: w.data } as never })).toThrow(ValueError);
    expect(() => m.loadStateDict({ ...sd, weight: { shape: [1, 2] } as never })).toThrow(/no valid data/);
    expect(() => m.loadStateDict({ ...sd, weight: { shape: [1, 2], data: ['a', 'b'] } as never })).toThrow(/no valid data/);
    expect(() => m.loadStateDict({ ...sd, weight: { shape: [1, 2], data: [1] } as never })).toThrow(ShapeError);
    m.loadStateDict({ ...sd, weight: { shape: [1, 2], data: [3, 4] } as never }); // plain arrays (from JSON) are fine
    expect(Array.from(m.getParameter('weight').data)).toEqual([3, 4]);
  });
  it('keys are own properties: a prototype name does not count as present', () => {
    class Proto extends Module {
      constructor() {
        super();
        this.registerParameter('constructor', zeros([1]));
      }
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new Proto();
    expect(() => m.loadStateDict({})).toThrow(/missing: \[constructor\]/);
    expect(m.loadStateDict({}, { strict: false })).toEqual({ missingKeys: ['constructor'], unexpectedKeys: [] });
  });
});

describe('toDType', () => {
  it('converts parameters and buffers; getters see the new tensors', () => {
    const rng = new Rng(13);
    const net = new Sequential(new Linear(3, 4, { rng }), new BatchNorm1d(4));
    const x = randn(new Rng(14), [5, 3]);
    const y32 = net.call(x);
    net.toDType('float64');
    expect(net.parameters().every((p) => p.dtype === 'float64' && p instanceof Parameter)).toBe(true);
    expect(net.buffers().every((b) => b.dtype === 'float64')).toBe(true);
    expect((net.at(0) as Linear).weight.dtype).toBe('float64');
    const y64 = net.call(x.cast('float64'));
    y64.toFlatArray().forEach((v, i) => expect(v).toBeCloseTo(y32.data[i]!, 4));
    expect(() => net.toDType('int32' as 'float32')).toThrow(DTypeError);
  });
});
