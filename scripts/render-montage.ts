/**
 * Render montages of the generated image datasets to PNG for a visual check, and time the digit
 * renderer. Usage: npx tsx scripts/render-montage.ts [outDir=/tmp]. Writes
 * rotated-digits.png (rows: digits 0–9; left half upright, right half rotated — the same items) and
 * tetrominoes.png (rows: shape classes; left half exact quarter turns, right half arbitrary angles).
 * The PNG encoder is a minimal greyscale one on node:zlib.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { digitParams, renderDigits, renderGlyph } from '../src/data/glyphs.js';
import { TETROMINO_NAMES, tetrominoes } from '../src/data/tetris2d.js';

const CRC_TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(buf: Uint8Array): number {
  let c = -1;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encode a greyscale image (values in [0, 1], row-major w×h) as an 8-bit PNG. */
function encodePng(pix: Float32Array, w: number, h: number): Buffer {
  const raw = Buffer.alloc((w + 1) * h);
  for (let r = 0; r < h; r++) {
    raw[r * (w + 1)] = 0;
    for (let c = 0; c < w; c++) raw[r * (w + 1) + 1 + c] = Math.round(255 * Math.min(1, Math.max(0, pix[r * w + c]!)));
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

/** Tile images (each s×s) into a grid with a 1-pixel grey border, scaled up by `zoom`. */
function montage(tiles: Float32Array[][], s: number, zoom: number): { pix: Float32Array; w: number; h: number } {
  const rows = tiles.length, cols = Math.max(...tiles.map((r) => r.length));
  const w = (cols * (s + 1) + 1) * zoom, h = (rows * (s + 1) + 1) * zoom;
  const pix = new Float32Array(w * h).fill(0.35);
  tiles.forEach((row, i) => row.forEach((t, j) => {
    for (let r = 0; r < s * zoom; r++) for (let c = 0; c < s * zoom; c++) {
      pix[((i * (s + 1) + 1) * zoom + r) * w + (j * (s + 1) + 1) * zoom + c] = t[Math.floor(r / zoom) * s + Math.floor(c / zoom)]!;
    }
  }));
  return { pix, w, h };
}

const outDir = process.argv[2] ?? '/tmp';

// Digits: find 8 items of each class in the test split; upright then rotated.
const perClass = 8;
const found: number[][] = Array.from({ length: 10 }, () => []);
for (let i = 0; found.some((f) => f.length < perClass); i++) {
  const d = digitParams(0, 'test', i).digit;
  if (found[d]!.length < perClass) found[d]!.push(i);
}
const digitTiles = found.map((idx) => [
  ...idx.map((i) => renderGlyph(digitParams(0, 'test', i, true))),
  ...idx.map((i) => renderGlyph(digitParams(0, 'test', i, false))),
]);
const dm = montage(digitTiles, 28, 3);
writeFileSync(`${outDir}/rotated-digits.png`, encodePng(dm.pix, dm.w, dm.h));

// Noisy rotated digits as the dataset delivers them.
const noisy = renderDigits({ seed: 0, split: 'train', count: 80 }).images.data as Float32Array;
const noisyTiles = Array.from({ length: 8 }, (_, r) => Array.from({ length: 10 }, (_, c) => noisy.slice((r * 10 + c) * 784, (r * 10 + c + 1) * 784)));
const nm = montage(noisyTiles, 28, 3);
writeFileSync(`${outDir}/rotated-digits-noisy.png`, encodePng(nm.pix, nm.w, nm.h));

// Tetrominoes: per class 8 exact (p4) and 8 arbitrary-angle samples.
const S = 16;
const p4 = tetrominoes({ seed: 0, train: 140, validation: 0, test: 0, rotation: 'p4' }).train;
const cont = tetrominoes({ seed: 0, train: 140, validation: 0, test: 0, rotation: 'continuous' }).train;
const tetTiles = TETROMINO_NAMES.map((_, k) => {
  const pick = (d: typeof p4): Float32Array[] => {
    const lab = d.labels.data as Int32Array, img = d.images.data as Float32Array;
    const out: Float32Array[] = [];
    for (let i = 0; i < lab.length && out.length < 8; i++) if (lab[i] === k) out.push(img.slice(i * S * S, (i + 1) * S * S));
    return out;
  };
  return [...pick(p4), ...pick(cont)];
});
const tm = montage(tetTiles, S, 4);
writeFileSync(`${outDir}/tetrominoes.png`, encodePng(tm.pix, tm.w, tm.h));

// Render speed.
for (const n of [2000, 20000]) {
  const t0 = performance.now();
  renderDigits({ seed: 1, split: 'test', count: n });
  const dt = (performance.now() - t0) / 1000;
  console.log(`rotated digits: ${n} images in ${dt.toFixed(2)} s = ${Math.round(n / dt)} images/s`);
}
{
  const t0 = performance.now();
  tetrominoes({ seed: 1, train: 20000, validation: 0, test: 0, rotation: 'continuous' });
  const dt = (performance.now() - t0) / 1000;
  console.log(`tetrominoes (continuous, 16×16): 20000 images in ${dt.toFixed(2)} s = ${Math.round(20000 / dt)} images/s`);
}
console.log(`wrote ${outDir}/rotated-digits.png, ${outDir}/rotated-digits-noisy.png, ${outDir}/tetrominoes.png`);
