"""Hostile files: small archives that inflate to gigabytes, headers that lie, corrupt bytes.

Each file is built here, byte by byte, in a temporary folder; each is then loaded in a fresh
Python process whose peak resident memory must stay under ``LIMIT_MIB``, and whose error must
name the file and the problem. Before these checks, a 2 MB archive with one extra 2 GB member
drove ``load_weights`` to 1.9 GB, and a 2 MB gzipped IDX file drove the MNIST loader to 3.9 GB.

A "bomb" here is a real one: its deflate stream inflates to every byte it declares, with the
right checksum. It is made from one compressed megabyte of zeros repeated (a full flush makes
each compressed block independent of the ones before), so building it takes a second.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np
from memory import peak_rss_mib

LIMIT_MIB = 200
GIB = 1 << 30
MIB = 1 << 20


# ---- building the files -------------------------------------------------------------------------


class Zeros:
    """``size`` bytes: an optional ``head`` followed by zeros, as raw deflate data with its
    CRC-32, without ever holding the whole of it in memory."""

    def __init__(self, size: int, head: bytes = b"") -> None:
        self.size, self.head = size, head
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        zeros = bytes(MIB)
        first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
        block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
        megabytes, rest = divmod(size - len(head), MIB)
        tail = compressor.compress(bytes(rest)) + compressor.flush()
        self.deflated = first + block * megabytes + tail
        crc = zlib.crc32(head)
        for _ in range(megabytes):
            crc = zlib.crc32(zeros, crc)
        self.crc = zlib.crc32(bytes(rest), crc)


def npy_header(shape: tuple, descr: str = "<f4") -> bytes:
    """An .npy version 1.0 header for ``shape`` (what ``numpy.save`` writes before the data)."""
    text = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape!r}, }}"
    text += " " * (-(len(text) + 11) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")


def write_zip(path: Path, members: list) -> Path:
    """A zip archive written field by field. Each member is (name, data) for stored bytes,
    or (name, Zeros) for a deflated one; ``declared`` sizes may be given as a third item
    (name, data, declared_size) to make the directory lie."""
    local, central = bytearray(), bytearray()
    for member in members:
        name, content = member[0], member[1]
        if isinstance(content, Zeros):
            method, data, crc, size = 8, content.deflated, content.crc, content.size
        else:
            method, data, crc, size = 0, content, zlib.crc32(content), len(content)
        if len(member) > 2:
            size = member[2]
        encoded = name.encode()
        offset = len(local)
        fields = struct.pack(
            "<HHHHHIIIHH", 20, 0, method, 0, 0x21, crc, len(data), size, len(encoded), 0
        )
        local += b"PK\x03\x04" + fields + encoded + data
        central += (
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fields
            + struct.pack("<HHHII", 0, 0, 0, 0, offset)
            + encoded
        )
    end = struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(central), len(local), 0)
    path.write_bytes(bytes(local) + bytes(central) + b"PK\x05\x06" + end)
    return path


def write_gzip(path: Path, content: Zeros) -> Path:
    """A gzip file (RFC 1952) around ``content``'s deflate data."""
    header = b"\x1f\x8b\x08\x00" + bytes(4) + b"\x02\xff"
    trailer = struct.pack("<II", content.crc, content.size & 0xFFFFFFFF)
    path.write_bytes(header + content.deflated + trailer)
    return path


def npy(array: np.ndarray) -> bytes:
    return npy_header(array.shape, array.dtype.str) + array.tobytes()


def idx_header(shape: tuple, code: int = 0x08) -> bytes:
    return bytes([0, 0, code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape)


# ---- measuring a load in a fresh process ------------------------------------------------------

MODEL = """
import nn
model = nn.Sequential([nn.Dense(4, input_shape=(3,), activation="relu"), nn.Dense(2)])
"""

LAZY_MODEL = """
import nn
model = nn.Sequential([nn.Dense(4, activation="relu"), nn.Dense(2)])
"""

MNIST = """
import sys
sys.path.insert(0, "examples")
import mnist_data
"""


def refused(setup: str, call: str) -> tuple[float, str]:
    """(peak MiB, error message) of ``call`` after ``setup``, in a fresh process; the call
    must raise a ValueError."""
    code = (
        setup
        + f"""
try:
    {call}
except ValueError as error:
    print("refused:", error)
else:
    print("accepted")
"""
    )
    peak, output = peak_rss_mib(code)
    assert output.startswith("refused: "), output
    return peak, output[len("refused: ") :]


def weights(model_code: str = MODEL) -> dict:
    """The state of the model that ``model_code`` makes, as .npy bytes by member name."""
    namespace: dict = {}
    exec(model_code, namespace)
    return {name + ".npy": npy(array) for name, array in namespace["model"].state_dict().items()}


# ---- weights files ------------------------------------------------------------------------------


def test_an_extra_2_gib_member_is_never_inflated(tmp_path):
    members = list(weights().items()) + [
        ("bomb.npy", Zeros(2 * GIB, npy_header((2 * GIB - 128,), "|u1")))
    ]
    path = write_zip(tmp_path / "weights.npz", members)
    assert path.stat().st_size < 3 * MIB
    peak, message = refused(MODEL, f"model.load_weights({str(path)!r})")
    assert str(path) in message and "unexpected: bomb" in message
    assert peak < LIMIT_MIB, peak


def test_an_expected_member_inflating_to_2_gib_is_refused_by_its_declared_size(tmp_path):
    members = dict(weights())
    members["layers.0.weight.npy"] = Zeros(2 * GIB, npy_header((4, 3)))
    path = write_zip(tmp_path / "weights.npz", list(members.items()))
    peak, message = refused(MODEL, f"model.load_weights({str(path)!r})")
    assert str(path) in message
    assert (
        f"layers.0.weight declares {2 * GIB} bytes, more than an array of shape (4, 3)" in message
    )
    assert peak < LIMIT_MIB, peak


def test_a_lazy_layer_cannot_be_made_to_take_more_than_the_cap(tmp_path):
    """The input width of a lazy layer comes from the file: 2 GiB of it is over the cap."""
    members = dict(weights())
    width = 2 * GIB // 16
    members["layers.0.weight.npy"] = Zeros(2 * GIB + 128, npy_header((4, width)))
    path = write_zip(tmp_path / "weights.npz", list(members.items()))
    peak, message = refused(LAZY_MODEL, f"model.load_weights({str(path)!r})")
    assert str(path) in message and "declares" in message and str(1 << 30) in message
    assert peak < LIMIT_MIB, peak


def test_a_directory_that_understates_a_member_is_caught_by_the_checksum(tmp_path):
    """The directory says 176 bytes; the data inflates to 2 GiB. zipfile stops at 176 bytes,
    and the checksum of the whole member does not match those."""
    real = np.zeros((4, 3), np.float32)
    members = [(name, data) for name, data in weights().items() if name != "layers.0.weight.npy"]
    members.append(("layers.0.weight.npy", Zeros(2 * GIB, npy(real)), len(npy(real))))
    path = write_zip(tmp_path / "weights.npz", members)
    peak, message = refused(MODEL, f"model.load_weights({str(path)!r})")
    assert str(path) in message and "corrupt" in message
    assert peak < LIMIT_MIB, peak


def test_a_header_that_announces_more_than_the_member_holds(tmp_path):
    members = dict(weights())
    members["layers.0.weight.npy"] = npy_header((4, 3)) + bytes(8)  # 8 of 48 bytes
    path = write_zip(tmp_path / "weights.npz", list(members.items()))
    peak, message = refused(MODEL, f"model.load_weights({str(path)!r})")
    assert (
        "header announces shape (4, 3) of float32 (48 bytes of values), but the archive "
        "holds 8 bytes" in message
    )
    assert peak < LIMIT_MIB, peak


# ---- MNIST files ---------------------------------------------------------------------------------


def test_a_gzipped_idx_file_announcing_2_gib_is_refused_before_inflating(tmp_path):
    shape = (2_740_000, 28, 28)  # 2.1 GB of images
    path = write_gzip(
        tmp_path / "train-images-idx3-ubyte.gz", Zeros(4 + 12 + 2_740_000 * 784, idx_header(shape))
    )
    assert path.stat().st_size < 3 * MIB
    peak, message = refused(MNIST, f"mnist_data.read_idx({str(path)!r})")
    assert str(path) in message and "more than the" in message
    assert peak < LIMIT_MIB, peak


def test_a_gzipped_idx_file_with_2_gib_after_its_values_stops_reading_there(tmp_path):
    shape = (60_000, 28, 28)  # MNIST's training images, 47 MB, then 2 GB more
    path = write_gzip(tmp_path / "train-images-idx3-ubyte.gz", Zeros(2 * GIB, idx_header(shape)))
    peak, message = refused(MNIST, f"mnist_data.read_idx({str(path)!r})")
    assert str(path) in message and "unexpected bytes after the 47040000 bytes" in message
    assert peak < LIMIT_MIB, peak


def test_an_idx_header_whose_sizes_multiply_past_2_to_the_64(tmp_path):
    path = tmp_path / "huge-idx3-ubyte"
    path.write_bytes(idx_header((0xFFFFFFFF,) * 4) + bytes(100))
    peak, message = refused(MNIST, f"mnist_data.read_idx({str(path)!r})")
    assert str(path) in message and str(0xFFFFFFFF**4) in message
    assert peak < LIMIT_MIB, peak


def test_an_mnist_npz_with_a_2_gib_member_is_refused_before_inflating(tmp_path):
    small = {
        "x_train": np.zeros((2, 28, 28), np.uint8),
        "y_train": np.zeros(2, np.uint8),
        "x_test": np.zeros((2, 28, 28), np.uint8),
        "y_test": np.zeros(2, np.uint8),
    }
    members = [(name + ".npy", npy(array)) for name, array in small.items()]
    members[0] = ("x_train.npy", Zeros(2 * GIB, npy_header((2 * GIB // 784 - 1, 28, 28), "|u1")))
    path = write_zip(tmp_path / "mnist.npz", members)
    peak, message = refused(MNIST, f"mnist_data.load_mnist({str(path)!r})")
    assert str(path) in message and "'x_train' declares" in message
    assert peak < LIMIT_MIB, peak


# ---- the builders build what they claim ---------------------------------------------------------


def test_the_builders_make_valid_files(tmp_path):
    """A small bomb, stored members and a gzip file, read back by the standard library: the
    hostile files above are hostile only where they mean to be."""
    import zipfile

    head = npy_header((5000,), "|u1")
    content = Zeros(len(head) + 5000, head)
    path = write_zip(tmp_path / "ok.npz", [("a.npy", npy(np.arange(3.0))), ("b.npy", content)])
    with np.load(path) as archive:
        assert archive["a"].tolist() == [0.0, 1.0, 2.0]
        assert archive["b"].shape == (5000,) and not archive["b"].any()
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
    gz = write_gzip(tmp_path / "x.gz", Zeros(3 * MIB + 5, b"head"))
    with gzip.open(gz) as f:
        data = f.read()
    assert len(data) == 3 * MIB + 5 and data.startswith(b"head") and not any(data[4:])


def test_the_limit_leaves_room_above_what_the_imports_take():
    peak, _ = peak_rss_mib(MODEL + MNIST)
    assert peak < LIMIT_MIB / 2, peak
