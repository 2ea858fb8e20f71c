#!/usr/bin/env python3
"""PyTorch peer for `npm run bench` (bench/peers/torch.ts spawns it with Debian's /usr/bin/python3).

Input: requests, one JSON object per line on stdin (or a single one as the first argument):
    {"section": "tensor", "threads": [1, 2], "ops": [{"id", "kind", "params", "warmup",
     "repeats", "budgetMs", "minRepeats", "flops"?}, ...]}
The bench keeps one process open and sends one op per request, so that every implementation
measures an op at about the same time (other load on the machine then skews them alike).
Output: one JSON object per line on stdout:
    {"torch": "<version>", "python": "<version>", "blas": "<BLAS_INFO of the build>"}   (once)
    {"op": "<id>", "threads": <n>, "samples_ms": [...]}      or    {"op": ..., "threads": n, "error": "..."}
    (plus "variant": "<name>" on lines from VARIANTS, reported as impl "torch-<n>t-<name>")
    {"done": true}                                                                     (per request)
Exit status 3 when torch cannot be imported (the bench then reports the peer as missing).

The timing loop mirrors bench/lib/timing.ts: `warmup` untimed calls, then up to `repeats` timed
calls, stopping once `budgetMs` have been spent and at least `minRepeats` were taken. All tensors
are float32 and every call runs under torch.inference_mode().

To add a section, register builders under its name in BUILDERS: a builder takes the op's
`params` and returns a zero-argument callable that computes the op once.
"""
import json
import platform
import re
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except Exception as e:  # noqa: BLE001 - any import failure means "peer missing"
    print(f"{type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(3)


def randn(shape, gen):
    return torch.randn(*shape, generator=gen, dtype=torch.float32)


# ---------------------------------------------------------------- tensor section


def t_matmul(p, gen):
    a, b = randn(p["a"], gen), randn(p["b"], gen)
    return lambda: torch.matmul(a, b)


def t_conv2d(p, gen):
    x, w = randn(p["x"], gen), randn(p["w"], gen)
    pad = p.get("padding", 0)
    return lambda: F.conv2d(x, w, padding=pad)


def t_conv2d_grad(p, gen):
    """conv2d's backward as autograd runs it (aten.convolution_backward): the input gradient,
    the weight gradient, or both in one call (params["which"])."""
    x, w = randn(p["x"], gen), randn(p["w"], gen)
    pad = p.get("padding", 0)
    gy = randn(list(F.conv2d(x, w, padding=pad).shape), gen)
    which = p["which"]
    mask = [which in ("input", "both"), which in ("weight", "both"), False]
    conv_bwd = torch.ops.aten.convolution_backward
    return lambda: conv_bwd(gy, x, w, None, [1, 1], [pad, pad], [1, 1], False, [0, 0], 1, mask)


UNARY = {"exp": torch.exp, "relu": torch.relu}
BINARY = {"add": torch.add, "mul": torch.mul}


def t_steerable(p, gen):
    """A steerable C8 layer as escnn runs it: expand the filter from its basis (coefficients
    [16*16, dim] times a basis [dim, 8*8*k*k], blocks reordered to [128, 128, k, k]), then F.conv2d."""
    k, dim = p["k"], p["dim"]
    coeff, basis = randn([256, dim], gen), randn([dim, 64 * k * k], gen)
    x = randn(p["x"], gen)

    def run():
        filt = (coeff @ basis).reshape(16, 16, 8, 8, k, k).permute(0, 2, 1, 3, 4, 5).reshape(128, 128, k, k)
        return F.conv2d(x, filt, padding=k // 2)
    return run


# into a preallocated output (the "compiled" rows: erlangen's compiled step writes a planned
# buffer; the "out=" rows: erlangen's eager op writes a given tensor); torch.relu has no out= argument, clamp_min(·, 0) computes the same values
UNARY_OUT = {"exp": lambda x, y: torch.exp(x, out=y), "relu": lambda x, y: torch.clamp_min(x, 0, out=y)}


def t_unary(p, gen):
    x = randn(p["shape"], gen)
    if p.get("compiled") or p.get("out"):
        y, f = torch.empty_like(x), UNARY_OUT[p["fn"]]
        return lambda: f(x, y)
    f = UNARY[p["fn"]]
    return lambda: f(x)


def t_binary(p, gen):
    a, b, f = randn(p["shape"], gen), randn(p["shape"], gen), BINARY[p["fn"]]
    if p.get("compiled") or p.get("out"):
        y = torch.empty_like(a)
        return lambda: f(a, b, out=y)
    return lambda: f(a, b)


def t_reduce(p, gen):
    x, axes, fn = randn(p["shape"], gen), p.get("axes"), p["fn"]
    if fn == "sum":
        return (lambda: torch.sum(x)) if axes is None else (lambda: torch.sum(x, dim=tuple(axes)))
    if fn == "max":
        if axes is None:
            return lambda: torch.max(x)
        return lambda: torch.amax(x, dim=tuple(axes))
    raise ValueError(f"unknown reduction {fn}")


def t_softmax(p, gen):
    """softmax / log_softmax along params["axis"]."""
    x, axis = randn(p["shape"], gen), p["axis"]
    if p["fn"] == "softmax":
        return lambda: torch.softmax(x, axis)
    if p["fn"] == "logsoftmax":
        return lambda: torch.log_softmax(x, axis)
    raise ValueError(f"unknown softmax variant {p['fn']}")


def t_layernorm(p, gen):
    """F.layer_norm over the last axis, with a weight and a bias of that length."""
    shape = p["shape"]
    n = shape[-1]
    x, w, b = randn(shape, gen), randn([n], gen), randn([n], gen)
    eps = p["eps"]
    return lambda: F.layer_norm(x, [n], w, b, eps)


def t_matmul_onednn(p, gen):
    """torch.matmul on this Debian build goes to the reference BLAS (BLAS_INFO=generic); oneDNN
    (mkldnn_linear) is the fast path torch has for a 2-D float32 product. B is pre-transposed and
    both inputs pre-converted to the oneDNN layout (as for a Linear layer's weight); the result
    is converted back to a dense tensor inside the timed call. None for batched products."""
    if len(p["a"]) != 2 or len(p["b"]) != 2 or not torch.backends.mkldnn.is_available():
        return None
    a, b = randn(p["a"], gen), randn(p["b"], gen)
    am, btm = a.to_mkldnn(), b.t().contiguous().to_mkldnn()
    return lambda: torch._C._nn.mkldnn_linear(am, btm).to_dense()


BUILDERS = {
    "tensor": {
        "matmul": t_matmul,
        "conv2d": t_conv2d,
        "conv2d_grad": t_conv2d_grad,
        "steerable": t_steerable,
        "unary": t_unary,
        "binary": t_binary,
        "reduce": t_reduce,
        "softmax": t_softmax,
        "layernorm": t_layernorm,
    },
    # "graph": {...}  (issue 5: index_add_, scatter_add_, sparse CSR matmul, EGNN epoch)
}

# Extra implementations of an op, reported as impl "torch-<n>t-<variant>"; a builder returning
# None means "not applicable to this op" and produces no line.
VARIANTS = {
    "tensor": {"matmul": [("onednn", t_matmul_onednn)]},
}


def time_op(fn, op):
    for _ in range(op["warmup"]):
        fn()
    samples, spent = [], 0.0
    while len(samples) < op["repeats"] and (len(samples) < op["minRepeats"] or spent < op["budgetMs"]):
        t0 = time.perf_counter()
        fn()
        dt = (time.perf_counter() - t0) * 1e3
        samples.append(dt)
        spent += dt
    return samples


def handle(req, gen):
    section = req["section"]
    builders = BUILDERS.get(section, {})
    for threads in req.get("threads", [1]):
        torch.set_num_threads(int(threads))
        for op in req["ops"]:
            run_one(op, threads, None, builders.get(op["kind"]), gen, section)
            for variant, build in VARIANTS.get(section, {}).get(op["kind"], []):
                run_one(op, threads, variant, build, gen, section)
    print(json.dumps({"done": True}), flush=True)


def main():
    m = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    blas = m.group(1) if m else "unknown"
    print(json.dumps({"torch": torch.__version__, "python": platform.python_version(), "blas": blas}), flush=True)
    gen = torch.Generator().manual_seed(0)
    with torch.inference_mode():
        if len(sys.argv) > 1 and sys.argv[1] != "-":
            handle(json.loads(sys.argv[1]), gen)
            return
        for line in sys.stdin:
            if line.strip():
                handle(json.loads(line), gen)


def run_one(op, threads, variant, build, gen, section):
    out = {"op": op["id"], "threads": threads}
    if variant:
        out["variant"] = variant
    try:
        if build is None:
            raise ValueError(f"no torch builder for {section}/{op['kind']}")
        fn = build(op["params"], gen)
        if fn is None:
            return
        out["samples_ms"] = time_op(fn, op)
        del fn
    except Exception as e:  # noqa: BLE001 - report and go on with the next op
        out["error"] = f"{type(e).__name__}: {e}"
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
