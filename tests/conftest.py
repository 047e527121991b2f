"""Fixtures shared by the test files.

* ``rng``: a seeded NumPy generator, so every test draws the same numbers on every run.
* ``without_cupy``: makes ``import cupy`` fail, to test what a machine without CuPy sees.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def without_cupy(monkeypatch):
    """Pretend CuPy is not installed (and was never imported), whatever this machine has."""
    import autograd_lite.backend as backend

    monkeypatch.setattr(backend, "_cupy", None)
    monkeypatch.setitem(sys.modules, "cupy", None)  # `import cupy` now raises ImportError
