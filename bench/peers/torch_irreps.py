#!/usr/bin/env python3
"""PyTorch peer of the irreps bench section (bench/sections/irreps.ts): the protocol, timing loop
and main of torch_bench.py, with the tensor-product builder registered under section "irreps".

`fctp`: FullyConnectedTensorProduct of the given irreps with itself into the same irreps, written
in plain PyTorch from erlangen's exported path list and CG blocks (already scaled by each path's
normalisation coefficient, row-major [d1, d2, d3]). Per path (i1, i2 -> out, weights
W[m1, m2, mo] at `woff` of the flat weight vector):
    t   = einsum('zui,ijk->zujk', x1[:, block i1], C)
    z   = einsum('zujk,zvj->zuvk', t, x2[:, block i2])
    out = einsum('zuvk,uvw->zwk', z, W)
summed into the output block, blocks concatenated (mul-major layout, as e3nn and erlangen).
Forward under inference mode; backward (`backward: true`): the forward graph (x1, x2, W requiring
grad) is built once, each timed call clears the grads and runs out.backward(g, retain_graph=True).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch_bench as tb  # noqa: E402  (exits with status 3 when torch is missing)
from torch_bench import torch  # noqa: E402


def fctp_fn(p):
    blocks = p["blocks"]
    paths = p["paths"]
    cgs = [torch.tensor(c, dtype=torch.float32).reshape(2 * q["l1"] + 1, 2 * q["l2"] + 1, 2 * q["l3"] + 1) for c, q in zip(p["cg"], paths)]

    def block(x, i):
        b = blocks[i]
        d = 2 * b["l"] + 1
        return x[:, b["offset"]:b["offset"] + b["mul"] * d].reshape(x.shape[0], b["mul"], d)

    def fn(x1, x2, w):
        outs = [None] * len(blocks)
        for q, C in zip(paths, cgs):
            a, b = block(x1, q["i1"]), block(x2, q["i2"])
            W = w[q["woff"]:q["woff"] + q["m1"] * q["m2"] * q["mo"]].reshape(q["m1"], q["m2"], q["mo"])
            t = torch.einsum("zui,ijk->zujk", a, C)
            z = torch.einsum("zujk,zvj->zuvk", t, b)
            y = torch.einsum("zuvk,uvw->zwk", z, W)
            outs[q["out"]] = y if outs[q["out"]] is None else outs[q["out"]] + y
        return torch.cat([o.reshape(x1.shape[0], -1) for o in outs], dim=1)
    return fn


def fctp(p, gen):
    e, dim, numel = int(p["edges"]), int(p["dim"]), int(p["weightNumel"])
    with torch.inference_mode(False):
        fn = fctp_fn(p)  # CG tensors outside inference mode: they are saved for backward
        x1 = torch.randn(e, dim, generator=gen, dtype=torch.float32)
        x2 = torch.randn(e, dim, generator=gen, dtype=torch.float32)
        w = torch.randn(numel, generator=gen, dtype=torch.float32)
        if not p.get("backward"):
            return lambda: fn(x1, x2, w)
        for t in (x1, x2, w):
            t.requires_grad_(True)
        out = fn(x1, x2, w)
        g = torch.randn(e, dim, generator=gen, dtype=torch.float32)

    def run():
        with torch.inference_mode(False):
            x1.grad = None
            x2.grad = None
            w.grad = None
            out.backward(g, retain_graph=True)
    return run


tb.BUILDERS["irreps"] = {"fctp": fctp}

if __name__ == "__main__":
    tb.main()
