import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOX, gridPoints, logPartition, mmd2, runEnergy2d, sample2d, trueLogDensity } from '../../examples/energy-2d.js';
import { Rng } from '../../src/util/rng.js';

describe('examples/energy-2d (tiny size)', () => {
  it('data, grid normaliser, true density and MMD are right', () => {
    const moons = sample2d('moons', 500, new Rng(0));
    expect(moons.every(([x, y]) => Math.abs(x!) < BOX && Math.abs(y!) < BOX)).toBe(true);
    const rings = sample2d('rings', 3000, new Rng(1));
    const r = rings.map(([x, y]) => Math.hypot(x!, y!));
    expect(r.filter((v) => v < 1.5).length / 3000).toBeCloseTo(1 / 3, 1);
    // a constant energy normalises to the box area; the true densities integrate to one on the grid
    expect(logPartition((x) => x.sum(1).mul(0).add(2), 30).logZ).toBeCloseTo(Math.log(36) - 2, 10);
    for (const kind of ['moons', 'rings'] as const) {
      const G = 60, pts = gridPoints(G).toArray() as number[][];
      const mass = trueLogDensity(kind, pts, 200).reduce((s, l) => s + Math.exp(l), 0) * (2 * BOX / G) ** 2;
      expect(mass).toBeCloseTo(1, 2);
    }
    expect(mmd2(moons.slice(0, 100), moons.slice(0, 100))).toBeCloseTo(0, 12);
    expect(mmd2(moons.slice(0, 200), rings.slice(0, 200))).toBeGreaterThan(4 * mmd2(moons.slice(0, 200), moons.slice(200, 400)));
  });

  it('NCE and DSM training beat the untrained energy in held-out NLL; the SVG is written atomically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'energy2d-'));
    try {
      const svg = join(dir, 'e.svg');
      const { results } = runEnergy2d({ densities: ['moons'], train: 400, test: 300, steps: 150, batch: 128, hidden: 16, grid: 40, samples: 100, langevinSteps: 40, svg });
      const nll = (m: string): number => results.find((r) => r.model === m)!.nll;
      expect(results.map((r) => r.model)).toEqual(['true density', 'untrained', 'noise Gaussian', 'NCE', 'DSM']);
      expect(nll('NCE')).toBeLessThan(nll('untrained') - 0.3);
      expect(nll('DSM')).toBeLessThan(nll('untrained') - 0.3);
      expect(nll('NCE')).toBeGreaterThan(nll('true density') - 0.1); // no fit beats the truth (up to sampling error)
      const text = readFileSync(svg, 'utf8');
      expect(text.startsWith('<svg')).toBe(true);
      expect(text.trim().endsWith('</svg>')).toBe(true);
      expect((text.match(/<circle/g) ?? []).length).toBeGreaterThan(300);
      expect(readdirSync(dir)).toEqual(['e.svg']); // no temp file left
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(dir)).toBe(false);
  });
});
