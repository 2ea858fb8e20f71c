#!/usr/bin/env python3
"""EGNN N-body training epoch in plain PyTorch, the torch peer of the graph bench's `egnn_epoch`
(bench/sections/graph.ts; used by bench/peers/torch_graph.py).

The model mirrors src/graph/egnn.ts `EGNN.nbody` (the paper's `EGNN_vel`, Satorras et al. 2021,
reference code `models/gcl.py` E_GCL_vel): embedding Linear(1 -> H); L layers of
  m_ij   = SiLU(Linear(H,H)(SiLU(Linear(2H+1+2, H)([h_i, h_j, |x_i-x_j|^2, a_ij]))))
  t_ij   = clamp((x_i - x_j) * phi_x(m_ij), +-100),  phi_x = Linear(H,H) SiLU Linear(H,1,no bias, xavier gain 1e-3)
  x_i'   = x_i + mean_j t_ij + phi_v(h_i) v_i,       phi_v = Linear(H,H) SiLU Linear(H,1)
  h_i'   = h_i + phi_h([h_i, sum_j m_ij]),           phi_h = Linear(2H,H) SiLU Linear(H,H)
with the aggregations written as index_add_ over the receivers, as a PyTorch user without PyG
would write them (the reference code's `unsorted_segment_sum`). erlangen fuses phi_e's first
Linear into node-level products (same function, fewer flops); this peer concatenates per edge as
the reference does.

Data: the charged-particle simulation of src/data/nbody.ts (5 particles, dt 1e-3, frame 30 ->
frame 40, forces clipped to +-100), vectorised over all simulations in float64 with a seeded torch
generator: statistically the same samples as erlangen's, not bitwise (the streams differ), which
does not matter for timing. Generated when the op is built, outside the timed calls.

One call = one epoch: shuffle, then for each batch of `batch` simulations build the fully
connected batched graph (20 directed edges per simulation, edge attributes [q_i q_j, |x_i-x_j|^2],
node input |v|), forward, MSE on the positions, zero_grad, backward, Adam step (lr 5e-4, weight
decay 1e-12), loss.item() -- the loop of examples/egnn-nbody.ts.
"""
import torch
from torch import nn

N_PART, DIM, DT, SAMPLE_FREQ, F0, FT, MAX_F = 5, 3, 1e-3, 100, 30, 40, 0.1 / 1e-3


def simulate(num_sims, gen):
    """(loc0, vel0, charges, target) as float64 tensors [S,5,3], [S,5,3], [S,5], [S,5,3]."""
    n, S = N_PART, num_sims
    loc = torch.randn(S, n, DIM, generator=gen, dtype=torch.float64)  # loc_std 1
    vel = torch.randn(S, n, DIM, generator=gen, dtype=torch.float64)
    q = torch.where(torch.rand(S, n, generator=gen, dtype=torch.float64) < 0.5, -1.0, 1.0).to(torch.float64)
    return integrate(q, loc, vel)


def integrate(q, loc, vel):
    """Frames F0 and FT of the charged simulation from raw initial states (charges [S,n], positions
    and unnormalised velocities [S,n,3]): velocities scaled to norm 0.5, positions reflected into
    the box once (t = 0), then the kick-drift loop, vectorised over the simulations in float64.
    Returns (loc0, vel0, charges, target)."""
    n = q.shape[1]
    vel = vel * (0.5 / torch.sqrt((vel * vel).sum(-1, keepdim=True)))
    over, under = loc > 5, loc < -5
    loc = torch.where(over, 10 - loc, torch.where(under, -10 - loc, loc))
    vel = torch.where(over, -vel.abs(), torch.where(under, vel.abs(), vel))
    qq = q[:, :, None] * q[:, None, :]  # [S,n,n]
    eye = torch.eye(n, dtype=torch.bool)

    def force(x):
        d = x[:, :, None, :] - x[:, None, :, :]  # x_i - x_j
        r2 = (d * d).sum(-1)
        r3 = (r2 * torch.sqrt(r2)).masked_fill(eye, float("inf"))
        return ((qq / r3)[..., None] * d).sum(2).clamp(-MAX_F, MAX_F)

    vel = vel + DT * force(loc)
    out = {}
    for step in range(1, SAMPLE_FREQ * (FT + 1) + 1):
        loc = loc + DT * vel
        if step % SAMPLE_FREQ == 0:
            k = step // SAMPLE_FREQ - 1
            if k == F0:
                out["loc0"], out["vel0"] = loc.clone(), vel.clone()
            elif k == FT:
                return out["loc0"], out["vel0"], q, loc.clone()
        vel = vel + DT * force(loc)
    raise AssertionError("unreachable: the loop ends at frame FT")


class EGCLVel(nn.Module):
    def __init__(self, H, A=2):
        super().__init__()
        self.edge_mlp = nn.Sequential(nn.Linear(2 * H + 1 + A, H), nn.SiLU(), nn.Linear(H, H), nn.SiLU())
        self.node_mlp = nn.Sequential(nn.Linear(2 * H, H), nn.SiLU(), nn.Linear(H, H))
        last = nn.Linear(H, 1, bias=False)
        nn.init.xavier_uniform_(last.weight, gain=0.001)
        self.coord_mlp = nn.Sequential(nn.Linear(H, H), nn.SiLU(), last)
        self.vel_mlp = nn.Sequential(nn.Linear(H, H), nn.SiLU(), nn.Linear(H, 1))

    def forward(self, h, x, v, send, recv, edge_attr, inv_count):
        N = h.shape[0]
        diff = x[recv] - x[send]
        radial = (diff * diff).sum(1, keepdim=True)
        m = self.edge_mlp(torch.cat([h[recv], h[send], radial, edge_attr], 1))
        trans = (diff * self.coord_mlp(m)).clamp(-100, 100)
        agg_x = torch.zeros(N, x.shape[1], dtype=x.dtype).index_add_(0, recv, trans) * inv_count
        agg_m = torch.zeros(N, m.shape[1], dtype=m.dtype).index_add_(0, recv, m)
        x = x + agg_x + self.vel_mlp(h) * v
        h = h + self.node_mlp(torch.cat([h, agg_m], 1))
        return h, x


class EGNNVel(nn.Module):
    def __init__(self, hidden=64, layers=4):
        super().__init__()
        self.embedding = nn.Linear(1, hidden)
        self.layers = nn.ModuleList([EGCLVel(hidden) for _ in range(layers)])

    def forward(self, h, x, v, send, recv, edge_attr, inv_count):
        h = self.embedding(h)
        for layer in self.layers:
            h, x = layer(h, x, v, send, recv, edge_attr, inv_count)
        return x


def fully_connected(G, n=N_PART):
    """senders, receivers of G fully connected graphs of n nodes, grouped by receiver."""
    i, j = torch.meshgrid(torch.arange(n), torch.arange(n), indexing="ij")
    keep = i != j
    recv0, send0 = i[keep], j[keep]
    off = (torch.arange(G) * n)[:, None]
    return (send0[None, :] + off).reshape(-1), (recv0[None, :] + off).reshape(-1)


_DATA = {}


def egnn_epoch(p, gen):
    """Builder: returns a callable running one training epoch."""
    train, batch = int(p["train"]), int(p["batch"])
    hidden, layers, lr = int(p.get("hidden", 64)), int(p.get("layers", 4)), float(p.get("lr", 5e-4))
    with torch.inference_mode(False):
        key = (train, int(p.get("seed", 44)))
        if key not in _DATA:  # the same data for every thread count
            _DATA.clear()
            _DATA[key] = simulate(train, torch.Generator().manual_seed(key[1]))
        loc0, vel0, q, target = _DATA[key]
        torch.manual_seed(int(p.get("seed", 44)))
        model = EGNNVel(hidden, layers)
        opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-12)
        send_full, recv_full = fully_connected(batch)
        inv_count = 1.0 / torch.bincount(recv_full, minlength=batch * N_PART).clamp(min=1).to(torch.float32)[:, None]  # mean over the senders
        edges_per = N_PART * (N_PART - 1)

    def run():
        with torch.inference_mode(False):
            order = torch.randperm(train, generator=gen)
            se, count = 0.0, 0
            for b in range(0, train, batch):
                idx = order[b:b + batch]
                G = idx.numel()
                send, recv = send_full[: G * edges_per], recv_full[: G * edges_per]
                x64 = loc0[idx].reshape(-1, DIM)
                v = vel0[idx].reshape(-1, DIM).float()
                tgt = target[idx].reshape(-1, DIM).float()
                qn = q[idx].reshape(-1)
                d = x64[recv] - x64[send]
                edge_attr = torch.stack([qn[recv] * qn[send], (d * d).sum(1)], 1).float()
                h0 = v.norm(dim=1, keepdim=True)
                pred = model(h0, x64.float(), v, send, recv, edge_attr, inv_count[: G * N_PART])
                loss = torch.nn.functional.mse_loss(pred, tgt)
                opt.zero_grad()
                loss.backward()
                opt.step()
                se += loss.item() * G * N_PART * DIM
                count += G * N_PART * DIM
            return se / count

    return run
