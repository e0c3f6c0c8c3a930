"""The README's table of supported ops is the registry's: regenerate it when rows change."""

from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_readme_op_table_is_current():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "op_table.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr + out.stdout
