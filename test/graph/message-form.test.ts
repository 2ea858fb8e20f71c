import { describe, expect, it } from 'vitest';
import { Tensor, randn } from '../../src/tensor/index.js';
import { GraphsTuple, MessagePassing } from '../../src/graph/index.js';
import type { MessageContext, WeightedMessage } from '../../src/graph/index.js';
import { GATConv, GCNConv, GINConv, GINEConv, TransformerConv } from '../../src/graph/conv/index.js';
import { MLP } from '../../src/nn/index.js';
import { Rng } from '../../src/util/rng.js';

const graph = new GraphsTuple({ senders: [0, 2, 3, 0, 1, 3, 4, 4], receivers: [1, 1, 1, 2, 0, 0, 3, 2], numNodes: 5 });

function maxDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

/** Values and input gradients of `layer` on `x`, with the fused kernels on or off. */
function run(layer: MessagePassing, x: Tensor, fuse: boolean): { y: Tensor; g: Tensor; pg: Tensor[] } {
  layer.fusedKernels = fuse;
  layer.zeroGrad();
  const xi = x.detach().requireGrad();
  const y = (layer as unknown as { call(g: GraphsTuple, x: Tensor): Tensor }).call(graph, xi);
  y.square().sum().backward();
  return { y: y.detach(), g: xi.grad!, pg: layer.parameters().map((p) => p.grad!) };
}

describe('MessagePassing: explicit message forms', () => {
  it('classifies the built-in layers', () => {
    const rng = new Rng(0);
    expect(new GCNConv(3, 4, { rng }).messageForm).toBe('weighted');
    expect(new GATConv(3, 4, { rng }).messageForm).toBe('weighted');
    expect(new TransformerConv(3, 4, { rng }).messageForm).toBe('weighted'); // declares both in one class: weightedMessage first, message when it returns null
    expect(new GINConv(new MLP([3, 4], { rng }), {}).messageForm).toBe('gather'); // GIN aggregates x_j itself
    expect(new GINEConv(new MLP([3, 4], { rng }), {}).messageForm).toBe('message');
    class Plain extends MessagePassing { forward(g: GraphsTuple, x: Tensor): Tensor { return this.propagate(g, { x }); } }
    expect(new Plain().messageForm).toBe('gather');
  });

  it('an overridden message below a weightedMessage declaration is called, never bypassed', () => {
    const rng = new Rng(1);
    let calls = 0;
    class DoubledGCN extends GCNConv {
      override message(ctx: MessageContext): Tensor {
        calls++;
        return super.message(ctx).mul(2);
      }
    }
    const a = new GCNConv(3, 4, { rng: new Rng(7), dtype: 'float64', bias: false });
    const b = new DoubledGCN(3, 4, { rng: new Rng(7), dtype: 'float64', bias: false });
    expect(b.messageForm).toBe('message');
    const x = randn(rng, [5, 3], { dtype: 'float64' });
    const ya = a.call(graph, x), yb = b.call(graph, x);
    expect(calls).toBe(1);
    expect(maxDiff(yb, ya.mul(2))).toBeLessThan(1e-14);
  });

  it('a subclass declaring weightedMessage below an overridden message chooses the fused form', () => {
    class Base extends MessagePassing {
      forward(g: GraphsTuple, x: Tensor): Tensor { return this.propagate(g, { x }, { edgeInputs: { w: randn(new Rng(3), [g.numEdges], { dtype: 'float64' }) } }); }
      override message(ctx: MessageContext): Tensor { return ctx.xSender('x').mul(ctx.edge('w').reshape([ctx.numEdges, 1])); }
    }
    class Fused extends Base {
      override weightedMessage(ctx: MessageContext): WeightedMessage { return { input: 'x', weight: ctx.edge('w') }; }
    }
    expect(new Base().messageForm).toBe('message');
    const f = new Fused();
    expect(f.messageForm).toBe('weighted');
    const x = randn(new Rng(4), [5, 2], { dtype: 'float64' });
    expect(maxDiff(f.call(graph, x), new Base().call(graph, x))).toBeLessThan(1e-14);
  });

  for (const [name, make] of [
    ['GCNConv', () => new GCNConv(3, 4, { rng: new Rng(2), dtype: 'float64' })],
    ['GATConv', () => new GATConv(3, 2, { rng: new Rng(2), dtype: 'float64', heads: 2 })],
    ['TransformerConv', () => new TransformerConv(3, 2, { rng: new Rng(2), dtype: 'float64', heads: 2 })],
    ['gather (default message)', () => new (class extends MessagePassing { forward(g: GraphsTuple, x: Tensor): Tensor { return this.propagate(g, { x }); } })()],
  ] as [string, () => MessagePassing][]) {
    it(`${name}: the fused path equals the plain one (values and gradients, float64)`, () => {
      const layer = make();
      const x = randn(new Rng(5), [5, 3], { dtype: 'float64' });
      const fused = run(layer, x, true), plain = run(layer, x, false);
      expect(maxDiff(fused.y, plain.y)).toBeLessThan(1e-13);
      expect(maxDiff(fused.g, plain.g)).toBeLessThan(1e-13);
      fused.pg.forEach((p, i) => expect(maxDiff(p, plain.pg[i]!)).toBeLessThan(1e-13));
    });
  }
});
