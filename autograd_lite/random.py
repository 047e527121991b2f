"""The random number generator shared by initializers, dropout and ``randn``/``rand``."""

from __future__ import annotations

import numpy

_generator = numpy.random.default_rng()


def manual_seed(seed: int) -> numpy.random.Generator:
    """Seed the default generator: two runs with one seed give identical weights and losses."""
    global _generator
    _generator = numpy.random.default_rng(seed)
    return _generator


def default_generator() -> numpy.random.Generator:
    """The generator used when no ``generator=`` is given."""
    return _generator
