"""The random number generators behind initial weights, dropout masks and ``randn``/``rand``.

Two generators: a NumPy one for everything drawn as arrays (initializers, dropout, ``fit``'s
shuffling, ``randn``/``rand``), and Python's own ``random`` module, from which ``nn.scalar``
draws its weights one number at a time as micrograd does. ``manual_seed`` seeds both.
"""

from __future__ import annotations

import random

import numpy

_generator = numpy.random.default_rng()


def manual_seed(seed: int) -> numpy.random.Generator:
    """Seed both generators: two runs with one seed give identical weights and losses.

    Python's ``random`` is seeded with the same number, so ``manual_seed(1337)`` and micrograd's
    ``random.seed(1337)`` give ``nn.scalar`` models the same initial weights.
    """
    global _generator
    _generator = numpy.random.default_rng(seed)
    random.seed(seed)
    return _generator


def default_generator() -> numpy.random.Generator:
    """The NumPy generator used when no ``generator=`` is given."""
    return _generator
