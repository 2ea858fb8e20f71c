/**
 * `erlangen info`: the package version, the Node version and the compute backends.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Io } from '../main.js';

// the exit codes of src/cli/main.ts (EXIT), repeated so that this module has no runtime import of main
const EXIT = { ok: 0, usage: 2 } as const;

/** One backend as reported by `erlangen info`. */
export interface BackendStatus {
  name: string;
  available: boolean;
  note?: string;
}

/** Everything `erlangen info --json` prints. */
export interface InfoReport {
  name: string;
  version: string;
  node: string;
  platform: string;
  arch: string;
  backends: BackendStatus[];
}

/** The name and version from the package's own package.json (three levels above this file). */
export function packageInfo(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    name?: unknown;
    version?: unknown;
  };
  if (typeof pkg.name !== 'string' || typeof pkg.version !== 'string') {
    throw new Error('package.json has no name or version');
  }
  return { name: pkg.name, version: pkg.version };
}

/** What is reported while src/backend has no public index yet: the JS reference backend. */
const FALLBACK_BACKENDS: BackendStatus[] = [{ name: 'js', available: true, note: 'reference' }];

function isBackendList(x: unknown): x is BackendStatus[] {
  return (
    Array.isArray(x) &&
    x.every(
      (b) =>
        typeof b === 'object' &&
        b !== null &&
        typeof (b as BackendStatus).name === 'string' &&
        typeof (b as BackendStatus).available === 'boolean',
    )
  );
}

/**
 * The backends from `listBackends()` in src/backend, imported lazily so that `erlangen --help`
 * stays cheap. The specifier is held in a variable while src/backend/index.ts may not exist yet;
 * once it does, this can become a plain `await import('../../backend/index.js')`.
 */
export async function backends(): Promise<BackendStatus[]> {
  const specifier = '../../backend/index.js';
  const present = ['index.ts', 'index.js'].some((f) => existsSync(new URL(`../../backend/${f}`, import.meta.url)));
  if (!present) return FALLBACK_BACKENDS;
  const mod = (await import(specifier)) as { listBackends?: unknown };
  if (typeof mod.listBackends !== 'function') return FALLBACK_BACKENDS;
  const list: unknown = await (mod.listBackends as () => unknown)();
  if (!isBackendList(list)) throw new Error('listBackends() returned something that is not a backend list');
  return list.map(({ name, available, note }) => (note === undefined ? { name, available } : { name, available, note }));
}

/** Collect the report printed by `erlangen info`. */
export async function collectInfo(): Promise<InfoReport> {
  const { name, version } = packageInfo();
  return {
    name,
    version,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    backends: await backends(),
  };
}

/** The human-readable form of the report. */
export function formatInfo(r: InfoReport): string {
  const width = Math.max(4, ...r.backends.map((b) => b.name.length));
  const rows = r.backends.map((b) =>
    `  ${b.name.padEnd(width)}  ${(b.available ? 'available' : 'unavailable').padEnd(11)}${b.note ? `  ${b.note}` : ''}`.trimEnd(),
  );
  return [`${r.name} ${r.version}`, `node ${r.node} (${r.platform} ${r.arch})`, 'backends:', ...rows, ''].join('\n');
}

const HELP = `Usage: erlangen info [--json]

Print the erlangen version, the Node version and the compute backends.

Options:
  --json      print the report as JSON
  -h, --help  show this help
`;

/** Entry point of `erlangen info`. */
export async function run(argv: string[], io: Io): Promise<number> {
  let json = false;
  for (const arg of argv) {
    if (arg === '--json') json = true;
    else if (arg === '-h' || arg === '--help') {
      io.out(HELP);
      return EXIT.ok;
    } else {
      io.err(`erlangen info: unknown argument '${arg}'\n${HELP}`);
      return EXIT.usage;
    }
  }
  const report = await collectInfo();
  io.out(json ? `${JSON.stringify(report, null, 2)}\n` : formatInfo(report));
  return EXIT.ok;
}
