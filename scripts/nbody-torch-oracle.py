#!/usr/bin/env python3
"""
Outside oracle for examples/egnn-nbody.ts: train the paper's EGNN_vel (or its GNN baseline) in
plain PyTorch (Debian's python3-torch) on the N-body task, with the paper's protocol — Adam lr 5e-4,
weight decay 1e-12, batch 100, reshuffled every epoch, validation and test MSE every 5 epochs, test
MSE reported at the best validation MSE (the reference `main_nbody.py` loop).

The data are simulated here, in torch float64, from the paper's own initial states
(datasets/nbody/paper-initial-states.f64, written by scripts/nbody-paper-states.py): the same
initial conditions erlangen's `--paper-states` run uses, integrated independently of erlangen.
The simulation and the EGNN are bench/peers/torch_egnn.py's `integrate` and `EGNNVel` (the
reference E_GCL_vel); the GNN is the
reference `GNN` with recurrent `GCL` layers.

Usage: /usr/bin/python3 scripts/nbody-torch-oracle.py [--model egnn|gnn] [--epochs N] [--minutes M]
       [--seed S] [--threads T] [--train N] [--val N] [--test N]
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench", "peers"))
from torch_egnn import N_PART, EGNNVel, fully_connected, integrate  # noqa: E402

STATES = os.path.join(HERE, "..", "datasets", "nbody", "paper-initial-states.f64")


def load_states():
    d = np.fromfile(STATES, dtype="<f8").reshape(7000, 35)
    q = torch.from_numpy(d[:, :5].copy())
    loc = torch.from_numpy(d[:, 5:20].reshape(-1, 3, 5).transpose(0, 2, 1).copy())  # [S, n, 3]
    vel = torch.from_numpy(d[:, 20:35].reshape(-1, 3, 5).transpose(0, 2, 1).copy())
    return q, loc, vel


class GCL(nn.Module):
    """The reference GCL (recurrent): m_ij = phi_e([h_i, h_j, q_i q_j]); h_i += phi_h([h_i, sum_j m_ij])."""

    def __init__(self, H):
        super().__init__()
        self.edge_mlp = nn.Sequential(nn.Linear(2 * H + 1, H), nn.SiLU(), nn.Linear(H, H), nn.SiLU())
        self.node_mlp = nn.Sequential(nn.Linear(2 * H, H), nn.SiLU(), nn.Linear(H, H))

    def forward(self, h, send, recv, qq):
        m = self.edge_mlp(torch.cat([h[recv], h[send], qq], 1))
        agg = torch.zeros_like(h).index_add_(0, recv, m)
        return h + self.node_mlp(torch.cat([h, agg], 1))


class GNN(nn.Module):
    def __init__(self, H=64, layers=4):
        super().__init__()
        self.embedding = nn.Linear(6, H)
        self.layers = nn.ModuleList([GCL(H) for _ in range(layers)])
        self.decoder = nn.Sequential(nn.Linear(H, H), nn.SiLU(), nn.Linear(H, 3))

    def forward(self, x, v, send, recv, qq):
        h = self.embedding(torch.cat([x, v], 1))
        for layer in self.layers:
            h = layer(h, send, recv, qq)
        return self.decoder(h)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["egnn", "gnn"], default="egnn")
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--minutes", type=float, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--train", type=int, default=3000)
    ap.add_argument("--val", type=int, default=2000)
    ap.add_argument("--test", type=int, default=2000)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    q, loc, vel = load_states()
    t0 = time.time()
    splits = {}
    for name, lo, k in (("train", 0, args.train), ("val", 3000, args.val), ("test", 5000, args.test)):
        splits[name] = integrate(q[lo:lo + k], loc[lo:lo + k], vel[lo:lo + k])
    print(f"data: {args.train}/{args.val}/{args.test} simulations from the paper's initial states in {time.time() - t0:.1f} s", flush=True)

    torch.manual_seed(args.seed)
    model = EGNNVel(64, 4) if args.model == "egnn" else GNN(64, 4)
    opt = torch.optim.Adam(model.parameters(), lr=5e-4, weight_decay=1e-12)
    B = 100
    send_full, recv_full = fully_connected(B)
    inv_count = 1.0 / torch.bincount(recv_full, minlength=B * N_PART).clamp(min=1).to(torch.float32)[:, None]  # mean over the senders
    E = N_PART * (N_PART - 1)

    def batch_loss(split, idx):
        loc0, vel0, qs, target = splits[split]
        G = idx.numel()
        send, recv = send_full[: G * E], recv_full[: G * E]
        x64 = loc0[idx].reshape(-1, 3)
        v = vel0[idx].reshape(-1, 3).float()
        tgt = target[idx].reshape(-1, 3).float()
        qn = qs[idx].reshape(-1)
        qq = (qn[recv] * qn[send])[:, None].float()
        if args.model == "egnn":
            d = x64[recv] - x64[send]
            edge_attr = torch.cat([qq, (d * d).sum(1, keepdim=True).float()], 1)
            pred = model(v.norm(dim=1, keepdim=True), x64.float(), v, send, recv, edge_attr, inv_count[: G * N_PART])
        else:
            pred = model(x64.float(), v, send, recv, qq)
        return nn.functional.mse_loss(pred, tgt)

    def evaluate(split, n):
        se = 0.0
        with torch.no_grad():
            for b in range(0, n, B):
                idx = torch.arange(b, min(b + B, n))
                se += batch_loss(split, idx).item() * idx.numel()
        return se / n

    best_val, best_test, best_epoch = float("inf"), float("nan"), 0
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(args.train)
        se = 0.0
        for b in range(0, args.train, B):
            idx = order[b:b + B]
            loss = batch_loss("train", idx)
            opt.zero_grad()
            loss.backward()
            opt.step()
            se += loss.item() * idx.numel()
        minutes = (time.time() - start) / 60
        out_of_time = args.minutes is not None and minutes >= args.minutes
        if epoch % 5 == 0 or epoch == args.epochs or out_of_time:
            val, test = evaluate("val", args.val), evaluate("test", args.test)
            if val < best_val:
                best_val, best_test, best_epoch = val, test, epoch
            print(f"epoch {epoch}: train {se / args.train:.5f}  val {val:.5f}  test {test:.5f}  (best val {best_val:.5f} @ {best_epoch}, test {best_test:.5f})  {minutes:.2f} min", flush=True)
        if out_of_time:
            break
    print(f"torch {args.model}: best val {best_val:.5f} at epoch {best_epoch}, test {best_test:.5f}", flush=True)


if __name__ == "__main__":
    main()
