"""Weights on disk: ``save_weights(model, path)`` and ``load_weights(model, path)``.

The file is a NumPy ``.npz`` archive with one array per parameter, named by its place in the
module tree (``layers.0.weight``, ``layers.0.bias``, ...; see ``nn.module``), so any model of
the same architecture can load it, and ``numpy.load`` can read it without this package.

Saving writes a temporary file in the target's directory and renames it over the target with
``os.replace``, which is atomic: a crash leaves either the old file or the new one, never half
a file. Loading reads with ``allow_pickle=False`` (a weights file cannot run code) and checks
every array before changing anything: missing, unexpected or mis-shaped arrays raise a
ValueError that names them, and the model is left as it was.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from typing import TYPE_CHECKING

import numpy

if TYPE_CHECKING:
    from .module import Module

PathLike = str | os.PathLike


def save_weights(model: Module, path: PathLike) -> None:
    """Write every parameter of ``model`` to ``path`` (an .npz archive), atomically."""
    arrays = model.state_dict()
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.",
                                             suffix=".tmp", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as file:
            with zipfile.ZipFile(file, mode="w", compression=zipfile.ZIP_STORED,
                                 allowZip64=True) as archive:
                for name, array in arrays.items():
                    with archive.open(name + ".npy", mode="w", force_zip64=True) as member:
                        numpy.lib.format.write_array(member, array, allow_pickle=False)
            file.flush()
            os.fsync(file.fileno())
        mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def load_weights(model: Module, path: PathLike) -> None:
    """Load the arrays saved by ``save_weights`` into ``model``: all of them, or none."""
    path = os.fspath(path)
    try:
        loaded = numpy.load(path, allow_pickle=False)
    except ValueError as error:
        raise ValueError(f"load_weights: {path} is not an .npz file of weights ({error})") \
            from None
    if not isinstance(loaded, numpy.lib.npyio.NpzFile):
        raise ValueError(f"load_weights: {path} holds a single array, not an .npz archive of "
                         "named arrays as save_weights writes")
    arrays = {}
    with loaded:
        for name in loaded.files:
            try:
                arrays[name] = loaded[name]
            except ValueError as error:
                raise ValueError(f"load_weights: array {name!r} of {path} cannot be read "
                                 f"without pickle ({error})") from None
    try:
        model.load_state_dict(arrays)
    except ValueError as error:
        raise ValueError(f"load_weights({path!r}): {error}") from None
