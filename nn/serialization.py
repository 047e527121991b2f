"""Weights on disk: ``save_weights(model, path)`` and ``load_weights(model, path)``.

The file is a NumPy ``.npz`` archive with one array per parameter, named by its place in the
module tree (``layers.0.weight``, ``layers.0.bias``, ...; see ``nn.module``), so any model of
the same architecture can load it, and ``numpy.load`` can read it without this package.

Saving is atomic. The archive is written to ``.NAME.tmp`` beside the target, flushed to disk,
and renamed over the target with ``os.replace``: a crash leaves either the old file or the new
one, never half a file. The temporary name is the same for every save to one target, so a save
killed half-way leaves at most that one file, which the next save replaces. A new file gets the
permissions the umask allows (as ``open`` would give it), a replaced one keeps its own, and when
``path`` is a symbolic link the file it points to is written, the link stays.

Loading never runs code and never allocates more than the data warrants (``NpzReader``):

* the archive's members are checked by the sizes they declare before anything is
  decompressed: an array the model does not have is never read, and an expected one may
  declare no more bytes than its shape in the model allows (``MAX_ARRAY_BYTES`` for a size the
  model does not fix yet, the input width of a lazy layer);
* each array's ``.npy`` header is parsed without pickle (arrays of Python objects are refused),
  its shape checked against the model, and its size against the bytes the archive declares,
  before the values are read, in chunks, with the archive's checksum verified;
* the values must be finite and fit the parameter's dtype.

Any problem (a file that is not an archive, cut short or corrupt, duplicate, missing,
unexpected or mis-shaped arrays, nan) raises a ValueError that names the file and the problem;
the file is closed and the model is left as it was. A file that cannot be opened at all raises
the usual OSError (FileNotFoundError, PermissionError).
"""

from __future__ import annotations

import math
import os
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy

if TYPE_CHECKING:
    from .module import Module

PathLike = str | os.PathLike

# An array whose shape the model does not fix may take at most this many bytes (1 GiB).
MAX_ARRAY_BYTES = 1 << 30
# The widest number a weights file may hold (float128), for the bound on an array's bytes.
MAX_ITEMSIZE = 16
# NumPy's own limit on an .npy header, plus the magic string, version and length before it.
MAX_HEADER_BYTES = 10_000
_PREAMBLE_BYTES = 12
_CHUNK_BYTES = 1 << 20

# What zipfile, zlib and the .npy parser raise on a file that is not what it claims to be.
_CORRUPT = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    OverflowError,
    IndexError,
    KeyError,
)


# ---- saving -----------------------------------------------------------------------------------


def save_weights(model: Module, path: PathLike) -> None:
    """Write every parameter of ``model`` to ``path`` (an .npz archive), atomically."""
    arrays = model.state_dict()
    target = os.path.realpath(os.fspath(path))  # a symbolic link's target, not the link
    temporary = _temporary_path(target)
    descriptor = _create_exclusively(temporary)
    try:
        with os.fdopen(descriptor, "wb") as file:
            with zipfile.ZipFile(
                file, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True
            ) as archive:
                for name, array in arrays.items():
                    with archive.open(name + ".npy", mode="w", force_zip64=True) as member:
                        numpy.lib.format.write_array(member, array, allow_pickle=False)
            file.flush()
            os.fsync(file.fileno())
        if os.path.exists(target):
            os.chmod(temporary, os.stat(target).st_mode & 0o777)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    _sync_directory(os.path.dirname(target))


def _temporary_path(target: str) -> str:
    """Where a save to ``target`` writes first: ``.NAME.tmp`` in the same directory (a rename
    is atomic only within one file system)."""
    directory, name = os.path.split(target)
    return os.path.join(directory, f".{name}.tmp")


def _create_exclusively(temporary: str) -> int:
    """A new file at ``temporary`` (mode 0o666 less the umask), open for writing. A file left
    there by a killed save is removed first; a symbolic link planted there is removed, never
    followed."""
    try:
        os.unlink(temporary)
    except FileNotFoundError:
        pass
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        return os.open(temporary, flags, 0o666)
    except FileExistsError:
        raise OSError(
            f"save_weights: {temporary} appeared while saving; is another process "
            "saving to the same file?"
        ) from None


def _sync_directory(directory: str) -> None:
    """Flush the directory entry of the rename to disk, where the system allows it."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# ---- loading ----------------------------------------------------------------------------------


def load_weights(model: Module, path: PathLike) -> None:
    """Load the arrays saved by ``save_weights`` into ``model``: all of them, or none."""
    path = os.fspath(path)
    expected = model._expected_state()
    try:
        with NpzReader(path) as archive:
            headers: dict[str, ArrayHeader | None] = dict.fromkeys(archive.names)
            problems = []
            for name in archive.names:
                if name in expected:
                    bound = _byte_bound(expected[name].shape)
                    if archive.declared_bytes(name) > bound:
                        problems.append(
                            f"{name} declares {archive.declared_bytes(name)} bytes, "
                            f"more than an array of shape "
                            f"{expected[name].shape_text} can take ({bound})"
                        )
                    else:
                        headers[name] = archive.header(name, bound)
            problems += model._state_problems(
                {
                    name: None if header is None else (header.shape, header.dtype)
                    for name, header in headers.items()
                }
            )
            if problems:
                raise ValueError(
                    f"{path}: the weights do not fit this model; " + "; ".join(problems)
                )
            arrays = {
                name: archive.read(name, _byte_bound(expected[name].shape))
                for name in archive.names
            }
    except ValueError as error:
        raise ValueError(f"load_weights: {error}") from None
    try:
        model.load_state_dict(arrays)
    except ValueError as error:
        problem = str(error).removeprefix("load_state_dict: ")
        raise ValueError(f"load_weights: {path}: {problem}") from None


def _byte_bound(shape: tuple[int | None, ...]) -> int:
    """The most bytes a member may declare for a parameter of ``shape`` (None: not fixed)."""
    if None in shape:
        return MAX_ARRAY_BYTES
    return _PREAMBLE_BYTES + MAX_HEADER_BYTES + math.prod(shape) * MAX_ITEMSIZE


@dataclass(frozen=True)
class ArrayHeader:
    """What an ``.npy`` header announces: the array's shape, dtype and memory order, and the
    number of bytes the header itself takes."""

    shape: tuple[int, ...]
    dtype: numpy.dtype
    fortran_order: bool
    size: int

    @property
    def data_bytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


class NpzReader:
    """An ``.npz`` archive, read without pickle and within the sizes the caller allows.

        with NpzReader(path) as archive:
            archive.names                        # the arrays, in the archive's order
            archive.declared_bytes(name)         # the size the archive declares for one
            archive.header(name, max_bytes)      # its shape and dtype (an ArrayHeader)
            archive.read(name, max_bytes)        # its values (a NumPy array)

    ``header`` and ``read`` first check the member's declared size against ``max_bytes``,
    before decompressing anything; the header must then account for exactly that size, and
    ``read`` allocates that many bytes and fills them chunk by chunk, so neither a
    decompression bomb nor a header that lies can make it allocate more. Every problem raises a
    ValueError that starts with the file's path; the file is closed when the ``with`` block
    ends, or at once when opening fails.
    """

    def __init__(self, path: PathLike) -> None:
        self.path = os.fspath(path)
        file = open(self.path, "rb")
        try:
            self._zip = self._open_zip(file)
            self._members = self._index()
        except BaseException:
            file.close()
            raise
        self._file = file

    def __enter__(self) -> NpzReader:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()
        self._file.close()

    @property
    def names(self) -> list[str]:
        """The array names (member names without their '.npy')."""
        return list(self._members)

    def declared_bytes(self, name: str) -> int:
        """The uncompressed size the archive declares for array ``name``."""
        return self._members[name].file_size

    def header(self, name: str, max_bytes: int) -> ArrayHeader:
        """The header of array ``name``, whose member may take at most ``max_bytes``."""
        with self._open_member(name, max_bytes) as member:
            return self._parse_header(name, member)

    def read(self, name: str, max_bytes: int) -> numpy.ndarray:
        """The array ``name``, whose member may take at most ``max_bytes``."""
        with self._open_member(name, max_bytes) as member:
            header = self._parse_header(name, member)
            flat = numpy.empty(math.prod(header.shape), dtype=header.dtype)
            raw = flat.view(numpy.uint8) if header.data_bytes else numpy.empty(0, numpy.uint8)
            done = 0
            try:
                while done < len(raw):
                    chunk = member.read(min(_CHUNK_BYTES, len(raw) - done))
                    if not chunk:
                        break
                    raw[done : done + len(chunk)] = numpy.frombuffer(chunk, dtype=numpy.uint8)
                    done += len(chunk)
                trailing = member.read(1)  # at the end: zipfile has compared the checksum
            except _CORRUPT as error:
                raise self._corrupt(error, name) from None
            if done < len(raw) or trailing:
                raise self._error(
                    f"array {name!r} does not hold the {len(raw)} bytes of values "
                    "its header announces; the file may be corrupt"
                )
        order = "F" if header.fortran_order else "C"
        return flat.reshape(header.shape, order=order)

    # ---- the parts ----------------------------------------------------------------------------

    def _error(self, problem: str) -> ValueError:
        return ValueError(f"{self.path}: {problem}")

    def _corrupt(self, error: BaseException, name: str | None = None) -> ValueError:
        where = f"array {name!r} cannot be read" if name else "not a readable .npz file"
        return self._error(
            f"{where}: the file may be truncated or corrupt ({type(error).__name__}: {error})"
        )

    def _open_zip(self, file: Any) -> zipfile.ZipFile:
        start = file.read(6)
        if start.startswith(b"\x93NUMPY"):
            raise self._error("holds a single array (.npy), not an .npz archive of named arrays")
        if not start.startswith(b"PK"):
            raise self._error(
                "not an .npz file (an .npz is a zip archive, which starts with the bytes PK)"
            )
        file.seek(0)
        try:
            return zipfile.ZipFile(file)
        except _CORRUPT as error:
            raise self._corrupt(error) from None

    def _index(self) -> dict[str, zipfile.ZipInfo]:
        members: dict[str, zipfile.ZipInfo] = {}
        for info in self._zip.infolist():
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            if name in members:
                raise self._error(f"holds two arrays named {name!r}; which one is meant?")
            members[name] = info
        return members

    def _open_member(self, name: str, max_bytes: int) -> Any:
        info = self._members[name]
        if info.file_size > max_bytes:
            raise self._error(
                f"array {name!r} declares {info.file_size} bytes, more than the "
                f"{max_bytes} it may take"
            )
        try:
            return self._zip.open(info)
        except _CORRUPT as error:
            raise self._corrupt(error, name) from None

    def _parse_header(self, name: str, member: Any) -> ArrayHeader:
        """The member's .npy header, checked against the size the archive declares."""
        fmt = numpy.lib.format
        try:
            version = fmt.read_magic(member)
            if version == (1, 0):
                shape, fortran_order, dtype = fmt.read_array_header_1_0(
                    member, max_header_size=MAX_HEADER_BYTES
                )
            elif version == (2, 0):
                shape, fortran_order, dtype = fmt.read_array_header_2_0(
                    member, max_header_size=MAX_HEADER_BYTES
                )
            else:
                raise ValueError(
                    f".npy format version {version[0]}.{version[1]} is not read "
                    "here (1.0 and 2.0 are)"
                )
            size = member.tell()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise self._corrupt(error, name) from None
        except (ValueError, SyntaxError, TypeError) as error:
            raise self._error(f"array {name!r} has no valid .npy header ({error})") from None
        if any(n < 0 for n in shape):
            raise self._error(f"array {name!r} has no valid .npy header (shape {shape})")
        if dtype.hasobject:
            raise self._error(
                f"array {name!r} holds Python objects (dtype {dtype}), which "
                "cannot be read without pickle; only plain arrays of numbers "
                "load"
            )
        header = ArrayHeader(tuple(int(n) for n in shape), dtype, bool(fortran_order), size)
        declared = self._members[name].file_size
        if header.size + header.data_bytes != declared:
            raise self._error(
                f"array {name!r}: its header announces shape {header.shape} of {dtype} "
                f"({header.data_bytes} bytes of values), but the archive holds "
                f"{declared - header.size} bytes of values for it; the file is corrupt"
            )
        return header


__all__ = ["MAX_ARRAY_BYTES", "ArrayHeader", "NpzReader", "load_weights", "save_weights"]
