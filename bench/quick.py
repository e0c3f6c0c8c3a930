"""The quick benchmark: run before and after any change to the hot path (under a minute).

The workloads of bench/suite.py (the same code) on ember, raw NumPy and PyTorch only, with
fewer rounds and no memory measurements; it prints the suite's tables of medians and
ratios and the issue-6 targets. It reports; it never fails.

    python bench/quick.py [--repeat N] [--only W1,W3,W4] [--engines numpy,ember,torch]

Defaults: every workload but the long training run W8, median of 5 interleaved runs.
"""

from __future__ import annotations

import argparse

import suite  # bench/suite.py; importing it pins NumPy's BLAS to one thread first

QUICK = "W1,W2,W3,W4,W5,W5v,W6,W7"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default=QUICK)
    parser.add_argument("--engines", default="numpy,ember,torch")
    args = parser.parse_args()
    suite.main(["--repeat", str(args.repeat), "--only", args.only, "--engines", args.engines, "--no-memory"])


if __name__ == "__main__":
    main()
