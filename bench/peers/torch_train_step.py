#!/usr/bin/env python3
"""PyTorch peer of the train_step bench section (bench/sections/train-step.ts): the protocol, timing
loop and main of torch_bench.py, with the training-step builders registered under "train_step".
Each call runs one training step on fixed inputs: zero_grad(set_to_none=True), the forward, the
loss, backward() and optimizer.step(), as erlangen's eager step does. PyTorch 1.13 has no compiler
for CPU training steps, so the same eager step is timed for both op ids of a model (`*_eager` and
`*_compiled`); its caching allocator reuses the buffers.

  mlp_step   an MLP (Linear + ReLU x layers, then Linear to the outputs), MSE loss, Adam (lr 1e-3).
  gcn_step   a two-layer GCN (Kipf & Welling 2017; PyG's GCNConv with cached=True written in plain
             torch): self-loops added, symmetric normalisation w_e = d_j^-1/2 d_i^-1/2 (degrees
             counted at the receivers, as erlangen's GCNConv) computed once outside the step, then
             per layer x' = index_add_(receivers, w_e * (x W^T)[senders]) + b -- the gather/scatter
             PyG's message passing runs. Seeded random graph of the same size as erlangen's (not the
             same edges: the streams differ, which does not matter for timing), MSE, Adam.
  egnn_step  the EGNN N-body model of torch_egnn.py (EGNN_vel: embedding, L E_GCL_vel layers with
             index_add_ aggregations) on a batch of G fully connected five-particle graphs with
             random positions, velocities, charges and targets of erlangen's sizes; MSE on the
             positions, Adam (lr 5e-4, weight decay 1e-12).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch_bench as tb  # noqa: E402  (exits with status 3 when torch is missing)
from torch_bench import torch  # noqa: E402
from torch_egnn import EGNNVel, fully_connected  # noqa: E402

F = torch.nn.functional


def step_fn(model, opt, loss):
    def run():
        with torch.inference_mode(False):
            opt.zero_grad(set_to_none=True)
            loss().backward()
            opt.step()
    return run


def mlp_step(p, gen):
    with torch.inference_mode(False):
        B, I, H, L, O = int(p["batch"]), int(p["input"]), int(p["hidden"]), int(p["layers"]), int(p["output"])
        layers, d = [], I
        for _ in range(L):
            layers += [torch.nn.Linear(d, H), torch.nn.ReLU()]
            d = H
        net = torch.nn.Sequential(*layers, torch.nn.Linear(d, O))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        x = torch.randn(B, I, generator=gen, dtype=torch.float32)
        y = torch.randn(B, O, generator=gen, dtype=torch.float32)
    return step_fn(net, opt, lambda: F.mse_loss(net(x), y))


class GCNLayer(torch.nn.Module):
    """x' = A_hat (x W^T) + b with A_hat given as (senders, receivers, weights), self-loops included."""

    def __init__(self, fin, fout):
        super().__init__()
        self.lin = torch.nn.Linear(fin, fout, bias=False)
        self.bias = torch.nn.Parameter(torch.zeros(fout))

    def forward(self, x, send, recv, w):
        h = self.lin(x)
        out = torch.zeros(x.shape[0], h.shape[1], dtype=h.dtype).index_add_(0, recv, h[send] * w[:, None])
        return out + self.bias


class GCN(torch.nn.Module):
    def __init__(self, fin, hidden, fout):
        super().__init__()
        self.c1, self.c2 = GCNLayer(fin, hidden), GCNLayer(hidden, fout)

    def forward(self, x, send, recv, w):
        return self.c2(torch.relu(self.c1(x, send, recv, w)), send, recv, w)


def gcn_step(p, gen):
    with torch.inference_mode(False):
        N, E = int(p["nodes"]), int(p["edges"])
        fin, hid, fout = int(p["input"]), int(p["hidden"]), int(p["output"])
        send = torch.randint(0, N, (E,), generator=gen)
        recv = torch.randint(0, N, (E,), generator=gen)
        loops = torch.arange(N)
        send, recv = torch.cat([send, loops]), torch.cat([recv, loops])
        deg = torch.zeros(N).index_add_(0, recv, torch.ones(recv.shape[0]))
        dis = deg.pow(-0.5)
        w = dis[send] * dis[recv]
        torch.manual_seed(int(p.get("seed", 17)))
        net = GCN(fin, hid, fout)
        opt = torch.optim.Adam(net.parameters(), lr=float(p["lr"]))
        x = torch.randn(N, fin, generator=gen)
        y = torch.randn(N, fout, generator=gen)
    return step_fn(net, opt, lambda: F.mse_loss(net(x, send, recv, w), y))


def egnn_step(p, gen):
    with torch.inference_mode(False):
        G, n, H, L = int(p["graphs"]), int(p["particles"]), int(p["hidden"]), int(p["layers"])
        N = G * n
        send, recv = fully_connected(G, n)
        inv_count = 1.0 / torch.bincount(recv, minlength=N).clamp(min=1).to(torch.float32)[:, None]
        x = torch.randn(N, 3, generator=gen)
        v = torch.randn(N, 3, generator=gen) * 0.5
        q = torch.where(torch.rand(N, generator=gen) < 0.5, -1.0, 1.0)
        d = x[recv] - x[send]
        edge_attr = torch.stack([q[recv] * q[send], (d * d).sum(1)], 1)
        h = v.norm(dim=1, keepdim=True)
        y = x + torch.randn(N, 3, generator=gen) * 0.1
        torch.manual_seed(int(p.get("seed", 44)))
        model = EGNNVel(H, L)
        opt = torch.optim.Adam(model.parameters(), lr=float(p["lr"]), weight_decay=1e-12)
    return step_fn(model, opt, lambda: F.mse_loss(model(h, x, v, send, recv, edge_attr, inv_count), y))


tb.BUILDERS["train_step"] = {"mlp_step": mlp_step, "gcn_step": gcn_step, "egnn_step": egnn_step}

if __name__ == "__main__":
    tb.main()
