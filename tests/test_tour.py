"""``python -m ember``: the tour of the seed tutorials, and its command line."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
import types
from pathlib import Path

import pytest

import ember
from ember import _seeds, _tour

GRAD_45 = "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])"
EYE_GRAD = "tensor([[4., 2., 2., 2., 2.],\n        [2., 4., 2., 2., 2.],"

# Each seed's key results, as the tour prints them (whatever random numbers ember draws).
KEY_RESULTS = {
    1: [
        "In [2]: # Variable(<tensor>, optional <requires_grad>)",
        "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)",
        "Out[4]: <AddBackward0 object at 0x",
        "tensor([[27., 27.],\n        [27., 27.]], grad_fn=<MulBackward0>) tensor(27., grad_fn=<MeanBackward0>)",
        GRAD_45,
    ],
    2: [
        "tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)",
        "False\nTrue\n<SumBackward0 object at 0x",
        GRAD_45,
        "], grad_fn=<MulBackward0>)",
        "True\nTrue\nFalse\n",
        "True\nFalse\ntensor(True)",
    ],
    3: ["In [9]: x = torch.randn(3, requires_grad=True)", GRAD_45, "True\nFalse\ntensor(True)"],
    4: [
        "Gradient function for z = <AddBackward0 object at 0x",
        "Gradient function for loss = <BinaryCrossEntropyWithLogitsBackward0 object at 0x",
        "True\nFalse\n\nAnother way",
        f"First call\n{EYE_GRAD}",
        "Second call\ntensor([[8., 4., 4., 4., 4.],",
        f"Call after zeroing gradients\n{EYE_GRAD}",
    ],
}


TREE = """\
    BinaryCrossEntropyWithLogitsBackward0 -> tensor []
    └─ AddBackward0
       ├─ SqueezeBackward4
       │  └─ MmBackward0
       │     └─ AccumulateGrad: w [5, 3]
       └─ AccumulateGrad: b [3]
"""


def ember_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ember`` in ``cwd`` (a fresh directory by default: the tour writes a graph there)."""
    with tempfile.TemporaryDirectory() as tmp:
        return subprocess.run([sys.executable, "-m", "ember", *args], capture_output=True, text=True, timeout=120,
                              cwd=cwd or tmp)


def header(number: int) -> str:
    return f"Seed {number}: {_seeds.get(number).TITLE}"


def test_tour_runs_every_seed(tmp_path: Path) -> None:
    result = ember_cli(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    for number, keys in KEY_RESULTS.items():
        assert header(number) in out
        section = out.split(header(number))[1].split("\nSeed ")[0]
        for key in keys:
            assert key in section, f"seed {number}: {key!r} missing from the tour"
    cells = sum(len(seed.CELLS) for seed in _seeds.SEEDS)
    assert out.rstrip().endswith(f"4 seed(s), {cells} cells: all ran.")
    assert "Traceback" not in out
    # then the graph of seed 4's example: as a tree, and drawn into the current directory
    assert TREE in out
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written in (["ember-autograd-graph.svg"], ["ember-autograd-graph.dot"])
    assert f"into {tmp_path / written[0]}\n" in out


def test_tour_command_and_one_seed() -> None:
    result = ember_cli("tour", "--seed", "2")
    assert result.returncode == 0, result.stderr
    assert header(2) in result.stdout
    assert all(header(n) not in result.stdout for n in (1, 3, 4))
    assert "tensor(True)" in result.stdout
    assert "1 seed(s), 12 cells: all ran." in result.stdout


def test_several_seeds_in_the_order_given() -> None:
    out = io.StringIO()
    assert _tour.tour([4, 1], out=out) == 0
    text = out.getvalue()
    assert text.index(header(4)) < text.index(header(1))
    assert header(2) not in text


def test_help() -> None:
    result = ember_cli("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python -m ember")
    assert "--seed" in result.stdout and "tour" in result.stdout


@pytest.mark.parametrize("args", [["--bogus"], ["--seed", "9"], ["--seed", "two"], ["fly"]])
def test_bad_arguments_exit_with_usage(args: list[str]) -> None:
    result = ember_cli(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: python -m ember")
    assert "error:" in result.stderr
    assert result.stdout == ""


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert _tour.main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["1", "2", "3", "4"]


def test_manual_seed_makes_the_tour_repeatable(capsys: pytest.CaptureFixture[str]) -> None:
    texts = []
    for _ in range(2):
        assert _tour.main(["--seed", "3", "--manual-seed", "7"]) == 0
        texts.append(re.sub(r"0x[0-9a-f]+", "0x", capsys.readouterr().out))
    assert texts[0] == texts[1]


def test_a_failing_cell_is_shown_and_sets_the_exit_status(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    broken = types.SimpleNamespace(
        NUMBER=1, TITLE="broken", SOURCE="none", OUTRO="", PROSE=["", ""], ORACLE_REWRITES=[],
        CELLS=["import torch\nx = torch.ones(2)", "print('before')\nx.backward()"],
    )
    monkeypatch.setattr(_seeds, "SEEDS", [broken])
    assert _tour.main([]) == 1
    out = capsys.readouterr().out
    assert "before\nTraceback (most recent call last):" in out
    assert 'File "<In [2]>", line 2' in out
    assert "RuntimeError: element 0 of tensors does not require grad" in out
    assert "_tour.py" not in out  # the tour's own frames are left out
    assert out.rstrip().endswith("1 seed(s), 2 cells: 1 raised an error.")


def test_tour_leaves_real_torch_alone() -> None:
    before = sys.modules.get("torch")
    assert _tour.tour([1], out=io.StringIO()) == 0
    assert sys.modules.get("torch") is before
    code = "import ember._tour, io, torch; ember._tour.tour([1], out=io.StringIO()); print(torch.__name__)"
    try:
        import torch  # noqa: F401
    except ImportError:
        pytest.skip("PyTorch is not installed")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "torch", result.stderr


def test_main_module_runs_the_tour() -> None:
    import ember.__main__ as main_module

    assert main_module.main is _tour.main
    assert ember.__version__ in ember_cli("--seed", "1").stdout.splitlines()[0]


# -- the graph of the Learn-the-Basics example ------------------------------------------------


def test_graph_out_dot(tmp_path: Path) -> None:
    path = tmp_path / "basics.dot"
    result = ember_cli("--seed", "4", "--graph-out", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"ember.viz.make_dot wrote it as DOT text into {path}\n" not in result.stdout  # no excuse needed
    assert f"into {path}\n" in result.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["basics.dot"]
    source = path.read_text()
    assert source.startswith("digraph {") and "BinaryCrossEntropyWithLogitsBackward0" in source
    assert 'label="w\\n (5, 3)" fillcolor=lightblue' in source
    assert 'label="b\\n (3)" fillcolor=lightblue' in source


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_graph_drawn_as_svg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("graphviz")
    monkeypatch.chdir(tmp_path)
    assert _tour.main(["--seed", "4"]) == 0
    svg = tmp_path / "ember-autograd-graph.svg"
    assert f"ember.viz.make_dot drew it into {svg}\n" in capsys.readouterr().out
    assert svg.read_text().startswith("<?xml") and "AccumulateGrad" in svg.read_text()
    assert _tour.main(["--seed", "4", "--graph-out", str(tmp_path / "g")]) == 0
    assert (tmp_path / "g.svg").read_text().startswith("<?xml")


def test_graph_without_graphviz_falls_back_to_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)  # as if it were not installed
    monkeypatch.chdir(tmp_path)
    assert _tour.main(["--seed", "4"]) == 0
    out = capsys.readouterr().out
    dot = tmp_path / "ember-autograd-graph.dot"
    assert f"ember.viz.make_dot wrote it as DOT text into {dot}\n" in out
    assert '(Drawing an ember graph needs the graphviz Python package: `pip install "ember[viz]"`' in out
    assert "dot -Tsvg ember-autograd-graph.dot -o ember-autograd-graph.svg" in out
    assert dot.read_text().startswith("digraph {")
    assert [p.name for p in tmp_path.iterdir()] == ["ember-autograd-graph.dot"]
    assert _tour.main(["--seed", "4", "--graph-out", "pics/basics.svg"]) == 1  # no such folder
    out = capsys.readouterr().out
    assert "Could not write the graph to pics/basics.svg" in out and "cells: all ran." in out


def test_no_graph_unless_seed_4_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert _tour.main(["--seed", "2"]) == 0
    assert _tour.main(["--seed", "4", "--no-graph"]) == 0
    assert "make_dot" not in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []
