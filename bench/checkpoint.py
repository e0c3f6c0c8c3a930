"""Peak memory and time of a forward + backward with and without activation checkpointing.

    python bench/checkpoint.py

A 16-block MLP (tanh(h @ W) -> sin, width 512, batch 1024, float32); "per block" wraps each
block in checkpoint(use_reentrant=False), "2 segments" uses checkpoint_sequential with 2
segments. Peak memory is tracemalloc's (NumPy reports its allocations to it).
"""

from __future__ import annotations

import time
import tracemalloc

import ember
from ember.utils.checkpoint import checkpoint, checkpoint_sequential

WIDTH, BATCH, DEPTH = 512, 1024, 16


def block(w):
    def run(x):
        return (x @ w).tanh().sin()
    return run


def main() -> None:
    ember.manual_seed(0)
    ws = [(ember.randn(WIDTH, WIDTH) * 0.04).requires_grad_() for _ in range(DEPTH)]
    x = ember.randn(BATCH, WIDTH, requires_grad=True)

    def plain():
        h = x
        for w in ws:
            h = block(w)(h)
        return h

    def per_block():
        h = x
        for w in ws:
            h = checkpoint(block(w), h, use_reentrant=False)
        return h

    def segments():
        return checkpoint_sequential([block(w) for w in ws], 2, x, use_reentrant=False)

    rows = []
    variants = (("no checkpoint", plain), ("checkpoint per block", per_block),
                ("checkpoint_sequential, 2 segments", segments))
    for name, fn in variants:
        for t in ws + [x]:
            t.grad = None
        tracemalloc.start()
        start = time.perf_counter()
        fn().sum().backward()
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append((name, peak, elapsed))
    base_peak, base_time = rows[0][1], rows[0][2]
    print(f"{'variant':36} {'peak MB':>8} {'vs plain':>9} {'time':>8} {'vs plain':>9}")
    for name, peak, elapsed in rows:
        print(f"{name:36} {peak / 1e6:8.1f} {peak / base_peak:8.2f}x {elapsed:7.2f}s {elapsed / base_time:8.2f}x")


if __name__ == "__main__":
    main()
