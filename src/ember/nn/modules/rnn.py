"""Recurrent layers: RNN, LSTM, GRU and their cells, written with ember ops so autograd
runs through every time step.

Parameters carry PyTorch's names (``weight_ih_l0``, ``bias_hh_l1_reverse``,
``weight_hr_l0`` for LSTM projections) and shapes, gates PyTorch's order (LSTM: input,
forget, cell, output; GRU: reset, update, new), and start from U(-1/sqrt(hidden),
1/sqrt(hidden)). Inputs are (L, N, H_in), (N, L, H_in) with ``batch_first``, or
unbatched (L, H_in). PackedSequence inputs are not supported.

>>> import ember
>>> from ember import nn
>>> lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
>>> out, (h, c) = lstm(ember.randn(5, 2, 3))
>>> tuple(out.shape), tuple(h.shape), tuple(c.shape)
((5, 2, 8), (4, 2, 4), (4, 2, 4))
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

from ... import _creation
from ..._tensor import Tensor
from ...ops.pointwise import relu, sigmoid, tanh
from ...ops.shape import cat, stack
from .. import functional as F  # noqa: N812 - PyTorch's spelling
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _linear(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    return F.linear(x, weight, bias)


def _chunks(x: Tensor, n: int) -> list[Tensor]:
    """``x.chunk(n, dim=-1)``: the gates of a fused gate tensor."""
    size = x.shape[-1] // n
    return [x[..., i * size:(i + 1) * size] for i in range(n)]


# -- one time step of each cell ------------------------------------------------------------
def _rnn_step(xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None, act: Any) -> Tensor:
    return act(xw + _linear(h, w_hh, b_hh))


def _lstm_step(xw: Tensor, h: Tensor, c: Tensor, w_hh: Tensor, b_hh: Tensor | None,
               w_hr: Tensor | None) -> tuple[Tensor, Tensor]:
    i, f, g, o = _chunks(xw + _linear(h, w_hh, b_hh), 4)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    h = sigmoid(o) * tanh(c)
    if w_hr is not None:
        h = _linear(h, w_hr, None)
    return h, c


def _gru_step(xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    x_r, x_z, x_n = _chunks(xw, 3)
    h_r, h_z, h_n = _chunks(_linear(h, w_hh, b_hh), 3)
    r = sigmoid(x_r + h_r)
    z = sigmoid(x_z + h_z)
    n = tanh(x_n + r * h_n)
    return (1 - z) * n + z * h


class RNNBase(Module):
    """The parameters, checks and layer/direction loop shared by RNN, LSTM and GRU."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        if (not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool)):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                             "being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else real_hidden * num_directions
                shapes: list[tuple[str, tuple[int, ...]]] = [("weight_ih", (gate_size, layer_input)),
                                                             ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                suffix = "_reverse" if direction == 1 else ""
                names = []
                for kind, shape in shapes:
                    name = f"{kind}_l{layer}{suffix}"
                    setattr(self, name, Parameter(_creation.empty(shape, device=device, dtype=dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self) -> list[Tensor | None]:
        return [getattr(self, name, None) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op (cuDNN's packed weights do not exist in ember)."""

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # -- checks ------------------------------------------------------------------------
    def _out_size(self) -> int:
        return self.proj_size if self.proj_size > 0 else self.hidden_size

    def _prepare(self, input: Tensor, hx: Any) -> tuple[Tensor, bool]:
        """Check the input's rank and size; returns it as (L, N, H_in) and whether it was batched."""
        if not isinstance(input, Tensor):
            raise NotImplementedError("ember: PackedSequence inputs to RNN layers are not supported")
        if input.dim() not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D tensor "
                             "instead")
        batched = input.dim() == 3
        hxs = hx if isinstance(hx, tuple) else (hx,)
        for h in hxs:
            if h is None:
                continue
            if batched and h.dim() != 3:
                raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {h.dim()}-D tensor")
            if not batched and h.dim() != 2:
                raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {h.dim()}-D tensor")
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                               f"{input.shape[-1]}")
        return input, batched

    def _initial(self, hx: Tensor | None, batch: int, size: int, like: Tensor, batched: bool,
                 what: str = "hidden") -> Tensor:
        layers = self.num_layers * (2 if self.bidirectional else 1)
        if hx is None:
            return _creation.zeros((layers, batch, size), dtype=like.dtype)
        h = hx if batched else hx.unsqueeze(1)
        expected = (layers, batch, size)
        if tuple(h.shape) != expected:
            got = list(hx.shape) if batched else list(h.shape)
            raise RuntimeError(f"Expected {what} size {expected}, got {got}")
        return h

    # -- the loop over layers, directions and time ----------------------------------------------
    def _run(self, x: Tensor, states: list[Tensor]) -> tuple[Tensor, list[list[Tensor]]]:
        """Run every layer and direction over x (L, N, H_in); ``states`` holds the initial state
        tensors, each (layers * directions, N, size). Returns the last layer's output and the
        final states, one list per state kind."""
        num_directions = 2 if self.bidirectional else 1
        finals: list[list[Tensor]] = [[] for _ in states]
        seq_len = x.shape[0]
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(num_directions):
                idx = layer * num_directions + direction
                kinds = ("w_ih", "w_hh", "b_ih", "b_hh", "w_hr")
                weights: dict[str, Any] = dict(zip(kinds, self._weights_of(idx), strict=True))
                xw = _linear(x, weights["w_ih"], weights.get("b_ih"))  # all time steps at once
                state = [s[idx] for s in states]
                steps: list[Tensor] = [None] * seq_len  # type: ignore[list-item]
                order = range(seq_len - 1, -1, -1) if direction == 1 else range(seq_len)
                for t in order:
                    state = self._cell(xw[t], state, weights)
                    steps[t] = state[0]
                outputs.append(stack(steps) if seq_len else x.new_zeros(0, x.shape[1], self._out_size()))
                for kind, s in zip(finals, state, strict=True):
                    kind.append(s)
            x = outputs[0] if num_directions == 1 else cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return x, finals

    def _weights_of(self, idx: int) -> list[Tensor | None]:
        names = self._all_weights[idx]
        by_kind = {name.split("_l")[0]: getattr(self, name) for name in names}
        return [by_kind["weight_ih"], by_kind["weight_hh"], by_kind.get("bias_ih"), by_kind.get("bias_hh"),
                by_kind.get("weight_hr")]

    def _cell(self, xw: Tensor, state: list[Tensor], w: dict) -> list[Tensor]:
        raise NotImplementedError

    def _finish(self, out: Tensor, batched: bool) -> Tensor:
        if not batched:
            return out.squeeze(1)
        return out.transpose(0, 1) if self.batch_first else out


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or relu)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: Any = None, *, proj_size: int = 0) -> None:
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device=device, dtype=dtype)

    def _cell(self, xw: Tensor, state: list[Tensor], w: dict) -> list[Tensor]:
        act = tanh if self.mode == "RNN_TANH" else relu
        return [_rnn_step(xw, state[0], w["w_hh"], w.get("b_hh"), act)]

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        x, batched = self._prepare(input, hx)
        h0 = self._initial(hx, x.shape[1], self.hidden_size, x, batched)
        out, (hs,) = self._run(x, [h0])
        h_n = stack(hs)
        return self._finish(out, batched), h_n if batched else h_n.squeeze(1)


class LSTM(RNNBase):
    """Long short-term memory, optionally with projections (``proj_size``). Returns
    ``output, (h_n, c_n)``."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)

    def _cell(self, xw: Tensor, state: list[Tensor], w: dict) -> list[Tensor]:
        return list(_lstm_step(xw, state[0], state[1], w["w_hh"], w.get("b_hh"), w.get("w_hr")))

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        if hx is not None and not (isinstance(hx, tuple) and len(hx) == 2):
            raise RuntimeError("ember: LSTM expects hx to be a tuple (h_0, c_0)")
        x, batched = self._prepare(input, hx)
        h_in, c_in = hx if hx is not None else (None, None)
        h0 = self._initial(h_in, x.shape[1], self._out_size(), x, batched, "hidden[0]")
        c0 = self._initial(c_in, x.shape[1], self.hidden_size, x, batched, "hidden[1]")
        out, (hs, cs) = self._run(x, [h0, c0])
        h_n, c_n = stack(hs), stack(cs)
        if not batched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return self._finish(out, batched), (h_n, c_n)


class GRU(RNNBase):
    """Gated recurrent unit (gates reset, update, new, as PyTorch orders them)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None, *, proj_size: int = 0) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device=device, dtype=dtype)

    def _cell(self, xw: Tensor, state: list[Tensor], w: dict) -> list[Tensor]:
        return [_gru_step(xw, state[0], w["w_hh"], w.get("b_hh"))]

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        x, batched = self._prepare(input, hx)
        h0 = self._initial(hx, x.shape[1], self.hidden_size, x, batched)
        out, (hs,) = self._run(x, [h0])
        h_n = stack(hs)
        return self._finish(out, batched), h_n if batched else h_n.squeeze(1)


# -- cells ------------------------------------------------------------------------------------
class RNNCellBase(Module):
    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(_creation.empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(_creation.empty((num_chunks * hidden_size, hidden_size), device=device,
                                                   dtype=dtype))
        if bias:
            self.bias_ih = Parameter(_creation.empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(_creation.empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.__dict__.get("bias", True) is not True:
            s += f", bias={self.bias}"
        if self.__dict__.get("nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _prepare(self, input: Tensor, hx: Tensor | None, kind: str) -> tuple[Tensor, bool]:
        if input.dim() not in (1, 2):
            raise ValueError(f"{kind}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"{kind}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        batched = input.dim() == 2
        return (input if batched else input.unsqueeze(0)), batched

    def _hidden(self, hx: Tensor | None, x: Tensor, batched: bool) -> Tensor:
        if hx is None:
            return _creation.zeros((x.shape[0], self.hidden_size), dtype=x.dtype)
        return hx if batched else hx.unsqueeze(0)


class RNNCell(RNNCellBase):
    """One step of an Elman RNN."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, batched = self._prepare(input, hx, "RNNCell")
        h = self._hidden(hx, x, batched)
        if self.nonlinearity == "tanh":
            act = tanh
        elif self.nonlinearity == "relu":
            act = relu
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        out = _rnn_step(_linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh, act)
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    """One step of an LSTM; returns ``(h_1, c_1)``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        x, batched = self._prepare(input, hx[0] if hx is not None else None, "LSTMCell")
        h = self._hidden(hx[0] if hx is not None else None, x, batched)
        c = self._hidden(hx[1] if hx is not None else None, x, batched)
        h, c = _lstm_step(_linear(x, self.weight_ih, self.bias_ih), h, c, self.weight_hh, self.bias_hh, None)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One step of a GRU."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, batched = self._prepare(input, hx, "GRUCell")
        h = self._hidden(hx, x, batched)
        out = _gru_step(_linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)
        return out if batched else out.squeeze(0)
