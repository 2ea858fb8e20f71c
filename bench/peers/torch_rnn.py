#!/usr/bin/env python3
"""PyTorch peer of the rnn bench section (bench/sections/rnn.ts): the protocol, timing loop and main
of torch_bench.py, with the recurrent builders registered under section "rnn".

  lstm / gru   nn.LSTM / nn.GRU(input, hidden, num_layers=layers) in float32 on x [seq, batch, input]
               (time-major, no initial state). With params.backward, each call runs the forward and
               output.backward(g) for a fixed upstream g (the parameters' gradients are reset to None
               first, as erlangen's zeroGrad does); without it, the forward under inference_mode.
The input does not require a gradient (as in erlangen's case): only the parameters get one.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch_bench as tb  # noqa: E402  (exits with status 3 when torch is missing)
from torch_bench import torch  # noqa: E402


def recurrent(cls):
    def build(p, gen):
        with torch.inference_mode(False):
            T, B, I, H = int(p["seq"]), int(p["batch"]), int(p["input"]), int(p["hidden"])
            m = cls(I, H, num_layers=int(p.get("layers", 1)))
            x = torch.randn(T, B, I, generator=gen, dtype=torch.float32)
            g = torch.randn(T, B, H, generator=gen, dtype=torch.float32)
        if not p.get("backward"):
            return lambda: m(x)

        def run():
            with torch.inference_mode(False):
                m.zero_grad(set_to_none=True)
                y, _ = m(x)
                y.backward(g)
        return run
    return build


tb.BUILDERS["rnn"] = {"lstm": recurrent(torch.nn.LSTM), "gru": recurrent(torch.nn.GRU)}

if __name__ == "__main__":
    tb.main()
