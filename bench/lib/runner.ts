/**
 * Runs one section op by op: each op on every registered erlangen backend, then on PyTorch (one
 * Python process kept open for the section; each thread count and variant in turn), then on TF.js
 * cpu and wasm in process. A peer that is missing or fails is recorded with its reason and the run
 * goes on.
 * @module
 */
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { getBackend, listBackends, setBackend } from '../../src/backend/index.js';
import { clearBufferPool } from '../../src/index.js';
import { activateTfjs, type TfPeer } from '../peers/tfjs.js';
import { TorchPeer } from '../peers/torch.js';
import { timeCase, median } from './timing.js';
import type { MachineLimits } from './limits.js';
import type { Case, Measurement, OpSpec, PeerStatus, Section, SectionOptions } from './types.js';

export interface RunOptions extends SectionOptions {
  /** Only ops whose id contains one of these substrings (all when empty). */
  readonly opFilter: readonly string[];
  /** Progress and notes (stderr). */
  readonly log: (line: string) => void;
}

export interface SectionResult {
  readonly section: Section;
  readonly ops: readonly OpSpec[];
  /** Implementations in report order: erlangen-* first, then the peers. */
  readonly impls: readonly string[];
  readonly erlangenImpls: readonly string[];
  readonly results: readonly Measurement[];
  readonly status: readonly PeerStatus[];
  readonly quick: boolean;
  /** 1-minute load average before and after the section (other processes skew the timings). */
  readonly load: readonly [number, number];
  /** The machine limits the section measured before its ops (none when it has no `limits`). */
  readonly limits?: MachineLimits;
}

/**
 * V8's full garbage collection, made callable in this process (`--expose-gc` set at run time, the
 * function taken from a fresh context); null where that fails.
 */
function exposeGc(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}
const fullGc = exposeGc();

/**
 * Before each in-process case: collect the garbage the previous cases left (a full collection)
 * and let the event loop turn, so that finalizers run — erlangen's dropped resident arrays go back
 * to the wasm heap only from a `FinalizationRegistry` callback, and they are small JS objects that
 * never make V8 collect on its own: without this, a case set up after many others finds the
 * resident limit filled by their dead tensors and gets plain arrays (an `add … out=` case measured
 * 4.3 ms there against 1.8 ms alone). PyTorch frees each tensor when its last reference goes, so
 * this only gives the in-process engines (erlangen, TF.js) the same clean start. It also empties
 * erlangen's eager buffer pool, which forgets the output sizes earlier cases disposed (`using`
 * rows teach the allocator to grow resident storage for a size): each row measures its own
 * pattern of lifetimes, whatever ran before it.
 */
export async function settle(): Promise<void> {
  clearBufferPool();
  fullGc?.();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

export async function runSection(section: Section, opts: RunOptions): Promise<SectionResult> {
  const { log } = opts;
  const load0 = loadavg()[0] ?? 0;
  const ops = section.ops(opts).filter((op) => !opts.opFilter.length || opts.opFilter.some((f) => op.id.includes(f)));
  const results: Measurement[] = [];
  let limits: MachineLimits | undefined;
  if (section.limits && ops.length) {
    limits = section.limits(opts);
    for (const l of limits.all) log(`  [${section.name}] limit: ${l.rate.toFixed(1)} ${l.kind === 'flops' ? 'GFLOP/s' : 'GB/s'} — ${l.what}`);
  }
  const record = (m: Measurement): void => {
    results.push(m);
    log(`  [${section.name}] ${m.impl.padEnd(15)} ${m.op.padEnd(28)} ` +
      (m.median_ms === null ? `FAILED: ${m.error ?? ''}` : `${fmtMs(m.median_ms)} ms (median of ${m.runs})`));
  };

  // Time one in-process case, catching failures.
  const inProcess = async (impl: string, op: OpSpec, build: (op: OpSpec) => Case | null): Promise<void> => {
    let c: Case | null = null;
    try {
      await settle();
      c = build(op);
      if (!c) {
        record({ section: section.name, op: op.id, impl, median_ms: null, runs: 0, error: 'not supported' });
        return;
      }
      const samples = await timeCase(c, op);
      record({ section: section.name, op: op.id, impl, median_ms: median(samples), min_ms: Math.min(...samples), runs: samples.length });
    } catch (e) {
      record({ section: section.name, op: op.id, impl, median_ms: null, runs: 0, error: errText(e) });
    } finally {
      c?.dispose?.();
    }
  };

  // Start the peers once.
  const erlangenBackends = listBackends().filter((x) => x.available).map((b) => b.name);
  const erlangenImpls = erlangenBackends.map((b) => `erlangen-${b}`);
  const torch = section.torch ? await TorchPeer.start(section.name, section.torch.script, section.torch.threads) : null;
  const tfPeers: TfPeer[] = [];
  if (section.tfjs) {
    for (const backend of ['cpu', 'wasm'] as const) tfPeers.push(await activateTfjs(backend));
  }
  const peerStatus = (): PeerStatus[] => [...(torch?.status() ?? []), ...tfPeers.map((p) => ({ impl: p.impl, ok: p.tf !== null, detail: p.detail }))];
  for (const s of peerStatus()) if (!s.ok) log(`  [${section.name}] ${s.impl}: ${s.detail}`);

  // Op by op, every implementation in turn (erlangen first), so that all of them measure an op
  // at about the same time: load from other processes then skews them alike.
  const before = getBackend().name;
  try {
    for (const op of ops) {
      for (const b of erlangenBackends) {
        setBackend(b);
        await inProcess(`erlangen-${b}`, op, (o) => section.erlangen(o));
      }
      setBackend(before);
      if (torch?.ok) for (const m of await torch.run(op)) record(m);
      if (section.tfjs) {
        const build = section.tfjs;
        for (const peer of tfPeers) {
          const tf = peer.tf;
          if (!tf) continue;
          await tf.setBackend(peer.backend);
          await inProcess(peer.impl, op, (o) => build(tf, o, peer.backend));
        }
      }
    }
  } finally {
    setBackend(before);
    torch?.close();
  }

  const status = peerStatus();
  const impls = [...erlangenImpls, ...status.map((s) => s.impl)];
  return { section, ops, impls, erlangenImpls, results, status, quick: opts.quick, load: [load0, loadavg()[0] ?? 0], ...(limits ? { limits } : {}) };
}
