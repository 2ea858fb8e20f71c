/**
 * The allocator of the wasm kernels' linear memory. Everything above the module's static data and
 * the pool's control slots is handed out in blocks from here: the per-call scratch of
 * {@link WasmArena} and the storage of resident tensors (./resident.ts), so neither can overlap
 * the other and a kernel can read a resident tensor where it lies.
 *
 * Blocks come in size classes (64-byte multiples up to 4 KiB, then four classes per power of two:
 * at most 25% slack) so a block freed by one tensor fits the next of a similar size. A freed block
 * waits in its class's free set; a freed block at the top of the heap lowers the top, merging
 * with free blocks below it. The memory grows when the top passes its end and never shrinks
 * (wasm memory cannot), so its size is the high-water mark of what was live at once.
 *
 * Blocks are cache-line aligned. Memory above the highest offset ever handed out is still zero
 * (fresh pages from `memory.grow`), so a zeroed block from there needs no clearing.
 * docs/design/memory.md ("Resident storage") has the design.
 * @module
 */
import { BackendError } from '../../util/errors.js';

/** A kernel call or a resident array needs more wasm memory than wasm32 allows or the platform grants (callers fall back to JS). */
export class WasmMemoryError extends BackendError {
  override name = 'WasmMemoryError';
}

/** Allocation alignment and granule: one cache line. */
export const LINE = 64;
const PAGE = 65536;
/** wasm32: 4 GiB of linear memory at most. */
export const MAX_PAGES = 65536;

/**
 * The size class of a request of `bytes`: a multiple of 64 up to 4 KiB, above that rounded up to
 * one of the four steps 2ᵏ·{1, 1.25, 1.5, 1.75} (at most 25% over the request).
 */
export function heapClass(bytes: number): number {
  const b = Math.max(LINE, Math.ceil(bytes / LINE) * LINE);
  if (b <= 4096) return b;
  const step = 2 ** (Math.floor(Math.log2(b)) - 2);
  return Math.ceil(b / step) * step;
}

/** What a {@link WasmHeap} holds. */
export interface WasmHeapStats {
  /** Bytes of the wasm memory (its size never shrinks). */
  readonly memoryBytes: number;
  /** Bytes in blocks handed out and not freed. */
  readonly liveBytes: number;
  /** Bytes in freed blocks waiting for reuse (below the top). */
  readonly freeBytes: number;
  /** The end of the highest block (the heap's top). */
  readonly top: number;
}

/** Blocks of a wasm memory: `alloc` / `free` by offset, see the module comment. */
export class WasmHeap {
  private topOff: number;
  /** Offsets at or above this were never handed out: zero since the memory grew. */
  private clean: number;
  /** Class → offsets of free blocks of that class (insertion order: the oldest is reused first). */
  private readonly freeSets = new Map<number, Set<number>>();
  /** End offset → start offset of each free block (to merge free blocks into a falling top). */
  private readonly freeByEnd = new Map<number, number>();
  /** Start offset → class size of every block below the top, live or free. */
  private readonly sizes = new Map<number, number>();
  private live = 0;
  private freed = 0;

  /**
   * A heap over `memory` from byte `start` (a multiple of 64) up; `onGrow` runs after every
   * `memory.grow` (the owner records the new `memory.buffer`).
   */
  constructor(readonly memory: WebAssembly.Memory, start: number, private readonly onGrow?: () => void) {
    this.topOff = this.clean = start;
  }

  /** The class size of the block at `off` (0 when there is none). */
  sizeAt(off: number): number {
    return this.sizes.get(off) ?? 0;
  }

  /**
   * A block of at least `bytes` (cache-line aligned); with `zero`, its first `bytes` are zero.
   * Reuses a free block of the class (or, before growing the memory, one up to twice the class);
   * otherwise takes it from the top, growing the memory — unless `grow` is false: then −1.
   * @throws WasmMemoryError past 4 GiB, or when the platform refuses to grow the memory
   */
  alloc(bytes: number, zero = false, grow = true): number {
    const cls = heapClass(bytes);
    let off = this.takeFree(cls, cls);
    if (off < 0 && !grow) {
      if (this.topOff + cls > this.memory.buffer.byteLength) off = this.takeFree(cls + 1, 2 * cls);
      if (off < 0) return -1;
    }
    if (off < 0) {
      const end = this.topOff + cls;
      if (end > this.memory.buffer.byteLength) off = this.takeFree(cls + 1, 2 * cls); // rather than grow
      if (off < 0) {
        this.ensure(end);
        off = this.topOff;
        this.topOff = end;
        this.sizes.set(off, cls);
      }
    }
    const size = this.sizes.get(off)!;
    this.live += size;
    if (zero && off < this.clean) new Uint8Array(this.memory.buffer, off, Math.min(bytes, this.clean - off)).fill(0);
    this.clean = Math.max(this.clean, off + size);
    return off;
  }

  /** Return the block at `off` (from {@link alloc}); a block at the top lowers the top. */
  free(off: number): void {
    const size = this.sizes.get(off);
    if (size === undefined) throw new BackendError(`wasm heap: free of ${off}, which is not a block`);
    this.live -= size;
    if (off + size === this.topOff) {
      this.sizes.delete(off);
      this.topOff = off;
      for (let below = this.freeByEnd.get(this.topOff); below !== undefined; below = this.freeByEnd.get(this.topOff)) {
        const s = this.sizes.get(below)!;
        this.unlinkFree(below, s);
        this.sizes.delete(below);
        this.topOff = below;
      }
      return;
    }
    let set = this.freeSets.get(size);
    if (!set) this.freeSets.set(size, (set = new Set()));
    set.add(off);
    this.freeByEnd.set(off + size, off);
    this.freed += size;
  }

  /** Sizes and occupancy, see {@link WasmHeapStats}. */
  stats(): WasmHeapStats {
    return { memoryBytes: this.memory.buffer.byteLength, liveBytes: this.live, freeBytes: this.freed, top: this.topOff };
  }

  /** A free block of class in [lo, hi] (the smallest such class, its oldest block), unlinked; −1 if none. */
  private takeFree(lo: number, hi: number): number {
    let best = -1;
    for (const [cls, set] of this.freeSets) if (cls >= lo && cls <= hi && set.size > 0 && (best < 0 || cls < best)) best = cls;
    if (best < 0) return -1;
    const off = this.freeSets.get(best)!.values().next().value as number;
    this.unlinkFree(off, best);
    return off;
  }

  private unlinkFree(off: number, size: number): void {
    const set = this.freeSets.get(size)!;
    set.delete(off);
    if (set.size === 0) this.freeSets.delete(size);
    this.freeByEnd.delete(off + size);
    this.freed -= size;
  }

  /** Grow the memory to hold `end` bytes (in steps of at least 1/8 of its size, to grow rarely). */
  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength / PAGE;
    const need = Math.ceil(end / PAGE);
    if (need <= have) return;
    if (need > MAX_PAGES) throw new WasmMemoryError(`wasm kernels: ${end} bytes needed, more than the 4 GiB of wasm32 memory`);
    const want = Math.min(MAX_PAGES, Math.max(need, have + (have >> 3)));
    try {
      this.memory.grow(want - have);
    } catch {
      try {
        this.memory.grow(need - have);
      } catch (e) {
        throw new WasmMemoryError(`wasm kernels: growing the memory to ${need * PAGE} bytes failed (${(e as Error).message})`);
      }
    }
    this.onGrow?.();
  }
}
