"""``python -m ember``: the tour of the autograd tutorials (see ``ember._tour``).

Usage: ``python -m ember [tour] [--seed N] [--list] [--manual-seed S] [--graph-out PATH] [--no-graph]``;
``--help`` says more.
"""

from __future__ import annotations

import sys

from ember._tour import main

if __name__ == "__main__":
    sys.exit(main())
