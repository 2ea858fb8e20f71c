/**
 * Reverse-mode automatic differentiation: an iterative topological sort of the graph below the
 * outputs, then one pass in reverse order applying each op's backward rule (ops/ hold the rules).
 * `backward` accumulates into `.grad`; `grad` returns the gradients instead. With `createGraph`
 * the rules run with grad recording on, so the gradients are themselves differentiable (double
 * backward: Hessian–vector products, forces −∂E/∂x in a loss).
 * @module
 */
import { GradError, ShapeError, fmtShape } from '../util/errors.js';
import { activeRecorder, apply, enableGrad, noGrad, trackFresh, withBackwardLabel } from './engine.js';
import { releaseBuffer } from './buffer-pool.js';
import type { TypedArray } from '../backend/types.js';
import type { OpDef } from './op-def.js';
import { type GradNode, Tensor } from './tensor.js';
import { describe } from './shape-util.js';
import { add } from './ops/elementwise.js';
import { clone } from './ops/base.js';
import { onesLike, zerosLike } from './creation.js';

/** Nodes reachable from `roots`, in topological order (inputs before outputs), without recursion. */
function topoOrder(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  for (const root of roots) {
    if (visited.has(root)) continue;
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
  }
  return order;
}

/** Options of {@link backward}. */
export interface BackwardOptions {
  /**
   * Run the backward rules with grad recording on, so the accumulated `.grad` tensors are part of
   * a graph and can be differentiated again (default false).
   */
  createGraph?: boolean;
  /**
   * Accepted for PyTorch compatibility; erlangen never frees a graph after backward (the nodes are
   * plain objects the garbage collector reclaims), so it is always retained.
   */
  retainGraph?: boolean;
}

/** Options of {@link grad}. */
export interface GradOptions extends BackwardOptions {
  /**
   * Upstream gradients, one per output (the vector of the vector–Jacobian product). Omitted, or
   * null for an output: ones for a one-element output; a larger output needs one.
   */
  gradOutputs?: Tensor | readonly (Tensor | null | undefined)[] | null;
  /** Return null for an input the outputs do not depend on, instead of raising a GradError. */
  allowUnused?: boolean;
  /** Return zeros (instead of null) for an unused input; implies `allowUnused`. */
  materializeGrads?: boolean;
}

/** The seed gradient of one output: ones for a one-element output, else the given upstream. */
function seedFor(op: string, root: Tensor, g: Tensor | null | undefined, which: string): Tensor {
  if (g !== undefined && g !== null && !(g instanceof Tensor)) throw new GradError(`${op}: the upstream gradient${which} must be a Tensor, got ${describe(g)}`);
  if (g === undefined || g === null) {
    if (root.size !== 1) {
      throw new GradError(`${op}: called on a tensor of shape ${fmtShape(root.shape)}${which} without an upstream gradient; pass one of the same shape or reduce to a scalar first`);
    }
    return onesLike(root);
  }
  if (g.shape.length !== root.shape.length || g.shape.some((d, i) => d !== root.shape[i])) {
    throw new ShapeError(`${op}: upstream gradient shape ${fmtShape(g.shape)} differs from the output shape ${fmtShape(root.shape)}${which}`);
  }
  return g;
}

/**
 * Backpropagate from `root`. A scalar root gets the seed gradient 1; a non-scalar root needs an
 * explicit upstream `grad` of its shape. Gradients accumulate into `.grad` of leaves that
 * require grad (and of non-leaves that called `retainGrad`). The graph is kept, so calling
 * backward twice accumulates twice. With `createGraph: true` the accumulated gradients carry a
 * graph of their own (see {@link grad}).
 */
export function backward(root: Tensor, grad?: Tensor, opts: BackwardOptions = {}): void {
  if (!(root instanceof Tensor)) throw new GradError(`backward: expected a Tensor to backpropagate from, got ${describe(root)}`);
  if (grad !== undefined && !(grad instanceof Tensor)) throw new GradError(`backward: the upstream gradient must be a Tensor, got ${describe(grad)}`);
  if (!root.requiresGrad) {
    throw new GradError(`backward: the tensor ${fmtShape(root.shape)} does not require grad (no input of the computation had requiresGrad)`);
  }
  const seed = seedFor('backward', root, grad, '');
  runPass('backward', [root], [seed], new Set(grad ? [grad] : []), opts.createGraph === true, null);
}

/**
 * Gradients of `outputs` w.r.t. `inputs` (as `torch.autograd.grad`): the vector–Jacobian product
 * Σ_k uₖᵀ ∂outputₖ/∂input for each input, with uₖ = `gradOutputs[k]` (ones for one-element
 * outputs). `.grad` fields are not touched (hooks still run). With `createGraph: true` the
 * backward rules record a graph, so the returned gradients are differentiable: second and higher
 * derivatives, e.g. forces F = −∂E/∂x trained through a loss on F, or Hessian–vector products
 * Hv = ∂(gᵀv)/∂x with g = ∂f/∂x.
 *
 * @throws GradError if an output or an input does not require grad, if an input is not reached
 *   from the outputs (unless `allowUnused`), or if an upstream gradient is missing for a
 *   non-scalar output; ShapeError if an upstream gradient has the wrong shape.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
 * const y = sum(powScalar(x, 3));                          // y = Σ x³
 * const [g] = grad(y, x, { createGraph: true });           // 3x²  = [3, 12]
 * const [h] = grad(sum(g), x);                             // 6x   = [6, 12]
 * ```
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts?: GradOptions & { allowUnused?: false; materializeGrads?: false }): Tensor[];
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions): (Tensor | null)[];
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : Array.isArray(outputs) ? [...(outputs as readonly Tensor[])] : null;
  const ins = inputs instanceof Tensor ? [inputs] : Array.isArray(inputs) ? [...(inputs as readonly Tensor[])] : null;
  if (!outs || outs.length === 0) throw new GradError(`grad: outputs must be a Tensor or a non-empty array of Tensors, got ${describe(outputs)}`);
  if (!ins || ins.length === 0) throw new GradError(`grad: inputs must be a Tensor or a non-empty array of Tensors, got ${describe(inputs)}`);
  outs.forEach((t, k) => {
    if (!(t instanceof Tensor)) throw new GradError(`grad: output ${k} must be a Tensor, got ${describe(t)}`);
    if (!t.requiresGrad) throw new GradError(`grad: output ${k} ${fmtShape(t.shape)} does not require grad (no input of the computation had requiresGrad)`);
  });
  ins.forEach((t, k) => {
    if (!(t instanceof Tensor)) throw new GradError(`grad: input ${k} must be a Tensor, got ${describe(t)}`);
    if (!t.requiresGrad) throw new GradError(`grad: input ${k} ${fmtShape(t.shape)} does not require grad, so it has no gradient`);
  });
  const go = opts.gradOutputs;
  const gos: readonly (Tensor | null | undefined)[] = go === undefined || go === null ? [] : go instanceof Tensor ? [go] : Array.isArray(go) ? go : [go as unknown as Tensor];
  if (gos.length > 0 && gos.length !== outs.length) throw new GradError(`grad: ${gos.length} upstream gradients for ${outs.length} outputs`);
  const seeds = outs.map((t, k) => seedFor('grad', t, gos[k], outs.length > 1 ? ` (output ${k})` : ''));
  const capture = new Map<Tensor, Tensor | null>(ins.map((t) => [t, null]));
  runPass('grad', outs, seeds, new Set(gos.filter((g): g is Tensor => g instanceof Tensor)), opts.createGraph === true, capture);
  const allowUnused = opts.allowUnused === true || opts.materializeGrads === true;
  return ins.map((t, k) => {
    const g = capture.get(t) ?? null;
    if (g) return g;
    if (!allowUnused) throw new GradError(`grad: input ${k} ${fmtShape(t.shape)} is not used in the graph of the outputs; pass allowUnused: true to get null for it`);
    return opts.materializeGrads ? zerosLike(t) : null;
  });
}

/**
 * One reverse pass from `roots` with `seeds`. With `capture` (grad()), the gradients reaching the
 * captured tensors are stored there and `.grad` fields are left alone, and only the part of the
 * graph that leads to a captured tensor is visited; otherwise (backward()) they accumulate.
 */
function runPass(
  op: string, roots: readonly Tensor[], seeds: readonly Tensor[], callerSeeds: ReadonlySet<Tensor>,
  createGraph: boolean, capture: Map<Tensor, Tensor | null> | null,
): void {
  const order = topoOrder(roots);
  // grad(): the tensors from which a captured tensor can be reached (the rest is skipped).
  let needed: Set<Tensor> | null = null;
  if (capture) {
    needed = new Set<Tensor>();
    for (const t of order) {
      if (capture.has(t) || (t.node && t.node.inputs.some((x) => needed!.has(x)))) needed.add(t);
    }
  }
  const grads = new Map<Tensor, Tensor>();
  // Recycling (docs/design/memory.md) is off when a hook is registered below the roots (a hook may
  // keep any tensor it sees or makes), when the graph is recorded (createGraph) or traced.
  const recycle = !createGraph && activeRecorder() === null && !order.some((t) => (t.hooks?.length ?? 0) > 0);
  // How many gradients in `grads` use each storage (a gradient may be a view of another's).
  const live = new Map<TypedArray, number>();
  const setGrad = (t: Tensor, g: Tensor): void => {
    const old = grads.get(t);
    if (old) unref(old);
    grads.set(t, g);
    if (recycle) live.set(g.data, (live.get(g.data) ?? 0) + 1);
  };
  const unref = (g: Tensor): void => {
    if (!recycle) return;
    const n = live.get(g.data)! - 1;
    if (n === 0) live.delete(g.data);
    else live.set(g.data, n);
  };
  // How often each gradient tensor was handed to a tensor: a leaf may keep a gradient without a
  // copy only if an op of this pass allocated it (fresh, not an alias, not the caller's seed) and
  // it went to that leaf alone.
  const handed = new Map<Tensor, number>();
  const hand = (g: Tensor): Tensor => { handed.set(g, (handed.get(g) ?? 0) + 1); return g; };
  roots.forEach((r, k) => {
    const prev = grads.get(r);
    setGrad(r, hand(prev ? add(prev, seeds[k]!) : seeds[k]!));
  });
  // Recycling (docs/design/memory.md): the storage of a tensor this pass allocated goes back to
  // the buffer pool as soon as nothing the engine knows of uses it — no gradient waiting in
  // `grads`, not a leaf's .grad or a grad() result (`kept`), not retained by a cache
  // (retainStorage).
  const kept = new Set<TypedArray>();
  const keep = (g: Tensor): void => { if (recycle) kept.add(g.data); };
  const pass = (): void => trackFresh((fresh) => {
    const owned = (g: Tensor, hooked: boolean): boolean => !hooked && !callerSeeds.has(g) && fresh.set.has(g) && handed.get(g) === 1;
    const pending = new Set<TypedArray>(); // storage of fresh tensors not yet recycled
    let scanned = 0;
    const dead: TypedArray[] = []; // storage that just stopped being a waiting gradient
    const sweep = (all: boolean): void => {
      const cands = dead.splice(0);
      for (; scanned < fresh.list.length; scanned++) {
        const d = fresh.list[scanned]!.data;
        pending.add(d);
        cands.push(d);
      }
      for (const d of all ? [...pending] : cands) {
        if (!pending.has(d) || kept.has(d) || fresh.retained.has(d) || live.has(d)) continue;
        pending.delete(d);
        releaseBuffer(d);
      }
    };
    const visit = (t: Tensor): void => {
      let g = grads.get(t);
      if (!g) return;
      grads.delete(t);
      unref(g);
      if (recycle) dead.push(g.data);
      if (needed && !needed.has(t)) return;
      const hooked = (t.hooks?.length ?? 0) > 0;
      if (t.hooks) for (const h of t.hooks) g = h(g) ?? g;
      const node = t.node;
      if (capture) {
        if (capture.has(t)) { capture.set(t, g); keep(g); }
        if (!node) return;
      } else {
        if (!node) {
          accumulate(t, g, owned(g, hooked));
          keep(t.grad!);
          return;
        }
        if (t.retainsGrad) { accumulate(t, g, owned(g, hooked)); keep(t.grad!); }
      }
      const needs = node.inputs.map((x) => x.requiresGrad && (!needed || needed.has(x)));
      if (!needs.some(Boolean)) return;
      checkVersions(node);
      const rule = (): (Tensor | null)[] => withBackwardLabel(node.op.name, () => node.op.backward!({ inputs: node.inputs, outputs: node.outputs, grad: g!, attrs: node.attrs, needs }));
      const once = createGraph ? node.op.notTwiceDifferentiable : undefined;
      const gin = once === undefined ? rule() : guardOnce(node, g, noGrad(rule), once);
      for (let i = 0; i < node.inputs.length; i++) {
        const x = node.inputs[i]!;
        const gi = gin[i];
        if (!needs[i] || !gi) continue;
        if (gi.shape.length !== x.shape.length || gi.shape.some((d, j) => d !== x.shape[j])) {
          throw new ShapeError(`${op} of '${node.op.name}': gradient for input ${i} has shape ${fmtShape(gi.shape)}, expected ${fmtShape(x.shape)}`);
        }
        const prev = grads.get(x);
        if (prev && recycle) dead.push(prev.data);
        setGrad(x, hand(prev ? add(prev, gi) : gi));
      }
    };
    for (let k = order.length - 1; k >= 0; k--) {
      visit(order[k]!);
      if (recycle) sweep(false);
    }
    if (recycle) sweep(true);
  });
  if (createGraph) enableGrad(pass);
  else noGrad(pass);
}
/**
 * The gradient from a rule that is not differentiable, passed through an identity (the `copy`
 * kernel) whose backward raises: its inputs include the upstream and the node's inputs, so the
 * result is part of the graph and a second derivative through it fails loudly.
 */
function guardOnce(node: GradNode, g: Tensor, gin: (Tensor | null)[], reason: string): (Tensor | null)[] {
  const guard: OpDef = {
    name: 'copy',
    saved: [],
    infer: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }],
    backward: () => {
      throw new GradError(`double backward: the backward rule of '${node.op.name}' is not differentiable (${reason}); a second derivative through it is not supported`);
    },
  };
  const deps = [g, ...node.inputs.filter((x) => x.requiresGrad)];
  return gin.map((gi) => (gi ? apply(guard, [gi, ...deps]) : null));
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
