"""ember.viz: make_dot (DOT, drawn as torchviz draws PyTorch's graphs) and print_graph (a text tree)."""

from __future__ import annotations

import io
import re
import shutil
import sys

import pytest

import ember
from ember import viz


def basics(m=ember):
    """The Learn-the-Basics example: z = x @ w + b, loss = bce_with_logits(z, y)."""
    x = m.ones(5)
    y = m.zeros(3)
    w = m.randn(5, 3, requires_grad=True)
    b = m.randn(3, requires_grad=True)
    z = m.matmul(x, w) + b
    loss = m.nn.functional.binary_cross_entropy_with_logits(z, y)
    return loss, w, b


def labels(source: str) -> dict[str, str]:
    """DOT node id -> label (as written, with DOT's escapes)."""
    return dict(re.findall(r'^\t(\w+) \[label="((?:[^"\\]|\\.)*)"', source, re.M))


def edges(source: str) -> list[tuple[str, str]]:
    return re.findall(r"^\t(\w+) -> (\w+)", source, re.M)


def test_make_dot_names_nodes_and_leaves_as_torchviz_does():
    loss, w, b = basics()
    dot = viz.make_dot(loss, params={"w": w, "b": b})
    assert isinstance(dot, viz.Dot) and str(dot) == dot.source
    src = dot.source
    assert src.startswith("digraph {\n") and src.endswith("}\n")
    assert "node [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]" in src
    names = labels(src)
    assert sorted(v for k, v in names.items() if k.startswith("n")) == sorted([
        "BinaryCrossEntropyWithLogitsBackward0", "AddBackward0", "SqueezeBackward4", "MmBackward0",
        "AccumulateGrad", "AccumulateGrad",
    ])
    # leaves: light blue, "name\n (shape)"; the output: green, its shape
    assert re.search(r'v\d \[label="w\\n \(5, 3\)" fillcolor=lightblue\]', src)
    assert re.search(r'v\d \[label="b\\n \(3\)" fillcolor=lightblue\]', src)
    assert 't0 [label="()" fillcolor=darkolivegreen1]' in src
    # edges run from inputs to the Node that reads them, and from the last Node to the output
    ids = {v: k for k, v in names.items()}
    assert (ids["BinaryCrossEntropyWithLogitsBackward0"], "t0") in edges(src)
    assert (ids["AddBackward0"], ids["BinaryCrossEntropyWithLogitsBackward0"]) in edges(src)
    assert (ids["MmBackward0"], ids["SqueezeBackward4"]) in edges(src)


def test_node_names_are_pytorchs():
    torch = pytest.importorskip("torch")

    def walk(fn):
        out, stack, seen = [], [fn], set()
        while stack:
            node = stack.pop()
            if node is None or node in seen:
                continue
            seen.add(node)
            out.append(node.name().removeprefix("torch::autograd::"))  # torchviz shows the class name
            stack.extend(n for n, _ in node.next_functions)
        return sorted(out)

    loss, w, b = basics()
    dot_names = sorted(v for k, v in labels(viz.make_dot(loss).source).items() if k.startswith("n"))
    assert dot_names == walk(basics(torch)[0].grad_fn)


def test_unnamed_leaves_and_several_outputs():
    a = ember.ones(2, 3, requires_grad=True)
    p, q = a.sum(0), (a * 2).sum(1)
    src = viz.make_dot((p, q)).source
    assert re.search(r'v\d \[label="\\n \(2, 3\)" fillcolor=lightblue\]', src)
    assert 't0 [label="(3)" fillcolor=darkolivegreen1]' in src
    assert 't1 [label="(2)" fillcolor=darkolivegreen1]' in src
    # the leaf's AccumulateGrad is drawn once, read by both branches
    assert list(labels(src).values()).count("AccumulateGrad") == 1


def test_show_saved_and_show_attrs():
    loss, w, b = basics()
    src = viz.make_dot(loss, params={"w": w, "b": b}, show_saved=True, show_attrs=True).source
    saved = {v for k, v in labels(src).items() if k.startswith("s")}
    assert saved == {"self\\n (3)", "target\\n (3)", "self\\n (1, 5)"}
    assert re.search(r"s\d -> n\d \[dir=none\]", src)
    assert src.count("fillcolor=orange") == 3
    mm = next(v for v in labels(src).values() if v.startswith("MmBackward0"))
    assert "self: [saved tensor]" in mm and "mat2_sym_sizes: (5, 3)" in mm
    assert "\\n----" in mm  # a rule under the name, as torchviz draws it
    bce = next(v for v in labels(src).values() if v.startswith("BinaryCross"))
    assert "reduction: mean" in bce and "weight: None" in bce
    # after backward the saved tensors are freed: said so, and nothing is unpacked
    loss.backward()
    src = viz.make_dot(loss, show_saved=True, show_attrs=True).source
    assert "self: [freed]" in src and "fillcolor=orange" not in src


def test_saved_tensor_shared_by_two_nodes_is_drawn_once():
    x = ember.ones(4, requires_grad=True)
    y = x.sin() + x.cos()
    src = viz.make_dot(y, show_saved=True).source
    assert src.count("fillcolor=orange") == 1
    assert len(re.findall(r"s0 -> n\d \[dir=none\]", src)) == 2


def test_long_attributes_are_cut():
    x = ember.ones(2, 3, requires_grad=True)
    src = viz.make_dot(x.reshape(6), show_attrs=True, max_attr_chars=8).source
    assert "self_sym_sizes: (2, 3)" in src
    src = viz.make_dot(x.permute(1, 0), show_attrs=True, max_attr_chars=3).source
    assert "dims: ..." in src


def test_custom_function_saved_tensors():
    class Cube(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 3 * x ** 2 * grad

    x = ember.ones(2, requires_grad=True)
    src = viz.make_dot(Cube.apply(x), show_saved=True).source
    assert '"CubeBackward"' in src and 'label="saved_tensors[0]\\n (2)" fillcolor=orange' in src


def test_view_output_shows_its_base():
    x = ember.ones(2, 3, requires_grad=True)
    y = (x * 1)[0]
    src = viz.make_dot(y).source
    assert 'b0 [label="(2, 3)" fillcolor=darkolivegreen3]' in src and "b0 -> t0 [style=dotted]" in src


def test_a_leaf_alone_and_bad_arguments():
    x = ember.ones(2, requires_grad=True)
    src = viz.make_dot(x, params={"x": x}).source
    assert 't0 [label="x\\n (2)" fillcolor=darkolivegreen1]' in src and "->" not in src
    assert viz.format_graph(x, params={"x": x}) == "x [2] (a leaf: no graph)"
    with pytest.raises(TypeError, match="params must map names to Tensors"):
        viz.make_dot(x * 2, params={"x": 1.0})
    with pytest.raises(TypeError, match="expected a Tensor"):
        viz.make_dot([x, 3])
    with pytest.raises(ValueError, match="max_nodes"):
        viz.make_dot(x * 2, max_nodes=0)


def test_labels_are_escaped():
    x = ember.ones(2, requires_grad=True)
    src = viz.make_dot(x * 2, params={'say "hi"\\': x}).source
    assert 'label="say \\"hi\\"\\\\\\n (2)"' in src


def test_save_writes_the_dot_text(tmp_path):
    loss, w, b = basics()
    dot = viz.make_dot(loss)
    path = dot.save(tmp_path / "g.dot")
    assert path == str(tmp_path / "g.dot")
    assert (tmp_path / "g.dot").read_text() == dot.source


def test_render_needs_the_graphviz_package(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # as if it were not installed
    dot = viz.make_dot(basics()[0])
    with pytest.raises(ImportError, match=r'pip install "ember\[viz\]"') as info:
        dot.render(tmp_path / "g.svg")
    assert "`dot` program" in str(info.value)
    assert dot._repr_svg_() is None


def test_render_needs_the_dot_program(monkeypatch, tmp_path):
    pytest.importorskip("graphviz")
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` there
    with pytest.raises(RuntimeError, match=r"`dot` program.*pip install \"ember\[viz\]\""):
        viz.make_dot(basics()[0]).render(tmp_path / "g.svg")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize(("name", "fmt", "written", "magic"), [
    ("g.svg", None, "g.svg", b"<?xml"), ("g", None, "g.svg", b"<?xml"),
    ("g.png", None, "g.png", b"\x89PNG"), ("g", "png", "g.png", b"\x89PNG"),
])
def test_render(tmp_path, name, fmt, written, magic):
    pytest.importorskip("graphviz")
    loss, w, b = basics()
    dot = viz.make_dot(loss, params={"w": w, "b": b}, show_saved=True, show_attrs=True)
    path = dot.render(tmp_path / name, format=fmt)
    assert path == str(tmp_path / written)
    data = (tmp_path / written).read_bytes()
    assert data.startswith(magic)
    if magic == b"<?xml":
        assert b"BinaryCrossEntropyWithLogitsBackward0" in data and b"AccumulateGrad" in data
        assert dot._repr_svg_().startswith("<?xml")


# -- print_graph --------------------------------------------------------------------------


def test_print_graph_of_the_basics_example(capsys):
    loss, w, b = basics()
    viz.print_graph(loss, params={"w": w, "b": b})
    assert capsys.readouterr().out == (
        "BinaryCrossEntropyWithLogitsBackward0 -> tensor []\n"
        "└─ AddBackward0\n"
        "   ├─ SqueezeBackward4\n"
        "   │  └─ MmBackward0\n"
        "   │     └─ AccumulateGrad: w [5, 3]\n"
        "   └─ AccumulateGrad: b [3]\n"
    )
    out = io.StringIO()
    viz.print_graph(loss, show_saved=True, file=out)
    assert "BinaryCrossEntropyWithLogitsBackward0 -> tensor []  (saved: self [3], target [3])" in out.getvalue()
    assert "MmBackward0  (saved: self [1, 5])" in out.getvalue()


def test_print_graph_shows_shared_nodes_once():
    x = ember.ones(3, requires_grad=True)
    h = x.exp()
    out = (h * h.sin(), h.sum())
    text = viz.format_graph(out, params={"x": x})
    assert text == (
        "MulBackward0 -> tensor [3]\n"
        "├─ ExpBackward0 (#1)\n"
        "│  └─ AccumulateGrad: x [3]\n"
        "└─ SinBackward0\n"
        "   └─ ExpBackward0 (#1, see above)\n"
        "SumBackward0 -> tensor []\n"
        "└─ ExpBackward0 (#1, see above)"
    )
    y = x * 2
    assert viz.format_graph((y, y)).splitlines() == [
        "MulBackward0 -> tensor [3] (#1)", "└─ AccumulateGrad: [3]", "MulBackward0 (#1, see above) -> tensor [3]",
    ]


def test_print_graph_marks_outputs_of_multi_output_nodes():
    x = ember.ones(2, 3, requires_grad=True)
    a, b = (x * 1).unbind(0)
    text = viz.format_graph(a + b)
    assert "UnbindBackward0 [output 0] (#1)" in text and "UnbindBackward0 [output 1] (#1, see above)" in text


def chain(n: int, step):
    x = ember.ones(3, requires_grad=True)
    y = x
    for _ in range(n):
        y = step(y, x)
    return x, y


@pytest.fixture
def low_recursion_limit():
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(150)
    yield
    sys.setrecursionlimit(old)


def test_a_chain_of_100000_nodes(low_recursion_limit):
    x, y = chain(100_000, lambda y, x: y * 2)
    loss = y.sum()
    text = viz.format_graph(loss, params={"x": x})
    lines = text.splitlines()
    assert len(lines) == 13
    assert lines[6].strip() == "└─ … 99,990 more MulBackward0 …"
    assert sum(line.endswith("MulBackward0") for line in lines) == 10
    assert lines[-1].endswith("AccumulateGrad: x [3]")
    src = viz.make_dot(loss, params={"x": x}).source
    names = list(labels(src).values())
    assert names.count("MulBackward0") == 10 and "… 99,990 more MulBackward0 …" in names
    assert len(src.splitlines()) < 60


def test_a_repeated_pattern_of_100000_nodes(low_recursion_limit):
    x, y = chain(50_000, lambda y, x: (y * x).sin())
    text = viz.format_graph(y)
    assert "… 49,990 more × (SinBackward0, MulBackward0) …" in text
    assert len(text.splitlines()) < 40
    src = viz.make_dot(y).source
    assert "… 49,990 more × (SinBackward0, MulBackward0) …" in src and len(src.splitlines()) < 80


def test_max_nodes_and_max_depth(low_recursion_limit):
    # 2,000 different-looking steps: nothing repeats, so the caps do the work
    ops = [lambda y: y * 2, lambda y: y.sin(), lambda y: y + 1, lambda y: y.exp(), lambda y: y.tanh()]
    x = ember.ones(2, requires_grad=True)
    y = x
    for i in range(2_000):
        y = ops[(i * i + i // 7) % 5](y)
    src = viz.make_dot(y, max_nodes=100).source
    assert sum(k.startswith("n") for k in labels(src)) == 100
    assert "… 1,901 more Nodes not drawn (max_nodes=100) …" in src
    assert src.count("more -> ") == 1
    text = viz.format_graph(y, max_depth=10)
    assert max(len(line) for line in text.splitlines()) < 80
    assert text.endswith("└─ [depth 2000] AccumulateGrad: [2]")
    assert len(viz.make_dot(y, max_nodes=None).source.splitlines()) > 4_000
