"""Summarise a py-spy profile of ``bench/suite.py --loop``: where the time goes, by function.

    py-spy record -r 400 -f raw -o w2.txt -- python bench/suite.py --loop W2 --seconds 8
    python bench/spy_summary.py w2.txt [--top 20]

Only the samples taken inside the measured loop count (imports and set-up are left out).
"Own" is the innermost Python function of a sample: its own bytecode plus the C code it
calls directly (a NumPy kernel, BLAS), which is where array math shows up; "inclusive"
counts a function whenever it is on the stack.
"""

from __future__ import annotations

import argparse
import collections
import re

_LINE = re.compile(r":\d+\)$")


def summarise(path: str, top: int) -> str:
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    with open(path) as f:
        for line in f:
            stack, count = line.rstrip().rsplit(" ", 1)
            frames = [_LINE.sub(")", fr) for fr in stack.split(";")]
            if not any(fr.startswith("measured_loop ") for fr in frames):
                continue
            n = int(count)
            total += n
            python = [fr for fr in frames if ".py)" in fr]
            if python:
                own[python[-1]] += n
            for fr in set(frames):
                inclusive[fr] += n
    if not total:
        return "no samples inside measured_loop"
    out = [f"{total} samples in the loop", "", "own (innermost Python function):"]
    out += [f"{100 * n / total:6.1f}%  {fr}" for fr, n in own.most_common(top)]
    out += ["", "inclusive:"]
    out += [f"{100 * n / total:6.1f}%  {fr}" for fr, n in inclusive.most_common(top + 10)]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    print(summarise(args.path, args.top))


if __name__ == "__main__":
    main()
