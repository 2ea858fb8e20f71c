/**
 * 2-D convolution kernels (cross-correlation, PyTorch conventions) via im2col + gemm:
 * forward, gradient w.r.t. the input (also the forward of the transposed convolution) and
 * gradient w.r.t. the weight. Stride, zero padding, dilation and groups.
 * @module
 */
import type { FloatArray, Kernel } from '../types.js';
import { gemm } from './gemm.js';

/** Geometry attributes shared by the convolution kernels. */
export interface Conv2dAttrs {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

interface Geo {
  N: number; C: number; H: number; W: number;
  O: number; kh: number; kw: number; Ho: number; Wo: number;
  Cg: number; Og: number; K: number; P: number;
}

function geometry(x: readonly number[], w: readonly number[], out: readonly number[], groups: number): Geo {
  const [N, C, H, W] = x as [number, number, number, number];
  const [O, , kh, kw] = w as [number, number, number, number];
  const Ho = out[2]!, Wo = out[3]!;
  const Cg = C / groups, Og = O / groups;
  return { N, C, H, W, O, kh, kw, Ho, Wo, Cg, Og, K: Cg * kh * kw, P: Ho * Wo };
}

const scratch: { f32: Float32Array; f64: Float64Array } = { f32: new Float32Array(0), f64: new Float64Array(0) };
function getScratch(like: FloatArray, size: number): FloatArray {
  if (like instanceof Float32Array) {
    if (scratch.f32.length < size) scratch.f32 = new Float32Array(size);
    return scratch.f32;
  }
  if (scratch.f64.length < size) scratch.f64 = new Float64Array(size);
  return scratch.f64;
}

function im2col(x: FloatArray, xOff: number, g: Geo, a: Conv2dAttrs, col: FloatArray, ldc = g.P, cOff = 0): void {
  const [sh, sw] = a.stride, [ph, pw] = a.padding, [dh, dw] = a.dilation;
  const { H, W, kh, kw, Ho, Wo, Cg } = g;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = xOff + c * H * W;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, row++) {
        const base = row * ldc + cOff;
        for (let oy = 0; oy < Ho; oy++) {
          const y = oy * sh - ph + i * dh;
          const rowBase = base + oy * Wo;
          if (y < 0 || y >= H) {
            col.fill(0, rowBase, rowBase + Wo);
            continue;
          }
          const src = plane + y * W;
          for (let ox = 0; ox < Wo; ox++) {
            const xx = ox * sw - pw + j * dw;
            col[rowBase + ox] = xx >= 0 && xx < W ? x[src + xx]! : 0;
          }
        }
      }
    }
  }
}

function col2im(col: FloatArray, g: Geo, a: Conv2dAttrs, dx: FloatArray, xOff: number): void {
  const [sh, sw] = a.stride, [ph, pw] = a.padding, [dh, dw] = a.dilation;
  const { H, W, kh, kw, Ho, Wo, Cg, P } = g;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = xOff + c * H * W;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, row++) {
        const base = row * P;
        for (let oy = 0; oy < Ho; oy++) {
          const y = oy * sh - ph + i * dh;
          if (y < 0 || y >= H) continue;
          const dst = plane + y * W, rowBase = base + oy * Wo;
          for (let ox = 0; ox < Wo; ox++) {
            const xx = ox * sw - pw + j * dw;
            if (xx >= 0 && xx < W) dx[dst + xx]! += col[rowBase + ox]!;
          }
        }
      }
    }
  }
}

/** The GEMM the convolution kernels run on (the JS {@link gemm} by default). */
export type GemmFn = typeof gemm;

/**
 * The three convolution kernels (im2col / col2im around GEMMs) on a given GEMM implementation
 * (the reference uses the JS {@link gemm}; the cpu backend's convolutions, float32 and float64,
 * are the wasm kernels of ../wasm/kernels.ts, which pack im2col blocks straight into their GEMM).
 */
export function conv2dKernels(gemm: GemmFn): { conv2d: Kernel; conv2dGradInput: Kernel; conv2dGradWeight: Kernel } {
  /** conv2d: inputs (x [N,C,H,W], w [O,C/groups,kh,kw]) → [N,O,Ho,Wo]. */
  const conv2dKernel: Kernel = ([x, w], [o], a: Conv2dAttrs) => {
    const g = geometry(x!.shape, w!.shape, o!.shape, a.groups);
    const xd = x!.data as FloatArray, wd = w!.data as FloatArray, od = o!.data as FloatArray;
    // Several images per GEMM: col [K, B·P] for a chunk of B images, one W_g [Og, K] · col product
    // (a GEMM with B·P columns runs near peak; one with P columns and Og = 32 rows does not), then
    // the [Og, B·P] result is scattered into [N, O, P].
    const B = Math.max(1, Math.min(g.N, Math.floor(CHUNK_ELEMENTS / Math.max(1, g.K * g.P))));
    const col = getScratch(xd, g.K * g.P * B + g.Og * g.P * B);
    const tmpOff = g.K * g.P * B;
    for (let n0 = 0; n0 < g.N; n0 += B) {
      const nb = Math.min(B, g.N - n0);
      const ld = nb * g.P;
      for (let gi = 0; gi < a.groups; gi++) {
        for (let b = 0; b < nb; b++) im2col(xd, ((n0 + b) * g.C + gi * g.Cg) * g.H * g.W, g, a, col, ld, b * g.P);
        gemm(wd, gi * g.Og * g.K, false, col, 0, false, col, tmpOff, g.Og, g.K, ld, false);
        for (let oc = 0; oc < g.Og; oc++) {
          for (let b = 0; b < nb; b++) {
            const src = tmpOff + oc * ld + b * g.P, dst = ((n0 + b) * g.O + gi * g.Og + oc) * g.P;
            for (let p = 0; p < g.P; p++) od[dst + p] = col[src + p]!;
          }
        }
      }
    }
  };

  /** Gradient of conv2d w.r.t. its input: inputs (gOut [N,O,Ho,Wo], w) → [N,C,H,W] (attrs.inputShape). */
  const conv2dGradInputKernel: Kernel = ([gy, w], [o], a: Conv2dAttrs) => {
    const g = geometry(o!.shape, w!.shape, gy!.shape, a.groups);
    const gd = gy!.data as FloatArray, wd = w!.data as FloatArray, od = o!.data as FloatArray;
    od.fill(0);
    const col = getScratch(gd, g.K * g.P);
    for (let n = 0; n < g.N; n++) {
      for (let gi = 0; gi < a.groups; gi++) {
        gemm(wd, gi * g.Og * g.K, true, gd, (n * g.O + gi * g.Og) * g.P, false, col, 0, g.K, g.Og, g.P, false);
        col2im(col, g, a, od, (n * g.C + gi * g.Cg) * g.H * g.W);
      }
    }
  };

  /** Gradient of conv2d w.r.t. its weight: inputs (x, gOut) → [O,C/groups,kh,kw] (attrs.weightShape). */
  const conv2dGradWeightKernel: Kernel = ([x, gy], [o], a: Conv2dAttrs) => {
    const g = geometry(x!.shape, o!.shape, gy!.shape, a.groups);
    const xd = x!.data as FloatArray, gd = gy!.data as FloatArray, od = o!.data as FloatArray;
    od.fill(0);
    const col = getScratch(xd, g.K * g.P);
    for (let n = 0; n < g.N; n++) {
      for (let gi = 0; gi < a.groups; gi++) {
        im2col(xd, (n * g.C + gi * g.Cg) * g.H * g.W, g, a, col);
        gemm(gd, (n * g.O + gi * g.Og) * g.P, false, col, 0, true, od, gi * g.Og * g.K, g.Og, g.P, g.K, true);
      }
    }
  };
  return { conv2d: conv2dKernel, conv2dGradInput: conv2dGradInputKernel, conv2dGradWeight: conv2dGradWeightKernel };
}

/** Scratch budget (elements) of the batched im2col buffer. */
const CHUNK_ELEMENTS = 1 << 22;

const jsConv = conv2dKernels(gemm);
/** conv2d: inputs (x [N,C,H,W], w [O,C/groups,kh,kw]) → [N,O,Ho,Wo]. */
export const conv2dKernel: Kernel = jsConv.conv2d;
/** Gradient of conv2d w.r.t. its input: inputs (gOut [N,O,Ho,Wo], w) → [N,C,H,W] (attrs.inputShape). */
export const conv2dGradInputKernel: Kernel = jsConv.conv2dGradInput;
/** Gradient of conv2d w.r.t. its weight: inputs (x, gOut) → [O,C/groups,kh,kw] (attrs.weightShape). */
export const conv2dGradWeightKernel: Kernel = jsConv.conv2dGradWeight;
