"""Train a classifier on scikit-learn's handwritten digits (8x8 images), with ember or PyTorch.

The training code is written once, against PyTorch's API; ``--framework`` chooses which
library runs it (``import ember as torch`` or the real ``torch``):

    python examples/train_digits.py --model mlp              # ember
    python examples/train_digits.py --model cnn --framework torch

Needs scikit-learn for the data set (``pip install scikit-learn``): 1,797 images, split
80/20 with a fixed seed, pixels scaled to [0, 1].
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from typing import Any

import numpy as np


def load(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    cut = int(0.8 * len(y))
    return x[order[:cut]], y[order[:cut]], x[order[cut:]], y[order[cut:]]


def make_model(torch: Any, kind: str) -> Any:
    nn = torch.nn
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                             nn.Linear(64, 10))
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Linear(64, 10),
    )


def progress(epoch: int, epochs: int, loss: float, width: int = 30) -> None:
    done = int(width * epoch / epochs)
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] epoch {epoch}/{epochs} loss {loss:.4f}")
    sys.stderr.flush()
    if epoch == epochs:
        sys.stderr.write("\n")


def train(framework: str, kind: str, epochs: int, seed: int = 0, quiet: bool = False) -> dict:
    """Train one model; returns its test accuracy, final loss and training time."""
    torch = importlib.import_module(framework)
    torch.manual_seed(seed)
    xtr, ytr, xte, yte = load(seed)
    data = torch.utils.data.TensorDataset(torch.tensor(xtr), torch.tensor(ytr))
    loader = torch.utils.data.DataLoader(data, batch_size=64, shuffle=True,
                                         generator=torch.Generator().manual_seed(seed))
    model = make_model(torch, kind)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=max(epochs // 2, 1), gamma=0.3)
    loss_fn = torch.nn.CrossEntropyLoss()
    start = time.perf_counter()
    loss_value = float("nan")
    for epoch in range(1, epochs + 1):
        model.train()
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            loss_value = loss.item()
        sched.step()
        if not quiet:
            progress(epoch, epochs, loss_value)
    elapsed = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        pred = model(torch.tensor(xte)).argmax(1)
    accuracy = float((pred == torch.tensor(yte)).float().mean().item())
    return {"framework": framework, "model": kind, "accuracy": accuracy, "loss": loss_value, "seconds": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--framework", choices=["ember", "torch"], default="ember")
    parser.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    r = train(args.framework, args.model, args.epochs, args.seed)
    print(f"{r['framework']} {r['model']}: test accuracy {r['accuracy']:.2%}, final loss {r['loss']:.4f}, "
          f"{r['seconds']:.1f} s")


if __name__ == "__main__":
    main()
