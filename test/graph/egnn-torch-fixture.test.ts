/**
 * EGNN.nbody reproduces the paper's EGNN_vel as PyTorch computes it (test/fixtures/torch/
 * egnn_nbody.json, written by test/fixtures/generate_torch_fixtures.py from the reference
 * E_GCL_vel equations): same parameters, same two 5-particle graphs → the same predicted positions
 * and the same gradients w.r.t. positions, velocities and every parameter, in float64.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backward, enableGrad, tensor } from '../../src/tensor/index.js';
import { EGNN, GraphsTuple } from '../../src/graph/index.js';
import { Rng } from '../../src/util/rng.js';

interface Arr { shape: number[]; data: number[] }
interface Case { name: string; attrs: { hidden: number; layers: number; numGraphs: number; nodesPerGraph: number }; inputs: Record<string, Arr>; outputs: Record<string, Arr>; grads: Record<string, Arr> }
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/torch/egnn_nbody.json', import.meta.url)), 'utf8')) as { cases: Case[] };

function maxRel(got: ArrayLike<number>, want: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(Math.abs(want[i]!), 1e-3));
  return worst;
}

describe('EGNN.nbody against PyTorch (reference E_GCL_vel)', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: positions and all gradients to 1e-12`, () => {
      const { hidden, layers, numGraphs, nodesPerGraph } = c.attrs;
      const inp = c.inputs;
      const t = (k: string, requiresGrad = false) => tensor(inp[k]!.data, { shape: inp[k]!.shape, dtype: 'float64', requiresGrad });
      const N = numGraphs * nodesPerGraph;
      const E = inp.senders!.data.length;
      const g = new GraphsTuple({
        nodes: t('h'),
        edges: t('edge_attr'),
        senders: Int32Array.from(inp.senders!.data),
        receivers: Int32Array.from(inp.receivers!.data),
        nNode: new Int32Array(numGraphs).fill(nodesPerGraph),
        nEdge: new Int32Array(numGraphs).fill(E / numGraphs),
      });
      const model = EGNN.nbody({ rng: new Rng(0), hidden, layers, dtype: 'float64' });
      const sd: Record<string, { shape: number[]; data: Float64Array }> = {};
      for (const [k] of model.namedParameters()) {
        expect(inp[k], `fixture has parameter ${k}`).toBeDefined();
        sd[k] = { shape: inp[k]!.shape, data: Float64Array.from(inp[k]!.data) };
      }
      model.loadStateDict(sd);
      const x = t('x', true), v = t('v', true);
      const out = enableGrad(() => model.call(g, g.nodes!, x, { v }).x);
      expect(out.shape).toEqual([N, 3]);
      expect(maxRel(out.data, c.outputs.out!.data)).toBeLessThan(1e-12);
      backward(out, t('upstream'));
      expect(maxRel(x.grad!.data, c.grads.x!.data)).toBeLessThan(1e-12);
      expect(maxRel(v.grad!.data, c.grads.v!.data)).toBeLessThan(1e-12);
      let unused = 0;
      for (const [k, p] of model.namedParameters()) {
        const want = c.grads[k]!.data;
        if (p.grad === null) { // the last layer's φ_h does not reach the positions: torch's gradient is 0 there
          unused++;
          expect(want.every((w) => w === 0), `${k} has no gradient but torch's is nonzero`).toBe(true);
          continue;
        }
        expect(maxRel(p.grad.data, want), `grad of ${k}`).toBeLessThan(1e-12);
      }
      expect(unused).toBe(4); // layer{L-1}.nodeMlp.{0,2}.{weight,bias}
    });
  }
});
