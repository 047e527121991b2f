"""JAX on the CPU with the whole training step compiled by ``jax.jit`` (W1 only: compiling
the W2 chain or the W4 chains would fuse them away, which is not what those workloads measure).
"""

from __future__ import annotations

from . import jax_eager

LABEL = "JAX jit"
setup = jax_eager.setup
to_numpy = jax_eager.to_numpy


def mlp(problem):
    return jax_eager.mlp(problem, jit=True)
