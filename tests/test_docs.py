"""The docs site (docs/, mkdocs.yml): its examples run, its pictures are current, its nav is whole."""

from __future__ import annotations

import doctest
import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "tools" not in p.parts)
FENCE = re.compile(r"^```pycon\n(.*?)^```$", re.M | re.S)


def examples(page: Path) -> str:
    """The page's ``pycon`` blocks, in order, as one doctest (they share their names).

    Whitespace is normalised when comparing: doctest turns the tabs of DOT text into spaces.
    """
    return "\n".join(block for block in FENCE.findall(page.read_text(encoding="utf-8")))


@pytest.mark.parametrize("page", [p for p in PAGES if "```pycon" in p.read_text(encoding="utf-8")],
                         ids=lambda p: str(p.relative_to(DOCS)))
def test_examples_run(page: Path) -> None:
    text = examples(page)
    test = doctest.DocTestParser().get_doctest(text, {"__name__": "__docs__"}, page.name, str(page), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out: list[str] = []
    runner.run(test, out=out.append)
    assert runner.failures == 0, "".join(out)
    assert runner.tries > 0


def test_nav_lists_every_page_and_every_page_exists() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r":\s*([\w/.-]+\.md)\s*$", config, re.M))
    assert listed == {str(p.relative_to(DOCS)) for p in PAGES}


def test_pictures_are_current() -> None:
    """docs/img/*.dot are what docs/tools/make_pictures.py draws today (the SVGs are drawn from them)."""
    pictures = runpy.run_path(str(DOCS / "tools" / "make_pictures.py"))["pictures"]()
    for name, dot in pictures.items():
        committed = (DOCS / "img" / f"{name}.dot").read_text(encoding="utf-8")
        assert dot.source == committed, f"docs/img/{name}.dot is stale: run python docs/tools/make_pictures.py"
        assert (DOCS / "img" / f"{name}.svg").exists()


def test_doctest_fences_for_the_api_reference() -> None:
    fence = runpy.run_path(str(DOCS / "tools" / "griffe_doctest.py"), run_name="griffe_doctest")["fence_doctests"] \
        if _has("griffe") else pytest.skip("griffe (mkdocstrings) is not installed")
    text = "Intro.\n\n>>> x = 1  # doctest: +SKIP\n>>> print('a')\na\n<BLANKLINE>\n\nAfter."
    assert fence(text) == "Intro.\n\n```pycon\n>>> x = 1\n>>> print('a')\na\n\n```\n\nAfter."


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def test_ember_only_messages_point_to_a_section_that_exists():
    import warnings

    import ember

    a = ember.tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    c = b * b
    b.add_(1)
    with pytest.raises(RuntimeError) as info:
        c.sum().backward()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (a * 2).backward(ember.ones(2, dtype=ember.float64))
    anchors = set(re.findall(r"\{ #([\w-]+) \}", (DOCS / "errors.md").read_text(encoding="utf-8")))
    for text in (str(info.value), str(caught[0].message)):
        found = re.search(r"docs/errors\.md#([\w-]+)\.$", text)
        assert found is not None, text
        assert found.group(1) in anchors, (found.group(1), anchors)
