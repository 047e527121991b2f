"""The table of ops: each forward formula with its vector-Jacobian products beside it.

Every op takes arrays and returns ``(out, vjps)``: the output array and, per argument, a function
from g = ∂z/∂out to ∂z/∂argument (see ``primitive.py``). Gradients may keep the broadcast
shape: the engine sums them back to each input's shape in one place (``backprop.sum_to``).

Each op is written once, for arrays and Tensors alike. ``xp = array_module(x)`` is NumPy or CuPy
when x is an array and this package when x is a Tensor, so ``xp.exp(x)`` and ``g * out`` compute
on arrays in the forward pass and in a first-order backward pass (nothing recorded: as fast as
plain NumPy), and record Tensor ops when ``backward(create_graph=True)`` runs the op again on its
input Tensors: that is how a derivative is differentiated again. Parts that carry no gradient (a
mask, an argmax, a maximum subtracted for stability) are computed on the data (``_data``) as
constants, and a VJP never changes an array in place unless it made it.

The table is split by family, one module each: ``elementwise`` (arithmetic, functions of one
number, clip, where), ``reductions`` (sum, mean, prod, var, max, argmax, cumsum, … and the
softmax family), ``linalg`` (matmul, dot, tensordot, einsum, the fused ``linear``, diagonals and
triangles), ``shape`` (reshape, transpose, indexing, joins and splits, repeat, roll, flip, pad,
copies) and ``conv`` (convolution and pooling); ``core`` holds ``array_module`` and the helpers
they share, among them ``synonyms``, which lets every op take PyTorch's ``dim=``/``keepdim=``
for NumPy's ``axis=``/``keepdims=``. This package gathers them into one namespace:
``ops.exp``, ``ops.sum``, … and it is the module ``array_module`` returns for Tensors, so it
offers every NumPy-named function that an op body calls as ``xp.<name>``.

Adding an op: write its function in its family's module with ``@primitive``, import it here and
export it in ``autograd_lite/__init__.py`` (and, if users call it as a method, add the method to
``Tensor``), and add it to the gradient and second-derivative checks in ``tests/``.
"""

from __future__ import annotations

import sys

from ..deprecation import renamed_attributes
from . import core
from .conv import (
    Window,
    _conv2d,
    _conv2d_weight,
    _conv_transpose2d,
    _max_pool2d,
    _pool_gather,
    _pool_scatter,
    avg_pool2d,
    conv2d,
    conv_transpose2d,
    max_pool2d,
    same_padding,
)
from .core import (
    TORCH_NAMES,
    _axes,
    _constant,
    _data,
    _identity,
    _negative,
    _on_device,
    _operand,
    _shape_arg,
    _shape_of,
    _spread,
    array_module,
    synonyms,
)
from .elementwise import (
    _masked,
    _share,
    abs,
    add,
    clamp,
    clip,
    cos,
    div,
    exp,
    isfinite,
    log,
    log1p,
    maximum,
    minimum,
    mul,
    neg,
    power,
    relu,
    sigmoid,
    sign,
    sin,
    sqrt,
    stable_sigmoid,
    sub,
    tanh,
    where,
)
from .linalg import (
    _check_matmul_shapes,
    _einsum,
    _linear,
    _tensordot,
    diag,
    diagonal,
    dot,
    einsum,
    linear,
    matmul,
    outer,
    tensordot,
    trace,
    tril,
    triu,
)
from .reductions import (
    ValuesIndices,
    _extreme,
    _max,
    _min,
    _standard_deviation,
    _variance,
    argmax,
    argmin,
    cumsum,
    log_softmax,
    logsumexp,
    max,
    mean,
    min,
    prod,
    softmax,
    std,
    sum,
    var,
)
from .shape import (
    _concatenate,
    _device_of,
    _expand,
    _is_basic_index,
    _moved,
    _pad,
    _reshape,
    _stack,
    _transpose,
    _unindex,
    astype,
    broadcast_to,
    cat,
    clone,
    concat,
    concatenate,
    copy,
    expand,
    expand_dims,
    flatten,
    flip,
    getitem,
    identity,
    moveaxis,
    movedim,
    pad,
    permute,
    ravel,
    repeat,
    repeat_interleave,
    reshape,
    roll,
    split,
    squeeze,
    stack,
    swapaxes,
    take_along_axis,
    tile,
    to,
    transpose,
    unindex,
    unsqueeze,
    view,
)

core._namespace = sys.modules[__name__]

# ops.to was ops.to_device, a name that backend.to_device(array, device) also has
__getattr__ = renamed_attributes(__name__, {"to_device": "to"})
