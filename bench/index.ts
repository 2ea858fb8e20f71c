/**
 * `npm run bench [-- --only SECTION] [--json] [--quick] [--op SUBSTR] [--markdown]`
 *
 * Benchmarks erlangen against PyTorch (Debian's python3-torch, run with 1 and 2 threads) and
 * TF.js (cpu and wasm backends) section by section. See docs/guide/08-performance.md.
 *
 *   --only SECTION   run one section (repeatable; default: all). Sections: see bench/sections/index.ts
 *   --json           one JSON object per line on stdout:
 *                    {"section","op","impl","median_ms","ratio_vs":{…},"runs","gflops"?,"gb_per_s"?,"error"?}
 *   --quick          few repetitions (CI smoke test; numbers are rough)
 *   --op SUBSTR      only ops whose id contains SUBSTR (repeatable)
 *   --markdown       a Markdown table instead of the text table (for docs/guide/08-performance.md)
 *   --no-huge-pages  do not re-run with glibc's malloc tunables (see bench/lib/huge-pages.ts):
 *                    on Linux with transparent huge pages in madvise mode the bench otherwise
 *                    re-runs itself with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 and malloc's mmap
 *                    and trim thresholds raised (freed large arrays reused, not re-faulted)
 *
 * Progress and notes about missing peers go to stderr; the report goes to stdout.
 * @module
 */
import { runSection } from './lib/runner.js';
import { jsonLines, markdown, table } from './lib/report.js';
import { SECTIONS } from './sections/index.js';
import { canRequestHugePages, freshPageCost, hugePagesRequested, rerunWithHugePages, thpMode } from './lib/huge-pages.js';

interface Args { only: string[]; json: boolean; markdown: boolean; quick: boolean; ops: string[]; hugePages: boolean }

const USAGE = `usage: npm run bench -- [--only SECTION] [--json] [--quick] [--op SUBSTR] [--markdown] [--no-huge-pages]
sections: ${SECTIONS.map((s) => s.name).join(', ')}`;

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { only: [], json: false, markdown: false, quick: false, ops: [], hugePages: true };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const value = (): string => {
      const eq = x.indexOf('=');
      if (eq >= 0) return x.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${x} needs a value`);
      return v;
    };
    if (x === '--json') a.json = true;
    else if (x === '--markdown') a.markdown = true;
    else if (x === '--quick') a.quick = true;
    else if (x === '--no-huge-pages') a.hugePages = false;
    else if (x === '--only' || x.startsWith('--only=')) a.only.push(...value().split(','));
    else if (x === '--op' || x.startsWith('--op=')) a.ops.push(...value().split(','));
    else if (x === '--help' || x === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument '${x}'`);
  }
  return a;
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const unknown = args.only.filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`bench: unknown section ${unknown.map((n) => `'${n}'`).join(', ')}\n${USAGE}`);
    process.exit(2);
  }
  if (args.hugePages && canRequestHugePages()) process.exit(rerunWithHugePages());
  const sections = args.only.length ? SECTIONS.filter((s) => args.only.includes(s.name)) : SECTIONS;
  const log = (line: string): void => { process.stderr.write(line + '\n'); };
  log(`erlangen bench — node ${process.version}, ${args.quick ? 'quick' : 'full'} run, sections: ${sections.map((s) => s.name).join(', ')}`);
  const pages = hugePagesRequested() ? `huge pages requested (GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES}, THP ${thpMode()})`
    : `4 KiB pages (THP ${thpMode() ?? 'n/a'}${args.hugePages ? '' : ', --no-huge-pages'})`;
  log(`memory: ${pages}; allocating and touching a 64 MB array costs ${freshPageCost().toFixed(2)} ms/MB`);
  const t0 = performance.now();
  for (const section of sections) {
    const r = await runSection(section, { quick: args.quick, opFilter: args.ops, log });
    if (args.json) {
      for (const line of jsonLines(r)) process.stdout.write(JSON.stringify(line) + '\n');
    } else {
      process.stdout.write('\n' + (args.markdown ? markdown(r) : table(r)) + '\n');
    }
  }
  log(`bench done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error('bench failed:', e);
  process.exit(1);
});
