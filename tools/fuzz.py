"""A differential fuzzer: random programs run on ember and on PyTorch, compared step by step.

    python tools/fuzz.py --programs 2000 --seed 0 [--time-budget 600] [--steps 12]

A *program* is a list of Python lines over a module ``m`` (``ember`` or ``torch``), made at
random: leaves of random shapes and dtypes, pointwise ops with broadcasting and type
promotion, views (slicing, select, transpose, expand, reshape, ...), in-place steps
(``add_``, ``clamp_``, ``copy_``, ``setitem`` ...) on leaves, non-leaves and views of
tensors with history (CopySlices), reductions, matmul, nn.functional basics, and calls of
any row of the op registry (``tests/ops/op_db*.py``) with its sample inputs, some of them
replaced by values the program made. The tail of a program builds a random weighted sum
of the values that require grad and differentiates it: ``backward()`` into ``.grad``, or
``autograd.grad(create_graph=True)`` and a second ``autograd.grad`` in float64.

The program is generated against PyTorch (each line runs on torch as it is drawn, so the
next line can use the shapes and dtypes it made), then run again line by line on both
modules side by side. After each line its results are compared: shape, dtype,
requires_grad and values (float64 to 1e-10 relative, float32 to assert_close-like
tolerances widened for chains of ops, integers and bools exactly); after in-place lines
the values of every tensor of the program are compared again (a write through a view must
reach its base and the other views). If torch raises, ember must raise an exception of
the same built-in class; if ember raises where torch does not, that is a discrepancy.

Each discrepancy is shrunk (lines are dropped while the same kind of discrepancy remains)
and printed as a program that can be pasted after the ``REPRO_HEADER``.

The same engine drives ``tests/reliability/test_fuzz.py`` through hypothesis
(``HypothesisChooser``); the CLI uses ``random.Random`` (``RandomChooser``) so that one run
collects every discrepancy instead of stopping at the first.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import pathlib
import random
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
for _p in (ROOT / "src", ROOT / "tests" / "ops"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import ember  # noqa: E402

#: Registry rows left out: their results are random (dropout draws a mask).
SKIP_ROWS = {"dropout", "dropout2d"}


# ---------------------------------------------------------------------------------------
# Choosers: where the randomness comes from
# ---------------------------------------------------------------------------------------
class RandomChooser:
    """Choices from ``random.Random`` (the CLI)."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def int(self, lo: int, hi: int) -> int:
        return self.r.randint(lo, hi)

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[self.r.randrange(len(seq))]

    def bool(self, p: float = 0.5) -> bool:
        return self.r.random() < p

    def uniform(self, lo: float, hi: float) -> float:
        return self.r.uniform(lo, hi)


class HypothesisChooser:
    """Choices drawn from hypothesis's ``st.data()`` (the test suite: shrinkable)."""

    def __init__(self, data: Any) -> None:
        from hypothesis import strategies as st

        self.data, self.st = data, st

    def int(self, lo: int, hi: int) -> int:
        return self.data.draw(self.st.integers(lo, hi))

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[self.int(0, len(seq) - 1)]

    def bool(self, p: float = 0.5) -> bool:
        return self.int(0, 999) < p * 1000

    def uniform(self, lo: float, hi: float) -> float:
        return lo + (hi - lo) * self.int(0, 1000) / 1000


# ---------------------------------------------------------------------------------------
# Programs
# ---------------------------------------------------------------------------------------
@dataclass
class Line:
    """One line of a program; ``outs`` are the expressions compared after it runs."""

    src: str
    outs: tuple[str, ...] = ()
    inplace: bool = False
    target: str | None = None  # what an in-place line writes into


@dataclass
class Program:
    lines: list[Line] = field(default_factory=list)
    pool: list[str] = field(default_factory=list)  # tensor expressions the program made

    def source(self) -> str:
        return "\n".join(ln.src for ln in self.lines)


REPRO_HEADER = """\
# m is ember or torch; R is the op registry (tests/ops/op_db.py) by row name:
#   import sys; sys.path[:0] = ['src', 'tests/ops', 'tools']
#   import fuzz, ember, torch; from math import inf, nan
#   R = fuzz.REGISTRY_FNS; m = ember  # or torch
"""


def _registry() -> tuple[dict[str, Callable[..., Any]], list[tuple[Any, list]]]:
    import op_db

    fns = {row.name: row.fn for row in op_db.OPS}
    rows = []
    for row in op_db.OPS:
        if row.name in SKIP_ROWS:
            continue
        samples = [s for _, s, _ in row.all_samples()]
        if samples:
            rows.append((row, samples))
    return fns, rows


REGISTRY_FNS, REGISTRY_ROWS = _registry()


# ---------------------------------------------------------------------------------------
# Source text of values
# ---------------------------------------------------------------------------------------
def lit(v: Any) -> str:
    """Python source for a sample's non-tensor argument (resolved against ``m``)."""
    from op_info import ember_torch_dtype

    if isinstance(v, ember_torch_dtype):
        return f"m.{v.name}"
    if isinstance(v, float):
        return repr(v)  # inf and nan are names in the namespace
    if isinstance(v, tuple):
        return "(" + "".join(lit(x) + ", " for x in v) + ")"
    if isinstance(v, list):
        return "[" + ", ".join(lit(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k!r}: {lit(x)}" for k, x in v.items()) + "}"
    if v is Ellipsis:
        return "..."
    return repr(v)


def tensor_src(arr: np.ndarray, requires_grad: bool) -> str:
    dt = arr.dtype.name
    rg = ", requires_grad=True" if requires_grad else ""
    if arr.size == 0:
        return f"m.zeros({tuple(arr.shape)}, dtype=m.{dt}{rg})"
    return f"m.tensor({arr.tolist()!r}, dtype=m.{dt}{rg})"


FLOATS = ("float64", "float32")


# ---------------------------------------------------------------------------------------
# Generation (each line runs on torch as it is drawn)
# ---------------------------------------------------------------------------------------
UNARY = [
    "m.neg({a})", "m.exp({a})", "m.tanh({a})", "m.sigmoid({a})", "m.sin({a})", "m.cos({a})", "{a}.abs()",
    "m.relu({a})", "{a}.square()", "m.sqrt({a}.abs() + 0.25)", "m.log({a}.abs() + 1)", "{a}.clone()",
    "{a}.detach()", "{a}.contiguous()", "{a}.double()", "{a}.float()", "{a}.long()", "{a}.to(m.float32)",
    "{a}.bool()", "-{a}", "{a} ** 2", "{a} * 2.5", "2 - {a}", "{a} / 3", "{a}.clamp(-0.5, 1.0)",
    "{a}.clamp(min=0.1)", "m.floor({a})", "m.round({a})", "m.sign({a})", "m.erf({a})", "m.atan({a})",
    "m.nn.functional.gelu({a})", "m.nn.functional.silu({a})", "m.nn.functional.softplus({a})",
    "m.nn.functional.leaky_relu({a}, 0.1)", "m.nn.functional.elu({a})", "m.nan_to_num({a})", "{a} * {a}",
    "{a} + {a}.detach()", "m.reciprocal({a} + 3)", "m.expm1({a})", "m.log1p({a}.abs())", "{a}.sgn()",
    "m.where({a} > 0, {a}, 0.0)", "m.where({a} > 0.5, {a} * 2, {a})", "~({a} > 0)",
    "m.clamp({a}, max=0.3)", "m.nn.functional.hardtanh({a})", "{a}.frac()", "{a}.trunc()", "({a} > 0).float()",
]
BINARY = [
    "{a} + {b}", "{a} - {b}", "{a} * {b}", "{a} / {b}", "m.maximum({a}, {b})", "m.minimum({a}, {b})",
    "m.where({a} > 0, {a}, {b})", "m.atan2({a}, {b})", "m.add({a}, {b}, alpha=2)", "m.sub({a}, {b}, alpha=0.5)",
    "{a} > {b}", "{a} == {b}", "{a} <= {b}", "m.lerp({a}, {b}, 0.3)", "m.hypot({a}, {b})", "m.copysign({a}, {b})",
    "m.fmod({a}, {b})", "m.remainder({a}, {b})", "{a} // {b}", "m.addcmul({a}, {a}, {b}, value=0.5)",
    "{a}.abs() ** {b}", "m.pow({a}, 2) * {b}", "m.nn.functional.mse_loss({a}, {b})", "{b} - {a}", "{b} / ({a} + 4)",
    "m.fmax({a}, {b})", "m.fmin({a}, {b})", "m.logaddexp({a}, {b})", "m.xlogy({a}, {b})", "{a} & {b}", "{a} | {b}",
    "m.clamp({a}, min={b})", "m.mul({a}, {b}).sum(-1)", "m.heaviside({a}, {b})", "m.float_power({a}, {b})",
    "m.where({a} > {b}, {a}, {b})",
]
# Not generated: ember has no t_, squeeze_, unsqueeze_ (in-place view ops), Tensor.type_as,
# Tensor.unfold or broadcast_tensors (each raises AttributeError).
SCALARS = ["2", "-1", "0.5", "-1.5", "True", "0", "3"]
INPLACE = [
    "{t}.add_({b})", "{t}.mul_({b})", "{t}.sub_({b}, alpha=2)", "{t}.div_({b})", "{t}.copy_({b})",
    "{t}.addcmul_({b}, {b}, value=0.5)", "{t}.lerp_({b}, 0.25)",
]
INPLACE_UNARY = [
    "{t}.clamp_(-0.5, 0.75)", "{t}.fill_(0.5)", "{t}.zero_()", "{t}.relu_()", "{t}.exp_()", "{t}.neg_()",
    "{t}.abs_()", "{t}.sigmoid_()", "{t}.tanh_()", "{t}.pow_(2)", "{t}.masked_fill_({t} > 0, 1.5)", "{t}.mul_(2)",
    "{t}.add_(1)", "{t}.clamp_(min=0)", "{t}.sqrt_()", "{t}.floor_()", "{t}.requires_grad_()", "{t}.sin_()",
    "{t}.copy_({t}.detach() * 2)", "{t}.detach_()",
]
REDUCE = [
    "{a}.sum()", "{a}.sum({d})", "{a}.sum({dd}, keepdim=True)", "{a}.mean({d})", "{a}.mean()", "m.prod({a}, {d})",
    "{a}.prod()", "{a}.amax({d})", "{a}.amin({dd})", "{a}.max()", "m.max({a}, {d})", "{a}.min({d}, keepdim=True)",
    "{a}.std({d})", "{a}.var({d}, correction=0)", "m.logsumexp({a}, {d})", "{a}.norm()", "{a}.argmax({d})",
    "{a}.all()", "{a}.any({d})", "m.cumsum({a}, {d})", "m.cumprod({a}, {d})", "m.softmax({a}, {d})",
    "m.log_softmax({a}, {d})", "{a}.median({d})", "m.sort({a}, {d})", "m.linalg.vector_norm({a}, 1, {d})",
    "{a}.norm(2, {d})", "m.cummax({a}, {d})", "{a}.std()", "m.count_nonzero({a}, {d})", "{a}.nansum({d})",
    "m.var_mean({a}, {d})", "{a}.argsort({d})", "m.topk({a}, 1, {d})", "{a}.median()", "{a}.mode({d})",
    "{a}.logcumsumexp({d})", "{a}.sum({d}, dtype=m.float64)", "{a}.unique()",
]


class Generator:
    def __init__(self, chooser: Any) -> None:
        import torch

        self.C = chooser
        self.prog = Program()
        self.ns = namespace(torch)
        self.n = 0

    # -- running on torch while generating -----------------------------------------------
    def emit(self, src: str, name: str | None = None, inplace: bool = False, outs: tuple = (),
             target: str | None = None) -> bool:
        """Add a line (``name = src`` when named) and run it on torch; True if it ran."""
        line = f"{name} = {src}" if name else src
        ok = True
        try:
            with quiet():
                exec(line, self.ns)  # noqa: S102 - the program is ours
        except Exception:  # noqa: BLE001 - torch's refusals are part of the program
            ok = False
        if name and not outs:
            outs = (name,)
        self.prog.lines.append(Line(line, outs, inplace, target))
        if ok and name:
            self._add_pool(name)
        return ok

    def _add_pool(self, expr: str) -> None:
        import torch

        v = self.ns.get(expr) if expr.isidentifier() else eval(expr, self.ns)  # noqa: S307
        if isinstance(v, torch.Tensor):
            self.prog.pool.append(expr)
        elif isinstance(v, (tuple, list)) and len(v) <= 4:
            for i, x in enumerate(v):
                if isinstance(x, torch.Tensor):
                    self.prog.pool.append(f"{expr}[{i}]")

    def val(self, expr: str) -> Any:
        return eval(expr, self.ns)  # noqa: S307

    def fresh(self, prefix: str = "v") -> str:
        self.n += 1
        return f"{prefix}{self.n}"

    # -- values --------------------------------------------------------------------------
    def shape(self, max_rank: int = 3) -> tuple[int, ...]:
        ch = self.C
        rank = ch.choice([0, 1, 1, 2, 2, 2, 3, 3][: 2 + 2 * max_rank])
        return tuple(ch.choice([1, 2, 3, 3, 4, 2, 0] if ch.bool(0.05) else [1, 2, 3, 3, 4, 2]) for _ in range(rank))

    def array(self, shape: tuple, dtype: str) -> np.ndarray:
        ch = self.C
        n = int(np.prod(shape)) if shape else 1
        if dtype in FLOATS:
            vals = [round(ch.uniform(-2.0, 2.0), 3) for _ in range(n)]
        elif dtype == "bool":
            vals = [ch.bool() for _ in range(n)]
        else:
            vals = [ch.int(0 if dtype.startswith("u") else -4, 5) for _ in range(n)]
        return np.array(vals, dtype=dtype).reshape(shape)

    def leaf(self, shape: tuple | None = None, dtype: str | None = None, rg: bool | None = None) -> str | None:
        ch = self.C
        shape = self.shape() if shape is None else shape
        if dtype is None:
            dtype = ch.choice(["float64"] * 5 + ["float32"] * 2 + ["int64", "int32", "bool"])
        if rg is None:
            rg = dtype in FLOATS and ch.bool(0.8)
        name = self.fresh("x")
        ok = self.emit(tensor_src(self.array(shape, dtype), rg), name)
        if ok and rg and ch.bool(0.4):
            # a non-leaf copy, so that in-place steps and views of it have history
            v = self.fresh()
            self.emit(f"{name} * 1" if ch.bool() else f"{name}.clone()", v)
            return v
        return name if ok else None

    def pick(self, pred: Callable[[Any], bool] = lambda t: True) -> str | None:
        cands = [e for e in self.prog.pool if self._ok(pred, e)]
        if not cands:
            return None
        # the recent values more often: programs chain
        if self.C.bool(0.5):
            return cands[-1 - self.C.int(0, min(2, len(cands) - 1))]
        return self.C.choice(cands)

    def _ok(self, pred: Callable[[Any], bool], e: str) -> bool:
        try:
            return bool(pred(self.val(e)))
        except Exception:  # noqa: BLE001 - torch refuses to look at some views (split's after a write)
            return False

    def operand(self) -> str | None:
        return self.pick() or self.leaf()

    def bcast_shape(self, shape: tuple, grow: bool = True) -> tuple:
        ch = self.C
        k = ch.int(0, len(shape))
        sub = [1 if ch.bool(0.3) else d for d in shape[len(shape) - k:]]
        if grow and ch.bool(0.15):
            sub = [ch.choice([1, 2])] + sub
        return tuple(sub)

    def partner(self, a: str, grow: bool = True) -> str | None:
        """A second operand for ``a``: a scalar, a broadcastable pool value or a new leaf."""
        ch = self.C
        ta = self.val(a)
        r = ch.int(0, 9)
        if r < 2:
            return ch.choice(SCALARS)
        if r < 5:
            shp = tuple(ta.shape)

            def fits(t: Any) -> bool:
                s = tuple(t.shape)
                if len(s) > len(shp) and not grow:
                    return False
                return all(x == y or x == 1 or (grow and y == 1) for x, y in zip(s[::-1], shp[::-1], strict=False))

            b = self.pick(fits)
            if b is not None:
                return b
        if r == 9:
            return self.operand()  # any shape: broadcasting errors must match
        dt = str(ta.dtype).split(".")[-1] if ch.bool(0.8) else ch.choice(["float64", "float32", "int64", "bool"])
        return self.leaf(self.bcast_shape(tuple(ta.shape), grow), dt)

    def dim(self, t: Any) -> int:
        r = t.dim()
        if r == 0:
            return self.C.choice([0, -1])
        if self.C.bool(0.03):
            return r  # out of range: torch's IndexError
        return self.C.int(-r, r - 1)

    def dims(self, t: Any) -> str:
        r = t.dim()
        if r < 2:
            return str(self.dim(t))
        k = self.C.int(1, r)
        ds = sorted({self.C.int(0, r - 1) for _ in range(k)})
        return "(" + "".join(f"{d}, " for d in ds) + ")"

    # -- steps -----------------------------------------------------------------------------
    def step(self) -> None:
        ch = self.C
        kind = ch.choice(["input", "unary", "unary", "binary", "binary", "view", "view", "view", "inplace",
                         "inplace", "inplace", "setitem", "setitem", "reduce", "reduce", "matmul", "combine",
                         "registry", "registry", "registry", "index"])
        getattr(self, "step_" + kind)()

    def step_input(self) -> None:
        self.leaf()

    def step_unary(self) -> None:
        a = self.operand()
        if a is not None:
            self.emit(self.C.choice(UNARY).format(a=a), self.fresh())

    def step_binary(self) -> None:
        a = self.operand()
        if a is None:
            return
        b = self.partner(a)
        if b is None:
            return
        if self.C.bool(0.2):
            a, b = b, a
        if a in SCALARS and b in SCALARS:
            return
        tmpl = self.C.choice(BINARY)
        if a in SCALARS and tmpl.startswith("m."):
            a, b = b, a
        self.emit(tmpl.format(a=a, b=b), self.fresh())

    def key(self, shape: tuple) -> str:
        """A basic indexing key for ``shape``: ints, slices, None and Ellipsis."""
        ch = self.C
        parts = []
        k = ch.int(1, max(1, len(shape)))
        for d in range(min(k, len(shape))):
            n = shape[d]
            r = ch.int(0, 9)
            if r < 2:
                parts.append(":")
            elif r < 4 and n > 0:
                parts.append(str(ch.int(-n, n - 1)))
            elif r < 8:
                lo, hi = ch.int(-n - 1, n), ch.int(-n, n + 1)
                step = ch.choice(["", "", ":2", ":3"])
                parts.append(f"{lo}:{hi}{step}")
            elif r == 8:
                parts.append("None")
            else:
                parts.append(str(n) if ch.bool(0.3) else "...")
        if not shape:
            parts = [ch.choice(["None", "...", "()"])]
        if ch.bool(0.1):
            parts.insert(0, "...")
        while parts.count("...") > 1:  # PyTorch's reading of several ``...`` is irregular: not tested
            parts.remove("...")
        return ", ".join(parts)

    def view_src(self, a: str) -> str:
        ch = self.C
        t = self.val(a)
        s, r = tuple(t.shape), t.dim()
        opts = [f"{a}[{self.key(s)}]", f"{a}[{self.key(s)}]", f"{a}.unsqueeze({ch.int(-r - 1, r)})",
                f"{a}.reshape({self.reshape_to(s)})", f"{a}.view({self.reshape_to(s)})", f"{a}.flatten()",
                f"{a}.squeeze()", f"{a}.expand({self.expand_to(s)})", f"{a}.view_as({a})", f"{a}.detach()"]
        if r >= 1:
            d = self.dim(t)
            n = s[d] if -r <= d < r else 1
            st = ch.int(0, max(0, n - 1))
            opts += [f"{a}.select({d}, {ch.int(-n, n - 1) if n else 0})", f"{a}.squeeze({d})",
                     f"{a}.narrow({d}, {st}, {ch.int(0, n - st)})", f"{a}.unbind({d})",
                     f"{a}.split({ch.int(1, 2)}, {d})", f"{a}.chunk(2, {d})", f"{a}.movedim({d}, 0)",
                     f"{a}.unflatten({d}, (1, -1))", f"{a}.t()" if r <= 2 else f"{a}.transpose(0, -1)",
                     f"{a}.flip({d})", f"{a}.roll(1, {d})"]
        if r >= 2:
            perm = list(range(r))
            self.r_shuffle(perm)
            opts += [f"{a}.transpose({ch.int(-r, r - 1)}, {ch.int(-r, r - 1)})", f"{a}.permute{tuple(perm)}",
                     f"{a}.mT", f"{a}.diagonal()", f"{a}.diagonal(1, -2, -1)", f"{a}.T" if r == 2 else f"{a}.mT",
                     f"{a}.triu()", f"{a}.tril(-1)", f"m.diagonal({a}, 0, 0, 1)"]
        return ch.choice(opts)

    def r_shuffle(self, xs: list) -> None:
        for i in range(len(xs) - 1, 0, -1):
            j = self.C.int(0, i)
            xs[i], xs[j] = xs[j], xs[i]

    def reshape_to(self, s: tuple) -> str:
        n = int(np.prod(s)) if s else 1
        ch = self.C
        if n == 0:
            return ch.choice(["-1", "(0, -1)", "(-1, 0)"])
        fs = []
        rest = n
        while rest > 1 and len(fs) < 3:
            divs = [d for d in range(1, rest + 1) if rest % d == 0]
            f = ch.choice(divs)
            fs.append(f)
            rest //= f
        if rest > 1:
            fs.append(rest)
        if ch.bool(0.2):
            fs.insert(ch.int(0, len(fs)), 1)
        if fs and ch.bool(0.4):
            fs[ch.int(0, len(fs) - 1)] = -1
        if ch.bool(0.03):
            fs.append(2)  # the wrong size: torch's RuntimeError
        return "(" + "".join(f"{f}, " for f in fs) + ")"

    def expand_to(self, s: tuple) -> str:
        ch = self.C
        out = [ch.choice([d, -1, 2, 3]) if d == 1 else ch.choice([d, -1]) for d in s]
        if ch.bool(0.3):
            out = [ch.int(1, 3)] + out
        return "(" + "".join(f"{d}, " for d in out) + ")"

    def step_view(self) -> None:
        a = self.operand()
        if a is not None:
            self.emit(self.view_src(a), self.fresh())

    def target(self) -> str | None:
        """An in-place target: mostly tensors with history or views of them."""
        ch = self.C
        t = self.pick(lambda t: not t.is_leaf or not t.requires_grad) if ch.bool(0.9) else self.pick()
        if t is None:
            t = self.leaf()
        if t is not None and ch.bool(0.4):
            v = self.fresh()
            if self.emit(self.view_src(t), v) and v in self.prog.pool:
                t = v
        return t

    def step_inplace(self) -> None:
        ch = self.C
        t = self.target()
        if t is None:
            return
        if ch.bool(0.5):
            src = ch.choice(INPLACE_UNARY).format(t=t)
        else:
            b = self.partner(t, grow=ch.bool(0.05))
            if b is None:
                return
            src = ch.choice(INPLACE).format(t=t, b=b)
        if ch.bool(0.1):
            self.emit(f"with m.no_grad(): {src}", inplace=True, outs=(t,), target=t)
        elif src.endswith("_()") or "_(" in src:
            r = self.fresh()
            # the result of an in-place method is self
            self.emit(f"{r} = {src}; {r}_is_self = {r} is {t}", inplace=True, outs=(r, f"{r}_is_self"), target=t)
            if f"{r}_is_self" in self.ns:
                self.prog.pool.append(r)
        else:
            self.emit(src, inplace=True, outs=(t,), target=t)

    def step_setitem(self) -> None:
        ch = self.C
        t = self.target()
        if t is None:
            return
        tt = self.val(t)
        r = ch.int(0, 9)
        if r < 6:
            key = self.key(tuple(tt.shape))
        elif r < 8 and tt.dim() > 0:
            n = tt.shape[0]
            idx = [ch.int(-n, n - 1) for _ in range(ch.int(1, 3))] if n else []
            key = f"m.tensor({idx}, dtype=m.int64)" if ch.bool() else repr(idx)
        else:
            key = f"{t} > 0" if ch.bool() else f"{t}.detach() < 0.5"
        try:
            sub_shape = tuple(tt[eval(key, self.ns)].shape) if "m." not in key and ">" not in key and "<" not in key \
                else None  # noqa: S307
        except Exception:  # noqa: BLE001
            sub_shape = None
        if ch.bool(0.4) or sub_shape is None:
            val = ch.choice(SCALARS[:4])
        else:
            dt = str(tt.dtype).split(".")[-1] if ch.bool(0.85) else ch.choice(["float64", "float32", "int64"])
            b = self.pick(lambda x: tuple(x.shape) == sub_shape) if ch.bool(0.5) else None
            val = b or self.leaf(self.bcast_shape(sub_shape, grow=False), dt)
            if val is None:
                return
        self.emit(f"{t}[{key}] = {val}", inplace=True, outs=(t,), target=t)

    def step_index(self) -> None:
        ch = self.C
        a = self.operand()
        if a is None:
            return
        ta = self.val(a)
        if ta.dim() == 0:
            key = ch.choice(["None", "...", f"{a} > 0"])
        else:
            n = ta.shape[0]
            idx = [ch.int(-n, n - 1) for _ in range(ch.int(0, 4))] if n else []
            key = ch.choice([f"m.tensor({idx}, dtype=m.int64)", repr(idx), f"{a} > 0", f"..., {ch.int(-1, 0)}",
                            f"{a}.detach() != 0"])
            if ta.dim() >= 2 and ch.bool(0.3):
                m2 = ta.shape[1]
                idx2 = [ch.int(-m2, m2 - 1) for _ in idx] if m2 else []
                key = f"{idx}, {idx2}" if ch.bool() else f"m.tensor({idx}), 0"
        self.emit(f"{a}[{key}]", self.fresh())

    def step_reduce(self) -> None:
        a = self.operand()
        if a is None:
            return
        t = self.val(a)
        self.emit(self.C.choice(REDUCE).format(a=a, d=self.dim(t), dd=self.dims(t)), self.fresh())

    def step_matmul(self) -> None:
        ch = self.C
        a = self.pick(lambda t: t.dim() >= 1 and t.is_floating_point()) or self.leaf(self.shape(), "float64")
        if a is None:
            return
        ta = self.val(a)
        if ta.dim() == 0:
            return
        k = ta.shape[-1]
        dt = str(ta.dtype).split(".")[-1] if ch.bool(0.9) else ch.choice(FLOATS)
        p = ch.int(1, 3)
        bshape = ch.choice([(k, p), (k,), (*ta.shape[:-2], k, p), (2, k, p)]) if ta.dim() >= 1 else (k,)
        b = self.pick(lambda t: tuple(t.shape) == tuple(bshape) and t.is_floating_point()) if ch.bool(0.3) else None
        b = b or self.leaf(tuple(bshape), dt)
        if b is None:
            return
        tmpl = ch.choice(["{a} @ {b}", "m.matmul({a}, {b})", "m.mm({a}, {b})", "m.bmm({a}, {b})",
                         "m.einsum('...k,k->...', {a}, {b})", "m.nn.functional.linear({a}, {b}.mT)",
                         "m.tensordot({a}, {b}, 1)", "m.mv({a}, {b})", "m.dot({a}, {b})", "m.outer({a}, {b})"])
        self.emit(tmpl.format(a=a, b=b), self.fresh())

    def step_combine(self) -> None:
        ch = self.C
        a = self.operand()
        if a is None:
            return
        ta = self.val(a)
        s = tuple(ta.shape)
        others = [e for e in self.prog.pool if self._ok(lambda t: tuple(t.shape) == s, e) and e != a]
        b = ch.choice(others) if others and ch.bool(0.7) else self.leaf(s, str(ta.dtype).split(".")[-1])
        if b is None:
            return
        d = ch.int(-ta.dim() - 1, ta.dim()) if ch.bool() else 0
        tmpl = ch.choice([f"m.cat([{{a}}, {{b}}], {min(d, max(ta.dim() - 1, 0))})", f"m.stack([{{a}}, {{b}}], {d})",
                         "m.cat([{a}, {b}, {a}])", "m.hstack([{a}, {b}])", "m.vstack([{a}, {b}])",
                         "m.atleast_2d({a})"])
        self.emit(tmpl.format(a=a, b=b), self.fresh())

    def step_registry(self) -> None:
        """A call of a registry row, its tensor arguments sometimes taken from the program."""
        from op_info import T

        ch = self.C
        row, samples = ch.choice(REGISTRY_ROWS)
        sample = ch.choice(samples)

        def conv(obj: Any) -> str:
            if isinstance(obj, T):
                want_shape, want_dt = tuple(obj.array.shape), obj.array.dtype.name
                if ch.bool(0.5):
                    e = self.pick(lambda t: tuple(t.shape) == want_shape and str(t.dtype).endswith(want_dt)
                                  and (obj.requires_grad or not t.requires_grad))
                    if e is not None:
                        return e
                name = self.fresh("x")
                self.emit(tensor_src(obj.array, obj.requires_grad), name)
                return name
            if isinstance(obj, list):
                return "[" + ", ".join(conv(o) for o in obj) + "]"
            if isinstance(obj, tuple):
                return "(" + "".join(conv(o) + ", " for o in obj) + ")"
            if isinstance(obj, dict):
                return "{" + ", ".join(f"{k!r}: {conv(v)}" for k, v in obj.items()) + "}"
            return lit(obj)

        args = [conv(a) for a in sample.args]
        kwargs = [f"{k}={conv(v)}" for k, v in sample.kwargs.items()]
        self.emit(f"R[{row.name!r}](m, {', '.join(args + kwargs)})", self.fresh())

    # -- the tail: derivatives ---------------------------------------------------------------
    def tail(self) -> None:
        import torch

        ch = self.C
        outs = [e for e in self.prog.pool if self._ok(_float_rg, e)]
        if not outs:
            return
        chosen = list(dict.fromkeys(outs[-1 - ch.int(0, min(2, len(outs) - 1)):] if ch.bool(0.6)
                                    else [ch.choice(outs) for _ in range(ch.int(1, 3))]))
        self.emit("L = 0")
        for e in chosen:
            t = self.val(e)
            w = np.array([ch.int(-4, 4) / 4 for _ in range(t.numel())], dtype=str(t.dtype).split(".")[-1])
            self.emit(f"L = L + ({e} * {tensor_src(w.reshape(tuple(t.shape)), False)}).sum()")
        leaves = [f"x{i}" for i in range(self.n + 1) if isinstance(self.ns.get(f"x{i}"), torch.Tensor)
                  and self.ns[f"x{i}"].requires_grad and self.ns[f"x{i}"].is_leaf]
        if not leaves:
            return
        all64 = all(self.ns[x].dtype == torch.float64 for x in leaves) and "float32" not in self.prog.source()
        if all64 and ch.bool(0.6):
            lv = "[" + ", ".join(leaves) + "]"
            if not self.emit(f"G = m.autograd.grad(L, {lv}, allow_unused=True, create_graph=True)", outs=("G",)):
                return
            self.emit("S = 0")
            for i, g in enumerate(self.ns["G"]):
                if g is not None and g.requires_grad:
                    u = np.array([ch.int(-4, 4) / 4 for _ in range(g.numel())], dtype="float64")
                    self.emit(f"S = S + (G[{i}] * {tensor_src(u.reshape(tuple(g.shape)), False)}).sum()")
            if isinstance(self.ns["S"], torch.Tensor) and self.ns["S"].requires_grad:
                self.emit(f"GG = m.autograd.grad(S, {lv}, allow_unused=True)", outs=("GG",))
        else:
            self.emit("L.backward()", outs=tuple(f"{x}.grad" for x in leaves))


def _float_rg(t: Any) -> bool:
    return getattr(t, "requires_grad", False) and t.is_floating_point()


def namespace(module: Any) -> dict:
    return {"m": module, "R": REGISTRY_FNS, "inf": math.inf, "nan": math.nan}


@contextlib.contextmanager
def quiet() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def generate(chooser: Any, steps: int = 10) -> Program:
    g = Generator(chooser)
    g.leaf()
    for _ in range(steps):
        g.step()
    g.tail()
    return g.prog


# ---------------------------------------------------------------------------------------
# Running a program on both modules and comparing
# ---------------------------------------------------------------------------------------
TOL = {"float64": (1e-10, 1e-12), "float32": (1e-4, 1e-5), "float16": (1e-2, 1e-3), "bfloat16": (2e-2, 1e-2)}


@dataclass
class Discrepancy:
    kind: str  # "value", "dtype", "shape", "requires_grad", "error", "ember-raises", "torch-raises", "structure"
    line: int
    src: str
    message: str

    def signature(self) -> tuple:
        """What makes two discrepancies the same: the kind and the error's words, or the op."""
        import re

        if self.kind in ("error", "ember-raises", "torch-raises"):
            words = re.sub(r"\[[^\]]*\]|\d+|'[^']*'|\w+ of \w+", "_", self.message)[:70]
            return (self.kind, words)
        return (self.kind, _op_of(self.src))


def _op_of(src: str) -> str:
    """The op a line calls, for grouping discrepancies (``R['x'](...)`` -> ``x``)."""
    import re

    src = src.removeprefix("with m.no_grad(): ")
    m = re.search(r"R\['([^']+)'\]", src)
    if m:
        return m.group(1)
    if re.match(r"^\w+(\[\d+\])*\[.*\] = ", src):
        return "setitem"
    names = re.findall(r"(?:m\.|\.)([a-zA-Z_][\w.]*)\(", src)
    if names:
        return names[0]
    if "] = " in src:
        return "setitem"
    return re.sub(r"[\w.]+", "_", src.split(" = ", 1)[-1])[:30]


class _Mismatch(Exception):  # noqa: N818 - an internal signal
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _dt(d: Any) -> str:
    return str(d).split(".")[-1]


def builtin_exception(exc: BaseException) -> type[BaseException]:
    """The first built-in class of a torch exception (torch raises its own subclasses)."""
    for cls in type(exc).__mro__:
        if cls.__module__ == "builtins":
            return cls
    return Exception


class Checker:
    def __init__(self) -> None:
        import torch

        self.torch = torch
        self.f32 = False  # once float32 values exist, float64 results may carry float32 error

    def compare(self, e: Any, t: Any, what: str) -> None:
        torch = self.torch
        if isinstance(t, torch.Tensor):
            if not isinstance(e, ember.Tensor):
                raise _Mismatch("structure", f"{what}: ember gives {type(e).__name__}, torch a Tensor")
            if tuple(e.shape) != tuple(t.shape):
                raise _Mismatch("shape", f"{what}: shape {tuple(e.shape)} != torch's {tuple(t.shape)}")
            if _dt(e.dtype) != _dt(t.dtype):
                raise _Mismatch("dtype", f"{what}: dtype {_dt(e.dtype)} != torch's {_dt(t.dtype)}")
            if e.requires_grad != t.requires_grad:
                stale = e._base is not None and t.requires_grad
                kind = "int-requires_grad" if not (t.is_floating_point() or t.is_complex()) else \
                    "stale-view" if stale else "requires_grad"
                raise _Mismatch(kind, f"{what}: requires_grad "
                                f"{e.requires_grad} != torch's {t.requires_grad}")
            if t.dtype == torch.float32:
                self.f32 = True
            self.values(e.detach().numpy(), t.detach().numpy(force=True), what)
        elif isinstance(t, (tuple, list)) and not isinstance(t, torch.Size):
            if not isinstance(e, (tuple, list)) or len(e) != len(t):
                raise _Mismatch("structure", f"{what}: ember gives {_short(e)}, torch {_short(t)}")
            for i, (a, b) in enumerate(zip(e, t, strict=True)):
                self.compare(a, b, f"{what}[{i}]")
        elif t is None or isinstance(t, (bool, int, float, torch.Size, torch.dtype)):
            if isinstance(t, torch.dtype):
                ok = isinstance(e, ember.dtype) and _dt(e) == _dt(t)
            elif isinstance(t, torch.Size):
                ok = tuple(e) == tuple(t)
            elif isinstance(t, float) and isinstance(e, float):
                ok = math.isclose(e, t, rel_tol=1e-6, abs_tol=1e-9) or (math.isnan(e) and math.isnan(t))
            else:
                ok = type(e) is type(t) and e == t
            if not ok:
                raise _Mismatch("value", f"{what}: ember gives {e!r}, torch {t!r}")

    def values(self, e: np.ndarray, t: np.ndarray, what: str) -> None:
        if t.dtype.kind in "fc":
            key = "float32" if self.f32 and t.dtype == np.float64 else t.dtype.name
            rtol, atol = TOL.get(key, (1e-4, 1e-5))
            ok = np.allclose(e, t, rtol=rtol, atol=atol, equal_nan=True)
            if ok:
                return
            bad = ~np.isclose(e, t, rtol=rtol, atol=atol, equal_nan=True)
            idx = tuple(int(i[0]) for i in np.nonzero(bad)) if e.ndim else ()
            raise _Mismatch("value", f"{what}: {t.dtype} values differ at {idx}: ember {e[idx]!r}, torch "
                            f"{t[idx]!r} ({int(bad.sum())} of {bad.size})")
        if not np.array_equal(e, t):
            raise _Mismatch("value", f"{what}: {t.dtype} values differ: ember {_short(e)}, torch {_short(t)}")


def _short(x: Any) -> str:
    s = repr(x)
    return s if len(s) < 200 else s[:200] + "..."


def run(prog: Program) -> tuple[bool, Discrepancy | None]:
    """Run ``prog`` on both modules; (whether every line ran, the first discrepancy or None)."""
    import torch

    nt, ne = namespace(torch), namespace(ember)
    ck = Checker()
    codes = []
    for ln in prog.lines:
        try:
            codes.append(compile(ln.src, "<fuzz>", "exec"))
        except SyntaxError:
            codes.append(None)
    complete = True
    with quiet():
        for i, ln in enumerate(prog.lines):
            code = codes[i]
            if code is None:
                continue
            te = ee = None
            try:
                exec(code, nt)  # noqa: S102
            except Exception as exc:  # noqa: BLE001
                te = exc
            try:
                exec(code, ne)  # noqa: S102
            except Exception as exc:  # noqa: BLE001
                ee = exc
            if te is not None or ee is not None:
                complete = False
                if te is not None and ee is None:
                    return complete, Discrepancy("torch-raises", i, ln.src,
                                                 f"torch raises {type(te).__name__}: {_first(te)}; ember does not")
                if te is None:
                    kind = "empty-skips-check" if _all_empty(ln, nt) else "ember-raises"
                    return complete, Discrepancy(kind, i, ln.src,
                                                 f"ember raises {type(ee).__name__}: {_first(ee)}; torch does not")
                want = builtin_exception(te)
                if not isinstance(ee, want):
                    return complete, Discrepancy("error", i, ln.src, f"ember raises {type(ee).__name__}: "
                                                 f"{_first(ee)}; torch raises {type(te).__name__} "
                                                 f"({want.__name__}): {_first(te)}")
                continue
            try:
                for out in ln.outs:
                    ck.compare(_ev(out, ne), _ev(out, nt), out)
                if ln.inplace:
                    for expr in prog.pool:
                        tv = _ev(expr, nt)
                        if isinstance(tv, torch.Tensor):
                            ck.compare(_ev(expr, ne), tv, f"{expr} (after the in-place line)")
            except _Mismatch as mm:
                kind = mm.kind
                if kind == "value" and ln.target is not None and _aliased(ln, ne):
                    kind = "aliased-inplace"
                elif kind == "value" and ln.target is None and _replay_agrees(ln, ne):
                    kind = "amplified"
                return complete, Discrepancy(kind, i, ln.src, str(mm))
            except _Missing:
                continue
    return complete, None


def _all_empty(ln: Line, nt: dict) -> bool:
    """Whether every tensor this line made in torch is empty."""
    import torch

    try:
        outs = [_ev(o, nt) for o in ln.outs]
    except _Missing:
        return False
    flat = [t for o in outs for t in (o if isinstance(o, (tuple, list)) else [o]) if isinstance(t, torch.Tensor)]
    return bool(flat) and all(t.numel() == 0 for t in flat)


def _to_torch(v: Any) -> Any:
    import torch

    if isinstance(v, ember.Tensor):
        t = torch.from_numpy(v._data.copy())
        return t.requires_grad_() if v.requires_grad else t
    if isinstance(v, tuple):
        return tuple(_to_torch(x) for x in v)
    return v


def _replay_agrees(ln: Line, ne: dict) -> bool:
    """Whether torch, run on ember's inputs to this line, gives ember's result.

    If so, the inputs differed within the tolerance and the line amplified it (a
    discontinuity such as floor, sign or remainder near 0, or the sign bit of a nan).
    """
    import torch

    if not ln.outs or ln.src.lstrip().startswith(("G =", "GG =", "L.backward")):
        return False
    nt = namespace(torch)
    for k, v in ne.items():
        if k not in nt and not k.startswith("__"):
            nt[k] = _to_torch(v)
    try:
        with quiet():
            exec(ln.src, nt)  # noqa: S102
        ck = Checker()
        for out in ln.outs:
            ck.compare(_ev(out, ne), _ev(out, nt), out)
    except Exception:  # noqa: BLE001 - anything else: not explained by the inputs
        return False
    return True


def _aliased(ln: Line, ns: dict) -> bool:
    """Whether an in-place line reads a tensor that shares memory with the one it writes."""
    import re

    try:
        dst = _ev(ln.target, ns)._data
    except Exception:  # noqa: BLE001
        return False
    for expr in set(re.findall(r"\b[vx]\d+(?:\[\d+\])*", ln.src)) - {ln.target}:
        try:
            v = _ev(expr, ns)
        except _Missing:
            continue
        if isinstance(v, ember.Tensor) and np.shares_memory(v._data, dst):
            return True
    return False


class _Missing(Exception):  # noqa: N818
    pass


def _ev(expr: str, ns: dict) -> Any:
    try:
        return ns[expr] if expr.isidentifier() else eval(expr, ns)  # noqa: S307
    except Exception as exc:  # noqa: BLE001 - a value a failed line never made
        raise _Missing from exc


def _first(exc: BaseException) -> str:
    s = str(exc).strip().splitlines()
    return (s[0] if s else "")[:200]


# ---------------------------------------------------------------------------------------
# Known, documented deviations
# ---------------------------------------------------------------------------------------
TIE_OPS = {"sort", "sort_method", "argsort", "msort", "topk", "topk_method", "kthvalue", "kthvalue_method",
           "mode", "mode_method", "median", "median_method", "nanmedian"}
DELIBERATE: list[tuple] = [
    # docs/design.md, "Not done": views taken from a base that did not require grad are
    # not listed, so when the base gains history through another view (or in place) they
    # keep requires_grad=False, where PyTorch regenerates them too.
    ("stale-view", None, "a view of a base without history is not regenerated (docs/design.md)"),
    # A gradient made with create_graph=True whose value does not depend on the inputs:
    # PyTorch's fused backward kernels (batch_norm, empty inputs...) mark it as requiring
    # grad or not by their inputs; ember's formulas are ember ops and say what the math
    # says. The values are compared before, and agree.
    ("requires_grad", r"^G\[", "requires_grad of a constant create_graph gradient"),
    # PyTorch's Python-level functionals (mse_loss...) call .size() on a number and raise
    # AttributeError; ember checks its tensor arguments first and raises TypeError, as
    # PyTorch's C++ bindings do.
    ("error", r"ember raises TypeError.*torch raises AttributeError", "TypeError for a number where a "
     "Tensor is wanted"),
    # Indices of ties: PyTorch documents the order of equal elements as unspecified for
    # sort (stable=False), argsort, topk, kthvalue, mode and median; ember returns NumPy's.
    ("value", r"^\S*(\[1\])?: int64 values differ", "indices of ties (unspecified order)", TIE_OPS),
    # An in-place op whose other input overlaps the written-to memory in a way PyTorch
    # cannot prove (a strided column of self): PyTorch's result depends on its loop order;
    # ember computes the whole result before writing it. (Overlaps PyTorch can prove are
    # refused by both.)
    ("aliased-inplace", None, "an in-place input aliasing the written memory (order-dependent)"),
    # A value that differs only because its inputs already differed within the tolerance
    # (torch, run on ember's inputs, gives ember's result): a discontinuous op (floor,
    # sign, remainder by a divisor near 0) or the sign bit of a nan amplified rounding.
    ("amplified", None, "rounding amplified by a discontinuous op (torch agrees on ember's inputs)"),
    # An op whose result is empty: PyTorch never runs its kernel, so its dtype and value
    # checks (softmax of int64, median of bool, integer division by zero) do not run;
    # ember checks the arguments anyway.
    ("empty-skips-check", None, "an empty result: PyTorch skips the kernel's checks"),
    # Second derivatives PyTorch lacks (hardsigmoid_backward, ...): ember's backward
    # formulas are ember ops, so they are differentiable (zero almost everywhere).
    ("torch-raises", r"derivative for \S+ is not implemented|Double backward is unsupported",
     "a derivative PyTorch does not implement"),
    # PyTorch quirks that leave an integer tensor marked requires_grad (x_int[mask] = a
    # 0-d float tensor that requires grad; copy_ into an empty integer slice): integer
    # tensors cannot require grad, and ember keeps them so.
    ("int-requires_grad", None, "an integer tensor that PyTorch marks requires_grad"),
    # x[mask] = v or x[index] = v on an expanded tensor (several elements share memory):
    # deprecated in PyTorch (a UserWarning; the result depends on the write order),
    # refused by ember like every other in-place write into such a tensor.
    ("ember-raises", r"more than one element of the written-to tensor", "index_put_ on an expanded tensor",
     {"setitem", "masked_fill_", "index_put_"}),
    # mode of a slice holding nan: PyTorch's answer depends on where the nan is
    # (mode([nan, 1.]) is nan, mode([1., nan]) is 1.).
    ("value", r"torch np\.float\d+\(nan\)", "mode with nan", {"mode", "mode_method"}),
    # var_mean/std_mean of infinities: PyTorch's one-pass (Welford) mean gives nan where
    # mean() gives +-inf; ember's var_mean returns mean()'s value.
    ("value", r"^\S+\[1\]: float\d+ values differ.*torch np\.float\d+\(nan\)", "Welford mean of infinities",
     {"var_mean", "std_mean"}),
]
KNOWN = [
    # Found by this fuzzer, not fixed here (ember/ops/_op.py is another engineer's):
    # ember's record() saves every tensor a derivative formula names; PyTorch saves only
    # those the inputs that require grad need (bmm saves mat2 only when self requires
    # grad), so ember raises "modified by an inplace operation" where PyTorch does not.
    ("ember-raises", r"modified by an inplace operation", "ember saves tensors PyTorch does not"),
    # PyTorch raises when an output of a multi-output view op (split, unbind, chunk) is
    # used after its base was modified in place, or when a view of one is modified in
    # place; ember's check sees only a direct in-place on such an output, and a use-time
    # check needs a hook in _op.record.
    ("torch-raises", r"is a view and (its base|is being modified inplace)|returns multiple views",
     "multi-output views"),
    ("error", r"torch raises RuntimeError \(RuntimeError\): Output \d+ of \w+ is a view", "multi-output views"),
    # The other way round: some of ember's Nodes save fewer tensors than PyTorch's (slogdet
    # and the max-pool ops recompute from their inputs what PyTorch saves as outputs), so
    # PyTorch raises "modified by an inplace operation" where ember can still go on.
    ("torch-raises", r"modified by an inplace operation", "ember saves tensors PyTorch does not (or fewer)"),
    # Error order: for an integer or bool input and a bad dim, ember's log_softmax and
    # logcumsumexp refuse the dtype first, PyTorch the dim (not fixed: rare, both raise).
    ("error", r"ember raises (NotImplementedError|RuntimeError): .*(not implemented for|does not support).*"
     r"torch raises IndexError \(IndexError\): Dimension out of range", "dtype checked before dim"),
    # Empty tensors: PyTorch decides some things from storages rather than elements (an
    # empty index_put_ of a tensor into itself is refused), and an empty gradient can be
    # None (undefined) in PyTorch where ember gives an empty tensor.
    ("torch-raises", r"some elements of the input tensor", "overlap of empty tensors", {"setitem"}),
    ("structure", r"ember gives tensor\(\[\]", "an empty gradient that PyTorch leaves undefined"),
    ("value", r"ember gives tensor\(\[\].*torch None", "an empty gradient that PyTorch leaves undefined"),
    ("ember-raises", r"cannot convert float NaN to integer|not implemented for 'Bool'", "median of an empty "
     "integer or bool tensor (PyTorch: an arbitrary value)", {"median", "median_method", "nanmedian"}),
    ("ember-raises", r"Dimension out of range", "cat of legacy empty 1-D tensors with a bad dim", {"cat"}),
    # Memory layout: ember's results have NumPy's layout (C order for most, a transposed
    # input's order for pointwise ops), PyTorch's have its kernels' (LAPACK's column-major
    # matrices for inverse/solve...). view() and the overlap checks read strides, so they
    # can accept in one what they refuse in the other.
    ("torch-raises", r"view size is not compatible with input tensor's size and stride", "result memory layout"),
    ("ember-raises", r"view size is not compatible with input tensor's size and stride", "result memory layout"),
]


def deliberate(d: Discrepancy) -> str | None:
    """Why a discrepancy is a documented deviation or a known unfixed one, or None for a new bug."""
    import re

    for kind, pattern, why, *ops in DELIBERATE + KNOWN:
        if d.kind == kind and (pattern is None or re.search(pattern, d.message)) and (
                not ops or _op_of(d.src) in ops[0]):
            return why
    return None


def check(prog: Program) -> Discrepancy | None:
    """The first discrepancy of ``prog`` that is not a documented deviation."""
    _, d = run(prog)
    if d is not None and deliberate(d) is None:
        return d
    return None


# ---------------------------------------------------------------------------------------
# Shrinking
# ---------------------------------------------------------------------------------------
def minimize(prog: Program, d: Discrepancy, max_runs: int = 400) -> tuple[Program, Discrepancy]:
    """Drop lines while the same kind of discrepancy (same kind, same op) remains."""
    sig = d.signature()
    lines = list(prog.lines[: d.line + 1])
    best = d
    runs = 0
    changed = True
    while changed and runs < max_runs:
        changed = False
        i = len(lines) - 2
        while i >= 0 and runs < max_runs:
            trial = lines[:i] + lines[i + 1:]
            runs += 1
            _, d2 = run(Program(trial, prog.pool))
            if d2 is not None and d2.signature() == sig:
                lines = trial[: d2.line + 1]
                best = d2
                changed = True
            i -= 1
    return Program(lines, prog.pool), best


# ---------------------------------------------------------------------------------------
# The CLI
# ---------------------------------------------------------------------------------------
@dataclass
class Stats:
    programs: int = 0
    complete: int = 0  # every line ran on both modules (none raised)
    lines: int = 0
    deliberate: dict = field(default_factory=dict)  # reason -> count
    found: dict = field(default_factory=dict)  # signature -> (count, program, discrepancy, seed)


def fuzz(programs: int, seed: int, budget: float | None, steps: int, out: Any = print) -> Stats:
    stats = Stats()
    t0 = time.time()
    for k in range(programs):
        if budget is not None and time.time() - t0 > budget:
            break
        s = seed * 1_000_003 + k
        try:
            prog = generate(RandomChooser(s), steps)
        except Exception as exc:  # noqa: BLE001 - a bug of the generator, not of ember
            out(f"[generator failed on seed {s}: {type(exc).__name__}: {exc}]")
            continue
        stats.programs += 1
        stats.lines += len(prog.lines)
        complete, d = run(prog)
        stats.complete += complete
        if d is None:
            continue
        why = deliberate(d)
        if why:
            stats.deliberate[why] = stats.deliberate.get(why, 0) + 1
            continue
        sig = d.signature()
        if sig in stats.found:
            c, p, dd, ss = stats.found[sig]
            stats.found[sig] = (c + 1, p, dd, ss)
            continue
        small, d2 = minimize(prog, d)
        stats.found[sig] = (1, small, d2, s)
        out(f"\n=== discrepancy {len(stats.found)}: {d2.kind} in {sig[1]} (program seed {s}) ===")
        out(report(small, d2))
    return stats


def report(prog: Program, d: Discrepancy) -> str:
    body = "\n".join(f"{ln.src}" for ln in prog.lines)
    return f"{REPRO_HEADER}{body}\n# line {d.line + 1}: {d.message}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--programs", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-budget", type=float, default=None, help="stop after this many seconds")
    ap.add_argument("--steps", type=int, default=10, help="random steps per program (before the gradient tail)")
    ap.add_argument("--show", type=int, default=None, help="print the program of this seed and exit")
    a = ap.parse_args(argv)
    if a.show is not None:
        prog = generate(RandomChooser(a.show), a.steps)
        print(prog.source())
        _, d = run(prog)
        print("#", d.message if d else "no discrepancy")
        return 0
    t0 = time.time()
    st = fuzz(a.programs, a.seed, a.time_budget, a.steps)
    dt = time.time() - t0
    total = sum(c for c, *_ in st.found.values())
    print(f"\n{st.programs} programs ran ({st.lines} lines) in {dt:.0f} s; {st.complete} ran every line on both "
          f"modules without an error (the others compared the error types too); all were compared.")
    print(f"{sum(st.deliberate.values())} stopped at a documented deviation or a known unfixed one (filtered): "
          + ", ".join(f"{why}: {c}" for why, c in st.deliberate.items()))
    print(f"{total} programs showed {len(st.found)} distinct new discrepancies.")
    for sig, (c, _, d, s) in st.found.items():
        print(f"  {c:5d} x {sig[0]} in {sig[1]} (first: seed {s}): {d.message[:150]}")
    return 1 if st.found else 0


if __name__ == "__main__":
    sys.exit(main())
