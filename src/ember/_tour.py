"""The tour: run the autograd tutorials (``ember._seeds``) on ember, cell by cell.

A cell runs as it would in a notebook whose ``import torch`` gives ember: its printed
output is captured, and a last line that is an expression is shown as ``Out[n]:``, as
IPython does. ``torch`` is bound to ember only inside the cell's namespace (through the
``__import__`` of that namespace's builtins), so a real PyTorch installed beside ember,
and ``sys.modules['torch']``, are left alone. The tests use the same machinery to run
every cell on ember and on PyTorch and compare the outputs. When seed 4 ran, the command
line then shows the graph of its example as a tree and draws it into a file
(``write_basics_graph``: SVG with Graphviz, else DOT text).

>>> import ember
>>> ns = namespace("ember")
>>> print(run_cell("import torch\\nx = torch.ones(2, requires_grad=True)\\nx * 2", ns).text(1), end="")
Out[1]: tensor([2., 2.], grad_fn=<MulBackward0>)
>>> ns["torch"] is ember
True
"""

from __future__ import annotations

import argparse
import ast
import builtins
import contextlib
import importlib
import io
import os
import sys
import textwrap
import traceback
import types
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from . import _seeds

__all__ = ["CellRun", "namespace", "run_cell", "run_seed", "tour", "main", "basics_example", "write_basics_graph"]

WIDTH = 78
_CELL_FILE = "<In [{}]>"


# -- running a cell -----------------------------------------------------------------


class _Alias(types.ModuleType):
    """A module seen through a few replaced attributes (the tests' stand-in ``rand``)."""

    def __init__(self, module: types.ModuleType, overrides: dict[str, Any]) -> None:
        super().__init__(module.__name__, module.__doc__)
        self.__dict__.update(overrides)
        self.__dict__["_aliased"] = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_aliased"], name)


def _importer(target: str, overrides: dict[str, Any] | None) -> Callable[..., Any]:
    """An ``__import__`` that resolves ``torch`` and ``torch.*`` to ``target`` and its submodules."""
    real_import = builtins.__import__

    def _import(name: str, globals: Any = None, locals: Any = None,  # noqa: A002 - __import__'s own names
                fromlist: Sequence[str] | None = (), level: int = 0) -> Any:
        if level != 0 or not (name == "torch" or name.startswith("torch.")):
            return real_import(name, globals, locals, fromlist, level)
        module = importlib.import_module(target + name[len("torch"):])
        if fromlist and name != "torch":
            return module  # from torch.autograd import Variable
        top = sys.modules[target]
        return _Alias(top, overrides) if overrides else top

    return _import


def namespace(target: str = "ember", overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fresh globals for running cells, in which ``import torch`` imports ``target``.

    ``overrides`` replaces attributes of the top-level module as the cells see it (the
    module itself is not changed): the tests pass a deterministic ``rand``/``randn``.
    """
    builtins_ = dict(vars(builtins))
    builtins_["__import__"] = _importer(target, overrides)
    return {"__name__": "__main__", "__builtins__": builtins_}


@dataclass
class CellRun:
    """What running one cell produced."""

    code: str
    output: str  # printed text, then one "Category: message" line per warning
    display: str | None  # repr of the value of a last expression line (None if there is none)
    error: str | None  # "ExceptionType: message" if the cell raised
    traceback: str | None  # the traceback, without the tour's own frames

    def text(self, n: int) -> str:
        """The output as compared between ember and PyTorch (no tracebacks: their paths differ)."""
        out = self.output
        if self.display is not None:
            out += f"Out[{n}]: {self.display}\n"
        if self.error is not None:
            out += f"{self.error}\n"
        return out


def run_cell(code: str, ns: dict[str, Any], n: int = 1) -> CellRun:
    """Run ``code`` in ``ns`` as notebook cell ``In [n]``, capturing what it prints."""
    filename = _CELL_FILE.format(n)
    stdout = io.StringIO()
    display = error = tb = None
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(stdout):
        try:
            tree = ast.parse(code, filename)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            assert last is None or isinstance(last, ast.Expr)
            exec(compile(tree, filename, "exec"), ns)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), filename, "eval"), ns)
                if value is not None:
                    display = repr(value)
        except Exception as exc:  # a cell's error is part of its output, as in a notebook
            error = "".join(traceback.format_exception_only(type(exc), exc)).rstrip()
            tb = _cell_traceback(exc)
    warning_lines = "".join(f"{w.category.__name__}: {w.message}\n" for w in caught)
    return CellRun(code, stdout.getvalue() + warning_lines, display, error, tb)


def _cell_traceback(exc: BaseException) -> str:
    """The traceback from the cell's own frame on (the tour's frames say nothing to a reader)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb)).rstrip()


def run_seed(seed: types.ModuleType, target: str = "ember", overrides: dict[str, Any] | None = None,
             rewrites: Iterable[tuple[str, str]] = ()) -> list[CellRun]:
    """Run every cell of ``seed`` in order, in one fresh namespace; ``rewrites`` edit the cells first."""
    ns = namespace(target, overrides)
    runs = []
    for n, code in enumerate(seed.CELLS, 1):
        for old, new in rewrites:
            code = code.replace(old, new)
        runs.append(run_cell(code, ns, n))
    return runs


# -- printing the tour ----------------------------------------------------------------


def _prose(text: str, out: TextIO) -> None:
    if text:
        print(textwrap.fill(text, WIDTH, break_on_hyphens=False), file=out)
        print(file=out)


def _show_code(code: str, n: int, out: TextIO) -> None:
    prompt = f"In [{n}]: "
    more = " " * (len(prompt) - 5) + "...: "
    for i, line in enumerate(code.splitlines()):
        print(((prompt if i == 0 else more) + line).rstrip(), file=out)


def _show_run(run: CellRun, n: int, out: TextIO) -> None:
    out.write(run.output)
    if run.display is not None:
        print(f"Out[{n}]: {run.display}", file=out)
    if run.traceback is not None:
        print(run.traceback, file=out)
    print(file=out)


def tour(numbers: Sequence[int] | None = None, out: TextIO | None = None, manual_seed: int | None = None,
         graph_out: str | None = None) -> int:
    """Print the tour of the given seeds (all by default); return how many cells raised.

    With ``graph_out``, the graph of the Learn-the-Basics example is then shown as a text
    tree and written to that path (see ``write_basics_graph``); if it cannot be written,
    the count returned is one more.
    """
    import ember

    out = sys.stdout if out is None else out
    seeds = _selected(numbers)
    rule = "=" * WIDTH
    print(f"ember {ember.__version__}: PyTorch's autograd tutorials, run on ember.", file=out)
    print("In every cell, `import torch` imports ember.", file=out)
    failed = cells = 0
    for seed in seeds:
        print(f"\n{rule}\nSeed {seed.NUMBER}: {seed.TITLE}\n(shared/seeds/{seed.SOURCE})\n{rule}\n", file=out)
        if manual_seed is not None:
            ember.manual_seed(manual_seed)
        ns = namespace("ember")
        for n, (prose, code) in enumerate(zip(seed.PROSE, seed.CELLS, strict=True), 1):
            _prose(prose, out)
            _show_code(code, n, out)
            run = run_cell(code, ns, n)
            _show_run(run, n, out)
            cells += 1
            failed += run.error is not None
        _prose(seed.OUTRO, out)
    graph_failed = graph_out is not None and not _show_graph(graph_out, out)
    print(rule, file=out)
    verdict = "all ran" if not failed else f"{failed} raised an error"
    print(f"{len(seeds)} seed(s), {cells} cells: {verdict}.", file=out)
    return failed + graph_failed


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ember",
        description="A tour of ember: PyTorch's autograd tutorials, run cell by cell on ember "
        "(`import torch` imports ember inside the tour; a real torch is not touched).",
    )
    parser.add_argument("command", nargs="?", default="tour", choices=["tour"],
                        help="what to do (only 'tour', the default)")
    numbers = [s.NUMBER for s in _seeds.SEEDS]
    parser.add_argument("--seed", type=int, action="append", choices=numbers, metavar="N",
                        help=f"run only seed N ({', '.join(map(str, numbers))}); repeat for several")
    parser.add_argument("--list", action="store_true", help="list the seeds and exit")
    parser.add_argument("--manual-seed", type=int, metavar="S",
                        help="call ember.manual_seed(S) before each seed, for repeatable random numbers")
    parser.add_argument("--graph-out", metavar="PATH",
                        help=f"where to write the graph of seed 4's example (default: ./{GRAPH_NAME}.svg, or "
                        f"./{GRAPH_NAME}.dot without Graphviz); a .dot or .gv PATH is written as DOT text")
    parser.add_argument("--no-graph", action="store_true", help="do not write the graph of seed 4's example")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``python -m ember [tour] [--seed N] [--list] [--manual-seed S] [--graph-out PATH]``."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:  # `python -m ember | head`: the reader left, which is no error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep Python's exit-time flush quiet
        return 0


def _run(args: argparse.Namespace) -> int:
    if args.list:
        for seed in _seeds.SEEDS:
            print(f"{seed.NUMBER}  {seed.TITLE}  ({len(seed.CELLS)} cells, shared/seeds/{seed.SOURCE})")
        return 0
    graph_out = None
    if not args.no_graph and any(seed.NUMBER == BASICS_SEED for seed in _selected(args.seed)):
        graph_out = args.graph_out if args.graph_out is not None else GRAPH_NAME
    failed = tour(args.seed, manual_seed=args.manual_seed, graph_out=graph_out)
    return 1 if failed else 0


def _selected(numbers: Sequence[int] | None) -> list[types.ModuleType]:
    return [_seeds.get(n) for n in numbers] if numbers else list(_seeds.SEEDS)


# -- the graph of the Learn-the-Basics example ----------------------------------------------

#: The seed whose example the tour draws, and the file name it draws it to (without suffix).
BASICS_SEED = 4
GRAPH_NAME = "ember-autograd-graph"

_BASICS_CODE = """\
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)"""


def basics_example() -> dict[str, Any]:
    """The tensors of seed 4's first cell (x, y, w, b, z, loss), made on ember."""
    import ember

    ns: dict[str, Any] = {"torch": ember}
    exec(_BASICS_CODE, ns)
    return ns


def write_basics_graph(path: str) -> tuple[str, str | None]:
    """Draw the Learn-the-Basics example's graph into ``path``; return (the path written, why not SVG).

    A ``.dot`` or ``.gv`` path gets the DOT text. Any other path is drawn (as SVG, or in the
    format its suffix names; ``.svg`` is added to a path without one) where the graphviz
    package and Graphviz's ``dot`` are installed; where they are not, the DOT text is written
    beside it, to the same name ending in ``.dot``, and the second item says why.
    """
    from .viz import make_dot

    ns = basics_example()
    dot = make_dot(ns["loss"], params={"w": ns["w"], "b": ns["b"]})
    root, suffix = os.path.splitext(path)
    if suffix.lower() in (".dot", ".gv"):
        return dot.save(path), None
    try:
        return dot.render(path if suffix else path + ".svg"), None
    except (ImportError, RuntimeError) as exc:
        reason = str(exc).split(":")[0]
        return dot.save((root if suffix else path) + ".dot"), reason


def _show_graph(path: str, out: TextIO) -> bool:
    from .viz import format_graph

    ns = basics_example()
    print(f"The graph behind seed {BASICS_SEED}'s `loss`, as ember.viz.print_graph shows it:\n", file=out)
    print(textwrap.indent(format_graph(ns["loss"], params={"w": ns["w"], "b": ns["b"]}), "    "), file=out)
    print(file=out)
    try:
        written, reason = write_basics_graph(path)
    except OSError as exc:
        print(f"Could not write the graph to {path}: {exc}", file=out)
        print(file=out)
        return False
    where = os.path.abspath(written)
    if reason is None:
        print(f"ember.viz.make_dot drew it into {where}", file=out)
    else:
        print(f"ember.viz.make_dot wrote it as DOT text into {where}", file=out)
        print(f"({reason}: `pip install \"ember[viz]\"` with Graphviz installed draws it as SVG; "
              f"or run `dot -Tsvg {written} -o {os.path.splitext(written)[0]}.svg`.)", file=out)
    print(file=out)
    return True
