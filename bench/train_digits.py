"""Real training, measured: the digits example on ember and on PyTorch, in one run.

    python bench/train_digits.py [--epochs 30] [--models mlp cnn]

Same data split, model, optimizer, schedule and epochs for both; reports test accuracy
and training time, and ember's time as a ratio to PyTorch's. Single-threaded.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import pathlib
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "train_digits.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--models", nargs="+", default=["mlp", "cnn"])
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("train_digits", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    sys.modules["train_digits"] = example
    spec.loader.exec_module(example)
    try:
        import torch

        torch.set_num_threads(1)
        frameworks = ["ember", "torch"]
    except ImportError:
        frameworks = ["ember"]
    print(f"{'model':5} {'framework':9} {'accuracy':>9} {'final loss':>10} {'seconds':>8} {'ember/torch':>11}")
    for kind in args.models:
        results = {fw: example.train(fw, kind, args.epochs, quiet=True) for fw in frameworks}
        for fw, r in results.items():
            ratio = f"{results['ember']['seconds'] / results['torch']['seconds']:10.2f}x" if fw == "torch" else ""
            print(f"{kind:5} {fw:9} {r['accuracy']:9.2%} {r['loss']:10.4f} {r['seconds']:8.1f} {ratio:>11}")


if __name__ == "__main__":
    main()
