"""micrograd (Andrej Karpathy's, from PyPI), run exactly as its demo notebook runs it.

Its ``backward`` sorts the graph with a recursive function, so a chain longer than Python's
recursion limit (1000 frames by default) raises RecursionError: W4 reports that as "fails".
The limit is left at Python's default on purpose.
"""

from __future__ import annotations

import numpy
from micrograd.engine import Value
from micrograd.nn import MLP

from . import micrograd_api

LABEL = "micrograd"


def setup(threads: int) -> dict:
    from importlib.metadata import version

    return {"micrograd": version("micrograd")}


def to_numpy(x) -> numpy.ndarray:
    return numpy.asarray(x, dtype=numpy.float64)


def moons(problem):
    """W3: the demo's training step, with the shared initial weights."""
    return micrograd_api.moons(problem, MLP, Value)


def depth(problem):
    """W4: the scalar chain, then micrograd's (recursive) backward."""
    return micrograd_api.depth(problem, Value)
