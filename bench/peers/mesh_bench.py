#!/usr/bin/env python3
"""PyTorch peer of the mesh bench section (bench/sections/mesh.ts): the protocol, timing loop and
main of torch_bench.py, with the GEM-CNN kernel builders registered under section "mesh".

Data: `v` vertices, `e` edges (senders/receivers uniform), `c` channels of orders 0..`l`
(F = c(2l+1), per channel block [a0, c1, s1, ..., cl, sl]), angles uniform in (-pi, pi), float32.
rho(alpha) rotates (c_k, s_k) by k*alpha; each call computes cos/sin(k*alpha) as erlangen does.
  so2_gather        out = rho(angle) x.index_select(0, send)                     -> [E, F]
  so2_segment_mean  out = zeros(V, F).index_add_(0, recv, rho(angle) m) / max(1, count)  -> [V, F]
With params.backward, the input requires grad and each call runs the forward and
out.backward(g) (autograd: index_select's backward is index_add_, and so on).

To add a case (e.g. a whole GemConv layer), register a builder under its `kind` in
tb.BUILDERS["mesh"]: it takes the op's params and a generator and returns a zero-argument callable.
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch_bench as tb  # noqa: E402  (exits with status 3 when torch is missing)
from torch_bench import torch  # noqa: E402


def mesh_inputs(p, gen):
    v, e, c, l = int(p["v"]), int(p["e"]), int(p["c"]), int(p["l"])
    f = c * (2 * l + 1)
    send = torch.randint(0, v, (e,), generator=gen)
    recv = torch.randint(0, v, (e,), generator=gen)
    angle = (torch.rand(e, generator=gen, dtype=torch.float64) * 2 - 1) * math.pi
    return v, e, c, l, f, send, recv, angle.to(torch.float32)


def rotate(y, angle, c, l):
    """rho(angle[k]) y[k] for rows y [E, c(2l+1)]."""
    e = y.shape[0]
    if l == 0:
        return y
    ks = torch.arange(1, l + 1, dtype=y.dtype)
    la = angle[:, None] * ks[None, :]                       # [E, l]
    co, si = torch.cos(la)[:, None, :], torch.sin(la)[:, None, :]  # [E, 1, l]
    yb = y.view(e, c, 2 * l + 1)
    a0, yc, ys = yb[:, :, :1], yb[:, :, 1::2], yb[:, :, 2::2]
    oc, os_ = co * yc - si * ys, si * yc + co * ys
    return torch.cat([a0, torch.stack([oc, os_], dim=3).view(e, c, 2 * l)], dim=2).view(e, -1)


def fwd_bwd(p, leaf, g, fn):
    if not p.get("backward"):
        return lambda: fn(leaf)
    leaf.requires_grad_(True)

    def run():
        with torch.inference_mode(False):
            leaf.grad = None
            fn(leaf).backward(g)
    return run


def built_outside_inference_mode(build):
    """Inputs made outside inference mode (autograd must be able to save them for backward)."""
    def wrapped(p, gen):
        with torch.inference_mode(False):
            return build(p, gen)
    return wrapped


@built_outside_inference_mode
def so2_gather(p, gen):
    v, e, c, l, f, send, _recv, angle = mesh_inputs(p, gen)
    x = torch.randn(v, f, generator=gen, dtype=torch.float32)
    g = torch.randn(e, f, generator=gen, dtype=torch.float32)
    return fwd_bwd(p, x, g, lambda t: rotate(t.index_select(0, send), angle, c, l))


@built_outside_inference_mode
def so2_segment_mean(p, gen):
    v, e, c, l, f, _send, recv, angle = mesh_inputs(p, gen)
    m = torch.randn(e, f, generator=gen, dtype=torch.float32)
    g = torch.randn(v, f, generator=gen, dtype=torch.float32)

    def fn(t):
        s = torch.zeros(v, f, dtype=t.dtype).index_add_(0, recv, rotate(t, angle, c, l))
        cnt = torch.bincount(recv, minlength=v).clamp_(min=1).to(t.dtype)
        return s / cnt[:, None]
    return fwd_bwd(p, m, g, fn)


tb.BUILDERS["mesh"] = {
    "so2_gather": so2_gather,
    "so2_segment_mean": so2_segment_mean,
}

if __name__ == "__main__":
    tb.main()
