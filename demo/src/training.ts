/**
 * The demo's training loop, shared by demo/train.ts (Node, writes the shipped weights) and the
 * page's Web Worker ("train in the page"): Adam on the MSE between a network's [V, 3] output
 * (scalar, v_x, v_y) and the ground truth of one mesh.
 * @module
 */
import { Adam } from '../../src/index.js';
import type { DemoGeometry } from './geometry.js';
import { groundTruth } from './geometry.js';
import type { DemoNet } from './model.js';
import { cachedInputs, demoLoss, targetTensor } from './model.js';

/** One point of a training curve. */
export interface CurvePoint {
  step: number;
  loss: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  steps: number;
  lr?: number;
  /** Called after every step with the step (1-based) and its loss. */
  onStep?: (step: number, loss: number) => void;
}

/** Train `net` on the ground truth of `g` for `opts.steps` Adam steps; returns the loss curve. */
export function train(net: DemoNet, g: DemoGeometry, opts: TrainOptions): CurvePoint[] {
  const x = cachedInputs(net, g), target = targetTensor(groundTruth(g));
  const opt = new Adam(net.parameters(), { lr: opts.lr ?? 1e-2 });
  const curve: CurvePoint[] = [];
  for (let s = 1; s <= opts.steps; s++) {
    opt.zeroGrad();
    const loss = demoLoss(net.call(x, g), target);
    loss.backward();
    opt.step();
    const l = loss.item();
    curve.push({ step: s, loss: l });
    opts.onStep?.(s, l);
  }
  return curve;
}

/** The loss of `net` on the ground truth of `g` (no training). */
export function evaluate(net: DemoNet, g: DemoGeometry): number {
  return demoLoss(net.call(cachedInputs(net, g), g), targetTensor(groundTruth(g))).item();
}
