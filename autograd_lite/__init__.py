"""autograd-lite: a small reverse-mode autodiff engine on NumPy (CPU) and CuPy (GPU).

- ``Value``: scalar expressions, one number per node (micrograd's API).
- ``Tensor``: arrays that record the ops applied to them; ``backward()`` fills ``.grad``.
- ``grad`` / ``value_and_grad``: JAX-style function transformations.
- ``gradcheck``: reverse-mode gradients against finite differences.
- ``primitive``: define a new differentiable op with its own vector-Jacobian products.
"""

from .creation import ones, rand, randn, tensor, zeros
from .functional import grad, value_and_grad
from .gradcheck import GradcheckError, gradcheck
from .modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .ops import (
    abs,
    clip,
    concatenate,
    exp,
    expand,
    linear,
    log,
    log_softmax,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    relu,
    reshape,
    sigmoid,
    softmax,
    sqrt,
    stack,
    sum,
    tanh,
    transpose,
    where,
)
from .primitive import primitive
from .random import default_generator, manual_seed
from .tensor import Tensor, sum_to
from .value import Value, weighted_sum

dot = matmul  # for the lecture's jnp.dot(inputs, W)

__all__ = [
    "Tensor", "Value", "GradcheckError", "abs", "clip", "concatenate", "default_generator",
    "detect_anomaly", "dot", "enable_grad", "exp", "expand", "grad", "gradcheck",
    "is_grad_enabled", "linear", "log", "log_softmax", "logsumexp", "manual_seed", "matmul", "max",
    "maximum", "mean", "min", "minimum", "no_grad", "ones", "primitive", "rand", "randn", "relu",
    "reshape", "sigmoid", "softmax", "sqrt", "stack", "sum", "sum_to", "tanh", "tensor",
    "transpose", "value_and_grad", "weighted_sum", "where", "zeros",
]
__version__ = "0.1.0"
