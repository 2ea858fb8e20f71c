/**
 * The `erlangen` command line: a small registry of subcommands (`erlangen info`, …).
 *
 * Each command is loaded lazily, so `erlangen info` never pays for the solver or three.js. Run it
 * as `npx erlangen <command>` (bin/erlangen.js) or, in this repository, `npm run -s erlangen -- <command>`.
 *
 * Exit codes: 0 success, 1 the command failed, 2 usage error (unknown command or flag).
 * @module
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where a command writes; tests pass their own to capture output. */
export interface Io {
  /** Write to standard output (the text should end with a newline). */
  out(text: string): void;
  /** Write to standard error (the text should end with a newline). */
  err(text: string): void;
}

/** One subcommand: its name, a one-line summary for `erlangen help`, and how to run it. */
export interface Command {
  name: string;
  summary: string;
  /** Runs the command on the arguments after its name; resolves to the exit code. */
  run(argv: string[], io: Io): Promise<number>;
}

/** Exit codes shared by all commands. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The process's own stdout/stderr. */
export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/**
 * Import a command module that may not exist yet (a later issue adds it). The specifier is kept in
 * a variable so that the type checker does not require the file; the module must export
 * `run(argv, io): Promise<number>`.
 */
async function runOptional(specifier: string, name: string, argv: string[], io: Io): Promise<number> {
  let mod: { run?: unknown };
  try {
    mod = (await import(specifier)) as { run?: unknown };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url/.test(String(e))) {
      io.err(`erlangen ${name}: this command is not available in this build yet.\n`);
      return EXIT.failure;
    }
    throw e;
  }
  if (typeof mod.run !== 'function') throw new Error(`command module ${specifier} does not export run()`);
  return (mod.run as Command['run'])(argv, io);
}

/** The registry. Add a command here: name, one-line summary, and a lazy import of its module. */
export const commands: readonly Command[] = [
  {
    name: 'info',
    summary: 'print the erlangen version, the Node version and the available backends (--json)',
    run: async (argv, io) => (await import('./commands/info.js')).run(argv, io),
  },
  {
    name: 'basis',
    summary: 'compute an equivariant basis: erlangen basis --group "SO(3)" --in "V^2" --out "V" [--json] [--batch FILE]',
    run: async (argv, io) => (await import('./commands/basis.js')).run(argv, io),
  },
  {
    // The ONNX checker needs the optional dependency onnxruntime-node; the module reports clearly
    // when it is missing.
    name: 'check',
    summary: 'run the equivariance harness on an ONNX model: erlangen check model.onnx --group G --in R --out R [--json]',
    run: (argv, io) => runOptional('./commands/check.js', 'check', argv, io),
  },
];

/** The text of `erlangen --help`. */
export function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: erlangen <command> [options]',
    '',
    'Commands:',
    ...lines,
    `  ${'help'.padEnd(width)}  show this help, or a command's help (erlangen help <command>)`,
    '',
    'Options:',
    '  -h, --help     show help',
    '  -v, --version  print the version',
    '',
  ].join('\n');
}

/**
 * Run the command line.
 * @param argv the arguments after the program name, e.g. `['info', '--json']`
 * @param io where to write (defaults to the process's stdout/stderr)
 * @returns the exit code: 0 success, 1 failure, 2 usage error
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(helpText());
    return EXIT.usage;
  }
  if (first === '-h' || first === '--help') {
    io.out(helpText());
    return EXIT.ok;
  }
  if (first === 'help') {
    if (rest[0] === undefined) {
      io.out(helpText());
      return EXIT.ok;
    }
    return main([rest[0], '--help'], io);
  }
  if (first === '-v' || first === '--version') {
    const { packageInfo } = await import('./commands/info.js');
    io.out(`${packageInfo().version}\n`);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    io.err(`erlangen: unknown command '${first}'. Run 'erlangen --help' for the list of commands.\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    io.err(`erlangen ${command.name}: ${err.name}: ${err.message}\n`);
    if (process.env.ERLANGEN_DEBUG && err.stack) io.err(`${err.stack}\n`);
    return EXIT.failure;
  }
}

/** True when this file is the program being run (`tsx src/cli/main.ts …`), not an import. */
function isEntryModule(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryModule()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`erlangen: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
