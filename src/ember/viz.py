r"""See the autograd graph behind a tensor: as a DOT picture (``make_dot``) or a text tree (``print_graph``).

``make_dot`` gives the graph in Graphviz's DOT language, drawn the way torchviz draws
PyTorch's: one grey box per Node, named as PyTorch names it (``grad_fn.name()``); the leaves
that receive gradients in light blue, named from ``params`` and with their shapes; the
tensor the graph ends in in green; with ``show_saved``, what each Node saved for backward in
orange; with ``show_attrs``, the Node's saved attributes in its box. The DOT text needs
nothing to make; turning it into a picture (``render``) needs the ``graphviz`` Python
package and Graphviz's ``dot`` program (``pip install "ember[viz]"``).

>>> import ember
>>> w = ember.ones(3, requires_grad=True)
>>> loss = (w * 2).sum()
>>> print_graph(loss, params={"w": w})
SumBackward0 -> tensor []
└─ MulBackward0
   └─ AccumulateGrad: w [3]
>>> dot = make_dot(loss, params={"w": w})
>>> "MulBackward0" in dot.source and 'label="w\\n (3)"' in dot.source
True

Both walk the graph with an explicit stack (a graph of a million Nodes needs no recursion
limit) and summarise repeated structure: where a stretch of Nodes, each read only by the
next, repeats a pattern of one to four names more than eleven times, the first five and
last five repeats are shown and one line (or box) stands for the rest, such as
``… 99,990 more MulBackward0 …``. ``make_dot`` also stops at ``max_nodes`` Nodes.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from ._tensor import Tensor
from .autograd.graph import _FREED, AccumulateGrad, Node, PackedSaved, SavedOutput

__all__ = ["Dot", "make_dot", "print_graph", "format_graph"]

#: A stretch repeating a pattern more than HEAD + TAIL + 1 times shows HEAD repeats, a summary, TAIL repeats.
HEAD = 5
TAIL = 5
#: The longest pattern of names looked for (``(SinBackward0, MulBackward0)`` is 2).
MAX_PERIOD = 4

_INSTALL_HINT = (
    'pip install "ember[viz]" (the graphviz Python package) and install Graphviz\'s `dot` program '
    "(apt-get install graphviz, brew install graphviz, conda install graphviz, or https://graphviz.org/download/). "
    "Without them, Dot.save(path) writes the DOT text, and str(dot) is that text."
)


# -- the graph, walked once ---------------------------------------------------------------


class _Elided:
    """Stands for the middle of a long run of Nodes whose names repeat a pattern."""

    __slots__ = ("count", "names")

    def __init__(self, count: int, names: Sequence[str]) -> None:
        self.count = count
        self.names = tuple(names)

    def label(self) -> str:
        if len(self.names) == 1:
            return f"… {self.count:,} more {self.names[0]} …"
        return f"… {self.count:,} more × ({', '.join(self.names)}) …"


def _cut_repeats(run: list[Node], names: list[str], cut: dict[Node, tuple[Node, _Elided, tuple[Node, int]]]) -> None:
    """Find stretches of ``run`` whose names repeat a short pattern, and record where to cut them."""
    n = len(run)
    i = 0
    while i < n:
        for period in range(1, MAX_PERIOD + 1):
            j = i
            while j + period < n and names[j] == names[j + period]:
                j += 1
            repeats = (j - i + period) // period
            if repeats > HEAD + TAIL + 1:
                last_head = i + HEAD * period - 1
                first_tail = i + (repeats - TAIL) * period
                tail = run[first_tail]
                slot = next(s for c, s in run[first_tail - 1].next_functions if c is tail)
                cut[run[last_head]] = (run[last_head + 1], _Elided(repeats - HEAD - TAIL, names[i:i + period]),
                                       (tail, slot))
                i += repeats * period
                break
        else:
            i += 1


class _Graph:
    """The graph to show: the Nodes reachable from the roots, long repeated stretches cut short.

    ``children[item]`` lists, for a Node or an ``_Elided``, the items it reads its inputs
    from (edges without a Node, where no gradient flows, are left out), with the input's
    output slot. ``order`` is breadth-first from the roots. Nothing recurses.
    """

    def __init__(self, roots: Sequence[Node]) -> None:
        self._tail: dict[_Elided, tuple[Node, int]] = {}
        nodes, indeg = _reach(roots)
        names = {n: n.name() for n in nodes}
        # A spine: n -> its one input that nothing else reads. Along each spine, a stretch
        # where a pattern of 1 to MAX_PERIOD names repeats more than HEAD + TAIL + 1 times
        # keeps HEAD repeats and TAIL repeats and stands one summary for the rest.
        succ: dict[Node, Node] = {}
        for n in nodes:
            found = None
            for child, _ in n.next_functions:
                if child is not None and indeg[child] == 1:
                    if found is not None:
                        found = None
                        break
                    found = child
            if found is not None:
                succ[n] = found
        targets = set(succ.values())
        # last head Node -> (its input, the summary, (the first tail Node, its output slot))
        cut: dict[Node, tuple[Node, _Elided, tuple[Node, int]]] = {}
        for start in succ:
            if start in targets:
                continue
            run = [start]
            while run[-1] in succ:
                run.append(succ[run[-1]])
            if len(run) > HEAD + TAIL + 1:
                _cut_repeats(run, [names[n] for n in run], cut)
        self.names = names
        self.children: dict[Any, list[tuple[Any, int]]] = {}
        self.order: list[Any] = []
        self.indeg: dict[Any, int] = {}  # edges into each shown item, from shown items
        queue: deque[Any] = deque(dict.fromkeys(roots))
        seen = set(queue)
        while queue:
            item = queue.popleft()
            self.order.append(item)
            kids: list[tuple[Any, int]]
            if isinstance(item, _Elided):
                kids = [self._tail[item]]
            else:
                kids = [(c, slot) for c, slot in item.next_functions if c is not None]
                if item in cut:
                    skipped, elided, tail = cut[item]
                    kids = [(elided, 0) if c is skipped else (c, slot) for c, slot in kids]
                    self._tail[elided] = tail
            self.children[item] = kids
            for kid, _ in kids:
                self.indeg[kid] = self.indeg.get(kid, 0) + 1
                if kid not in seen:
                    seen.add(kid)
                    queue.append(kid)

    def label(self, item: Any) -> str:
        return item.label() if isinstance(item, _Elided) else self.names[item]


def _reach(roots: Sequence[Node]) -> tuple[list[Node], dict[Node, int]]:
    """Every Node reachable from ``roots`` and the number of edges into each (explicit stack)."""
    indeg: dict[Node, int] = dict.fromkeys(roots, 0)
    nodes = list(indeg)
    stack = list(nodes)
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is None:
                continue
            if child in indeg:
                indeg[child] += 1
            else:
                indeg[child] = 1
                nodes.append(child)
                stack.append(child)
    return nodes, indeg


def _roots(tensor: Tensor | Iterable[Tensor]) -> list[Tensor]:
    tensors = [tensor] if isinstance(tensor, Tensor) else list(tensor)
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected a Tensor or a sequence of Tensors, got {type(t).__name__}")
    return tensors


def _param_names(params: dict[str, Tensor] | None) -> dict[int, str]:
    if params is None:
        return {}
    names = {}
    for name, value in params.items():
        if not isinstance(value, Tensor):
            raise TypeError(f"params must map names to Tensors; {name!r} is a {type(value).__name__}")
        names[id(value)] = name
    return names


def _saved(node: Node) -> list[tuple[str, Any]]:
    """(name, raw saved value) for each value the Node saved, read without unpacking anything."""
    raw = node._saved
    if not raw:
        return []
    names = type(node)._saved_names
    return [(names[i] if i < len(names) else f"saved_tensors[{i}]", value) for i, value in enumerate(raw)]


def _saved_tensors(name: str, value: Any) -> list[tuple[str, Any, tuple[int, ...]]]:
    """The tensors inside one saved value: (label, identity key, shape)."""
    if isinstance(value, Tensor):
        return [(name, value, tuple(value._data.shape))]
    if isinstance(value, SavedOutput):
        return [(name, value.data, tuple(value.data.shape))]
    if isinstance(value, tuple | list):
        out = []
        for j, v in enumerate(value):
            out.extend(_saved_tensors(f"{name}[{j}]", v))
        return out
    return []


def _attr_text(value: Any, limit: int) -> str:
    if value is _FREED:
        text = "[freed]"
    elif isinstance(value, Tensor | SavedOutput):
        text = "[saved tensor]"
    elif isinstance(value, PackedSaved):
        text = "[saved tensor, packed by a hook]"
    elif isinstance(value, tuple | list) and any(isinstance(v, Tensor | SavedOutput) for v in value):
        text = "[saved tensors]"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- DOT --------------------------------------------------------------------------------


class Dot:
    """A graph in Graphviz's DOT language: ``source`` is the text; ``render`` draws it.

    >>> dot = Dot("digraph {\\n  a -> b\\n}\\n")
    >>> dot.source.splitlines()
    ['digraph {', '  a -> b', '}']
    """

    def __init__(self, source: str) -> None:
        self.source = source

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"<ember.viz.Dot: {self.source.count(chr(10))} lines of DOT; str() shows them, render() draws them>"

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the DOT text to ``path`` (no Graphviz needed) and return the path."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.source)
        return os.fspath(path)

    def pipe(self, format: str = "svg") -> bytes:  # noqa: A002 - graphviz's own name
        """The picture as bytes (``format``: "svg", "png", "pdf", ...), drawn by Graphviz's ``dot``."""
        graphviz = _import_graphviz()
        try:
            return graphviz.Source(self.source).pipe(format=format)
        except graphviz.ExecutableNotFound as exc:
            raise RuntimeError(
                "Drawing an ember graph needs Graphviz's `dot` program, which was not found on PATH: " + _INSTALL_HINT
            ) from exc

    def render(self, path: str | os.PathLike[str], format: str | None = None) -> str:  # noqa: A002
        """Draw the graph into ``path`` and return the path.

        ``format`` ("svg", "png", ...) defaults to ``path``'s suffix, else "svg" (then
        added to the path). Needs ``pip install "ember[viz]"`` and Graphviz's ``dot``.
        """
        path = os.fspath(path)
        suffix = os.path.splitext(path)[1].lstrip(".").lower()
        if format is None:
            format = suffix or "svg"  # noqa: A001
        if suffix != format.lower():
            path = f"{path}.{format}"
        data = self.pipe(format)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def _repr_svg_(self) -> str | None:
        """Jupyter shows the picture where Graphviz is installed (and the DOT text elsewhere)."""
        try:
            return self.pipe("svg").decode("utf-8")
        except (ImportError, RuntimeError):
            return None


def _import_graphviz() -> Any:
    try:
        import graphviz
    except ImportError as exc:
        raise ImportError("Drawing an ember graph needs the graphviz Python package: " + _INSTALL_HINT) from exc
    return graphviz


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dims(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ")"


def _var_label(name: str, shape: Sequence[int]) -> str:
    # torchviz's look: the name, then the shape on the next line.
    return f"{name}\n {_dims(shape)}"


def make_dot(
    tensor: Tensor | Sequence[Tensor],
    params: dict[str, Tensor] | None = None,
    show_attrs: bool = False,
    show_saved: bool = False,
    max_attr_chars: int = 50,
    max_nodes: int | None = 5000,
) -> Dot:
    """The autograd graph behind ``tensor`` (or a tuple of tensors), as DOT text.

    Args:
        tensor: the output(s) whose graph to draw, e.g. a loss.
        params: names for the leaves, e.g. ``dict(model.named_parameters())``.
        show_attrs: list each Node's saved attributes (``_saved_<name>``) in its box.
        show_saved: draw the tensors each Node saved for backward, with their shapes.
        max_attr_chars: longest attribute value shown (longer ones end in "...").
        max_nodes: draw at most this many Nodes; one box says how many more there are.

    Returns:
        The graph. ``str(dot)`` or ``dot.source`` is the DOT text, ``dot.save(path)`` writes
            it, ``dot.render("graph.svg")`` draws it (with ``pip install "ember[viz]"``).

    >>> import ember
    >>> x = ember.ones(2, requires_grad=True)
    >>> print(make_dot((x * x).exp(), params={"x": x}))  # doctest: +NORMALIZE_WHITESPACE
    digraph {
        graph [size="12,12"]
        node [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]
        t0 [label="(2)" fillcolor=darkolivegreen1]
        n0 -> t0
        n0 [label="ExpBackward0"]
        n1 -> n0
        n1 [label="MulBackward0"]
        n2 -> n1
        n2 -> n1
        n2 [label="AccumulateGrad"]
        v0 [label="x\\n (2)" fillcolor=lightblue]
        v0 -> n2
    }
    """
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1 (or None for no limit), got {max_nodes}")
    tensors = _roots(tensor)
    names = _param_names(params)
    roots = [t._grad_fn for t in tensors if t._grad_fn is not None]
    graph = _Graph(roots)
    shown = graph.order if max_nodes is None else graph.order[:max_nodes]
    ids = {item: f"n{k}" for k, item in enumerate(shown)}
    body: list[str] = []
    counters: dict[str, int] = {}

    def new_id(prefix: str) -> str:
        k = counters[prefix] = counters.get(prefix, -1) + 1
        return f"{prefix}{k}"

    for k, t in enumerate(tensors):
        tid = f"t{k}"
        name = names.get(id(t), "")
        label = _var_label(name, t._data.shape) if name else _dims(t._data.shape)
        body.append(f"{tid} [label={_quote(label)} fillcolor=darkolivegreen1]")
        if t._grad_fn is not None:
            body.append(f"{ids[t._grad_fn]} -> {tid}")
        base = t._base
        if base is not None:
            bid = f"b{k}"
            body.append(f"{bid} [label={_quote(_dims(base._data.shape))} fillcolor=darkolivegreen3]")
            body.append(f"{bid} -> {tid} [style=dotted]")

    saved_ids: dict[int, str] = {}
    keep_alive = []
    hidden = len(graph.order) - len(shown)
    more_id = "more" if hidden else None
    for item in shown:
        nid = ids[item]
        if isinstance(item, _Elided):
            body.append(f"{nid} [label={_quote(item.label())} shape=note fillcolor=white]")
        else:
            body.append(f"{nid} [label={_quote(_node_label(item, graph.names[item], show_attrs, max_attr_chars))}]")
            if show_saved:
                for name, value in _saved(item):
                    for label, obj, shape in _saved_tensors(name, value):
                        sid = saved_ids.get(id(obj))
                        if sid is None:
                            sid = saved_ids[id(obj)] = new_id("s")
                            keep_alive.append(obj)
                            body.append(f"{sid} [label={_quote(_var_label(label, shape))} fillcolor=orange]")
                        body.append(f"{sid} -> {nid} [dir=none]")
            if isinstance(item, AccumulateGrad):
                var = item.variable
                vid = new_id("v")
                label = _var_label(names.get(id(var), ""), var._data.shape)
                body.append(f"{vid} [label={_quote(label)} fillcolor=lightblue]")
                body.append(f"{vid} -> {nid}")
        into_more = False
        for kid, _ in graph.children[item]:
            kid_id = ids.get(kid)
            if kid_id is not None:
                body.append(f"{kid_id} -> {nid}")
            elif not into_more:
                into_more = True
                body.append(f"{more_id} -> {nid}")
    if more_id is not None:
        label = f"… {hidden:,} more Nodes not drawn (max_nodes={max_nodes}) …"
        body.append(f"{more_id} [label={_quote(label)} shape=note fillcolor=white]")

    size = max(12.0, 0.15 * len(body))
    size_text = f"{size:g}" if size == int(size) else f"{size:.1f}"
    lines = [
        "digraph {",
        f'\tgraph [size="{size_text},{size_text}"]',
        "\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]",
        *("\t" + line for line in body),
        "}",
    ]
    return Dot("\n".join(lines) + "\n")


def _node_label(node: Node, name: str, show_attrs: bool, limit: int) -> str:
    if not show_attrs:
        return name
    attrs = [f"{key}: {_attr_text(value, limit)}" for key, value in _saved(node)]
    if not attrs:
        return name
    rule = "-" * max(len(name), *(len(a) for a in attrs))
    return "\n".join([name, rule, *attrs])


# -- text -------------------------------------------------------------------------------


def _shape(shape: Sequence[int]) -> str:
    return "[" + ", ".join(str(int(s)) for s in shape) + "]"


def format_graph(
    tensor: Tensor | Sequence[Tensor],
    params: dict[str, Tensor] | None = None,
    show_saved: bool = False,
    max_depth: int = 64,
) -> str:
    """The graph behind ``tensor`` as an indented text tree (what ``print_graph`` prints).

    A Node read by several others is shown once, marked ``(#k)``, and referenced as
    ``(#k, see above)`` after that. Deeper than ``max_depth`` levels, lines stop moving
    right and say their depth.
    """
    tensors = _roots(tensor)
    names = _param_names(params)
    roots = [t._grad_fn for t in tensors if t._grad_fn is not None]
    graph = _Graph(roots)
    refs: dict[Any, int] = {}
    lines: list[str] = []
    root_count: dict[Node, int] = {}
    for node in roots:
        root_count[node] = root_count.get(node, 0) + 1

    def describe(item: Any, slot: int, head: str) -> str:
        if isinstance(item, _Elided):
            return item.label()
        text = graph.names[item]
        if item.n_outputs > 1:
            text += f" [output {slot}]"
        text += head
        if isinstance(item, AccumulateGrad):
            var = item.variable
            name = names.get(id(var))
            text += f": {name} {_shape(var._data.shape)}" if name else f": {_shape(var._data.shape)}"
        if show_saved:
            saved = [f"{label} {_shape(shape)}" for key, value in _saved(item)
                     for label, _, shape in _saved_tensors(key, value)]
            if saved:
                text += "  (saved: " + ", ".join(saved) + ")"
        return text

    for t in tensors:
        name = names.get(id(t), "tensor")
        node = t._grad_fn
        if node is None:
            lines.append(f"{name} {_shape(t._data.shape)} (a leaf: no graph)")
            continue
        head = f" -> {name} {_shape(t._data.shape)}"
        if node in refs:
            lines.append(f"{graph.names[node]} (#{refs[node]}, see above){head}")
            continue
        stack: list[tuple[Any, str, str, int, int]] = [(node, "", "", 0, 0)]
        first = True
        while stack:
            item, lead, pad, depth, slot = stack.pop()
            text = describe(item, slot, head if first else "")
            first = False
            if depth > max_depth:
                text = f"[depth {depth}] {text}"
            if item in refs:
                lines.append(f"{lead}{text} (#{refs[item]}, see above)")
                continue
            if graph.indeg.get(item, 0) + root_count.get(item, 0) > 1:
                refs[item] = len(refs) + 1
                text += f" (#{refs[item]})"
            lines.append(lead + text)
            kids = graph.children[item]
            deeper = depth < max_depth
            for j in range(len(kids) - 1, -1, -1):
                kid, kid_slot = kids[j]
                last = j == len(kids) - 1
                stack.append((kid, pad + ("└─ " if last else "├─ "),
                              pad + ("   " if last else "│  ") if deeper else pad, depth + 1, kid_slot))
    return "\n".join(lines)


def print_graph(
    tensor: Tensor | Sequence[Tensor],
    params: dict[str, Tensor] | None = None,
    show_saved: bool = False,
    file: TextIO | None = None,
) -> None:
    """Print the graph behind ``tensor`` as an indented tree, the output first.

    >>> import ember
    >>> x = ember.ones(2, requires_grad=True)
    >>> y = x * x
    >>> print_graph(y + y.exp(), params={"x": x})
    AddBackward0 -> tensor [2]
    ├─ MulBackward0 (#1)
    │  ├─ AccumulateGrad: x [2] (#2)
    │  └─ AccumulateGrad: x [2] (#2, see above)
    └─ ExpBackward0
       └─ MulBackward0 (#1, see above)
    """
    print(format_graph(tensor, params, show_saved), file=sys.stdout if file is None else file)
