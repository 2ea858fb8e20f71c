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

  gemconv           the GEM-CNN layer (de Haan et al., ICLR 2021, arXiv:2003.05425, eq. 6) as
                    erlangen's GemConv computes it, on a real mesh's geometry read from params.file
                    (written by writeGemFile in bench/sections/mesh.ts: geometry, basis, weights, x, g):
      y_p = (1/deg p) [ K_self f_p + sum_{q->p} rho_out(theta_pq) K(r_pq) rho_in(g_qp - theta_pq) f_q ] + b
    with K(r) = sum_i hat_i(r) sum_j w_ij B_j; per call: the basis expansion (two small matmuls),
    index_select + rotation, hat weighting, one [E, R*Fin] x [R*Fin, Fout] matmul, the self term,
    rotation by theta and index_add_ mean. With params.backward: y.backward(g) wrt x and the weights.
  gem_precompute    erlangen only (no builder output).
`python3 mesh_bench.py --gemconv-check '<params json>'` runs gemconv's forward and backward once in
float64 and writes y, dx, dweight, dselfWeight, dbias (float64, in that order) to params["out"]
(test/bench/gemconv-peer.test.ts compares them with erlangen's GemConv).

To add a case, register a builder under its `kind` in
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


class GemFile:
    """The arrays of writeGemFile (bench/sections/mesh.ts), in its order."""

    def __init__(self, p):
        self.buf = bytearray(open(p["file"], "rb").read())
        self.off = 0
        v, e = int(p["v"]), int(p["e"])
        cin, cout, lin, lout = int(p["cin"]), int(p["cout"]), int(p["lin"]), int(p["lout"])
        r, nb, ns = int(p["rings"]), int(p["nb"]), int(p["ns"])
        wi, wo = 2 * lin + 1, 2 * lout + 1
        dt = torch.float64 if p.get("dtype") == "float64" else torch.float32
        f64, i32 = torch.float64, torch.int32
        self.theta, self.transport, self.radius = self.take(f64, e), self.take(f64, e), self.take(f64, e)
        self.B, self.Bs = self.take(f64, nb * wo * wi), self.take(f64, ns * wo * wi)
        self.send, self.recv = self.take(i32, e).long(), self.take(i32, e).long()
        self.w, self.sw, self.bias = self.take(dt, r * cout * cin * nb), self.take(dt, cout * cin * ns), self.take(dt, cout)
        self.x, self.g = self.take(dt, v * cin * wi).view(v, cin * wi), self.take(dt, v * cout * wo).view(v, cout * wo)
        if self.off != len(self.buf):
            raise ValueError(f"gem file: {len(self.buf)} bytes, expected {self.off}")

    def take(self, dtype, n):
        t = torch.frombuffer(self.buf, dtype=dtype, count=n, offset=self.off).clone() if n else torch.zeros(0, dtype=dtype)
        self.off += n * t.element_size()
        return t


def gemconv_layer(p, d):
    """The per-geometry tables (untimed, as erlangen caches them per geometry) and the layer y(x, w, sw, bias)."""
    v, cin, cout, lin, lout = int(p["v"]), int(p["cin"]), int(p["cout"]), int(p["lin"]), int(p["lout"])
    r, nb, ns = int(p["rings"]), int(p["nb"]), int(p["ns"])
    wi, wo = 2 * lin + 1, 2 * lout + 1
    fin, fout = cin * wi, cout * wo
    dt = d.x.dtype
    # edge kinds: self-loops skipped (the self term stands for them); r = 0 coincident (K_self rho(g))
    nonself = d.send != d.recv
    kern = (nonself & (d.radius > 0)).nonzero().flatten()
    coin = (nonself & (d.radius == 0)).nonzero().flatten()
    ek = kern.numel()
    send_k, send_c = d.send[kern], d.send[coin]
    gather = (d.transport[kern] - d.theta[kern]).to(dt)
    co_angle = d.transport[coin].to(dt)
    if r == 1:
        hat = torch.ones(ek, 1, dtype=torch.float64)
    else:
        rad = d.radius[kern]
        scale = float(p["max_radius"]) or (float(rad.max()) if ek else 0.0)
        t = (rad / scale).clamp(0, 1) if scale > 0 else torch.zeros_like(rad)
        pos = t * (r - 1)
        i = pos.floor().clamp(max=r - 2).long()
        fr = pos - i
        hat = torch.zeros(ek, r, dtype=torch.float64)
        hat.scatter_(1, i[:, None], (1 - fr)[:, None])
        hat.scatter_(1, (i + 1)[:, None], fr[:, None])
    hat = hat.to(dt).view(ek, r, 1)
    # rows averaged at p: kernel and coincident edges, plus the self row when there is a self term
    nself = v if ns else 0
    seg = torch.cat([d.recv[kern], d.recv[coin], torch.arange(nself)])
    angles = torch.cat([d.theta[kern], torch.zeros(coin.numel() + nself, dtype=torch.float64)]).to(dt)
    cnt = torch.bincount(seg, minlength=v).clamp_(min=1).to(dt)[:, None]
    B, Bs = d.B.to(dt).view(nb, wo * wi), d.Bs.to(dt).view(ns, wo * wi)

    def layer(x, w, sw, bias):
        # K_r stacked over rings, rows (ring, c_in, i), columns (c_out, o): [R*Fin, Fout]
        K = (w.reshape(r * cout * cin, nb) @ B).reshape(r, cout, cin, wo, wi).permute(0, 2, 4, 1, 3).reshape(r * fin, fout)
        xe = rotate(x.index_select(0, send_k), gather, cin, lin)          # rho_in(g - theta) f_q
        xh = (xe.view(ek, 1, fin) * hat).view(ek, r * fin)                 # hat_i(r) weighting
        parts = [xh @ K]
        if ns:
            S = (sw.reshape(cout * cin, ns) @ Bs).reshape(cout, cin, wo, wi).permute(1, 3, 0, 2).reshape(fin, fout)
            if coin.numel():
                parts.append(rotate(x.index_select(0, send_c), co_angle, cin, lin) @ S)
            parts.append(x @ S)
        elif coin.numel():  # no self term: coincident vertices carry no message (but count)
            parts.append(torch.zeros(coin.numel(), fout, dtype=dt))
        m = rotate(torch.cat(parts), angles, cout, lout)                   # rho_out(theta)
        y = torch.zeros(v, fout, dtype=dt).index_add_(0, seg, m) / cnt
        b = torch.cat([bias[:, None], torch.zeros(cout, wo - 1, dtype=dt)], 1).reshape(fout)
        return y + b
    return layer


@built_outside_inference_mode
def gemconv(p, gen):
    d = GemFile(p)
    layer = gemconv_layer(p, d)
    if not p.get("backward"):
        return lambda: layer(d.x, d.w, d.sw, d.bias)
    leaves = [t.requires_grad_(True) for t in (d.x, d.w, d.sw, d.bias)]

    def run():
        with torch.inference_mode(False):
            for t in leaves:
                t.grad = None
            layer(*leaves).backward(d.g)
    return run


def gemconv_check(p):
    """One forward + backward in float64; writes y, dx, dw, dsw, dbias to p["out"]."""
    p = dict(p, dtype="float64")
    d = GemFile(p)
    leaves = [t.requires_grad_(True) for t in (d.x, d.w, d.sw, d.bias)]
    y = gemconv_layer(p, d)(*leaves)
    y.backward(d.g)
    out = [y.detach()] + [t.grad if t.grad is not None else torch.zeros_like(t) for t in leaves]
    with open(p["out"], "wb") as f:
        for t in out:
            f.write(t.detach().double().contiguous().numpy().tobytes())


tb.BUILDERS["mesh"] = {
    "so2_gather": so2_gather,
    "so2_segment_mean": so2_segment_mean,
    "gemconv": gemconv,
    "gem_precompute": lambda p, gen: None,  # erlangen only
}

if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--gemconv-check":
        import json
        gemconv_check(json.loads(sys.argv[2]))
    else:
        tb.main()
