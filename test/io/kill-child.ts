/**
 * Child process of kill.test.ts: saves versions v + 1, v + 2, … of a large file over `target`
 * forever (until killed), announcing `begin <v>` before and `done <v>` after each save.
 * Version v holds big[i] = v·4096 + (i mod 4096) (exact in float32), so a mix of two versions or a
 * partial write is detectable value by value.
 * Usage: node --import tsx test/io/kill-child.ts <target> <last version> <megabytes>
 */
import { save } from '../../src/io/index.js';

export function fillVersion(data: Float32Array, v: number): void {
  for (let i = 0; i < data.length; i++) data[i] = v * 4096 + (i & 4095);
}

async function main(): Promise<void> {
  const [target, last, mb] = process.argv.slice(2);
  const n = Math.floor((Number(mb) * 1024 * 1024) / 4);
  const big = new Float32Array(n);
  for (let v = Number(last) + 1; ; v++) {
    fillVersion(big, v);
    process.stdout.write(`begin ${v}\n`);
    await save(target!, { big: { shape: [n], data: big }, version: { shape: [], data: new Int32Array([v]) } }, { metadata: { version: String(v) } });
    process.stdout.write(`done ${v}\n`);
  }
}

if (process.argv[1]?.endsWith('kill-child.ts')) void main();
