"""The benchmark suite of issue 6: eight workloads, every engine, one run, one table.

    python bench/suite.py [--repeat N] [--only W2,W5] [--engines ember,numpy,torch,autograd,mygrad]
                          [--markdown] [--no-memory] [--nodes 1000000]
    python bench/suite.py --profile W2 [--repeat N]     # cProfile of ember on one workload
    py-spy record -r 400 -f raw -o w2.txt -- python bench/suite.py --loop W2 --seconds 8
    python bench/spy_summary.py w2.txt                   # where a sampled loop spends its time

Each workload is written once per engine with the same math, shapes and dtypes: ember,
raw NumPy (forward and hand-derived backward, the baseline), PyTorch, HIPS autograd and
MyGrad. An engine that is not installed is skipped (``pip install autograd mygrad`` for
the last two; they are not dependencies of ember). Everything runs on one thread: the
BLAS thread variables are set before NumPy is imported, threadpoolctl (when installed)
limits NumPy's BLAS again, and PyTorch gets ``set_num_threads(1)``.

W1  a chain of 1000 tiny elementwise ops on 2x2 (mul by a constant, tanh, alternating),
    forward + backward, time per op
W2  an MLP 784-256-256-10 (relu, cross-entropy), batch 128, float32: one SGD step
    (forward, backward, update)
W3  a 4M-element chain sum(tanh(x * w + b) * x), float32, forward + backward
W4  a 100,000-node scalar chain (y = y * c), backward only, time per node
W5  the Hessian of f(x) = sum(tanh(A @ x)^2), n = 100, float64 (NumPy: the closed form
    A^T diag(2 (1 - t^2)(1 - 3 t^2)) A); W5v the same with vectorize=True
W6  a small CNN step: conv 3x3 (1 -> 8 channels, padding 1), relu, max-pool 2, linear
    128 -> 10, cross-entropy, SGD; batch 64 of 8x8 images, float32
W7  inference only: the W2 MLP's forward pass (ember/torch under inference_mode, MyGrad
    under no_autodiff)
W8  a long training run: 500 SGD steps of a 64-128-64-10 MLP on batches of 64 drawn in
    turn from 2,048 fixed samples, float32; one run is all 500 steps

Timing: every engine's workload is built once and run once to warm up; then the samples
are interleaved (one sample of each engine in turn, ``--repeat`` rounds) so that a change
in the machine's load hits every engine alike, and the median is reported. A sample is
one run, or as many back-to-back runs as fill 50 ms for short ones (per-run time
reported); ``gc.collect()`` runs before each sample, outside the timing.

Memory (each engine in its own subprocess, so the figures do not mix): the resident-set
growth of an ``--nodes``-node scalar chain held alive (bytes per graph node), the same by
tracemalloc for 100,000 nodes where the engine allocates through Python (NumPy-based
ones), and the peak RSS of a W8 training run above the process's RSS before it.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

try:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
except ImportError:  # the environment variables above already ask for one thread
    pass

ENGINES = ("numpy", "ember", "torch", "autograd", "mygrad")
_MODULES: dict[str, object] = {}


def engine_module(name: str):
    """The engine's module (autograd: a namespace with autograd and autograd.numpy), or None if absent."""
    if name in _MODULES:
        return _MODULES[name]
    mod = None
    try:
        if name == "numpy":
            mod = np
        elif name == "ember":
            mod = importlib.import_module("ember")
        elif name == "torch":
            mod = importlib.import_module("torch")
            mod.set_num_threads(1)
        elif name == "autograd":
            import autograd.numpy as anp
            import autograd.scipy.special as asp

            import autograd

            mod = argparse.Namespace(ag=autograd, np=anp, logsumexp=asp.logsumexp, version=_version("autograd"))
        elif name == "mygrad":
            mod = importlib.import_module("mygrad")
    except ImportError:
        mod = None
    _MODULES[name] = mod
    return mod


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


# ---------------------------------------------------------------------------------------------
# The workloads. A builder takes the engine's module and returns ``run()``; ``run()`` returns
# anything (the whole call is timed) or ``Elapsed(seconds)`` of the part that is measured (W4: backward).
# ---------------------------------------------------------------------------------------------

WORKLOADS: dict[str, dict] = {}


class Elapsed(float):
    """Returned by a ``run()`` that times only part of itself: those seconds are what counts."""


def workload(key: str, title: str, per: int = 1, per_label: str = ""):
    """Register the builders that follow under ``key``: ``@workload(...)`` on a dict-returning function."""

    def deco(fn: Callable[[], dict[str, Callable]]):
        WORKLOADS[key] = {"title": title, "per": per, "per_label": per_label, "builders": fn()}
        return fn

    return deco


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# -- W1: per-op overhead ----------------------------------------------------------------------
N1 = 1000
W1_C = np.array([[1.01, 0.99], [0.98, 1.02]], np.float32)


def w1_numpy(_np):
    def run():
        y = np.full((2, 2), 0.5, np.float32)
        saved = []
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

    return run


def w1_torchlike(lib):
    c = lib.tensor(W1_C)

    def run():
        x = lib.full((2, 2), 0.5, requires_grad=True)
        y = x
        for i in range(N1):
            y = y * c if i % 2 == 0 else y.tanh()
        y.backward(lib.ones(2, 2))
        return None

    return run


def w1_autograd(m):
    anp = m.np

    def chain(x):
        y = x
        for i in range(N1):
            y = y * W1_C if i % 2 == 0 else anp.tanh(y)
        return y

    def run():
        vjp, _ = m.ag.make_vjp(chain)(np.full((2, 2), 0.5, np.float32))
        vjp(np.ones((2, 2), np.float32))

    return run


def w1_mygrad(mg):
    def run():
        x = mg.tensor(np.full((2, 2), 0.5, np.float32))
        y = x
        for i in range(N1):
            y = y * W1_C if i % 2 == 0 else mg.tanh(y)
        y.backward(np.ones((2, 2), np.float32))

    return run


@workload("W1", "chain of 1000 tiny ops (2x2), fwd+bwd, per op", per=N1, per_label="per op")
def _w1():
    return {"numpy": w1_numpy, "ember": w1_torchlike, "torch": w1_torchlike, "autograd": w1_autograd,
            "mygrad": w1_mygrad}


# -- W2, W7, W8: an MLP -----------------------------------------------------------------------
# Parameters are (W, b) pairs with W of shape (in, out); the math is h @ W + b everywhere.


def mlp_data(sizes: tuple[int, ...], n: int, seed: int = 0):
    r = _rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        params.append((r.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(np.float32))
        params.append(np.zeros(fan_out, np.float32))
    x = r.standard_normal((n, sizes[0])).astype(np.float32)
    y = r.integers(0, sizes[-1], n)
    return params, x, y


LR = 0.01


def ce_numpy(logits, y):
    """Mean cross-entropy of integer labels and its gradient with respect to the logits."""
    rows = np.arange(len(y))
    m = logits.max(1, keepdims=True)
    e = np.exp(logits - m)
    s = e.sum(1, keepdims=True)
    loss = (np.log(s[:, 0]) + m[:, 0] - logits[rows, y]).mean()
    g = e / s
    g[rows, y] -= 1
    g /= len(y)
    return loss, g


def mlp_forward_numpy(params, x, keep=None):
    h = x
    n_layers = len(params) // 2
    for i in range(n_layers):
        if keep is not None:
            keep.append(h)
        z = h @ params[2 * i] + params[2 * i + 1]
        h = np.maximum(z, 0) if i < n_layers - 1 else z
    return h


def mlp_step_numpy(params, x, y):
    """One SGD step in place on ``params`` (a list of arrays); returns the loss."""
    inputs: list[np.ndarray] = []
    logits = mlp_forward_numpy(params, x, inputs)
    loss, g = ce_numpy(logits, y)
    for i in range(len(params) // 2 - 1, -1, -1):
        w, b, h = params[2 * i], params[2 * i + 1], inputs[i]
        g_w = h.T @ g
        g_b = g.sum(0)
        if i:
            g = (g @ w.T) * (h > 0)
        w -= LR * g_w
        b -= LR * g_b
    return loss


def mlp_step_torchlike(lib, params, x, y):
    h = x
    n_layers = len(params) // 2
    for i in range(n_layers):
        z = h @ params[2 * i] + params[2 * i + 1]
        h = z.relu() if i < n_layers - 1 else z
    loss = lib.nn.functional.cross_entropy(h, y)
    loss.backward()
    with lib.no_grad():
        for p in params:
            p -= LR * p.grad
            p.grad = None
    return loss


def mlp_loss_autograd(m):
    anp = m.np

    def loss(params, x, y):
        h = x
        n_layers = len(params) // 2
        for i in range(n_layers):
            z = anp.dot(h, params[2 * i]) + params[2 * i + 1]
            h = anp.maximum(z, 0.0) if i < n_layers - 1 else z
        logp = h - m.logsumexp(h, axis=1, keepdims=True)
        return -anp.mean(logp[np.arange(len(y)), y])

    return m.ag.grad(loss)


def mlp_loss_mygrad(mg, params, x, y):
    from mygrad.nnet.activations import relu
    from mygrad.nnet.losses import softmax_crossentropy

    h = x
    n_layers = len(params) // 2
    for i in range(n_layers):
        z = mg.matmul(h, params[2 * i]) + params[2 * i + 1]
        h = relu(z) if i < n_layers - 1 else z
    return softmax_crossentropy(h, y)


def sgd_mygrad(params):
    for p in params:
        p.data -= LR * p.grad  # the graph is cleared by backward, so the array is writable
        p.null_grad()


W2_SIZES = (784, 256, 256, 10)
W2_BATCH = 128


def w2_numpy(_np):
    params, x, y = mlp_data(W2_SIZES, W2_BATCH)
    return lambda: mlp_step_numpy(params, x, y)


def w2_torchlike(lib):
    params, x, y = mlp_data(W2_SIZES, W2_BATCH)
    params = [lib.tensor(p, requires_grad=True) for p in params]
    x, y = lib.tensor(x), lib.tensor(y)
    return lambda: mlp_step_torchlike(lib, params, x, y)


def w2_autograd(m):
    params, x, y = mlp_data(W2_SIZES, W2_BATCH)
    grad = mlp_loss_autograd(m)

    def run():
        grads = grad(params, x, y)
        params[:] = [p - LR * g for p, g in zip(params, grads, strict=True)]

    return run


def w2_mygrad(mg):
    params, x, y = mlp_data(W2_SIZES, W2_BATCH)
    params = [mg.tensor(p) for p in params]

    def run():
        mlp_loss_mygrad(mg, params, x, y).backward()
        sgd_mygrad(params)

    return run


@workload("W2", "MLP 784-256-256-10, batch 128, SGD step")
def _w2():
    return {"numpy": w2_numpy, "ember": w2_torchlike, "torch": w2_torchlike, "autograd": w2_autograd,
            "mygrad": w2_mygrad}


# -- W3: large elementwise --------------------------------------------------------------------
N3 = 4_000_000


def w3_data():
    r = _rng(0)
    return [r.standard_normal(N3).astype(np.float32) for _ in range(3)]


def w3_numpy(_np):
    x, w, b = w3_data()

    def run():
        t = np.tanh(x * w + b)
        out = (t * x).sum()
        g_a = x * (1 - t * t)
        return out, g_a * w + t, g_a * x, g_a

    return run


def w3_torchlike(lib):
    x, w, b = (lib.tensor(a, requires_grad=True) for a in w3_data())

    def run():
        x.grad = w.grad = b.grad = None
        ((x * w + b).tanh() * x).sum().backward()

    return run


def w3_autograd(m):
    x, w, b = w3_data()
    grad = m.ag.grad(lambda x, w, b: m.np.sum(m.np.tanh(x * w + b) * x), argnum=[0, 1, 2])
    return lambda: grad(x, w, b)


def w3_mygrad(mg):
    x, w, b = (mg.tensor(a) for a in w3_data())

    def run():
        mg.sum(mg.tanh(x * w + b) * x).backward()

    return run


@workload("W3", "4M-element elementwise chain, fwd+bwd")
def _w3():
    return {"numpy": w3_numpy, "ember": w3_torchlike, "torch": w3_torchlike, "autograd": w3_autograd,
            "mygrad": w3_mygrad}


# -- W4: a long scalar chain, backward only ---------------------------------------------------
N4 = 100_000
C4 = 1.00001


def w4_numpy(_np):
    def run():
        g = 1.0
        c = np.float64(C4)
        t = time.perf_counter()
        for _ in range(N4):
            g = g * c
        return Elapsed(time.perf_counter() - t)

    return run


def build_chain(eng: str, mod, n: int):
    """An ``n``-node scalar chain y = y * c, kept alive; returns what holds the graph."""
    if eng in ("ember", "torch", "mygrad"):
        y = mod.tensor([1.0], requires_grad=True) if eng != "mygrad" else mod.tensor([1.0])
        for _ in range(n):
            y = y * C4
        return y

    def chain(x):
        for _ in range(n):
            x = x * C4
        return x

    return mod.ag.make_vjp(chain)(np.ones(1))  # (vjp, value): the vjp closure holds autograd's graph


def w4_builder(eng: str) -> Callable:
    def build(mod):
        def run():
            graph = build_chain(eng, mod, N4)
            t = time.perf_counter()
            if eng == "autograd":
                graph[0](np.ones(1))
            else:
                graph.backward(mod.ones(1) if eng != "mygrad" else np.ones(1))
            return Elapsed(time.perf_counter() - t)

        return run

    return build


@workload("W4", "100,000-node scalar chain, bwd, per node", per=N4, per_label="per node")
def _w4():
    return {"numpy": w4_numpy, **{eng: w4_builder(eng) for eng in ("ember", "torch", "autograd", "mygrad")}}


# -- W5: a Hessian ----------------------------------------------------------------------------
N5 = 100


def w5_data():
    r = _rng(0)
    return r.standard_normal((N5, N5)) / np.sqrt(N5), r.standard_normal(N5)


def w5_numpy(_np):
    a, x = w5_data()

    def run():
        t = np.tanh(a @ x)
        t2 = t * t
        return a.T @ ((2 * (1 - t2) * (1 - 3 * t2))[:, None] * a)

    return run


def w5_torchlike(lib, vectorize=False):
    a, x = (lib.tensor(v) for v in w5_data())
    hessian = lib.autograd.functional.hessian

    def f(x):
        return (lib.tanh(a @ x) ** 2).sum()

    return lambda: hessian(f, x, vectorize=vectorize)


def w5_autograd(m):
    a, x = w5_data()
    hessian = m.ag.hessian(lambda x: m.np.sum(m.np.tanh(m.np.dot(a, x)) ** 2))
    return lambda: hessian(x)


@workload("W5", "Hessian of sum(tanh(A@x)^2), n=100")
def _w5():
    return {"numpy": w5_numpy, "ember": w5_torchlike, "torch": w5_torchlike, "autograd": w5_autograd}


@workload("W5v", "W5 with vectorize=True")
def _w5v():
    def vec(lib):
        return w5_torchlike(lib, vectorize=True)

    return {"numpy": w5_numpy, "ember": vec, "torch": vec}


# -- W6: a small CNN --------------------------------------------------------------------------
B6, C6 = 64, 8  # batch, conv channels; images 1x8x8, pooled to 8x4x4 = 128 features


def w6_data():
    r = _rng(0)
    x = r.standard_normal((B6, 1, 8, 8)).astype(np.float32)
    y = r.integers(0, 10, B6)
    params = [(r.standard_normal((C6, 1, 3, 3)) / 3).astype(np.float32), np.zeros(C6, np.float32),
              (r.standard_normal((C6 * 16, 10)) / np.sqrt(C6 * 16)).astype(np.float32), np.zeros(10, np.float32)]
    return params, x, y


def im2col_3x3(x):
    """(B, 1, 8, 8) -> (B*64, 9): the 3x3 patches (padding 1) of each pixel, in (h, w) order."""
    xp = np.pad(x[:, 0], ((0, 0), (1, 1), (1, 1)))
    return np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(1, 2)).reshape(-1, 9)


def pool_windows(a, lib=np):
    """(B*64, C) in (b, h, w, c) order -> (B, 4, 4, C, 4): each 2x2 window on the last axis."""
    a = lib.reshape(a, (B6, 4, 2, 4, 2, C6))
    return lib.reshape(lib.transpose(a, (0, 1, 3, 5, 2, 4)), (B6, 4, 4, C6, 4))


def w6_numpy(_np):
    params, x, y = w6_data()

    def run():
        wc, bc, wl, bl = params
        cols = im2col_3x3(x)
        z = cols @ wc.reshape(C6, 9).T + bc  # (B*64, C): rows in (b, h, w) order
        a = np.maximum(z, 0)
        win = pool_windows(a)
        idx = win.argmax(-1)[..., None]
        pooled = np.take_along_axis(win, idx, -1)[..., 0]  # (B, 4, 4, C)
        feats = pooled.transpose(0, 3, 1, 2).reshape(B6, -1)  # flattened in (c, h, w) order, as NCHW is
        loss, g = ce_numpy(feats @ wl + bl, y)
        g_wl, g_bl = feats.T @ g, g.sum(0)
        g_pooled = (g @ wl.T).reshape(B6, C6, 4, 4).transpose(0, 2, 3, 1)
        g_win = np.zeros_like(win)
        np.put_along_axis(g_win, idx, g_pooled[..., None], -1)
        g_a = g_win.reshape(B6, 4, 4, C6, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(-1, C6)
        g_z = g_a * (z > 0)
        g_wc = (g_z.T @ cols).reshape(C6, 1, 3, 3)
        for p, g_p in zip(params, (g_wc, g_z.sum(0), g_wl, g_bl), strict=True):
            p -= LR * g_p
        return loss

    return run


def w6_torchlike(lib):
    params, x, y = w6_data()
    params = [lib.tensor(p, requires_grad=True) for p in params]
    x, y = lib.tensor(x), lib.tensor(y)
    functional = lib.nn.functional

    def run():
        wc, bc, wl, bl = params
        a = functional.relu(functional.conv2d(x, wc, bc, padding=1))
        feats = functional.max_pool2d(a, 2).reshape(B6, -1)
        loss = functional.cross_entropy(feats @ wl + bl, y)
        loss.backward()
        with lib.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None
        return loss

    return run


def w6_autograd(m):
    anp = m.np
    params, x, y = w6_data()
    rows = np.arange(B6)

    def loss(params, cols):
        wc, bc, wl, bl = params
        a = anp.maximum(anp.dot(cols, anp.reshape(wc, (C6, 9)).T) + bc, 0.0)
        pooled = anp.max(pool_windows(a, anp), axis=-1)
        feats = anp.reshape(anp.transpose(pooled, (0, 3, 1, 2)), (B6, -1))
        logits = anp.dot(feats, wl) + bl
        return -anp.mean((logits - m.logsumexp(logits, axis=1, keepdims=True))[rows, y])

    grad = m.ag.grad(loss)

    def run():
        grads = grad(params, im2col_3x3(x))
        params[:] = [p - LR * g for p, g in zip(params, grads, strict=True)]

    return run


def w6_mygrad(mg):
    from mygrad.nnet.activations import relu
    from mygrad.nnet.layers import conv_nd, max_pool
    from mygrad.nnet.losses import softmax_crossentropy

    params, x, y = w6_data()
    params = [mg.tensor(p) for p in params]

    def run():
        wc, bc, wl, bl = params
        a = relu(conv_nd(x, wc, stride=1, padding=1) + bc.reshape(1, C6, 1, 1))
        feats = max_pool(a, (2, 2), 2).reshape(B6, -1)
        softmax_crossentropy(mg.matmul(feats, wl) + bl, y).backward()
        sgd_mygrad(params)

    return run


@workload("W6", "small CNN step (conv3x3, relu, maxpool, linear), 8x8, batch 64")
def _w6():
    return {"numpy": w6_numpy, "ember": w6_torchlike, "torch": w6_torchlike, "autograd": w6_autograd,
            "mygrad": w6_mygrad}


# -- W7: inference only -----------------------------------------------------------------------


def w7_numpy(_np):
    params, x, _ = mlp_data(W2_SIZES, W2_BATCH)
    return lambda: mlp_forward_numpy(params, x)


def w7_torchlike(lib):
    params, x, _ = mlp_data(W2_SIZES, W2_BATCH)
    params = [lib.tensor(p, requires_grad=True) for p in params]
    x = lib.tensor(x)

    def run():
        with lib.inference_mode():
            h = x
            for i in range(3):
                z = h @ params[2 * i] + params[2 * i + 1]
                h = z.relu() if i < 2 else z
            return h

    return run


def w7_autograd(m):
    anp = m.np
    params, x, _ = mlp_data(W2_SIZES, W2_BATCH)

    def run():  # autograd traces nothing outside grad(): its wrapped NumPy functions on plain arrays
        h = x
        for i in range(3):
            z = anp.dot(h, params[2 * i]) + params[2 * i + 1]
            h = anp.maximum(z, 0.0) if i < 2 else z
        return h

    return run


def w7_mygrad(mg):
    from mygrad.nnet.activations import relu

    params, x, _ = mlp_data(W2_SIZES, W2_BATCH)
    params = [mg.tensor(p) for p in params]

    def run():
        with mg.no_autodiff:
            h = x
            for i in range(3):
                z = mg.matmul(h, params[2 * i]) + params[2 * i + 1]
                h = relu(z) if i < 2 else z
            return h

    return run


@workload("W7", "inference: W2 MLP forward, batch 128")
def _w7():
    return {"numpy": w7_numpy, "ember": w7_torchlike, "torch": w7_torchlike, "autograd": w7_autograd,
            "mygrad": w7_mygrad}


# -- W8: a long training run ------------------------------------------------------------------
W8_SIZES = (64, 128, 64, 10)
W8_BATCH, W8_SAMPLES, W8_STEPS = 64, 2048, 500


def w8_batches():
    params, x, y = mlp_data(W8_SIZES, W8_SAMPLES, seed=1)
    starts = [(s * W8_BATCH) % W8_SAMPLES for s in range(W8_STEPS)]
    return params, [(x[s:s + W8_BATCH], y[s:s + W8_BATCH]) for s in starts]


def w8_numpy(_np):
    def run():
        params, batches = w8_batches()
        for xb, yb in batches:
            loss = mlp_step_numpy(params, xb, yb)
        return float(loss)

    return run


def w8_torchlike(lib):
    def run():
        params, batches = w8_batches()
        params = [lib.tensor(p, requires_grad=True) for p in params]
        for xb, yb in batches:
            loss = mlp_step_torchlike(lib, params, lib.tensor(xb), lib.tensor(yb))
        return loss.item()

    return run


def w8_autograd(m):
    grad = mlp_loss_autograd(m)

    def run():
        params, batches = w8_batches()
        for xb, yb in batches:
            grads = grad(params, xb, yb)
            params = [p - LR * g for p, g in zip(params, grads, strict=True)]

    return run


def w8_mygrad(mg):
    def run():
        params, batches = w8_batches()
        params = [mg.tensor(p) for p in params]
        for xb, yb in batches:
            mlp_loss_mygrad(mg, params, xb, yb).backward()
            sgd_mygrad(params)

    return run


@workload("W8", "training: 500 SGD steps, MLP 64-128-64-10, batch 64")
def _w8():
    return {"numpy": w8_numpy, "ember": w8_torchlike, "torch": w8_torchlike, "autograd": w8_autograd,
            "mygrad": w8_mygrad}


# ---------------------------------------------------------------------------------------------
# Running and reporting
# ---------------------------------------------------------------------------------------------


MIN_SAMPLE_S = 0.05  # a sample repeats a short run until it lasts this long (timeit's autorange)


def _timed(run: Callable, number: int = 1) -> float:
    """Seconds per run, over ``number`` back-to-back runs after a ``gc.collect()``."""
    gc.collect()
    t = time.perf_counter()
    for _ in range(number):
        inner = run()
    elapsed = time.perf_counter() - t
    return float(inner) if isinstance(inner, Elapsed) else elapsed / number


def measure(keys: list[str], engines: list[str], repeat: int, log=print) -> dict[str, dict[str, float]]:
    """{workload: {engine: median seconds (per op / node where the workload says so)}}.

    Each engine's run is built, warmed up once (which also sizes its samples: runs shorter
    than ``MIN_SAMPLE_S`` are repeated within a sample, so a cold cache after the
    ``gc.collect()`` does not dominate), then timed ``repeat`` times, the engines in turn.
    """
    results: dict[str, dict[str, float]] = {}
    for key in keys:
        spec = WORKLOADS[key]
        runs = {}
        for eng in engines:
            mod = engine_module(eng)
            if mod is None or eng not in spec["builders"]:
                continue
            run = spec["builders"][eng](mod)
            t = time.perf_counter()
            partial = isinstance(run(), Elapsed)
            t = time.perf_counter() - t
            runs[eng] = (run, 1 if partial else max(1, round(MIN_SAMPLE_S / t)))
        times: dict[str, list[float]] = {eng: [] for eng in runs}
        for _ in range(repeat):
            for eng, (run, number) in runs.items():
                times[eng].append(_timed(run, number))
        results[key] = {eng: statistics.median(ts) / spec["per"] for eng, ts in times.items()}
        log(f"  {key}: " + ", ".join(f"{eng} {fmt_time(t)}" for eng, t in results[key].items()), file=sys.stderr)
    return results


def fmt_time(t: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t / 1e-9:.3g} ns"


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    def line(r: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))

    return "\n".join(line(r) for r in [header, *rows])


def report(results: dict[str, dict[str, float]], engines: list[str], markdown: bool) -> str:
    engines = [e for e in engines if any(e in r for r in results.values())]
    others = [e for e in engines if e != "numpy"]
    label = {key: f"{key} {WORKLOADS[key]['title']}" for key in results}
    rows = [[label[k]] + [fmt_time(r[e]) if e in r else "n/a" for e in engines] for k, r in results.items()]
    out = ["Medians (W1 per op, W4 per node):", _table(["workload", *engines], rows, markdown), ""]
    for base in ("numpy", "torch"):
        if base not in engines:
            continue
        cols = [e for e in others if e != base] if base == "torch" else others
        rows = [[label[k]] + [f"{r[e] / r[base]:.2f}x" if e in r and base in r else "n/a" for e in cols]
                for k, r in results.items()]
        out += [f"Ratio to {base} (lower is faster):", _table(["workload", *[f"{e}/{base}" for e in cols]], rows,
                                                             markdown), ""]
    return "\n".join(out)


TARGETS = [
    # (text, workload, engine, baseline workload, baseline engine, limit)
    ("W1 per-op overhead <= 1.0x PyTorch", "W1", "ember", "W1", "torch", 1.0),
    ("W2 within 1.15x of raw NumPy", "W2", "ember", "W2", "numpy", 1.15),
    ("W3 within 1.15x of raw NumPy", "W3", "ember", "W3", "numpy", 1.15),
    ("W6 within 1.15x of raw NumPy", "W6", "ember", "W6", "numpy", 1.15),
    ("W4 faster than PyTorch", "W4", "ember", "W4", "torch", 1.0),
    ("W5 faster than HIPS autograd", "W5", "ember", "W5", "autograd", 1.0),
    ("W5 vectorize=True faster than PyTorch's", "W5v", "ember", "W5v", "torch", 1.0),
]


def targets(results: dict[str, dict[str, float]], memory: dict[str, dict] | None) -> str:
    lines = ["Targets (issue 6):"]
    for text, key, eng, base_key, base, limit in TARGETS:
        try:
            ratio = results[key][eng] / results[base_key][base]
        except KeyError:
            continue
        verdict = "met" if ratio <= limit else f"MISSED by {ratio / limit:.2f}x"
        lines.append(f"  {text}: ember/{base} = {ratio:.2f}x -> {verdict}")
    if memory and "ember" in memory:
        bpn = memory["ember"]["rss_bytes_per_node"]
        verdict = "met" if bpn <= 500 else f"MISSED by {bpn / 500:.2f}x"
        lines.append(f"  W4 memory <= 500 bytes per node at {memory['ember']['nodes']:,} nodes: "
                     f"{bpn:.0f} bytes -> {verdict}")
    return "\n".join(lines)


# -- memory, one engine per subprocess ---------------------------------------------------------


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss() -> int:
    """VmHWM: the process's peak RSS (getrusage's ru_maxrss would carry over the parent's across exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _reset_peak_rss() -> None:
    """Reset VmHWM to the current RSS, where the kernel allows it (Linux 4.0+)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def memory_child(eng: str, nodes: int) -> dict:
    """With ``nodes``: the graph's bytes per node; with 0: the peak RSS of one W8 run (a fresh process each)."""
    import tracemalloc

    mod = engine_module(eng)
    out: dict = {}
    if nodes:
        build_chain(eng, mod, 1000)  # warm up the code paths
        gc.collect()
        before = _rss()
        graph = build_chain(eng, mod, nodes)
        gc.collect()
        out["rss_bytes_per_node"] = (_rss() - before) / nodes
        t = time.perf_counter()
        del graph
        gc.collect()
        out["teardown_s"] = time.perf_counter() - t
        if eng != "torch":  # torch allocates in C++, out of tracemalloc's sight
            small = 100_000
            tracemalloc.start()
            graph = build_chain(eng, mod, small)
            out["tracemalloc_bytes_per_node"] = tracemalloc.get_traced_memory()[0] / small
            tracemalloc.stop()
            del graph
    else:
        run = WORKLOADS["W8"]["builders"][eng](mod)
        gc.collect()
        _reset_peak_rss()
        out["rss_base"] = _rss()
        run()
        out["train_peak_rss"] = _peak_rss() - out["rss_base"]
    return out


def memory(engines: list[str], nodes: int) -> dict[str, dict]:
    results = {}
    for eng in engines:
        if engine_module(eng) is None:
            continue
        res = {"nodes": nodes}
        for n in ((nodes, 0) if eng != "numpy" else (0,)):
            cmd = [sys.executable, __file__, "--memory-child", eng, "--nodes", str(n)]
            res.update(json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout))
        results[eng] = res
        print(f"  memory {eng}: {res}", file=sys.stderr)
    return results


def memory_report(mem: dict[str, dict], markdown: bool) -> str:
    rows = []
    for eng, r in mem.items():
        rows.append([eng,
                     f"{r['rss_bytes_per_node']:.0f}" if "rss_bytes_per_node" in r else "n/a",
                     f"{r['tracemalloc_bytes_per_node']:.0f}" if "tracemalloc_bytes_per_node" in r else "n/a",
                     f"{r['teardown_s']:.2f} s" if "teardown_s" in r else "n/a",
                     f"{r['rss_base'] / 2**20:.0f} MB",
                     f"{r['train_peak_rss'] / 2**20:.1f} MB"])
    nodes = next(iter(mem.values()))["nodes"]
    header = ["engine", f"graph bytes/node (RSS, {nodes:,} nodes)", "bytes/node (tracemalloc, 100,000)",
              "graph teardown", "RSS before W8", "W8 peak RSS above it"]
    return "Memory (each engine in its own process):\n" + _table(header, rows, markdown) + "\n"


# -- profile -----------------------------------------------------------------------------------


def profile(key: str, repeat: int, top: int = 25, engine: str = "ember") -> None:
    import cProfile
    import pstats

    run = WORKLOADS[key]["builders"][engine](engine_module(engine))
    run()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeat):
        run()
    prof.disable()
    stats = pstats.Stats(prof)
    total = stats.total_tt
    print(f"cProfile of {engine} on {key} ({repeat} runs), {total:.3f} s in all; top {top} by own time:")
    print(f"{'own s':>8} {'own %':>6} {'cum %':>6} {'calls':>9}  function")
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    for (file, line, func), (_cc, nc, tt, ct, _callers) in rows:
        where = f"{os.path.relpath(file) if file != '~' else ''}:{line}({func})"
        if len(where) > 90:
            where = "..." + where[-87:]
        print(f"{tt:8.3f} {100 * tt / total:5.1f}% {100 * ct / total:5.1f}% {nc:9d}  {where}")


def loop(key: str, seconds: float, engine: str = "ember") -> None:
    """Run one engine's workload over and over for ``seconds``, for an outside sampling profiler."""
    run = WORKLOADS[key]["builders"][engine](engine_module(engine))
    run()
    print(f"{engine} {key}: {measured_loop(run, seconds)} runs in {seconds} s")


def measured_loop(run: Callable, seconds: float) -> int:
    """The loop itself; ``bench/spy_summary.py`` keeps only the samples taken inside this function."""
    start, n = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        run()
        n += 1
    return n


# -- main --------------------------------------------------------------------------------------


def versions(engines: list[str]) -> str:
    parts = [f"python {platform.python_version()}", f"numpy {np.__version__}"]
    for eng in engines:
        mod = engine_module(eng)
        if mod is None or eng == "numpy":
            continue
        parts.append(f"{eng} {mod.version if eng == 'autograd' else mod.__version__}")
    missing = [e for e in engines if engine_module(e) is None]
    return ", ".join(parts) + (f" (not installed, skipped: {', '.join(missing)})" if missing else "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default=",".join(WORKLOADS), help="workloads, comma-separated")
    parser.add_argument("--engines", default=",".join(ENGINES), help="engines, comma-separated")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurements")
    parser.add_argument("--nodes", type=int, default=1_000_000, help="graph size for bytes per node")
    parser.add_argument("--profile", metavar="WORKLOAD", help="cProfile ember on one workload instead")
    parser.add_argument("--profile-engine", default="ember", help="the engine --profile and --loop run")
    parser.add_argument("--loop", metavar="WORKLOAD", help="run one workload in a loop (for py-spy) instead")
    parser.add_argument("--seconds", type=float, default=8.0, help="how long --loop runs")
    parser.add_argument("--memory-child", metavar="ENGINE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.memory_child:
        print(json.dumps(memory_child(args.memory_child, args.nodes)))
        return
    if args.profile:
        profile(args.profile, args.repeat, engine=args.profile_engine)
        return
    if args.loop:
        loop(args.loop, args.seconds, engine=args.profile_engine)
        return
    keys = [k.strip() for k in args.only.split(",") if k.strip()]
    unknown = [k for k in keys if k not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workloads {unknown}; known: {', '.join(WORKLOADS)}")
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if "numpy" not in engines:
        engines.insert(0, "numpy")  # the baseline of every ratio
    print(versions(engines))
    print(f"median of {args.repeat} interleaved samples, one thread; load average at the start "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n")
    results = measure(keys, engines, args.repeat)
    print(f"load average after the timings {os.getloadavg()[0]:.2f}\n")
    mem = None if args.no_memory else memory([e for e in engines if e != "numpy"] + ["numpy"], args.nodes)
    print(report(results, engines, args.markdown))
    if mem:
        print(memory_report(mem, args.markdown))
    print(targets(results, mem))


if __name__ == "__main__":
    main()
