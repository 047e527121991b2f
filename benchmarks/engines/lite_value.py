"""autograd_lite's scalar engine, ``Value``, on micrograd's demo (W3) and on a deep chain (W4).

W3 uses ``nn.scalar.MLP`` (micrograd's Neuron/Layer/MLP over ``Value``) when the ``nn``
package has it, and otherwise the same three classes written below, line for line as in
micrograd, so that the two engines run the same program.
"""

from __future__ import annotations

import os

import numpy

import autograd_lite as al
from autograd_lite import Value

from . import micrograd_api

LABEL = "autograd_lite Value"
_used = {}


def setup(threads: int) -> dict:
    return {"autograd_lite": al.__version__}


def describe() -> dict:
    return dict(_used)


def to_numpy(x) -> numpy.ndarray:
    return numpy.asarray(x, dtype=numpy.float64)


class _Neuron:
    def __init__(self, n_in, nonlin=True):
        self.w = [Value(0.0) for _ in range(n_in)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class _Layer:
    def __init__(self, n_in, n_out, **kwargs):
        self.neurons = [_Neuron(n_in, **kwargs) for _ in range(n_out)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class _MLP:
    def __init__(self, n_in, n_outs):
        sizes = [n_in] + n_outs
        self.layers = [
            _Layer(sizes[i], sizes[i + 1], nonlin=i != len(n_outs) - 1) for i in range(len(n_outs))
        ]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0


def _mlp_class():
    if os.environ.get("BENCH_LITE_API", "auto") != "ops":
        try:
            from nn.scalar import MLP

            return MLP, "nn.scalar.MLP"
        except ImportError:
            pass
    return _MLP, "micrograd's MLP over Value (benchmarks/engines/lite_value.py)"


def moons(problem):
    """W3: one step of micrograd's demo: forward over all points, hinge loss + L2, backward, SGD."""
    mlp_class, how = _mlp_class()
    _used["moons"] = {"model": how}
    return micrograd_api.moons(problem, mlp_class, Value)


def depth(problem):
    """W4: a chain of ``n_ops`` scalar ops, then backward (iterative: no recursion limit)."""
    return micrograd_api.depth(problem, Value)
