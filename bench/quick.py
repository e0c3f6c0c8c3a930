"""The quick benchmark: run before and after any change to the hot path (under a minute).

Three workloads from issue 6, each written three ways in one run — ember, the same math
by hand in raw NumPy (forward and hand-derived backward), and PyTorch when installed —
and reported as medians and ratios to NumPy and to PyTorch. Single-threaded.

    python bench/quick.py [--repeat N]

W1  a chain of 1000 tiny elementwise ops on 2x2 (mul by a constant, tanh, alternating),
    forward + backward, time per op
W3  a 4M-element chain tanh(x * w + b) * x, summed, forward + backward
W4  a 100,000-node scalar chain (y = y * c), backward only, time per node
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import ember  # noqa: E402

try:
    import torch  # noqa: E402

    torch.set_num_threads(1)
except ImportError:  # the oracle is optional here
    torch = None


def median_time(fn, repeat: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


# -- W1 ----------------------------------------------------------------------------------
N1 = 1000
W1_C = np.array([[1.01, 0.99], [0.98, 1.02]], np.float32)


def w1_numpy():
    x = np.full((2, 2), 0.5, np.float32)
    saved = []
    y = x
    for i in range(N1):
        if i % 2 == 0:
            y = y * W1_C
            saved.append(None)
        else:
            y = np.tanh(y)
            saved.append(y)
    g = np.ones_like(y)
    for i in range(N1 - 1, -1, -1):
        g = g * W1_C if i % 2 == 0 else g * (1 - saved[i] * saved[i])
    return g


def w1_ember(lib):
    c = lib.tensor(W1_C)

    def run():
        x = lib.full((2, 2), 0.5, requires_grad=True)
        y = x
        for i in range(N1):
            y = y * c if i % 2 == 0 else y.tanh()
        y.backward(lib.ones(2, 2))
        return x.grad

    return run


# -- W3 ----------------------------------------------------------------------------------
N3 = 4_000_000
_r = np.random.default_rng(0)
W3_X = _r.standard_normal(N3).astype(np.float32)
W3_W = _r.standard_normal(N3).astype(np.float32)
W3_B = _r.standard_normal(N3).astype(np.float32)


def w3_numpy():
    x, w, b = W3_X, W3_W, W3_B
    a = x * w + b
    t = np.tanh(a)
    out = (t * x).sum()
    g_t = x
    g_a = g_t * (1 - t * t)
    g_x = g_a * w + t
    g_w = g_a * x
    g_b = g_a
    return out, g_x, g_w, g_b


def w3_ember(lib):
    x = lib.tensor(W3_X, requires_grad=True)
    w = lib.tensor(W3_W, requires_grad=True)
    b = lib.tensor(W3_B, requires_grad=True)

    def run():
        x.grad = w.grad = b.grad = None
        out = ((x * w + b).tanh() * x).sum()
        out.backward()
        return out

    return run


# -- W4 ----------------------------------------------------------------------------------
N4 = 100_000


def w4_numpy():
    g = 1.0
    c = np.float64(1.00001)
    for _ in range(N4):
        g = g * c
    return g


def w4_ember(lib):
    def run():
        x = lib.tensor([1.0], requires_grad=True)
        y = x
        for _ in range(N4):
            y = y * 1.00001
        t = time.perf_counter()
        y.backward(lib.ones(1))
        return time.perf_counter() - t

    return run


def w4_time(fn, repeat: int) -> float:
    return statistics.median(fn() for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    r = args.repeat
    rows = []
    libs = [("ember", ember)] + ([("torch", torch)] if torch is not None else [])

    t_np = median_time(w1_numpy, r) / N1
    rows.append(("W1 tiny-op chain, per op", t_np, {n: median_time(w1_ember(m), r) / N1 for n, m in libs}))
    t_np = median_time(w3_numpy, r)
    rows.append(("W3 4M-element chain", t_np, {n: median_time(w3_ember(m), r) for n, m in libs}))
    t_np = median_time(w4_numpy, r) / N4
    rows.append(("W4 100k scalar chain backward, per node", t_np,
                 {n: w4_time(w4_ember(m), max(1, r // 2)) / N4 for n, m in libs}))

    versions = f"python {sys.version.split()[0]}, numpy {np.__version__}"
    print(versions + (f", torch {torch.__version__}" if torch else ""))
    header = f"{'workload':42} {'numpy':>10} {'ember':>10} {'ember/np':>9}"
    if torch is not None:
        header += f" {'torch':>10} {'torch/np':>9} {'ember/torch':>11}"
    print(header)
    for name, t_np, ts in rows:
        line = f"{name:42} {t_np * 1e6:9.2f}u {ts['ember'] * 1e6:9.2f}u {ts['ember'] / t_np:8.2f}x"
        if torch is not None:
            line += f" {ts['torch'] * 1e6:9.2f}u {ts['torch'] / t_np:8.2f}x {ts['ember'] / ts['torch']:10.2f}x"
        print(line)


if __name__ == "__main__":
    main()
