"""Fixtures shared by the test files.

* ``rng``: a seeded NumPy generator, so every test draws the same numbers on every run.
* ``without_cupy``: makes ``import cupy`` fail, to test what a machine without CuPy sees.
* ``cupy``: the GPU tests' CuPy, once as the stand-in (``cupy_standin.py``, NumPy pretending
  to be a GPU: runs everywhere) and once as the real CuPy (marked ``gpu``: runs where CuPy sees
  a CUDA device, skipped elsewhere).

In CI (the environment variable CI set, as .ci/run does), a test marked ``render`` or
``browser`` that would skip fails instead: a missing Graphviz or Chromium must not turn the
drawing tests off unnoticed.
"""

from __future__ import annotations

import os
import sys

import cupy_standin
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
    monkeypatch.setattr(backend, "_device_count", 0)
    monkeypatch.setitem(sys.modules, "cupy", None)  # `import cupy` now raises ImportError


def cuda_available() -> bool:
    """Whether the real CuPy imports and sees a CUDA device (never raises)."""
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # no CuPy, no driver, no device: CUDA's errors share no base class
        return False


@pytest.fixture(
    params=[
        pytest.param("stand-in", id="cupy-standin"),
        pytest.param(
            "cupy",
            id="cupy",
            marks=[
                pytest.mark.gpu,
                pytest.mark.skipif(not cuda_available(), reason="needs CuPy and a CUDA device"),
            ],
        ),
    ]
)
def cupy(request, monkeypatch):
    """The cupy module the test runs against: the stand-in, or the real one."""
    if request.param == "stand-in":
        cupy_standin.install(monkeypatch)
        return cupy_standin
    import cupy as real

    return real


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if (
        report.skipped
        and in_ci()
        and (item.get_closest_marker("render") or item.get_closest_marker("browser"))
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        reason = str(reason).removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = (
            f"CI is set, so this drawing test may not skip, but it would: "
            f"{reason}. The README's test command (run by .ci/run) installs "
            "graphviz and chromium."
        )
