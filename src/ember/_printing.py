"""Tensor ``repr`` formatting, character-for-character compatible with PyTorch.

The public entry point is :func:`tensor_repr`, which turns a NumPy array plus a
little tensor metadata into the string PyTorch's ``repr(tensor)`` would print
(with dtypes spelled ``ember.<name>`` instead of ``torch.<name>``).  Global
print options are managed with :func:`set_printoptions`,
:func:`get_printoptions` and the :class:`printoptions` context manager, whose
semantics mirror ``torch.set_printoptions``.

Only the elements that end up on screen are ever formatted: when a tensor is
summarised (``numel > threshold``), the ``edgeitems`` leading and trailing
entries of every long axis are gathered first, exactly like PyTorch's
summarised view, so printing a huge array costs little.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, Self

import numpy as np

__all__ = ["get_printoptions", "printoptions", "set_printoptions", "tensor_repr"]

_DEFAULTS: dict[str, Any] = {
    "precision": 4,
    "threshold": 1000,
    "edgeitems": 3,
    "linewidth": 80,
    "sci_mode": None,
}

_PROFILES: dict[str, dict[str, Any]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

_OPTS: dict[str, Any] = dict(_DEFAULTS)


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set the global options used to print tensors.

    ``profile`` ("default", "short" or "full") first resets precision,
    threshold, edgeitems and linewidth to a preset; explicitly given options
    then override it.  An unknown profile name is ignored, as in PyTorch.
    ``sci_mode`` is always assigned, so every call without it goes back to the
    automatic choice (``None``), again as PyTorch does.
    """
    if profile is not None and profile in _PROFILES:
        _OPTS.update(_PROFILES[profile])
    for key, value in (
        ("precision", precision),
        ("threshold", threshold),
        ("edgeitems", edgeitems),
        ("linewidth", linewidth),
    ):
        if value is not None:
            _OPTS[key] = value
    _OPTS["sci_mode"] = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Return the current print options as a dict usable as ``set_printoptions(**d)``."""
    return dict(_OPTS)


class printoptions(contextlib.ContextDecorator):  # noqa: N801 - PyTorch's name
    """Context manager that temporarily changes the print options.

    Takes the same keyword arguments as :func:`set_printoptions`; the options
    in force on entry are restored on exit, even when an exception escapes.
    Like ``torch.printoptions`` it also works as a function decorator.
    """

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._saved: dict[str, Any] | None = None

    def __enter__(self) -> Self:
        self._saved = get_printoptions()
        set_printoptions(**self._kwargs)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._saved is not None
        set_printoptions(**self._saved)


class _Formatter:
    """Fixed-width formatter for the real values of one tensor (PyTorch's rules).

    Floats pick between "int mode" (all finite values integral: ``1.``), fixed
    ``precision`` decimals and scientific notation from the nonzero finite
    values; the common width is the widest formatted nonzero finite value.
    Integers and bools are printed with ``str`` and padded to the widest one.
    """

    def __init__(
        self, values: np.ndarray, precision: int, sci_opt: bool | None
    ) -> None:
        self.floating = values.dtype.kind == "f"
        self.precision = precision
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        if values.size == 0:
            return
        if not self.floating:
            # str() length is monotone in the value on each side of zero, so
            # the extremes decide the width.
            for v in (values.min(), values.max()):
                self.max_width = max(self.max_width, len(str(v.item())))
            return
        flat = values.reshape(-1).astype(np.float64)
        nz = flat[np.isfinite(flat) & (flat != 0)]
        if nz.size == 0:
            return
        absv = np.abs(nz)
        vmin, vmax = float(absv.min()), float(absv.max())
        self.int_mode = bool(np.all(nz == np.ceil(nz)))
        if sci_opt is None:
            self.sci_mode = vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4
        else:
            self.sci_mode = sci_opt
        # The formatted length is monotone in |v| within one sign (and the
        # exponent length is extreme at the smallest or largest |v|), so the
        # widest string comes from one of these candidates.
        pos, neg = nz[nz > 0], nz[nz < 0]
        cands = [float(f(a)) for a in (pos, neg) if a.size for f in (np.min, np.max)]
        if self.sci_mode:
            widths = [len(f"{v:.{precision}e}") for v in cands]
        elif self.int_mode:
            widths = [len(f"{v:.0f}") + 1 for v in cands]
        else:
            widths = [len(f"{v:.{precision}f}") for v in cands]
        self.max_width = max(self.max_width, *widths)

    def format(self, value: Any) -> str:
        """Format one Python scalar, left-padded to the common width."""
        if not self.floating:
            ret = f"{value}"
        elif self.sci_mode:
            ret = f"{value:{self.max_width}.{self.precision}e}"
        elif self.int_mode:
            ret = f"{value:.0f}"
            if math.isfinite(value):
                ret += "."
        else:
            ret = f"{value:.{self.precision}f}"
        return " " * (self.max_width - len(ret)) + ret


def _summarized(array: np.ndarray, edgeitems: int) -> np.ndarray:
    """Gather the leading/trailing ``edgeitems`` entries of every long axis."""
    index = []
    for n in array.shape:
        if n > 2 * edgeitems:
            index.append(np.r_[0:edgeitems, n - edgeitems : n])
        else:
            index.append(np.arange(n))
    return array[np.ix_(*index)] if array.ndim else array


def _format_elements(shown: np.ndarray, opts: dict[str, Any]) -> tuple[list[str], int]:
    """Format every element of ``shown`` (flat order) and give the slot width."""
    precision, sci_opt = opts["precision"], opts["sci_mode"]
    if shown.dtype.kind == "c":
        real, imag = shown.real, shown.imag
        f_re = _Formatter(real, precision, sci_opt)
        f_im = _Formatter(imag, precision, sci_opt)
        strs = []
        for re_v, im_v in zip(real.reshape(-1).tolist(), imag.reshape(-1).tolist(), strict=True):
            im_s = (f_im.format(im_v) + "j").lstrip()
            sep = "" if im_s[0] in "+-" else "+"
            strs.append(f_re.format(re_v) + sep + im_s)
        return strs, f_re.max_width + 2 + f_im.max_width + 1
    fmt = _Formatter(shown, precision, sci_opt)
    return [fmt.format(v) for v in shown.reshape(-1).tolist()], fmt.max_width + 2


def _nested_str(
    strs: np.ndarray,
    cut: list[bool],
    indent: int,
    elem_len: int,
    opts: dict[str, Any],
) -> str:
    """Lay out an object array of element strings with PyTorch's brackets.

    ``cut[k]`` says whether axis k was summarised, i.e. whether a ``...``
    marker goes after its first ``edgeitems`` entries.
    """
    edge = opts["edgeitems"]
    if strs.ndim == 0:
        return strs.item()
    if strs.ndim == 1:
        items: list[str] = strs.tolist()
        if cut[0]:
            items = items[:edge] + [" ..."] + items[edge:]
        per_line = max(1, math.floor((opts["linewidth"] - indent) / elem_len))
        lines = [
            ", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)
        ]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    slices = [
        _nested_str(strs[i], cut[1:], indent + 1, elem_len, opts)
        for i in range(strs.shape[0])
    ]
    if cut[0]:
        slices = slices[:edge] + ["..."] + slices[edge:]
    sep = "," + "\n" * (strs.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(slices) + "]"


def _tensor_body(array: np.ndarray, indent: int, opts: dict[str, Any]) -> str:
    """Format the bracketed contents of a non-empty tensor."""
    edge = opts["edgeitems"]
    summarize = array.size > opts["threshold"]
    if summarize and not edge and array.ndim:
        return "[...]"
    shown = _summarized(array, edge) if summarize else array
    strs, elem_len = _format_elements(shown, opts)
    obj = np.empty(len(strs), dtype=object)
    obj[:] = strs
    cut = [summarize and n > 2 * edge for n in array.shape]
    return _nested_str(obj.reshape(shown.shape), cut, indent, elem_len, opts)


def _add_suffixes(
    tensor_str: str, suffixes: list[str], indent: int, linewidth: int
) -> str:
    """Append ``, key=value`` suffixes, wrapping onto new lines when too long."""
    parts = [tensor_str]
    # PyTorch's quirky measure (+1, and +2 for a single line) is kept on purpose.
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(
    array: np.ndarray,
    *,
    dtype_name: str,
    is_default_dtype: bool,
    is_default_float_dtype: bool,
    device: str = "cpu",
    grad_fn_name: str | None = None,
    requires_grad: bool = False,
    prefix: str = "tensor(",
) -> str:
    """Return the string PyTorch's ``repr`` gives for a tensor holding ``array``.

    ``dtype_name`` is the bare dtype name ("float32"), printed as
    ``dtype=ember.float32`` when the dtype is not a default one: for non-empty
    tensors that is decided by ``is_default_dtype``, for empty ones by
    ``is_default_float_dtype`` (PyTorch always names int64 for empty tensors).
    Suffixes follow in PyTorch's order: ``device=`` (when not "cpu"), ``size=``
    (empty tensors that are not 1-D, or when ``edgeitems`` is 0), ``dtype=``,
    then ``grad_fn=<...>`` or else ``requires_grad=True``.  ``array`` is only
    read, never modified.
    """
    opts = get_printoptions()
    array = np.asarray(array)
    indent = len(prefix)
    suffixes: list[str] = []
    if device != "cpu":
        suffixes.append(f"device='{device}'")
    if array.size == 0:
        if array.ndim != 1:
            suffixes.append(f"size={tuple(array.shape)}")
        if not is_default_float_dtype:
            suffixes.append(f"dtype=ember.{dtype_name}")
        body = "[]"
    else:
        if not opts["edgeitems"]:
            suffixes.append(f"size={tuple(array.shape)}")
        if not is_default_dtype:
            suffixes.append(f"dtype=ember.{dtype_name}")
        body = _tensor_body(array, indent, opts)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent, opts["linewidth"])
