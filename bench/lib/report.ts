/**
 * Output: JSON lines (`--json`) or a human-readable table.
 *
 * Ratios are always "other ms / this ms": on an erlangen line `ratio_vs[peer] = peer_ms /
 * erlangen_ms`, so > 1 means erlangen is faster; on a peer line `ratio_vs[erlangen-…]` is the
 * same figure seen from the peer (erlangen_ms / peer_ms).
 * @module
 */
import type { SectionResult } from './runner.js';
import { pctOfLimit, type MachineLimits } from './limits.js';
import type { Measurement, OpSpec } from './types.js';

/** One JSON line of `--json`. */
export interface JsonLine {
  section: string;
  op: string;
  impl: string;
  median_ms: number | null;
  ratio_vs: Record<string, number>;
  min_ms?: number;
  runs: number;
  gflops?: number;
  gb_per_s?: number;
  /** GFLOP/s (ops with flops) or GB/s (ops with bytes) as a percentage of the section's measured limit. */
  pct_of_limit?: number;
  error?: string;
}

const round = (x: number, digits = 4): number => Number(x.toPrecision(digits));

function lookup(r: SectionResult): (op: string, impl: string) => Measurement | undefined {
  const m = new Map<string, Measurement>();
  for (const x of r.results) m.set(`${x.op}\u0000${x.impl}`, x);
  return (op, impl) => m.get(`${op}\u0000${impl}`);
}

function missingReason(r: SectionResult, impl: string, m: Measurement | undefined): string {
  if (m?.error) return m.error;
  const st = r.status.find((s) => s.impl === impl && !s.ok);
  return st ? st.detail : 'no result';
}

/**
 * Whether to report (op, impl): always when measured or when the impl is missing altogether (the
 * line then says why); an impl that ran but produced nothing for this op does not apply to it
 * (e.g. the torch oneDNN variant on batched products).
 */
function applies(r: SectionResult, m: Measurement | undefined, impl: string): boolean {
  return m !== undefined || r.status.some((s) => s.impl === impl && !s.ok);
}

/** Ratios for `impl` on `op`: other_ms / this_ms against the other side (erlangen ↔ peers). */
export function ratiosFor(r: SectionResult, op: string, impl: string): Record<string, number> {
  const get = lookup(r);
  const self = get(op, impl)?.median_ms;
  const out: Record<string, number> = {};
  if (self == null || self <= 0) return out;
  const isErl = r.erlangenImpls.includes(impl);
  for (const other of r.impls) {
    if (other === impl || r.erlangenImpls.includes(other) === isErl) continue;
    const ms = get(op, other)?.median_ms;
    if (ms != null) out[other] = round(ms / self);
  }
  return out;
}

function rates(op: OpSpec, ms: number | null): { gflops?: number; gb_per_s?: number } {
  if (ms == null || ms <= 0) return {};
  return {
    ...(op.flops !== undefined ? { gflops: round(op.flops / (ms * 1e6), 4) } : {}),
    ...(op.bytes !== undefined ? { gb_per_s: round(op.bytes / (ms * 1e6), 4) } : {}),
  };
}

export function jsonLines(r: SectionResult): JsonLine[] {
  const get = lookup(r);
  const out: JsonLine[] = [];
  for (const op of r.ops) {
    for (const impl of r.impls) {
      const m = get(op.id, impl);
      if (!applies(r, m, impl)) continue;
      const ms = m?.median_ms ?? null;
      const line: JsonLine = {
        section: r.section.name, op: op.id, impl, median_ms: ms === null ? null : round(ms, 5),
        ratio_vs: ratiosFor(r, op.id, impl), ...(m?.min_ms !== undefined ? { min_ms: round(m.min_ms, 5) } : {}),
        runs: m?.runs ?? 0, ...rates(op, ms),
      };
      const pct = pctOfLimit(r.limits, op, ms);
      if (pct !== undefined) line.pct_of_limit = round(pct, 3);
      if (ms === null) line.error = missingReason(r, impl, m);
      out.push(line);
    }
  }
  return out;
}

const fmtMs = (ms: number): string => (ms >= 1000 ? ms.toFixed(0) : ms >= 100 ? ms.toFixed(1) : ms >= 10 ? ms.toFixed(2) : ms.toFixed(3));
const fmtRatio = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3)) + '×';

function fmtRate(op: OpSpec, ms: number | null): string {
  const r = rates(op, ms);
  if (r.gflops !== undefined) return `${r.gflops.toFixed(r.gflops >= 10 ? 1 : 2)} GFLOP/s`;
  if (r.gb_per_s !== undefined) return `${r.gb_per_s.toFixed(r.gb_per_s >= 10 ? 1 : 2)} GB/s`;
  return '';
}

const fmtPct = (p: number | undefined): string => (p === undefined ? '' : `${p >= 10 ? p.toFixed(0) : p.toFixed(1)} %`);
const fmtLimit = (l: { kind: 'bandwidth' | 'flops'; rate: number }): string => `${l.rate.toFixed(l.rate >= 10 ? 1 : 2)} ${l.kind === 'flops' ? 'GFLOP/s' : 'GB/s'}`;

/** Header lines of the measured machine limits (none when the section measures none). */
function limitLines(limits: MachineLimits | undefined): string[] {
  if (!limits) return [];
  const out = ['  machine limits, measured before the ops (the % column is GFLOP/s or GB/s over the marked reference):'];
  for (const l of limits.all) {
    const ref = l === limits.bandwidth || l === limits.flops ? ' [reference]' : '';
    out.push(`    ${fmtLimit(l).padStart(14)}  ${l.what}${ref}`);
  }
  return out;
}

/** The human-readable report of one section. */
export function table(r: SectionResult): string {
  const get = lookup(r);
  const lines: string[] = [];
  const peers = r.impls.filter((i) => !r.erlangenImpls.includes(i));
  lines.push(`== ${r.section.name}: ${r.section.title} ==`);
  const iw = Math.max(...r.impls.map((i) => i.length));
  for (const s of r.status) lines.push(`  ${s.impl.padEnd(iw)}  ${s.ok ? '' : '✗ '}${s.detail}`);
  lines.push(`  ${r.quick ? 'quick' : 'full'} run; 1-min load average ${r.load[0].toFixed(2)} before, ${r.load[1].toFixed(2)} after (on a busy machine all timings are inflated)`);
  lines.push(...limitLines(r.limits));
  lines.push('');

  const erl = r.erlangenImpls;
  const ratioHead = erl.map((e) => `×${e.replace('erlangen-', '')}`);
  const W = [36, 12, 15, 8];
  const pctCol = r.limits !== undefined;
  const head = ['op / impl'.padEnd(W[0]!), 'median ms'.padStart(W[1]!), 'rate'.padStart(W[2]!), ...(pctCol ? ['% limit'.padStart(W[3]!)] : []), ...ratioHead.map((h) => h.padStart(10))];
  lines.push(head.join(' '));
  lines.push('-'.repeat(head.join(' ').length));
  for (const op of r.ops) {
    lines.push(op.label);
    for (const impl of r.impls) {
      const m = get(op.id, impl);
      if (!applies(r, m, impl)) continue;
      const ms = m?.median_ms ?? null;
      const cells = [`  ${impl}`.padEnd(W[0]!)];
      if (ms === null) {
        cells.push(`— ${missingReason(r, impl, m)}`.slice(0, 90));
      } else {
        cells.push(fmtMs(ms).padStart(W[1]!), fmtRate(op, ms).padStart(W[2]!));
        if (pctCol) cells.push(fmtPct(pctOfLimit(r.limits, op, ms)).padStart(W[3]!));
        if (!erl.includes(impl)) {
          for (const e of erl) {
            const em = get(op.id, e)?.median_ms;
            cells.push((em != null ? fmtRatio(ms / em) : '').padStart(10));
          }
        }
      }
      lines.push(cells.join(' ').trimEnd());
    }
  }
  lines.push('');
  lines.push(`× columns: peer ms / erlangen ms (> 1: erlangen is faster). Medians of the timed runs${r.quick ? ' (--quick: few runs, rough)' : ''}.`);
  if (pctCol) lines.push('% limit: the row\'s GFLOP/s over the measured compute reference, or its GB/s over the measured bandwidth reference (one thread; multi-threaded peers can exceed 100 %).');

  // Summary matrix: one row per op, one column per peer, for each erlangen impl.
  for (const e of erl) {
    lines.push('');
    lines.push(`ratios vs ${e} (peer ms / ${e} ms):`);
    const pw = peers.map((p) => Math.max(9, p.length));
    const ow = Math.max(28, ...r.ops.map((op) => op.id.length)); // the op column fits the longest id
    const hdr = ['op'.padEnd(ow), `${e} ms`.padStart(16), ...peers.map((p, i) => p.padStart(pw[i]!))];
    lines.push(hdr.join(' '));
    for (const op of r.ops) {
      const em = get(op.id, e)?.median_ms ?? null;
      const row = [op.id.padEnd(ow), (em === null ? '—' : fmtMs(em)).padStart(16)];
      peers.forEach((p, i) => {
        const pm = get(op.id, p)?.median_ms ?? null;
        row.push((pm !== null && em !== null ? fmtRatio(pm / em) : '—').padStart(pw[i]!));
      });
      lines.push(row.join(' '));
    }
  }
  const notes = r.section.notes?.(get, erl, peers) ?? [];
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n');
}

/** A Markdown table of one section (`--markdown`): median ms per impl, and peer ms / erlangen ms. */
export function markdown(r: SectionResult): string {
  const get = lookup(r);
  const erl = r.erlangenImpls;
  const peers = r.impls.filter((i) => !erl.includes(i));
  const lines: string[] = [];
  const pctCol = r.limits !== undefined;
  const head = ['op', ...erl.map((e) => `${e} ms`), 'rate', ...(pctCol ? ['% limit'] : []), ...peers.map((p) => `${p} ms (×)`)];
  lines.push(`| ${head.join(' | ')} |`);
  lines.push(`| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const op of r.ops) {
    const e0 = erl[0] !== undefined ? get(op.id, erl[0])?.median_ms ?? null : null;
    const row = [`\`${op.id}\``];
    for (const e of erl) {
      const ms = get(op.id, e)?.median_ms ?? null;
      row.push(ms === null ? '—' : fmtMs(ms));
    }
    row.push(fmtRate(op, e0));
    if (pctCol) row.push(fmtPct(pctOfLimit(r.limits, op, e0)));
    for (const p of peers) {
      const pm = get(op.id, p)?.median_ms ?? null;
      row.push(pm === null ? '—' : `${fmtMs(pm)} (${e0 !== null ? fmtRatio(pm / e0) : '?'})`);
    }
    lines.push(`| ${row.join(' | ')} |`);
  }
  lines.push('');
  lines.push(`(×): peer ms / ${erl[0] ?? 'erlangen'} ms, > 1 means erlangen is faster. ${r.quick ? 'Quick' : 'Full'} run; 1-min load average ${r.load[0].toFixed(1)} before, ${r.load[1].toFixed(1)} after.`);
  for (const l of r.limits?.all ?? []) lines.push(`- limit: ${fmtLimit(l)}, ${l.what}${l === r.limits?.bandwidth || l === r.limits?.flops ? ' (reference of % limit)' : ''}`);
  lines.push('');
  for (const s of r.status) lines.push(`- \`${s.impl}\`: ${s.ok ? '' : '✗ '}${s.detail}`);
  return lines.join('\n');
}
