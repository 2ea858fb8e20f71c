import { describe, expect, it } from 'vitest';
import { karateData, runKarate } from '../../examples/karate-gcn.js';

describe('examples/karate-gcn', () => {
  it('loads the club: 34 members, 78 friendships (156 directed edges), 17 per club', () => {
    const { graph, labels, nodeKeys } = karateData();
    expect(graph.numNodes).toBe(34);
    expect(graph.numEdges).toBe(156);
    expect(labels.reduce((a, b) => a + b, 0)).toBe(17);
    expect(labels[nodeKeys.indexOf('0')]).toBe(0);
    expect(labels[nodeKeys.indexOf('33')]).toBe(1);
  });

  it('a GCN trained on one labelled node per club classifies the other 32 well above chance', () => {
    const r = runKarate({ seed: 0, epochs: 60 });
    expect(r.total).toBe(32);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.85);
  });
});
