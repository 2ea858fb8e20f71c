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

`fctp_chunked` (ops fctp_fwd_100k / fctp_bwd_100k): the same contraction over 100k edges in chunks
(the chunk size comes from the section, the same as erlangen's), with inputs from hash_fill —
bit-identical to erlangen's — and the output checksums written for the section's agreement check.
Run at one thread count only (params["peerThreads"]); other counts produce no line.
"""
import json
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


def hash_fill(start, n, salt):
    """The bench's deterministic inputs, bit-identical to hashFill in bench/sections/irreps.ts:
    ((k + salt) * 0x9E3779B1 mod 2^32) / 2^32 * 2 - 1 in float64, rounded to float32."""
    k = torch.arange(start + salt, start + salt + n, dtype=torch.int64)
    u = (k * 0x9E3779B1) & 0xFFFFFFFF
    return (u.double() / 4294967296.0 * 2 - 1).float()


SALT = {"x1": 0, "x2": 1 << 25, "g": 1 << 26, "w": 3 << 25}
CHECK_ROWS = 4


def fctp_chunked(p, gen):
    """The 100k-edge ops: the edges in chunks of p["chunk"], inputs from hash_fill (the same values
    as erlangen's). Forward: every chunk's output (no graph). Backward: per chunk a forward graph and
    out.backward(g_chunk), the weight gradient accumulating over the chunks. After each pass the
    checksums (sum of squares of the outputs / of dW, dx1, dx2) and the first rows of chunk 0 are
    written to <checkDir>/torch-<threads>t-<id>.json for the section's agreement check."""
    threads = torch.get_num_threads()
    if threads != int(p.get("peerThreads", threads)):
        return None  # run at one thread count only (a 100k pass takes minutes)
    e_all, dim, chunk = int(p["edges"]), int(p["dim"]), int(p["chunk"])
    bwd = bool(p.get("backward"))
    with torch.inference_mode(False):
        fn = fctp_fn(p)
        w = hash_fill(0, int(p["weightNumel"]), SALT["w"])
        chunks = []
        for e0 in range(0, e_all, chunk):
            e = min(chunk, e_all - e0)
            x1 = hash_fill(e0 * dim, e * dim, SALT["x1"]).reshape(e, dim)
            x2 = hash_fill(e0 * dim, e * dim, SALT["x2"]).reshape(e, dim)
            g = hash_fill(e0 * dim, e * dim, SALT["g"]).reshape(e, dim) if bwd else None
            if bwd:
                x1.requires_grad_(True)
                x2.requires_grad_(True)
            chunks.append((x1, x2, g))
        if bwd:
            w.requires_grad_(True)
    path = os.path.join(p["checkDir"], f"torch-{threads}t-{p['id']}.json")

    def write(sums, rows):
        os.makedirs(p["checkDir"], exist_ok=True)
        with open(path, "w") as f:
            json.dump({"sums": sums, "rows": rows}, f)

    def run_fwd():
        s, rows = 0.0, []
        for c, (x1, x2, _) in enumerate(chunks):
            y = fn(x1, x2, w)
            s += float(y.double().square().sum())
            if c == 0:
                rows = y[:CHECK_ROWS].reshape(-1).tolist()
        write([s], rows)

    def run_bwd():
        with torch.inference_mode(False):
            w.grad = None
            s1, s2, rows = 0.0, 0.0, []
            for c, (x1, x2, g) in enumerate(chunks):
                x1.grad = None
                x2.grad = None
                fn(x1, x2, w).backward(g)
                s1 += float(x1.grad.double().square().sum())
                s2 += float(x2.grad.double().square().sum())
                if c == 0:
                    rows = x1.grad[:CHECK_ROWS].reshape(-1).tolist()
            write([float(w.grad.double().square().sum()), s1, s2], rows)
    return run_bwd if bwd else run_fwd


tb.BUILDERS["irreps"] = {"fctp": fctp, "fctp_chunked": fctp_chunked}

if __name__ == "__main__":
    tb.main()
