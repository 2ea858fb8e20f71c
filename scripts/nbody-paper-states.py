#!/usr/bin/env python3
"""
Initial states of the EGNN paper's `nbody_small` dataset, drawn from numpy's legacy global
RandomState exactly as the paper's generator draws them (Satorras et al. 2021, `n_body_system/
dataset/generate_dataset.py --num-train 10000 --seed 43 --sufix small`, which calls
`ChargedParticlesSim.sample_trajectory(T=5000, sample_freq=100)` per simulation).

Per simulation the generator consumes, in this order: 5 uniforms (np.random.choice of the charges
from [-1, 0, 1] with p = [1/2, 0, 1/2]), randn(3, 5) (positions, loc_std = 1), randn(3, 5) (raw
velocities), and 2 x randn(49, 3, 5) (the observation noise, drawn although its variance is 0).
Train (10000 simulations), validation (2000) and test (2000) come from one stream in that order.
This script replays those draws without simulating and writes the states erlangen needs (the first
3000 training simulations, all validation and test simulations); erlangen normalises the
velocities, reflects into the box and integrates them itself (src/data/nbody.ts).

Output: float64 little-endian, 7000 records of 35 values — charges[5], loc[3][5], vel[3][5]
(dimension-major, as numpy draws them; velocities not yet normalised) — train, then val, then test.

Usage: /usr/bin/python3 scripts/nbody-paper-states.py [OUT]   (default datasets/nbody/paper-initial-states.f64)
"""
import os
import sys

import numpy as np

N_BALLS, DIM, T_SAVE = 5, 3, 5000 // 100 - 1
SPLITS = (("train", 10000, 3000), ("val", 2000, 2000), ("test", 2000, 2000))


def draw_one():
    charges = np.random.choice(np.array([-1.0, 0.0, 1.0]), size=(N_BALLS, 1), p=[0.5, 0.0, 0.5])
    loc = np.random.randn(DIM, N_BALLS) * 1.0
    vel = np.random.randn(DIM, N_BALLS)
    np.random.randn(T_SAVE, DIM, N_BALLS)  # observation noise on loc (variance 0)
    np.random.randn(T_SAVE, DIM, N_BALLS)  # observation noise on vel (variance 0)
    return np.concatenate([charges.ravel(), loc.ravel(), vel.ravel()])


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "datasets", "nbody", "paper-initial-states.f64")
    np.random.seed(43)
    records = []
    for _name, total, keep in SPLITS:
        for i in range(total):
            r = draw_one()
            if i < keep:
                records.append(r)
    data = np.stack(records).astype("<f8")
    assert data.shape == (7000, 35)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data.tobytes())
    os.replace(tmp, out)
    print(f"wrote {out}: {data.shape[0]} states x {data.shape[1]} float64")


if __name__ == "__main__":
    main()
