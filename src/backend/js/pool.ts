/**
 * 2-D pooling kernels (PyTorch conventions; the op computes the output size, floor or ceil mode):
 * max pooling with argmax, average pooling, their gradients, and adaptive max pooling.
 * @module
 */
import type { Kernel } from '../types.js';

/** Pooling geometry. */
export interface Pool2dAttrs {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  countIncludePad?: boolean;
  /** Ceil-mode output size (already reflected in the output shape; the kernels read only that). */
  ceilMode?: boolean;
}

/** maxPool2d: x [N,C,H,W] → (values [N,C,Ho,Wo], argmax int32 = flat index in the H·W plane). */
export const maxPool2dKernel: Kernel = ([x], [o, arg], a: Pool2dAttrs) => {
  const [N, C, H, W] = x!.shape as [number, number, number, number];
  const Ho = o!.shape[2]!, Wo = o!.shape[3]!;
  const [kh, kw] = a.kernel, [sh, sw] = a.stride, [ph, pw] = a.padding, [dh, dw] = a.dilation;
  const xd = x!.data, od = o!.data, ad = arg!.data;
  for (let p = 0; p < N * C; p++) {
    const xb = p * H * W, ob = p * Ho * Wo;
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        let best = -Infinity, bi = -1;
        for (let i = 0; i < kh; i++) {
          const y = oy * sh - ph + i * dh;
          if (y < 0 || y >= H) continue;
          for (let j = 0; j < kw; j++) {
            const xx = ox * sw - pw + j * dw;
            if (xx < 0 || xx >= W) continue;
            const v = xd[xb + y * W + xx]!;
            if (v > best || bi < 0 || v !== v) { best = v; bi = y * W + xx; if (v !== v) { i = kh; break; } }
          }
        }
        od[ob + oy * Wo + ox] = best;
        ad[ob + oy * Wo + ox] = bi;
      }
    }
  }
};

/** Gradient of maxPool2d: inputs (gOut, argmax) → [N,C,H,W] (routes each gradient to its argmax). */
export const maxPool2dGradKernel: Kernel = ([gy, arg], [o]) => {
  const [N, C, H, W] = o!.shape as [number, number, number, number];
  const P = gy!.shape[2]! * gy!.shape[3]!;
  const gd = gy!.data, ad = arg!.data, od = o!.data;
  od.fill(0);
  for (let p = 0; p < N * C; p++) {
    for (let k = 0; k < P; k++) {
      const i = ad[p * P + k]!;
      if (i >= 0) od[p * H * W + i]! += gd[p * P + k]!;
    }
  }
};

function avgLoop(shapeIn: readonly number[], shapeOut: readonly number[], a: Pool2dAttrs,
  visit: (plane: number, xIndex: number, oIndex: number, inv: number) => void): void {
  const [N, C, H, W] = shapeIn as [number, number, number, number];
  const Ho = shapeOut[2]!, Wo = shapeOut[3]!;
  const [kh, kw] = a.kernel, [sh, sw] = a.stride, [ph, pw] = a.padding;
  const include = a.countIncludePad ?? true;
  for (let p = 0; p < N * C; p++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        const y0 = oy * sh - ph, x0 = ox * sw - pw;
        const y1 = Math.min(y0 + kh, H + ph), x1 = Math.min(x0 + kw, W + pw);
        const ya = Math.max(y0, 0), xa = Math.max(x0, 0), yb = Math.min(y1, H), xb = Math.min(x1, W);
        const count = include ? (y1 - y0) * (x1 - x0) : (yb - ya) * (xb - xa);
        const inv = 1 / count;
        for (let y = ya; y < yb; y++) for (let xx = xa; xx < xb; xx++) visit(p, p * H * W + y * W + xx, (p * Ho + oy) * Wo + ox, inv);
      }
    }
  }
}

/** avgPool2d: x [N,C,H,W] → [N,C,Ho,Wo]. */
export const avgPool2dKernel: Kernel = ([x], [o], a: Pool2dAttrs) => {
  const xd = x!.data, od = o!.data;
  od.fill(0);
  avgLoop(x!.shape, o!.shape, a, (_p, xi, oi, inv) => { od[oi]! += xd[xi]! * inv; });
};

/** Gradient (adjoint) of avgPool2d: gOut → [N,C,H,W] (attrs.inputShape). */
export const avgPool2dGradKernel: Kernel = ([gy], [o], a: Pool2dAttrs) => {
  const gd = gy!.data, od = o!.data;
  od.fill(0);
  avgLoop(o!.shape, gy!.shape, a, (_p, xi, oi, inv) => { od[xi]! += gd[oi]! * inv; });
};

/**
 * adaptiveMaxPool2d: x [N,C,H,W] → (values [N,C,Ho,Wo], argmax int32 = flat index in the H·W
 * plane); window i spans [⌊iH/Ho⌋, ⌈(i+1)H/Ho⌉) (PyTorch). The first maximum wins; NaN propagates.
 */
export const adaptiveMaxPool2dKernel: Kernel = ([x], [o, arg]) => {
  const [N, C, H, W] = x!.shape as [number, number, number, number];
  const Ho = o!.shape[2]!, Wo = o!.shape[3]!;
  const xd = x!.data, od = o!.data, ad = arg!.data;
  for (let p = 0; p < N * C; p++) {
    const xb = p * H * W, ob = p * Ho * Wo;
    for (let oy = 0; oy < Ho; oy++) {
      const y0 = Math.floor((oy * H) / Ho), y1 = Math.ceil(((oy + 1) * H) / Ho);
      for (let ox = 0; ox < Wo; ox++) {
        const x0 = Math.floor((ox * W) / Wo), x1 = Math.ceil(((ox + 1) * W) / Wo);
        let best = -Infinity, bi = -1;
        outer: for (let y = y0; y < y1; y++) {
          for (let xx = x0; xx < x1; xx++) {
            const v = xd[xb + y * W + xx]!;
            if (v > best || bi < 0 || v !== v) { best = v; bi = y * W + xx; if (v !== v) break outer; }
          }
        }
        od[ob + oy * Wo + ox] = best;
        ad[ob + oy * Wo + ox] = bi;
      }
    }
  }
};
