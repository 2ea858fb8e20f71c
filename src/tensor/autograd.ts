/**
 * Reverse-mode automatic differentiation: an iterative topological sort of the graph below the
 * output, then one pass in reverse order applying each op's backward rule (ops/ hold the rules).
 * @module
 */
import { GradError, ShapeError, fmtShape } from '../util/errors.js';
import { activeRecorder, noGrad, trackFresh, withBackwardLabel } from './engine.js';
import { type GradNode, Tensor } from './tensor.js';
import { describe } from './shape-util.js';
import { add } from './ops/elementwise.js';
import { clone } from './ops/base.js';
import { onesLike } from './creation.js';

/** Nodes reachable from `root`, in topological order (inputs before outputs), without recursion. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    const inputs = t.node ? t.node.inputs : [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const c = inputs[i]!;
      if (c.requiresGrad && !visited.has(c)) {
        visited.add(c);
        stack.push([c, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

/**
 * Backpropagate from `root`. A scalar root gets the seed gradient 1; a non-scalar root needs an
 * explicit upstream `grad` of its shape. Gradients accumulate into `.grad` of leaves that
 * require grad (and of non-leaves that called `retainGrad`). The graph is kept, so calling
 * backward twice accumulates twice.
 */
export function backward(root: Tensor, grad?: Tensor): void {
  if (!(root instanceof Tensor)) throw new GradError(`backward: expected a Tensor to backpropagate from, got ${describe(root)}`);
  if (grad !== undefined && !(grad instanceof Tensor)) throw new GradError(`backward: the upstream gradient must be a Tensor, got ${describe(grad)}`);
  if (!root.requiresGrad) {
    throw new GradError(`backward: the tensor ${fmtShape(root.shape)} does not require grad (no input of the computation had requiresGrad)`);
  }
  let seed: Tensor;
  if (grad === undefined) {
    if (root.size !== 1) {
      throw new GradError(`backward: called on a tensor of shape ${fmtShape(root.shape)} without an upstream gradient; pass one of the same shape or reduce to a scalar first`);
    }
    seed = onesLike(root);
  } else {
    if (grad.shape.length !== root.shape.length || grad.shape.some((d, i) => d !== root.shape[i])) {
      throw new ShapeError(`backward: upstream gradient shape ${fmtShape(grad.shape)} differs from the output shape ${fmtShape(root.shape)}`);
    }
    seed = grad;
  }
  const order = topoOrder(root);
  const grads = new Map<Tensor, Tensor>();
  grads.set(root, seed);
  // How often each gradient tensor was handed to a tensor: a leaf may keep a gradient without a
  // copy only if an op of this pass allocated it (fresh, not an alias, not the caller's seed) and
  // it went to that leaf alone.
  const handed = new Map<Tensor, number>([[seed, 1]]);
  const hand = (g: Tensor): Tensor => { handed.set(g, (handed.get(g) ?? 0) + 1); return g; };
  noGrad(() => trackFresh((fresh) => {
    const owned = (g: Tensor, hooked: boolean): boolean => !hooked && g !== grad && fresh.has(g) && handed.get(g) === 1;
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k]!;
      let g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      const hooked = (t.hooks?.length ?? 0) > 0;
      if (t.hooks) for (const h of t.hooks) g = h(g) ?? g;
      const node = t.node;
      if (!node) {
        accumulate(t, g, owned(g, hooked));
        continue;
      }
      if (t.retainsGrad) accumulate(t, g, owned(g, hooked));
      checkVersions(node);
      const needs = node.inputs.map((x) => x.requiresGrad);
      const gin = withBackwardLabel(node.op.name, () => node.op.backward!({ inputs: node.inputs, outputs: node.outputs, grad: g!, attrs: node.attrs, needs }));
      for (let i = 0; i < node.inputs.length; i++) {
        const x = node.inputs[i]!;
        const gi = gin[i];
        if (!x.requiresGrad || !gi) continue;
        if (gi.shape.length !== x.shape.length || gi.shape.some((d, j) => d !== x.shape[j])) {
          throw new ShapeError(`backward of '${node.op.name}': gradient for input ${i} has shape ${fmtShape(gi.shape)}, expected ${fmtShape(x.shape)}`);
        }
        const prev = grads.get(x);
        grads.set(x, hand(prev ? add(prev, gi) : gi));
      }
    }
  }));
}

/** Throw a GradError if a tensor the node saved was modified in place after the forward pass. */
function checkVersions(node: GradNode): void {
  const vs = node.versions;
  const nIn = node.inputs.length;
  const saved = node.op.saved;
  const n = saved ? saved.length : nIn + node.outputs.length;
  for (let k = 0; k < n; k++) {
    const i = saved ? saved[k]! : k;
    const t = i < nIn ? node.inputs[i]! : node.outputs[i - nIn]!;
    const then = vs ? vs[i]! : 0;
    if (t.versionCell !== null && t.versionCell.n !== then) {
      const which = i < nIn ? `input ${i}` : `output ${i - nIn}`;
      throw new GradError(
        `backward of '${node.op.name}': its ${which} (${t.dtype} ${fmtShape(t.shape)}) was modified in place after the forward pass ` +
          `(version ${then} when saved, now ${t.version}); the gradient would use the new values. Clone the tensor before modifying it, or run the forward pass again`,
      );
    }
  }
}

function accumulate(t: Tensor, g: Tensor, owned: boolean): void {
  const rec = activeRecorder();
  if (rec && !rec.touchedLeaves.has(t)) rec.touchedLeaves.set(t, t.grad);
  // A leaf's .grad owns its storage: the incoming gradient may be shared with other inputs
  // (add passes one tensor to both operands) or alias another tensor (reshape) — then it is
  // copied; a gradient this pass allocated for this leaf alone is kept as is.
  t.grad = t.grad ? add(t.grad, g) : owned && !rec ? g : clone(g);
}
