/**
 * The PyTorch peer: a section's Python script run by Debian's python3 (which carries
 * python3-torch; override with ERLANGEN_BENCH_PYTHON), kept open for the whole section. Each
 * request is one JSON line `{section, threads, ops}` on its stdin; it answers with JSON lines:
 *
 *   {"torch": "1.13.0", "python": "3.11.2", "blas": "generic"}    (once, at start)
 *   {"op": "matmul_1024", "threads": 1, "samples_ms": [..]}        (per op, thread count, variant)
 *   {"op": "…", "threads": 2, "variant": "onednn", "error": "…"}   (an op it could not run)
 *   {"done": true}                                                 (end of the request)
 *
 * The script exits with status 3 (and the import error on stderr) when torch is not importable.
 * The bench installs nothing: a missing interpreter or torch makes the peer "missing", never fatal.
 * @module
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { median } from '../lib/timing.js';
import type { Measurement, OpSpec, PeerStatus } from '../lib/types.js';

export const DEFAULT_PYTHON = '/usr/bin/python3';

type Line = Record<string, unknown>;

/** A running PyTorch peer process, or the reason there is none. */
export class TorchPeer {
  /** Implementations seen so far: `torch-<n>t` per thread count, then variants (`torch-<n>t-onednn`). */
  readonly impls: string[];
  private readonly base: number;
  private child: ChildProcessWithoutNullStreams | null = null;
  private version = '';
  private failure: string | null = null;
  private stderr = '';
  private buf = '';
  private waiter: ((line: Line | null) => void) | null = null;
  private readonly queue: Line[] = [];
  private exited = false;

  private constructor(private readonly section: string, private readonly threads: readonly number[]) {
    this.impls = threads.map((t) => `torch-${t}t`);
    this.base = this.impls.length;
  }

  /** Start `script` for `section`; check `ok` / `status()` for whether it runs. */
  static async start(section: string, script: string, threads: readonly number[]): Promise<TorchPeer> {
    const peer = new TorchPeer(section, threads);
    const python = process.env.ERLANGEN_BENCH_PYTHON ?? DEFAULT_PYTHON;
    if (!existsSync(python)) {
      peer.failure = `missing: ${python} not found (Debian's python3-torch is expected there; set ERLANGEN_BENCH_PYTHON to use another interpreter)`;
      return peer;
    }
    if (!existsSync(script)) {
      peer.failure = `missing: peer script ${script} not found`;
      return peer;
    }
    const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    peer.child = child;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => peer.onData(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => { peer.stderr += chunk; });
    child.stdin.on('error', () => { /* the child died; reported through its exit status */ });
    const exit = new Promise<number | string>((resolve) => {
      child.on('error', (e) => resolve(e.message));
      child.on('close', (c, sig) => resolve(c ?? `killed by ${sig ?? 'signal'}`));
    });
    void exit.then((code) => {
      peer.exited = true;
      const tail = peer.stderr.trim().split('\n').slice(-3).join(' | ');
      if (code === 3) peer.failure = `missing: torch is not importable by ${python} (${tail})`;
      else if (code !== 0 || !peer.version) peer.failure = `failed: ${python} ${script} exited with ${String(code)}${tail ? ` (${tail})` : ''}`;
      peer.wake(null);
    });
    const header = await peer.next();
    if (header && typeof header.torch === 'string') {
      const blas = String(header.blas ?? 'unknown');
      peer.version = `torch ${header.torch} (BLAS_INFO=${blas}${blas === 'generic' ? ': torch.matmul runs on the reference BLAS' : ''}), python ${String(header.python)}`;
    } else if (header === null) {
      await exit; // sets `failure`
    } else {
      peer.failure = `failed: unexpected first line from ${script}: ${JSON.stringify(header).slice(0, 200)}`;
    }
    return peer;
  }

  get ok(): boolean {
    return this.failure === null;
  }

  /** One status per impl seen (base impls first, variants sorted by name). */
  status(): PeerStatus[] {
    const impls = [...this.impls.slice(0, this.base), ...this.impls.slice(this.base).sort()];
    return impls.map((impl) => {
      if (this.failure !== null && (!this.version || this.failure.startsWith('missing'))) return { impl, ok: false, detail: this.failure };
      const t = Number(/^torch-(\d+)t/.exec(impl)?.[1]);
      const variant = impl.split('-').slice(2).join('-');
      const detail = `${this.version}, torch.set_num_threads(${t})${variant ? `, ${variant} kernels where applicable` : ''}`;
      return { impl, ok: true, detail: this.failure ? `${detail}; then ${this.failure}` : detail };
    });
  }

  /** Time `op` for every thread count (and variant); failures come back as measurements with an error. */
  async run(op: OpSpec): Promise<Measurement[]> {
    const section = this.section;
    if (!this.child || this.exited || this.failure) return [];
    const { label: _label, ...wire } = op;
    this.child.stdin.write(JSON.stringify({ section, threads: this.threads, ops: [wire] }) + '\n');
    const out: Measurement[] = [];
    for (;;) {
      const obj = await this.next();
      if (obj === null) {
        // The process died mid-request: say so for the impls that did not answer.
        for (const impl of this.impls.slice(0, this.base)) {
          if (!out.some((m) => m.impl === impl)) out.push({ section, op: op.id, impl, median_ms: null, runs: 0, error: this.failure ?? 'torch peer exited' });
        }
        return out;
      }
      if (obj.done) return out;
      const impl = `torch-${Number(obj.threads)}t` + (typeof obj.variant === 'string' ? `-${obj.variant}` : '');
      if (!this.impls.includes(impl)) this.impls.push(impl);
      const samples = Array.isArray(obj.samples_ms) ? (obj.samples_ms as number[]) : [];
      out.push(samples.length
        ? { section, op: op.id, impl, median_ms: median(samples), min_ms: Math.min(...samples), runs: samples.length }
        : { section, op: op.id, impl, median_ms: null, runs: 0, error: String(obj.error ?? 'no samples') });
    }
  }

  /** Close stdin and let the process exit. */
  close(): void {
    if (this.child && !this.exited) this.child.stdin.end();
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).trim();
      this.buf = this.buf.slice(nl + 1);
      if (!line) continue;
      try {
        this.wake(JSON.parse(line) as Line);
      } catch {
        this.stderr += `unparsable line: ${line.slice(0, 200)}\n`;
      }
    }
  }

  private wake(line: Line | null): void {
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w(line);
    } else if (line) {
      this.queue.push(line);
    }
  }

  private next(): Promise<Line | null> {
    const q = this.queue.shift();
    if (q) return Promise.resolve(q);
    if (this.exited) return Promise.resolve(null);
    return new Promise((resolve) => { this.waiter = resolve; });
  }
}
