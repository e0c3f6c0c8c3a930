"""A griffe extension for the API reference: show docstring examples (``>>>`` blocks) as code.

ember's docstrings carry their examples as plain doctests, which pytest runs
(``--doctest-modules``). Markdown would read their ``>>>`` as quotes; this wraps each
block (from its first ``>>>`` line to the next blank line) in a ``pycon`` fence, and drops
the doctest-only bits (``# doctest:`` directives, ``<BLANKLINE>``) from what is shown.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_DIRECTIVE = re.compile(r"\s*#\s*doctest:.*$")


def fence_doctests(text: str) -> str:
    """``text`` with each doctest block fenced as ``pycon``."""
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if not stripped.startswith(">>>"):
            out.append(line)
            i += 1
            continue
        indent = line[: len(line) - len(stripped)]
        out.append(f"{indent}```pycon")
        while i < len(lines) and lines[i].strip():
            shown = _DIRECTIVE.sub("", lines[i]) if lines[i].lstrip().startswith((">>>", "...")) else lines[i]
            out.append("" if shown.strip() == "<BLANKLINE>" else shown)
            i += 1
        out.append(f"{indent}```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the ``>>>`` examples of every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
