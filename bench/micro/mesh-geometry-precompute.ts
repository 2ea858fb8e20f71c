/**
 * `npx tsx bench/micro/mesh-geometry-precompute.ts` — wall time of the GEM-CNN geometry precompute
 * (gemGeometry) and of one coarsening level, Laplacian + curvature and a heat-geodesic solver on the
 * Stanford bunny subdivided twice (midpoint 1-to-4: 1 839 → ~29 k vertices). Not a test: no
 * timing asserts; it prints median and min over a few runs after one warm-up.
 * @module
 */
import { createRequire } from 'node:module';
import {
  coarsen, cotanLaplacian, gaussianCurvature, gemGeometry, heatGeodesicSolver, meanCurvature, subdivideMidpoint, type MeshData,
} from '../../src/mesh/index.js';

const require = createRequire(import.meta.url);
const b = require('bunny') as { positions: number[][]; cells: number[][] };
let mesh: MeshData = { positions: Float64Array.from(b.positions.flat()), faces: Int32Array.from(b.cells.flat()) };
mesh = subdivideMidpoint(subdivideMidpoint(mesh));
const V = mesh.positions.length / 3, F = mesh.faces.length / 3;

function time(name: string, runs: number, fn: () => unknown): void {
  fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) { const t = performance.now(); fn(); ms.push(performance.now() - t); }
  ms.sort((x, y) => x - y);
  console.log(`${name.padEnd(44)} median ${ms[Math.floor(runs / 2)]!.toFixed(1).padStart(8)} ms   min ${ms[0]!.toFixed(1).padStart(8)} ms`);
}

console.log(`bunny subdivided twice: ${V} vertices, ${F} faces (node ${process.version})`);
const g = gemGeometry(mesh);
let edge = 0, c = 0;
for (let k = 0; k < g.geometry.senders.length; k++) if (g.geometry.radius![k]! > 0) { edge += g.geometry.radius![k]!; c++; }
edge /= c;
time('gemGeometry (normals, gauges, log map, transport)', 7, () => gemGeometry(mesh));
time('coarsen, r = 4 mean edges (FPS + graph + pooling)', 3, () => coarsen({ positions: mesh.positions, frames: g.frames }, { radius: 4 * edge }));
time('precompute total: gemGeometry + coarsen', 3, () => {
  const f = gemGeometry(mesh);
  coarsen({ positions: mesh.positions, frames: f.frames }, { radius: 4 * edge });
});
time('cotanLaplacian', 5, () => cotanLaplacian(mesh));
time('gaussianCurvature + meanCurvature', 5, () => { gaussianCurvature(mesh); meanCurvature(mesh); });
time('heatGeodesicSolver (Cholesky factorisations)', 3, () => heatGeodesicSolver(mesh));
const solver = heatGeodesicSolver(mesh);
time('heat geodesic query (one source)', 5, () => solver.distance(0));
