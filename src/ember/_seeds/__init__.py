"""The four autograd tutorials ember is built to run, kept as data.

Each seed module holds one tutorial's code cells in order, exactly as a user would type
them (with ``import torch``: the tour and the tests bind ``torch`` to ember), and the
tutorial's own prose, shortened, to show before each cell:

- ``NUMBER``, ``TITLE``, ``SOURCE``: which document it is (``/work/shared/seeds/``);
- ``CELLS``: the code cells, in order (notebook magics such as ``%matplotlib inline``
  are left out);
- ``PROSE``: one paragraph to show before each cell ("" for none), as long as ``CELLS``;
- ``OUTRO``: the tutorial's closing words, shown after the last cell;
- ``ORACLE_REWRITES``: ``(old, new)`` text replacements that make a cell run on today's
  PyTorch where the tutorial used an API PyTorch has since removed (ember keeps it).

>>> from ember._seeds import SEEDS
>>> [seed.NUMBER for seed in SEEDS]
[1, 2, 3, 4]
>>> all(len(seed.CELLS) == len(seed.PROSE) for seed in SEEDS)
True
"""

from __future__ import annotations

from types import ModuleType

from . import seed1_variable_2017, seed2_tensor_notebook, seed3_blitz, seed4_learn_the_basics

__all__ = ["SEEDS", "get"]

SEEDS: list[ModuleType] = [seed1_variable_2017, seed2_tensor_notebook, seed3_blitz, seed4_learn_the_basics]


def get(number: int) -> ModuleType:
    """The seed module with this ``NUMBER`` (1 to 4)."""
    for seed in SEEDS:
        if seed.NUMBER == number:
            return seed
    raise KeyError(f"no seed {number}: the seeds are {[s.NUMBER for s in SEEDS]}")
