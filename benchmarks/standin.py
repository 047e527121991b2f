"""For the test of ``python -m benchmarks gpu`` only: the CuPy stand-in in place of CuPy.

When the environment variable ``BENCH_CUPY_STANDIN`` names the folder of ``cupy_standin.py``
(the test suite's NumPy-backed imitation of CuPy), ``install_if_asked()`` makes ``import cupy``
and ``import cupyx`` give it, in the command's process and in every worker. The GPU check then
runs all its code on a machine without a GPU; its figures are NumPy's on the CPU and say
nothing about a GPU, which the report states at its top.
"""

from __future__ import annotations

import os
import sys

ENV = "BENCH_CUPY_STANDIN"


def install_if_asked() -> bool:
    """Put the stand-in in ``sys.modules`` if ``BENCH_CUPY_STANDIN`` asks for it."""
    folder = os.environ.get(ENV)
    if not folder:
        return False
    if folder not in sys.path:
        sys.path.insert(0, folder)
    import cupy_standin

    sys.modules["cupy"] = cupy_standin
    sys.modules["cupyx"] = cupy_standin.cupyx
    return True
