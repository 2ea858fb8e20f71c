#!/usr/bin/env python3
"""PyTorch peer of the graph bench section (bench/sections/graph.ts): the protocol, timing loop
and main of torch_bench.py, with the graph builders registered under section "graph".

Aggregation ops (random graph: `n` nodes, `e` edges, senders/receivers uniform, `f` features,
float32) come as variants, reported as impl `torch-<n>t-<variant>`:
  index_add    out = zeros(N,F).index_add_(0, recv, x.index_select(0, send) [* w])
  scatter_add  out = zeros(N,F).scatter_add_(0, recv[:,None].expand(E,F), x[send] [* w])
  csr          out = A @ x with A = torch.sparse_csr_tensor (rows = receivers, cols = senders,
               values 1 or the edge weights; duplicate edges summed), built outside the timed call
Backward (`agg_sum_bwd`): the forward graph (x.requires_grad) is built once when the op is built;
each timed call sets x.grad = None and runs out.backward(g, retain_graph=True): the backward only.
Segment softmax: scatter_reduce(amax) for the per-receiver max, exp, index_add_ for the sums
(the base impl `torch-<n>t`). `egnn_epoch`: bench/peers/torch_egnn.py (the base impl).

Everything is built and run with torch.inference_mode(False) where autograd is needed (the
shared main runs requests under inference_mode).
"""
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch_bench as tb  # noqa: E402  (exits with status 3 when torch is missing)
from torch_bench import torch  # noqa: E402
from torch_egnn import egnn_epoch  # noqa: E402

warnings.filterwarnings("ignore", message=".*(beta|Sparse CSR).*")


def graph_inputs(p, gen):
    n, e, f = int(p["n"]), int(p["e"]), int(p["f"])
    send = torch.randint(0, n, (e,), generator=gen)
    recv = torch.randint(0, n, (e,), generator=gen)
    x = torch.randn(n, f, generator=gen, dtype=torch.float32)
    w = torch.randn(e, 1, generator=gen, dtype=torch.float32) if p.get("weighted") else None
    return n, e, f, send, recv, x, w


def csr_matrix(n, send, recv, w):
    vals = w.reshape(-1) if w is not None else torch.ones(send.numel(), dtype=torch.float32)
    coo = torch.sparse_coo_tensor(torch.stack([recv, send]), vals, (n, n)).coalesce()
    return coo.to_sparse_csr()


def agg_fn(variant, n, f, send, recv, w):
    """x -> aggregated [n, f] by `variant`, or None."""
    if variant == "index_add":
        def fn(x):
            msg = x.index_select(0, send)
            if w is not None:
                msg = msg * w
            return torch.zeros(n, f, dtype=x.dtype).index_add_(0, recv, msg)
        return fn
    if variant == "scatter_add":
        idx = recv[:, None].expand(-1, f)

        def fn(x):
            msg = x[send]
            if w is not None:
                msg = msg * w
            return torch.zeros(n, f, dtype=x.dtype).scatter_add_(0, idx, msg)
        return fn
    if variant == "csr":
        A = csr_matrix(n, send, recv, w)
        return lambda x: A @ x
    return None


def agg_variant(variant):
    def build(p, gen):
        with torch.inference_mode(False):
            n, _e, f, send, recv, x, w = graph_inputs(p, gen)
            fn = agg_fn(variant, n, f, send, recv, w)
            if p.get("backward"):
                x.requires_grad_(True)
                out = fn(x)
                g = torch.randn(n, f, generator=gen, dtype=torch.float32)

                def run():
                    with torch.inference_mode(False):
                        x.grad = None
                        out.backward(g, retain_graph=True)
                return run
        return lambda: fn(x)
    return build


def segment_softmax(p, gen):
    n, e, heads = int(p["n"]), int(p["e"]), int(p["heads"])
    recv = torch.randint(0, n, (e,), generator=gen)
    s = torch.randn(e, heads, generator=gen, dtype=torch.float32)
    idx = recv[:, None].expand(-1, heads)

    def run():
        m = torch.zeros(n, heads).scatter_reduce(0, idx, s, "amax", include_self=False)
        ex = torch.exp(s - m.index_select(0, recv))
        den = torch.zeros(n, heads).index_add_(0, recv, ex)
        return ex / den.index_select(0, recv)
    return run


def none(_p, _gen):
    return None


AGG_VARIANTS = [(v, agg_variant(v)) for v in ("index_add", "scatter_add", "csr")]

tb.BUILDERS["graph"] = {
    "agg": none,  # aggregation: variants only
    "segment_softmax": segment_softmax,
    "egnn_epoch": egnn_epoch,
}
tb.VARIANTS["graph"] = {"agg": AGG_VARIANTS}

if __name__ == "__main__":
    tb.main()
