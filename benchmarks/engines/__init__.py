"""The engines that the benchmark compares, one module each, all with the same functions.

Every engine module defines:

    LABEL                  the name shown in the tables.
    setup(threads) -> dict called once in the worker process before any workload: fixes the
                           engine's own thread count (the BLAS/OpenMP ones are fixed by
                           environment variables before import) and returns version facts.
    to_numpy(x)            a result of the engine (array, tensor, number) as a NumPy array.

and one function per workload it can run. Each takes the workload's problem (see
``problems.py``) and returns ``run``, a function of no arguments that does the timed work once
and returns ``(value, grads)``: the loss or output (a number) and the list of gradients, as the
engine holds them (they are converted with ``to_numpy`` only when checked):

    mlp(problem)       W1: one SGD step of the MLP; grads of W1, b1, W2, b2, W3, b3
                       (each W as (out, in)).
    chain(problem)     W2: forward and backward through the chain of 4x4 elementwise ops;
                       value sum(h), grads [∂/∂x].
    moons(problem)     W3: one SGD step of micrograd's demo; grads in ``problem.parameters`` order.
    depth(problem)     W4: forward and backward through the scalar chain; value y, grads [∂y/∂x0].
    gpu_mlp(problem)   W6: ``mlp`` on the GPU (with ``gpu_available() -> None or the reason why
                       not``).
    cnn(problem)       W7: one SGD step of the CNN; grads of the two kernels and biases, then of
                       the dense weight and bias.

``micrograd_api.py`` is not an engine: it holds W3 and W4 once for the two engines with
micrograd's API. The registry below says which workloads each engine runs, and which Python
packages it needs.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EngineSpec:
    """One engine: its key (used on the command line), module, label and needs."""

    name: str
    module: str
    label: str
    workloads: tuple
    requires: tuple = ()
    env: dict = field(default_factory=dict)  # extra environment variables for its worker
    labels: dict = field(default_factory=dict)  # a different label for some workloads

    def label_for(self, workload: str) -> str:
        return self.labels.get(workload, self.label)

    def missing(self) -> list:
        """The required top-level packages that are not installed (found without importing)."""
        return [m for m in self.requires if importlib.util.find_spec(m) is None]

    def load(self):
        return importlib.import_module(self.module)


ENGINES = (
    EngineSpec(
        "lite",
        "benchmarks.engines.lite",
        "autograd_lite",
        ("mlp", "chain", "depth", "gpu_mlp", "cnn"),
        labels={"depth": "autograd_lite Tensor", "gpu_mlp": "autograd_lite (CuPy)"},
    ),
    # W1 written with the engine's ops (x @ W + b, log_softmax) instead of the nn package.
    EngineSpec(
        "lite_ops",
        "benchmarks.engines.lite",
        "autograd_lite, x @ W + b",
        ("mlp",),
        env={"BENCH_LITE_API": "ops"},
    ),
    EngineSpec(
        "lite_value",
        "benchmarks.engines.lite_value",
        "autograd_lite Value",
        ("moons", "depth"),
        labels={"moons": "autograd_lite Value, nn.scalar"},
    ),
    # W3 written as micrograd writes it: one Value per multiply and per add.
    EngineSpec(
        "lite_value_ops",
        "benchmarks.engines.lite_value",
        "autograd_lite Value, micrograd's MLP",
        ("moons",),
        env={"BENCH_LITE_API": "ops"},
    ),
    EngineSpec(
        "numpy",
        "benchmarks.engines.numpy_hand",
        "NumPy by hand",
        ("mlp", "chain", "gpu_mlp", "cnn"),
        labels={"gpu_mlp": "CuPy by hand"},
    ),
    EngineSpec(
        "numpy_prealloc",
        "benchmarks.engines.numpy_prealloc",
        "NumPy by hand, preallocated",
        ("mlp", "gpu_mlp"),
        labels={"gpu_mlp": "CuPy by hand, preallocated"},
    ),
    EngineSpec("python", "benchmarks.engines.python_hand", "Python by hand", ("moons", "depth")),
    EngineSpec(
        "torch",
        "benchmarks.engines.pytorch",
        "PyTorch eager",
        ("mlp", "chain", "depth", "gpu_mlp", "cnn"),
        requires=("torch",),
        labels={"gpu_mlp": "PyTorch CUDA eager"},
    ),
    EngineSpec(
        "hips",
        "benchmarks.engines.hips",
        "HIPS autograd",
        ("mlp", "chain", "depth"),
        requires=("autograd",),
    ),
    EngineSpec(
        "micrograd",
        "benchmarks.engines.karpathy_micrograd",
        "micrograd",
        ("moons", "depth"),
        requires=("micrograd",),
    ),
    EngineSpec(
        "jax",
        "benchmarks.engines.jax_eager",
        "JAX eager",
        ("mlp", "chain", "depth"),
        requires=("jax",),
        env={"JAX_PLATFORMS": "cpu"},
    ),
    EngineSpec(
        "jax_jit",
        "benchmarks.engines.jax_jit",
        "JAX jit",
        ("mlp",),
        requires=("jax",),
        env={"JAX_PLATFORMS": "cpu"},
    ),
)

BY_NAME = {spec.name: spec for spec in ENGINES}

# The floor that each workload's ratios are taken against and its results checked with:
# hand-written code, no framework, written plainly (each derivative spelled out).
FLOOR = {
    "mlp": "numpy",
    "gpu_mlp": "numpy",
    "chain": "numpy",
    "moons": "python",
    "depth": "python",
    "cnn": "numpy",
}

# The best hand-written code, where it differs from the plain floor: the same arithmetic with
# every buffer allocated once (``out=``). Ratios to it are shown beside those to the floor.
BEST_FLOOR = {"mlp": "numpy_prealloc", "gpu_mlp": "numpy_prealloc"}

# autograd_lite's engines: the ones whose targets are checked.
OURS = ("lite", "lite_value")
# The same workloads written with the engines' ops instead of the nn package.
OURS_OPS = ("lite_ops", "lite_value_ops")


def get(name: str) -> EngineSpec:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; known: {', '.join(BY_NAME)}") from None
