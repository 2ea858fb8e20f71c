/**
 * File access for `save`/`load`/checkpoints (Node only). Node's built-in modules are reached through
 * `process.getBuiltinModule` at call time, never by a static or dynamic `import`, so a browser
 * bundle of the package entry contains no `node:*` reference at all.
 *
 * Writes are atomic: the bytes go to a temporary file in the target's folder, which is flushed to
 * disk (fsync) and then renamed over the target; the folder is then fsynced (best effort) so the
 * rename itself is durable. A crash at any moment leaves either the old file or the new one under
 * the target's name, plus at worst a stray temporary file (removed by the next successful save to
 * the same path once its writer is gone; never read by `load`).
 * @module
 */
import type * as FsPromises from 'node:fs/promises';
import type * as NodePath from 'node:path';
import type * as NodeOs from 'node:os';
import type * as NodeBuffer from 'node:buffer';
import type { Tensor } from '../tensor/index.js';
import { BackendError, FormatError, SizeError } from '../util/errors.js';
import { parseHeader, readHeaderLength, tensorsFromData } from './safetensors.js';
import type { SafetensorsContents } from './safetensors.js';

interface NodeApi {
  fs: typeof FsPromises;
  path: typeof NodePath;
  os: typeof NodeOs;
  maxBuffer: number;
  pid: number;
  kill: (pid: number, signal: number) => boolean;
}

let cached: NodeApi | null = null;

function nodeApi(op: string): NodeApi {
  if (cached) return cached;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; pid?: number; kill?: (pid: number, sig: number) => boolean } }).process;
  if (!proc?.getBuiltinModule) {
    throw new BackendError(`${op}: files need Node ≥ 20.16 (process.getBuiltinModule); in a browser use serializeSafetensors / parseSafetensors on bytes`);
  }
  const buf = proc.getBuiltinModule('node:buffer') as typeof NodeBuffer;
  cached = {
    fs: proc.getBuiltinModule('node:fs/promises') as typeof FsPromises,
    path: proc.getBuiltinModule('node:path') as typeof NodePath,
    os: proc.getBuiltinModule('node:os') as typeof NodeOs,
    maxBuffer: buf.constants.MAX_LENGTH,
    pid: proc.pid ?? 0,
    kill: proc.kill ? proc.kill.bind(proc) : () => true, // without kill, every writer counts as alive
  };
  return cached;
}

let seq = 0;

function hostTag(api: NodeApi): string {
  return api.os.hostname().replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40) || 'host';
}

/** The temporary-file name pattern for `base`: `.<base>.<host>.<pid>.<n>.tmp`. */
function tempRegex(base: string): RegExp {
  return new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.([A-Za-z0-9-]+)\\.(\\d+)\\.(\\d+)\\.tmp$`);
}

/**
 * Write `bytes` to `file` atomically (see the module comment).
 * @internal
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array, op: string): Promise<void> {
  const api = nodeApi(op);
  const { fs, path } = api;
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const base = path.basename(target);
  const host = hostTag(api);
  let tmp = '';
  let created = false;
  let renamed = false;
  try {
    // exclusive create; a name taken by another writer (e.g. a second copy of this module in the
    // same process) is skipped, never opened or removed
    let fh: FsPromises.FileHandle | null = null;
    for (let attempt = 0; fh === null; attempt++) {
      tmp = path.join(dir, `.${base}.${host}.${api.pid}.${seq++}.tmp`);
      try {
        fh = await fs.open(tmp, 'wx');
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST' || attempt >= 1000) throw e;
      }
    }
    created = true;
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, target);
    renamed = true;
  } finally {
    if (created && !renamed) await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
  await syncDir(api, dir);
  await removeStaleTemps(api, dir, base, host);
}

async function syncDir(api: NodeApi, dir: string): Promise<void> {
  try {
    const d = await api.fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // not every platform can fsync a folder (Windows); the rename is still atomic there
  }
}

/** Remove temporaries of `base` left by writers on this host that no longer run (best effort). */
async function removeStaleTemps(api: NodeApi, dir: string, base: string, host: string): Promise<void> {
  try {
    const re = tempRegex(base);
    for (const name of await api.fs.readdir(dir)) {
      const m = re.exec(name);
      if (!m || m[1] !== host) continue;
      const pid = Number(m[2]);
      if (pid === api.pid || isAlive(api, pid)) continue;
      await api.fs.rm(api.path.join(dir, name), { force: true });
    }
  } catch {
    // cleanup is a courtesy; the save itself has succeeded
  }
}

function isAlive(api: NodeApi, pid: number): boolean {
  try {
    api.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

async function readExactly(fh: FsPromises.FileHandle, length: number, position: number, where: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(out, got, length - got, position + got);
    if (bytesRead === 0) throw new FormatError(`${where}: the file ended after ${position + got} bytes while reading (it changed while being read?)`);
    got += bytesRead;
  }
  return out;
}

/**
 * Read and validate a safetensors file: the header is checked against the file's size before the
 * data is read, so a corrupt length or offset never causes a large allocation.
 * @internal
 */
export async function readSafetensorsFile(file: string, op: string): Promise<SafetensorsContents> {
  const api = nodeApi(op);
  const where = `${op} (${file})`;
  const fh = await api.fs.open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const first = await readExactly(fh, Math.min(8, size), 0, where);
    const n = readHeaderLength(first, size, where);
    const h = parseHeader(await readExactly(fh, n, 8, where), size, where);
    if (h.dataBytes > api.maxBuffer) throw new SizeError(`${where}: the tensors take ${h.dataBytes} bytes, more than one buffer can hold (${api.maxBuffer})`);
    const data = await readExactly(fh, h.dataBytes, 8 + n, where);
    const tensors: Record<string, Tensor> = tensorsFromData(h, data, where);
    return { tensors, metadata: h.metadata };
  } finally {
    await fh.close();
  }
}
