#!/usr/bin/env python3
"""PyTorch peer of the fft bench section (bench/sections/fft.ts): the protocol, timing loop and
main of torch_bench.py, with the FFT builders registered under section "fft".

`rfft`: torch.fft.rfft of a float32 signal of length `n` (params["n"]), generated once outside the
timed call; every call computes the one-sided spectrum (n//2 + 1 complex64 bins). torch runs
pocketfft on the CPU (mixed radix, and Bluestein for lengths with large prime factors).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch_bench as tb  # noqa: E402  (exits with status 3 when torch is missing)
from torch_bench import torch  # noqa: E402


def rfft(p, gen):
    x = torch.randn(int(p["n"]), generator=gen, dtype=torch.float32)
    return lambda: torch.fft.rfft(x)


tb.BUILDERS["fft"] = {"rfft": rfft}

if __name__ == "__main__":
    tb.main()
