import { describe, expect, it } from 'vitest';
import {
  buildSpatialHash, checkGaugeGeometry, checkMeshPooling, coarsen, farthestPointSampling, gemGeometry, meshHierarchy, nearestPoint, planarGauge,
  pointRadiusGraph, queryRadius, subdivideMidpoint,
} from '../../src/mesh/index.js';
import { Rng, ShapeError, ValueError } from '../../src/util/index.js';
import { bunny, sphere, wrap } from '../helpers/mesh-geometry-fixtures.js';

const dist = (P: Float64Array, i: number, Q: Float64Array, j: number) => Math.hypot(P[3 * i]! - Q[3 * j]!, P[3 * i + 1]! - Q[3 * j + 1]!, P[3 * i + 2]! - Q[3 * j + 2]!);

function randomPoints(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: 3 * n }, () => rng.uniformIn(-1, 1));
}

describe('spatial hash and radius graphs', () => {
  it('radius queries and nearest points match brute force', () => {
    const P = randomPoints(400, 1), h = buildSpatialHash(P, 0.3), rng = new Rng(2);
    for (let t = 0; t < 20; t++) {
      const x = rng.uniformIn(-1, 1), y = rng.uniformIn(-1, 1), z = rng.uniformIn(-1, 1), r = rng.uniformIn(0.1, 0.7);
      const Q = Float64Array.from([x, y, z]);
      const brute = Array.from({ length: 400 }, (_, i) => i).filter((i) => dist(P, i, Q, 0) <= r);
      expect(queryRadius(h, x, y, z, r).ids.slice().sort((a, b) => a - b)).toEqual(brute);
      let best = -1, bd = Infinity;
      for (let i = 0; i < 400; i++) if (dist(P, i, Q, 0) < bd) { bd = dist(P, i, Q, 0); best = i; }
      expect(nearestPoint(h, x, y, z).id).toBe(best);
    }
  });
  it('pointRadiusGraph: self-loops, ≤ maxNeighbours nearest within the radius', () => {
    const P = randomPoints(300, 3), { senders, receivers } = pointRadiusGraph(P, 0.4, 5);
    let k = 0;
    for (let p = 0; p < 300; p++) {
      expect([senders[k], receivers[k]]).toEqual([p, p]);
      k++;
      const mine: number[] = [];
      while (k < receivers.length && receivers[k] === p) mine.push(senders[k++]!);
      const within = Array.from({ length: 300 }, (_, i) => i).filter((i) => i !== p && dist(P, i, P, p) <= 0.4).sort((a, b) => dist(P, a, P, p) - dist(P, b, P, p));
      expect(mine).toEqual(within.slice(0, 5));
    }
    expect(() => pointRadiusGraph(P, 0)).toThrow(ValueError);
    expect(() => buildSpatialHash(new Float64Array(4), 1)).toThrow(ShapeError);
  });
});

describe('farthest-point sampling', () => {
  it('is deterministic and each new point is the farthest from the ones before', () => {
    const P = randomPoints(500, 4);
    const a = farthestPointSampling(P, { count: 40 }), b = farthestPointSampling(P, { count: 40 });
    expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
    expect(a.ids[0]).toBe(0);
    for (let k = 1; k < 40; k++) {
      const chosen = Array.from(a.ids.subarray(0, k));
      const dmin = (i: number) => Math.min(...chosen.map((c) => dist(P, i, P, c)));
      const far = Math.max(...Array.from({ length: 500 }, (_, i) => dmin(i)));
      expect(dmin(a.ids[k]!)).toBeCloseTo(far, 12);
    }
  });
  it('with a radius it returns an r-net: pairwise ≥ r apart, every point within r of its nearest chosen one', () => {
    const P = randomPoints(800, 5), r = 0.35, { ids, distance, nearest } = farthestPointSampling(P, { radius: r, start: 7 });
    expect(ids[0]).toBe(7);
    for (let i = 0; i < ids.length; i++) for (let j = 0; j < i; j++) expect(dist(P, ids[i]!, P, ids[j]!)).toBeGreaterThanOrEqual(r);
    for (let q = 0; q < 800; q++) {
      expect(distance[q]).toBeLessThan(r);
      expect(dist(P, q, P, ids[nearest[q]!]!)).toBeCloseTo(distance[q]!, 12);
      for (const c of ids) expect(dist(P, q, P, c)).toBeGreaterThanOrEqual(distance[q]! - 1e-12);
    }
  });
  it('rejects missing stopping rules and bad starts', () => {
    const P = randomPoints(10, 6);
    expect(() => farthestPointSampling(P, {})).toThrow(/give count or radius/);
    expect(() => farthestPointSampling(P, { count: 2, start: 10 })).toThrow(ValueError);
    expect(() => farthestPointSampling(new Float64Array(0), { count: 1 })).toThrow(/no points/);
  });
});

describe('coarsen', () => {
  it('assigns every fine vertex to its nearest coarse vertex within the radius, with transport consistent with the frames', () => {
    const m = bunny(), fine = gemGeometry(m), r = 0.6;
    const level = coarsen({ positions: m.positions, frames: fine.frames }, { radius: r, maxNeighbours: 8 });
    const { pooling, indices, positions: C, frames: cf } = level, V = fine.geometry.vertices, K = indices.length;
    checkMeshPooling(pooling);
    checkGaugeGeometry(level.geometry);
    expect(K).toBeGreaterThan(10);
    expect(K).toBeLessThan(V / 4);
    expect(pooling.fine.length).toBe(V);
    const seen = new Uint8Array(V);
    for (let k = 0; k < V; k++) {
      const q = pooling.fine[k]!, p = pooling.coarse[k]!;
      seen[q] = 1;
      expect(dist(m.positions, q, C, p)).toBeLessThan(r);
      let closest = Infinity;
      for (let c = 0; c < K; c++) closest = Math.min(closest, dist(m.positions, q, C, c));
      expect(dist(m.positions, q, C, p)).toBeLessThanOrEqual(closest + 1e-12);
      if (indices[p] === q) { expect(pooling.transport[k]).toBe(0); continue; }
      // independent check of g_{q→p}: the rotation about k̂ = n_q × n_p / |·| taking n_q to n_p maps
      // e_x^q = a k̂ + b (k̂ × n_q) to a k̂ + b (k̂ × n_p); its angle in p's gauge must be g
      const nq = [0, 1, 2].map((d) => fine.frames.normal[3 * q + d]!), np = [0, 1, 2].map((d) => cf.normal[3 * p + d]!);
      const ex = [0, 1, 2].map((d) => fine.frames.xAxis[3 * q + d]!);
      const cross = (u: number[], v: number[]) => [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
      const dt = (u: number[], v: number[]) => u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!;
      const kk = cross(nq, np), kl = Math.hypot(...kk);
      if (kl < 1e-6) continue;
      const kh = kk.map((x) => x / kl), a = dt(ex, kh), b = dt(ex, cross(kh, nq)), w2 = cross(kh, np);
      const w = [0, 1, 2].map((d) => a * kh[d]! + b * w2[d]!);
      const want = Math.atan2(dt(w, [0, 1, 2].map((d) => cf.yAxis[3 * p + d]!)), dt(w, [0, 1, 2].map((d) => cf.xAxis[3 * p + d]!)));
      expect(Math.abs(wrap(pooling.transport[k]! - want))).toBeLessThan(1e-9);
    }
    expect(seen.every((s) => s === 1)).toBe(true);
    // coarse vertices keep the fine frames
    for (let p = 0; p < K; p++) for (let d = 0; d < 3; d++) expect(cf.xAxis[3 * p + d]).toBe(fine.frames.xAxis[3 * indices[p]! + d]);
    // coarse graph: ≤ 8 neighbours + self-loop per vertex, all within 2r
    const count = new Int32Array(K);
    for (let e = 0; e < level.geometry.senders.length; e++) {
      count[level.geometry.receivers[e]!]!++;
      expect(level.geometry.radius![e]).toBeLessThanOrEqual(2 * r);
    }
    expect(Math.max(...count)).toBeLessThanOrEqual(9);
  });
  it('a gauge change on the fine level changes pooling transport by −φ_p + φ_q and the coarse geometry by the gauge action', () => {
    const m = sphere(3), base = gemGeometry(m), V = base.geometry.vertices, rng = new Rng(9);
    const phi = Float64Array.from({ length: V }, () => rng.uniformIn(-Math.PI, Math.PI)), ref = new Float64Array(3 * V);
    for (let q = 0; q < V; q++) for (let d = 0; d < 3; d++) ref[3 * q + d] = Math.cos(phi[q]!) * base.frames.xAxis[3 * q + d]! + Math.sin(phi[q]!) * base.frames.yAxis[3 * q + d]!;
    const turned = gemGeometry(m, { gauge: ref });
    const opts = { radius: 0.3, maxNeighbours: 10 };
    const a = coarsen({ positions: m.positions, frames: base.frames }, opts), b = coarsen({ positions: m.positions, frames: turned.frames }, opts);
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
    const phiC = Float64Array.from(a.indices, (i) => phi[i]!);
    for (let k = 0; k < V; k++) {
      const q = a.pooling.fine[k]!, p = a.pooling.coarse[k]!;
      expect(Math.abs(wrap(b.pooling.transport[k]! - (a.pooling.transport[k]! - phiC[p]! + phi[q]!)))).toBeLessThan(1e-9);
    }
    const pred = planarGauge.geometry(phiC, a.geometry);
    for (let e = 0; e < pred.senders.length; e++) {
      expect(Math.abs(wrap(b.geometry.theta[e]! - pred.theta[e]!))).toBeLessThan(1e-9);
      expect(Math.abs(wrap(b.geometry.transport[e]! - pred.transport[e]!))).toBeLessThan(1e-9);
    }
  });
  it('coarse transport between coarse vertices agrees with the fine mesh transport where they are mesh neighbours', () => {
    const m = sphere(3), fine = gemGeometry(m), level = coarsen({ positions: m.positions, frames: fine.frames }, { radius: 0.05 });
    // r below the edge length: every vertex is kept, so the coarse level reproduces the fine transport on the mesh edges
    expect(level.indices.length).toBe(fine.geometry.vertices);
    const coarseIdx = new Map<string, number>();
    for (let e = 0; e < level.geometry.senders.length; e++) coarseIdx.set(`${level.indices[level.geometry.senders[e]!]}>${level.indices[level.geometry.receivers[e]!]}`, e);
    let checked = 0;
    for (let e = 0; e < fine.geometry.senders.length; e++) {
      const c = coarseIdx.get(`${fine.geometry.senders[e]}>${fine.geometry.receivers[e]}`);
      if (c === undefined) continue;
      expect(Math.abs(wrap(level.geometry.transport[c]! - fine.geometry.transport[e]!))).toBeLessThan(1e-12);
      expect(Math.abs(wrap(level.geometry.theta[c]! - fine.geometry.theta[e]!))).toBeLessThan(1e-12);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
  it('normalised radii and bad options', () => {
    const m = sphere(2), f = gemGeometry(m), lvl = coarsen({ positions: m.positions, frames: f.frames }, { radius: 0.4, normaliseRadius: true });
    expect(Math.max(...lvl.geometry.radius!)).toBeLessThanOrEqual(1);
    expect(() => coarsen({ positions: m.positions, frames: f.frames }, { radius: -1 })).toThrow(/coarsen: radius/);
    expect(() => coarsen({ positions: m.positions.subarray(0, 6), frames: f.frames }, { radius: 1 })).toThrow(/frames/);
  });
});

describe('subdivideMidpoint', () => {
  it('quadruples faces, adds one vertex per edge and keeps orientation', () => {
    const m = sphere(1), s = subdivideMidpoint(m, 1), V = m.positions.length / 3, F = m.faces.length / 3;
    expect(s.faces.length / 3).toBe(4 * F);
    expect(s.positions.length / 3).toBe(V + (3 * F) / 2);
    expect(gemGeometry(s).geometry.vertices).toBe(V + (3 * F) / 2);
  });
});

describe('meshHierarchy', () => {
  it('chains gemGeometry and coarsenings; every pooling map is valid and links consecutive levels', () => {
    const h = meshHierarchy(bunny(), [0.5, 1.0, 2.0], { coarsen: { maxNeighbours: 12 } });
    expect(h.levels.length).toBe(4);
    expect(h.poolings.length).toBe(3);
    for (let i = 0; i < 3; i++) {
      const p = h.poolings[i]!, fine = h.levels[i]!, coarse = h.levels[i + 1]!;
      checkMeshPooling(p);
      checkGaugeGeometry(coarse.geometry);
      expect(p.fineVertices).toBe(fine.geometry.vertices);
      expect(p.coarseVertices).toBe(coarse.geometry.vertices);
      expect(coarse.geometry.vertices).toBeLessThan(fine.geometry.vertices);
      for (let k = 0; k < coarse.indices.length; k++) for (let d = 0; d < 3; d++) expect(coarse.positions[3 * k + d]).toBe(fine.positions[3 * coarse.indices[k]! + d]);
    }
    expect(() => meshHierarchy(bunny(), [0])).toThrow(/meshHierarchy: radii/);
  });
});
