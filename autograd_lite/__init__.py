"""autograd-lite: a small reverse-mode autodiff engine on NumPy (CPU) and CuPy (GPU).

- ``Value``: scalar expressions, one number per node (micrograd's API).
- ``Tensor``: arrays that record the ops applied to them; ``backward()`` fills ``.grad``, and
  ``backward(create_graph=True)`` records the backward pass so that it can be differentiated.
- ``grad``, ``value_and_grad``, ``vjp``, ``jacobian``, ``hessian``, ``hvp``,
  ``elementwise_grad``: JAX- and HIPS-style function transformations, composable to any order;
  ``gradients``: PyTorch's ``torch.autograd.grad``.
- ``gradcheck`` / ``gradgradcheck``: first and second derivatives against finite differences.
- ``primitive``: define a new differentiable op with its own vector-Jacobian products.
"""

from .backprop import gradients, sum_to
from .creation import ones, rand, randn, tensor, zeros
from .functional import elementwise_grad, grad, hessian, hvp, jacobian, value_and_grad, vjp
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .ops import (
    abs,
    array_module,
    clip,
    clone,
    concatenate,
    exp,
    expand,
    linear,
    log,
    log1p,
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
    squeeze,
    stack,
    sum,
    tanh,
    transpose,
    where,
)
from .primitive import primitive
from .random import default_generator, manual_seed
from .tensor import Tensor
from .value import Value, weighted_sum

dot = matmul  # for the lecture's jnp.dot(inputs, W)

__all__ = [
    "Tensor", "Value", "GradcheckError", "abs", "array_module", "clip", "clone", "concatenate",
    "default_generator", "detect_anomaly", "dot", "elementwise_grad", "enable_grad", "exp",
    "expand", "grad", "gradcheck", "gradgradcheck", "gradients", "hessian", "hvp",
    "is_grad_enabled", "jacobian", "linear", "log", "log1p", "log_softmax", "logsumexp",
    "manual_seed", "matmul", "max", "maximum", "mean", "min", "minimum", "no_grad", "ones",
    "primitive", "rand", "randn", "relu", "reshape", "sigmoid", "softmax", "sqrt", "squeeze",
    "stack", "sum", "sum_to", "tanh", "tensor", "transpose", "value_and_grad", "vjp",
    "weighted_sum", "where", "zeros",
]
__version__ = "0.1.0"
