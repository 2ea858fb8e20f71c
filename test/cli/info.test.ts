/** `erlangen info` and the command registry of src/cli/main.ts. */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.js';
import { ensureDist } from '../package/build.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const run = promisify(execFile);

/** Run main() on argv, capturing what it writes. */
async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t) };
  const code = await main(argv, io);
  return { code, out, err };
}

describe('erlangen info', () => {
  it('--json reports the package version, the Node version and the backends', async () => {
    const { code, out, err } = await capture(['info', '--json']);
    expect(code).toBe(0);
    expect(err).toBe('');
    const report = JSON.parse(out) as { name: string; version: string; node: string; backends: { name: string; available: boolean }[] };
    expect(report.name).toBe('erlangen');
    expect(report.version).toBe(pkg.version);
    expect(report.node).toBe(process.version);
    expect(report.backends.find((b) => b.name === 'js')?.available).toBe(true);
  });

  it('prints a readable report without --json', async () => {
    const { code, out } = await capture(['info']);
    expect(code).toBe(0);
    expect(out).toContain(`erlangen ${pkg.version}`);
    expect(out).toContain(process.version);
    expect(out).toMatch(/^\s+js\s+available/m);
  });

  it('rejects an unknown flag with exit code 2', async () => {
    const { code, err } = await capture(['info', '--nope']);
    expect(code).toBe(2);
    expect(err).toContain("unknown argument '--nope'");
  });
});

describe('erlangen command registry', () => {
  it('--help and help list the commands', async () => {
    for (const argv of [['--help'], ['help']]) {
      const { code, out } = await capture(argv);
      expect(code).toBe(0);
      expect(out).toMatch(/^\s+info\s/m);
    }
  });

  it('an unknown command is a usage error (exit code 2)', async () => {
    const { code, out, err } = await capture(['frobnicate']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain("unknown command 'frobnicate'");
  });

  it('--version prints the version', async () => {
    expect((await capture(['--version'])).out.trim()).toBe(pkg.version);
  });
});

describe('as a process', () => {
  it('tsx src/cli/main.ts info --json (the npm script) prints the version', async () => {
    const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
    const { stdout } = await run(process.execPath, [tsxCli, 'src/cli/main.ts', 'info', '--json'], { cwd: root });
    expect((JSON.parse(stdout) as { version: string }).version).toBe(pkg.version);
  });

  it('bin/erlangen.js (plain node on dist/, rebuilt here when stale) exits with 2 on an unknown command', async () => {
    await ensureDist();
    const failure = await run(process.execPath, ['bin/erlangen.js', 'frobnicate'], { cwd: root }).then(
      () => null,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain("unknown command 'frobnicate'");
  }, 180_000);

  it('bin/erlangen.js info --json prints the version', async () => {
    await ensureDist();
    const { stdout } = await run(process.execPath, ['bin/erlangen.js', 'info', '--json'], { cwd: root });
    expect((JSON.parse(stdout) as { version: string }).version).toBe(pkg.version);
  }, 180_000);

  it('bin/erlangen.js without a build says how to make one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'erlangen-bin-'));
    try {
      mkdirSync(join(dir, 'bin'));
      copyFileSync(join(root, 'bin', 'erlangen.js'), join(dir, 'bin', 'erlangen.js'));
      const failure = await run(process.execPath, [join(dir, 'bin', 'erlangen.js'), 'info'], { cwd: dir }).then(
        () => null,
        (e: { code?: number; stderr?: string }) => e,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain('dist/ is missing; run `npm run build`');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
