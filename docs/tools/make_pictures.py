"""Draw the graph pictures of the docs (docs/img/*.svg and the .dot they are drawn from).

Run by hand after changing ember.viz or an op's Node: ``python docs/tools/make_pictures.py``.
It needs ``pip install "ember[viz]"`` and Graphviz's ``dot`` for the SVGs; without them it
writes the .dot files only. ``tests/test_docs.py`` checks that the .dot files are current.
"""

from __future__ import annotations

import sys
from pathlib import Path

import ember
from ember import viz

IMG = Path(__file__).resolve().parent.parent / "img"


def basics() -> tuple[ember.Tensor, dict[str, ember.Tensor]]:
    """Learn the Basics: a one-layer network and its loss."""
    torch = ember
    x = torch.ones(5)  # input tensor
    y = torch.zeros(3)  # expected output
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    return loss, {"w": w, "b": b}


def blitz() -> tuple[ember.Tensor, dict[str, ember.Tensor]]:
    """The 60-minute blitz: out = mean(3 * (x + 2) ** 2)."""
    x = ember.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    return z.mean(), {"x": x}


def mlp() -> tuple[ember.Tensor, dict[str, ember.Tensor]]:
    """A small model, its parameters named by named_parameters()."""
    from ember import nn

    model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1))
    return model(ember.randn(1, 8)).mean(), dict(model.named_parameters())


def pictures() -> dict[str, viz.Dot]:
    """Each picture's name and its DOT."""
    out = {}
    for name, make, extra in [
        ("basics", basics, {}),
        ("basics-saved", basics, {"show_saved": True, "show_attrs": True}),
        ("blitz", blitz, {}),
        ("mlp", mlp, {}),
    ]:
        ember.manual_seed(0)
        tensor, params = make()
        out[name] = viz.make_dot(tensor, params=params, **extra)
    return out


def main() -> int:
    IMG.mkdir(exist_ok=True)
    for name, dot in pictures().items():
        dot.save(IMG / f"{name}.dot")
        try:
            dot.render(IMG / f"{name}.svg")
        except (ImportError, RuntimeError) as exc:
            print(f"{name}: wrote the .dot only ({exc})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
