"""JAX on the CPU, eager: ``jax.value_and_grad`` without ``jax.jit``, so every op is
dispatched on its own (``jax_jit.py`` compiles the whole step instead).

float64 is enabled (``jax_enable_x64``) for the float64 workloads; float32 arrays stay float32.
The thread count is fixed through XLA_FLAGS, set before import by the benchmark. JAX runs
asynchronously, so each step waits for its results (``block_until_ready``) before it returns.
"""

from __future__ import annotations

import os

import jax
import jax.numpy as jnp
import numpy

jax.config.update("jax_enable_x64", True)

LABEL = "JAX eager"


def setup(threads: int) -> dict:
    import jaxlib

    return {
        "jax": jax.__version__,
        "jaxlib": jaxlib.__version__,
        "devices": [str(d) for d in jax.devices()],
        "XLA_FLAGS": os.environ.get("XLA_FLAGS", ""),
    }


def to_numpy(x) -> numpy.ndarray:
    return numpy.asarray(x)


def mlp(problem, jit=False):
    """W1: value_and_grad of the loss in the list of parameters, then SGD."""
    x, y, lr = jnp.asarray(problem.x), jnp.asarray(problem.y), problem.lr

    def loss_fn(params):
        h = x
        for i in range(0, len(params), 2):
            h = h @ params[i].T + params[i + 1]
            if i + 2 < len(params):
                h = jax.nn.relu(h)
        picked = jnp.take_along_axis(h, y[:, None], axis=1)[:, 0]
        return jnp.mean(jax.nn.logsumexp(h, axis=1) - picked)

    def train_step(params):
        loss, grads = jax.value_and_grad(loss_fn)(params)
        return [p - lr * g for p, g in zip(params, grads)], loss, grads

    if jit:
        train_step = jax.jit(train_step)
    state = {"params": [jnp.asarray(p) for p in problem.parameters]}

    def step():
        params, loss, grads = train_step(state["params"])
        jax.block_until_ready(params)
        state["params"] = params
        return float(loss), grads

    return step


def chain(problem):
    """W2: value_and_grad of the elementwise chain, op by op."""
    c = jnp.asarray(problem.c)
    x = jnp.asarray(problem.x)

    def f(x):
        return jnp.sum(problem.forward(x, c, jnp.tanh))

    value_and_grad = jax.value_and_grad(f)

    def run():
        out, grad = value_and_grad(x)
        return float(out), [grad.block_until_ready()]

    return run


def depth(problem):
    """W4: value_and_grad of the scalar chain (a 0-d float64 array), op by op."""
    value_and_grad = jax.value_and_grad(problem.forward)

    def run():
        y, grad = value_and_grad(jnp.asarray(problem.x0, dtype=jnp.float64))
        return float(y), [grad.block_until_ready()]

    return run
