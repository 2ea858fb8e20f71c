#!/usr/bin/env python3
"""PyTorch peer of the train_step bench section (bench/sections/train-step.ts): the protocol, timing
loop and main of torch_bench.py, with the training-step builders registered under "train_step".

  mlp_step   an MLP (Linear + ReLU x layers, then Linear to the outputs) in float32, MSE loss, Adam
             (lr 1e-3): each call runs zero_grad(set_to_none=True), the forward, backward() and
             optimizer.step() on a fixed batch, as erlangen's eager step does. PyTorch 1.13 has no
             compiler for CPU training steps, so the same eager step is timed for both op ids
             (mlp_step_eager and mlp_step_compiled); its caching allocator reuses the buffers.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch_bench as tb  # noqa: E402  (exits with status 3 when torch is missing)
from torch_bench import torch  # noqa: E402


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

    def run():
        with torch.inference_mode(False):
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.mse_loss(net(x), y)
            loss.backward()
            opt.step()
    return run


tb.BUILDERS["train_step"] = {"mlp_step": mlp_step}

if __name__ == "__main__":
    tb.main()
