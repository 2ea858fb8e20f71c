import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

describe('npm run tour (examples/tour.ts --quick)', () => {
  it('runs every section and finishes', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/tour.ts', '--quick'], { cwd: root, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    for (const s of ['1. The solver', 'SO(3): invariants of V^⊗k for k = 0…6: 1, 0, 1, 1, 3, 6, 15', '2. XOR', '3. A compositional function', '4. Graphs', '5. Sets', '6. Symmetry as data efficiency', 'tour finished']) {
      expect(r.stdout).toContain(s);
    }
  }, 240_000);
});
