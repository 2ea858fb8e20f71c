/**
 * The memory setting the bench runs under. A fresh array larger than glibc's mmap threshold (32 MiB
 * at most) is new memory whose pages the kernel maps on first write, one 4 KiB fault at a time;
 * on the VMs this bench was tuned on that costs 0.1–4 ms per MB (it varies from day to day), more
 * than the op itself. With transparent huge pages in `madvise` mode (Debian's default) a process
 * can ask glibc's malloc to mark such regions for 2 MiB pages — `GLIBC_TUNABLES=glibc.malloc.hugetlb=1`,
 * read once at process start (glibc ≥ 2.35) — which cuts the faults 512-fold. Raising malloc's
 * mmap and trim thresholds (`glibc.malloc.mmap_threshold`, `glibc.malloc.trim_threshold`) keeps
 * such arrays in malloc's heap once the garbage collector has freed them, so the next one reuses
 * pages already mapped instead of faulting in new ones. JavaScript cannot call madvise or mallopt
 * itself, so the bench re-runs itself with the three tunables set (the PyTorch peer inherits them);
 * `--no-huge-pages` measures without. docs/design/memory.md has the measurements and the same
 * advice for applications.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The glibc tunable that makes malloc advise huge pages for the regions it maps. */
export const HUGETLB_TUNABLE = 'glibc.malloc.hugetlb=1';

/**
 * The tunables the bench re-runs with: huge pages, and malloc's heap (not a fresh mapping) for
 * blocks below 1 GiB, kept when freed (no trimming below 4 GiB at the top) — so a 40 MB array
 * allocated after another was collected reuses its pages.
 */
export const MALLOC_TUNABLES = [HUGETLB_TUNABLE, 'glibc.malloc.mmap_threshold=1073741824', 'glibc.malloc.trim_threshold=4294967296'].join(':');

/** The kernel's transparent-huge-page mode ('always', 'madvise', 'never'), or null off Linux. */
export function thpMode(): string | null {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** The glibc version this process runs on (e.g. "2.36"), or null (not glibc). */
export function glibcVersion(): string | null {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime ?? null;
}

/** Whether this process started with the tunable set. */
export function hugePagesRequested(): boolean {
  return /glibc\.malloc\.hugetlb=[12]/.test(process.env.GLIBC_TUNABLES ?? '');
}

/** Whether re-running with the tunable would change anything here: Linux, glibc ≥ 2.35, THP in madvise mode, tunable not yet set. */
export function canRequestHugePages(): boolean {
  const v = glibcVersion()?.split('.').map(Number);
  const glibcOk = v !== undefined && v.length >= 2 && (v[0]! > 2 || (v[0] === 2 && v[1]! >= 35));
  return process.platform === 'linux' && glibcOk && thpMode() === 'madvise' && !hugePagesRequested();
}

/**
 * Run this same command again with {@link MALLOC_TUNABLES} added to `GLIBC_TUNABLES` and return
 * its exit status (the caller exits with it).
 */
export function rerunWithHugePages(): number {
  const tunables = [process.env.GLIBC_TUNABLES, MALLOC_TUNABLES].filter(Boolean).join(':');
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, GLIBC_TUNABLES: tunables },
  });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

/**
 * Milliseconds per MB to allocate a 64 MB array and write one element per 4 KiB page (best of 5):
 * the page-fault cost of fresh memory, or — with malloc's heap kept ({@link MALLOC_TUNABLES}) — of
 * a reused block (the best of five finds one).
 */
export function freshPageCost(mb = 64): number {
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    const a = new Float32Array((mb << 20) / 4);
    for (let i = 0; i < a.length; i += 1024) a[i] = 1;
    best = Math.min(best, performance.now() - t0);
  }
  return best / mb;
}
