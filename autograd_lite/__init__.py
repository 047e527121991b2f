"""autograd-lite: a small reverse-mode autodiff engine on NumPy (CPU) and CuPy (GPU).

- ``Value``: scalar expressions, one number per node (micrograd's API).
- ``Tensor``: arrays that record the ops applied to them; ``backward()`` fills ``.grad``, and
  ``backward(create_graph=True)`` records the backward pass so that it can be differentiated.
- ``grad``, ``value_and_grad``, ``vjp``, ``jacobian``, ``hessian``, ``hvp``,
  ``elementwise_grad``: JAX- and HIPS-style function transformations, composable to any order;
  ``gradients``: PyTorch's ``torch.autograd.grad``.
- ``gradcheck`` / ``gradgradcheck``: first and second derivatives against finite differences.
- ``primitive``: define a new differentiable op with its own vector-Jacobian products.
- NumPy's functions (``al.sum``, ``al.einsum``, ``al.pad``, …) and PyTorch's names for them
  (``al.cat``, ``al.unsqueeze``, ``dim=``, …), convolution and pooling (``al.conv2d``,
  ``al.max_pool2d``, ``al.avg_pool2d``): see ``Tensor``'s docstring for the rules where the two
  libraries disagree.
"""

from .backprop import gradients, sum_to
from .creation import (
    arange,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    randn,
    tensor,
    zeros,
    zeros_like,
)
from .functional import elementwise_grad, grad, hessian, hvp, jacobian, value_and_grad, vjp
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .ops import (
    abs,
    argmax,
    argmin,
    array_module,
    avg_pool2d,
    broadcast_to,
    cat,
    clamp,
    clip,
    clone,
    concat,
    concatenate,
    conv2d,
    conv_transpose2d,
    cos,
    cumsum,
    diag,
    diagonal,
    dot,
    einsum,
    exp,
    expand,
    expand_dims,
    flatten,
    flip,
    linear,
    log,
    log1p,
    log_softmax,
    logsumexp,
    matmul,
    max,
    max_pool2d,
    maximum,
    mean,
    min,
    minimum,
    moveaxis,
    movedim,
    outer,
    pad,
    permute,
    prod,
    ravel,
    relu,
    repeat,
    repeat_interleave,
    reshape,
    roll,
    sigmoid,
    sin,
    softmax,
    split,
    sqrt,
    squeeze,
    stack,
    std,
    sum,
    swapaxes,
    take_along_axis,
    tanh,
    tensordot,
    tile,
    trace,
    transpose,
    tril,
    triu,
    unsqueeze,
    var,
    view,
    where,
)
from .primitive import primitive
from .random import default_generator, manual_seed
from .tensor import Tensor
from .value import Value, weighted_sum

__all__ = [
    "GradcheckError", "Tensor", "Value", "abs", "arange", "argmax", "argmin", "array_module",
    "avg_pool2d", "broadcast_to", "cat", "clamp", "clip", "clone", "concat", "concatenate",
    "conv2d", "conv_transpose2d", "cos", "cumsum", "default_generator", "detect_anomaly", "diag",
    "diagonal", "dot", "einsum", "elementwise_grad", "enable_grad", "exp", "expand", "expand_dims",
    "eye", "flatten", "flip", "from_numpy", "full", "full_like", "grad", "gradcheck",
    "gradgradcheck", "gradients", "hessian", "hvp", "is_grad_enabled", "jacobian", "linear",
    "linspace", "log", "log1p", "log_softmax", "logsumexp", "manual_seed", "matmul", "max",
    "max_pool2d", "maximum", "mean", "min", "minimum", "moveaxis", "movedim", "no_grad", "ones",
    "ones_like", "outer", "pad", "permute", "primitive", "prod", "rand", "randn", "ravel", "relu",
    "repeat", "repeat_interleave", "reshape", "roll", "sigmoid", "sin", "softmax", "split", "sqrt",
    "squeeze", "stack", "std", "sum", "sum_to", "swapaxes", "take_along_axis", "tanh", "tensor",
    "tensordot", "tile", "trace", "transpose", "tril", "triu", "unsqueeze", "value_and_grad",
    "var", "view", "vjp", "weighted_sum", "where", "zeros", "zeros_like"
]
__version__ = "0.1.0"
