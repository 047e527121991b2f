"""Convolution and pooling of images in PyTorch's NCHW layout, as matrix products on strided
views ("im2col"): no Python loop over pixels.

Shapes: x (N, C, H, W); weight (O, C/groups, kh, kw); out (N, O, Ho, Wo). Along each image
axis, with padding p_before + p_after = P, dilation d, stride s and kernel size k,

    Ho = ⌊(H + P - d·(k - 1) - 1) / s⌋ + 1.

Within each of the ``groups`` groups of channels, ``conv2d`` is PyTorch's cross-correlation

    out[n, o, i, j] = β_o + Σ_{c, a, b} x_pad[n, c, i·s + a·d, j·s + b·d] · w[o, c, a, b].

The windows x_pad[n, c, i·s + a·d, j·s + b·d] are a strided view of x_pad with axes
(c, a, b, i, j, n), a view without a copy; they are copied once into the (C·kh·kw) ×
(Ho·Wo·N) matrix of the whole batch ("im2col"), which one matrix product multiplies by the
weights flattened to O × (C·kh·kw). (The arrays keep the batch axis innermost in memory, which
makes these copies fast in NumPy: see the array functions below.)

One family of three bilinear maps. The sum B(x, w, g) = Σ g[n,o,i,j]·x_pad[…]·w[o,c,a,b] is
linear in each of x, w and g, and its three partial derivatives are

    ∂B/∂g = conv2d(x, w)               the convolution
    ∂B/∂x = conv_transpose2d(g, w)     each g[n,o,i,j] spread back over its window ("col2im")
    ∂B/∂w = conv2d_weight(x, g)        the input correlated with g.

The VJP of each, with respect to either argument, is one of the other two (∂/∂x of
conv2d(x, w) at g is conv_transpose2d(g, w); ∂/∂g of conv_transpose2d(g, w) at ḡ is
conv2d(ḡ, w); and so on). So every derivative, of any order, is again a convolution of this
family: the VJPs call the functions ``_convolved``, ``_transposed`` and ``_weight_of``, which
are the family's primitives on Tensors (a recorded backward pass) and plain array functions in
a first-order one. The forward output is always computed on the data: when a recorded backward
pass runs an op again on its Tensors, only its VJPs are used.

Pooling. ``max_pool2d`` keeps the first largest element of each window (padding counts as
-inf); its VJP puts each g at that place ("scatter"), and the VJP of the scatter picks the
values at those places again ("gather"): a pair of linear maps, each the other's VJP.
``avg_pool2d`` is a convolution of each channel with a constant kernel of 1/(kh·kw).
"""

from __future__ import annotations

import functools
import itertools
import math
import threading
from dataclasses import dataclass

import numpy

from .. import backend
from ..primitive import primitive
from ..tensor import Tensor
from .core import _data, _operand, _shape_of
from .elementwise import _masked
from .shape import reshape


@dataclass(frozen=True)
class Window:
    """Where the windows of a convolution or pooling lie on the input image.

    kernel, stride, dilation: (along H, along W); padding: ((top, bottom), (left, right));
    size: (H, W) of the input image (without padding).
    """

    kernel: tuple
    stride: tuple
    padding: tuple
    dilation: tuple
    size: tuple

    @functools.cached_property
    def out(self) -> tuple:
        """(Ho, Wo), the number of window positions along H and W."""
        return tuple(
            (n + before + after - d * (k - 1) - 1) // s + 1
            for n, (before, after), d, k, s in zip(
                self.size, self.padding, self.dilation, self.kernel, self.stride
            )
        )

    def placed(self, a: int, b: int) -> tuple:
        """The index, in the padded image, of the elements that kernel entry (a, b) meets."""
        (dh, dw), (sh, sw), (ho, wo) = self.dilation, self.stride, self.out
        return (
            slice(None),
            slice(None),
            slice(a * dh, a * dh + sh * (ho - 1) + 1, sh),
            slice(b * dw, b * dw + sw * (wo - 1) + 1, sw),
        )

    @property
    def tiles(self) -> bool:
        """Whether the windows lie side by side without overlapping (stride = kernel size,
        no dilation: the usual pooling)."""
        return self.stride == tuple(self.kernel) and self.dilation == (1, 1)

    def offsets(self):
        """(a, b) for every kernel entry, row by row."""
        return itertools.product(range(self.kernel[0]), range(self.kernel[1]))


# ---- the public functions -------------------------------------------------------------------


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """PyTorch's ``conv2d``: x (N, C, H, W) or (C, H, W), weight (O, C/groups, kh, kw), bias
    (O,) or None → (N, O, Ho, Wo) (see the module's docstring for the formula).

    ``stride``, ``dilation``: an int or (along H, along W), each ≥ 1. ``padding``: an int,
    (ph, pw), ((top, bottom), (left, right)), 'valid' (0) or 'same' (an output of ⌈H/s⌉ rows,
    the odd one padded at the bottom and right, as PyTorch for stride 1 and Keras for any).
    """
    x, weight = _operand(x), _operand(weight)
    x_shape, w_shape = _shape_of(x), _shape_of(weight)
    if len(x_shape) == 3:  # one image: PyTorch's unbatched input
        out = conv2d(reshape(x, (1,) + x_shape), weight, bias, stride, padding, dilation, groups)
        return reshape(out, _shape_of(out)[1:])
    _check_convolution(x_shape, w_shape, groups, bias)
    window = _window("conv2d", x_shape, w_shape[2:], stride, padding, dilation)
    return _conv2d(x, weight, 0.0 if bias is None else bias, window=window, groups=int(groups))


def conv_transpose2d(
    x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """PyTorch's ``conv_transpose2d`` (the gradient of ``conv2d`` with respect to its input):
    x (N, C_in, H, W), weight (C_in, C_out/groups, kh, kw) → (N, C_out, H_out, W_out) with
    H_out = (H - 1)·s - 2p + d·(kh - 1) + output_padding + 1."""
    x, weight = _operand(x), _operand(weight)
    x_shape, w_shape = _shape_of(x), _shape_of(weight)
    if len(x_shape) != 4 or len(w_shape) != 4 or x_shape[1] != w_shape[0] or w_shape[0] % groups:
        raise ValueError(
            f"conv_transpose2d: input of shape {x_shape} and weight of shape "
            f"{w_shape} do not fit: they must be (N, C_in, H, W) and (C_in, "
            f"C_out/groups, kh, kw) with C_in divisible by groups={groups}"
        )
    stride, dilation = _pair(stride, "stride", 1), _pair(dilation, "dilation", 1)
    padding, extra = _pair(padding, "padding", 0), _pair(output_padding, "output_padding", 0)
    if any(e >= max(s, d) for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(
            f"conv_transpose2d: output_padding {extra} must be smaller than the "
            f"stride {stride} or the dilation {dilation}"
        )
    size = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + e + 1
        for n, s, p, d, k, e in zip(x_shape[2:], stride, padding, dilation, w_shape[2:], extra)
    )
    window = Window(tuple(w_shape[2:]), stride, tuple((p, p) for p in padding), dilation, size)
    out = _transposed(x, weight, window, int(groups))
    return out if bias is None else out + reshape(bias, (1, -1, 1, 1))


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1):
    """PyTorch's ``max_pool2d``: the largest element of each kh × kw window, for each image
    and channel: (N, C, H, W) → (N, C, Ho, Wo). ``stride`` defaults to the kernel size;
    padding (counted as -inf) as in ``conv2d``. The gradient goes to the first largest element
    of each window, as in PyTorch."""
    x = _operand(x)
    shape = _shape_of(x)
    if len(shape) == 3:
        out = max_pool2d(reshape(x, (1,) + shape), kernel_size, stride, padding, dilation)
        return reshape(out, _shape_of(out)[1:])
    _check_images("max_pool2d", shape)
    kernel = _pair(kernel_size, "kernel_size", 1)
    window = _window(
        "max_pool2d", shape, kernel, kernel if stride is None else stride, padding, dilation
    )
    return _max_pool2d(x, window=window)


def avg_pool2d(x, kernel_size, stride=None, padding=0, count_include_pad=True):
    """PyTorch's ``avg_pool2d``: the mean of each kh × kw window, for each image and channel.
    ``stride`` defaults to the kernel size. With padding, ``count_include_pad`` (PyTorch's
    default) divides by kh·kw, else by the number of elements of the window inside the image
    (Keras's 'same'). A convolution of each channel with a constant kernel (groups = C)."""
    x = _operand(x)
    shape = _shape_of(x)
    if len(shape) == 3:
        out = avg_pool2d(reshape(x, (1,) + shape), kernel_size, stride, padding, count_include_pad)
        return reshape(out, _shape_of(out)[1:])
    _check_images("avg_pool2d", shape)
    kernel = _pair(kernel_size, "kernel_size", 1)
    window = _window("avg_pool2d", shape, kernel, kernel if stride is None else stride, padding, 1)
    data = _data(x)
    xp = backend.array_module(data)
    area = kernel[0] * kernel[1]
    ones = xp.ones((shape[1], 1) + kernel, dtype=data.dtype)
    out = _conv2d(x, ones / area, 0.0, window=window, groups=shape[1])
    if count_include_pad or not any(any(p) for p in window.padding):
        return out
    inside = _correlate(xp.ones((1, 1) + shape[2:], dtype=data.dtype), ones[:1], window, 1)
    return out * (area / inside)


# ---- the convolution family: three primitives, each one's VJPs made of the others ------------


@primitive(name="conv2d")
def _conv2d(x, weight, bias, *, window, groups):
    b = _data(bias)
    out = _correlate(
        _data(x),
        _data(weight),
        window,
        groups,
        b if backend.is_array(b) and b.dtype == _data(x).dtype else None,
    )
    if (
        not backend.is_array(b)
        and not (b.__class__ is float and b == 0.0)
        or backend.is_array(b)
        and b.dtype != out.dtype
    ):
        out = out + (b.reshape(1, -1, 1, 1) if backend.is_array(b) else b)
    return out, (
        lambda g: _transposed(g, weight, window, groups),
        lambda g: _weight_of(x, g, window, groups),
        lambda g: g.sum(axis=(0, 2, 3)),
    )


@primitive(name="conv_transpose2d")
def _conv_transpose2d(g, weight, *, window, groups):
    out = _correlate_transposed(_data(g), _data(weight), window, groups)
    return out, (
        lambda x_bar: _convolved(x_bar, weight, window, groups),
        lambda x_bar: _weight_of(x_bar, g, window, groups),
    )


@primitive(name="conv2d_weight")
def _conv2d_weight(x, g, *, window, groups):
    out = _weight_gradient(_data(x), _data(g), window, groups)
    return out, (
        lambda w_bar: _transposed(g, w_bar, window, groups),
        lambda w_bar: _convolved(x, w_bar, window, groups),
    )


def _convolved(x, weight, window, groups):
    """conv2d(x, weight) without bias: the primitive for Tensors, the array function else."""
    if isinstance(x, Tensor) or isinstance(weight, Tensor):
        return _conv2d(x, weight, 0.0, window=window, groups=groups)
    return _correlate(x, weight, window, groups)


def _transposed(g, weight, window, groups):
    """conv_transpose2d(g, weight), the gradient of conv2d with respect to its input."""
    if isinstance(g, Tensor) or isinstance(weight, Tensor):
        return _conv_transpose2d(g, weight, window=window, groups=groups)
    return _correlate_transposed(g, weight, window, groups)


def _weight_of(x, g, window, groups):
    """conv2d_weight(x, g), the gradient of conv2d with respect to its weight."""
    if isinstance(x, Tensor) or isinstance(g, Tensor):
        return _conv2d_weight(x, g, window=window, groups=groups)
    return _weight_gradient(x, g, window, groups)


# ---- the array functions ------------------------------------------------------------------------
#
# The arrays here keep the batch axis innermost in memory: an image batch (N, C, H, W) is a
# view of memory laid out as (C, H, W, N). Then the elements that one kernel entry (a, b)
# meets, x[n, c, i·s + a·d, j·s + b·d] for all n, i, j, form runs of N (for stride 1, of Wo·N)
# consecutive numbers, which NumPy copies and adds many times faster than the rows of Wo
# numbers of the usual layout. The columns (C·kh·kw, Ho·Wo·N) hold the windows of the whole
# batch side by side, so each product is one large matrix product, and the outputs come back
# in the same layout, presented as (N, O, Ho, Wo) by a transposed view.


def _correlate(x, weight, window, groups, bias=None):
    """(N, C, H, W) ⋆ (O, C/G, kh, kw) (+ bias (O,)) → (N, O, Ho, Wo), one matmul per group."""
    xp = backend.array_module(x)
    n, out_channels = x.shape[0], weight.shape[0]
    size = math.prod(weight.shape[1:])  # C/G·kh·kw
    cols = _copied(_columns(x, window)).reshape(groups, size, -1)
    out = xp.matmul(weight.reshape(groups, out_channels // groups, size), cols)
    if bias is not None:
        out += bias.reshape(groups, -1, 1)  # in place, on the product's contiguous rows
    return out.reshape((out_channels,) + window.out + (n,)).transpose(3, 0, 1, 2)


def _correlate_transposed(g, weight, window, groups):
    """(N, O, Ho, Wo), (O, C/G, kh, kw) → (N, C, H, W): every g[n, o, i, j]·w[o, c, a, b]
    added to its place (i·s + a·d, j·s + b·d) of the padded image, which is then cropped."""
    xp = backend.array_module(g)
    n, out_channels = g.shape[:2]
    per_group, kh, kw = weight.shape[1:]
    size = per_group * kh * kw
    w = weight.reshape(groups, out_channels // groups, size).transpose(0, 2, 1)
    g = _matrix(g).reshape(groups, out_channels // groups, -1)
    cols = xp.matmul(w, g, out=_scratch((groups, size, g.shape[-1]), g.dtype, g))
    cols = cols.reshape((groups * per_group, kh, kw) + window.out + (n,))
    padded = _batch_last(xp.zeros, (n, groups * per_group) + _padded_size(window), cols.dtype)
    for a, b in window.offsets():  # col2im: each kernel entry's values added back in place
        padded[window.placed(a, b)] += cols[:, a, b].transpose(3, 0, 1, 2)
    return _cropped(padded, window)


def _weight_gradient(x, g, window, groups):
    """(N, C, H, W), (N, O, Ho, Wo) → (O, C/G, kh, kw): Σ over images and window positions of
    g[n, o, i, j] times the window of x at (i, j)."""
    xp = backend.array_module(x)
    channels = x.shape[1]
    out_channels = g.shape[1]
    size = channels // groups * math.prod(window.kernel)
    cols = _copied(_columns(x, window)).reshape(groups, size, -1)
    g = _matrix(g).reshape(groups, out_channels // groups, -1)
    grad = xp.matmul(g, cols.transpose(0, 2, 1))
    return grad.reshape((out_channels, channels // groups) + window.kernel)


def _columns(x, window):
    """The windows of the padded images as a view [c, a, b, i, j, n] (no copy yet)."""
    padded = _padded(x, window)
    s_n, s_c, s_h, s_w = padded.strides
    (dh, dw), (sh, sw) = window.dilation, window.stride
    shape = (x.shape[1],) + tuple(window.kernel) + window.out + (x.shape[0],)
    strides = (s_c, s_h * dh, s_w * dw, s_h * sh, s_w * sw, s_n)
    return backend.array_module(x).lib.stride_tricks.as_strided(padded, shape, strides)


def _matrix(image):
    """(N, O, Ho, Wo) → (O, Ho·Wo·N), the layout of the products (a view when ``image`` is
    already batch-last in memory, as the outputs here are)."""
    return image.transpose(1, 2, 3, 0).reshape(image.shape[1], -1)


def _padded(x, window, value=0):
    """x padded with ``value``: (N, C, Hp, Wp), batch-last in memory. x itself when it is so
    already and has no padding, else a fresh copy."""
    (top, bottom), (left, right) = window.padding
    if not (top or bottom or left or right) and (x.shape[0] == 1 or x.strides[0] == x.itemsize):
        return x
    n, c, height, width = x.shape
    padded = _batch_last(
        backend.array_module(x).full, (n, c) + _padded_size(window), x.dtype, value
    )
    padded[:, :, top : top + height, left : left + width] = x
    return padded


def _batch_last(make, shape, dtype, *fill):
    """``make`` (zeros, full, ...) of (C, H, W, N), seen as (N, C, H, W)."""
    n, c, height, width = shape
    return make((c, height, width, n), *fill, dtype=dtype).transpose(3, 0, 1, 2)


def _padded_size(window):
    return tuple(n + before + after for n, (before, after) in zip(window.size, window.padding))


def _cropped(padded, window):
    (top, _), (left, _) = window.padding
    height, width = window.size
    return padded[:, :, top : top + height, left : left + width]


def _copied(view):
    """The windows copied into a contiguous array that is reused from call to call (the im2col
    matrix; see ``_scratch``)."""
    out = _scratch(view.shape, view.dtype, view)
    backend.array_module(view).copyto(out, view)
    return out


_SCRATCH_LIMIT = 64 * 2**20  # bytes; larger temporaries are made afresh
_scratch_space = threading.local()


def _scratch(shape, dtype, like):
    """An array of ``shape`` on ``like``'s device, for a temporary that does not outlive the
    function that asks for it. Its memory is reused from call to call (one buffer per thread
    and device): a large array made afresh at every training step costs the page faults of new
    memory each time, which for im2col matrices took longer than the matrix products
    themselves."""
    xp = backend.array_module(like)
    size = math.prod(shape) * numpy.dtype(dtype).itemsize
    if size > _SCRATCH_LIMIT:
        return xp.empty(shape, dtype=dtype)
    device = backend.device_of(like)
    buffers = _scratch_space.__dict__.setdefault("buffers", {})
    buffer = buffers.get(device)
    if buffer is None and xp is numpy:
        _settle_the_allocator()
    if buffer is None or buffer.size < size:  # bytes, on like's device
        buffer = buffers[device] = xp.empty_like(like, dtype=numpy.uint8, shape=(max(size, 2**20),))
    return buffer[:size].view(dtype).reshape(shape)


def _settle_the_allocator():
    """Make and free one 16 MB block of memory.

    The C library's malloc (glibc's) returns freed memory at the top of its heap to the
    operating system unless a large block has been freed before, after which it keeps up to
    twice that much. A training step frees megabytes of activations and gradients and makes
    them again at the next step; each time, the returned memory costs a page fault per 4 kB
    when it is touched again (1,500 per step of the example CNN: half its time). Freeing one
    large block, as any program that loads data soon does, makes malloc keep the memory.
    """
    numpy.empty(2**24, dtype=numpy.uint8)


# ---- max pooling: the pick, and the pair scatter / gather ---------------------------------------


@primitive(name="max_pool2d")
def _max_pool2d(x, *, window):
    data = _data(x)
    xp = backend.array_module(data)
    lowest = -numpy.inf if data.dtype.kind == "f" else numpy.iinfo(data.dtype).min
    entries = _entries(_padded(data, window, lowest), window)
    out = entries[0].copy(order="K")
    # picked: the kernel entry a·kw + b of each window's maximum, the first of equal ones (as
    # PyTorch), found with arithmetic, which NumPy does many times faster than masked writes.
    picked = xp.zeros_like(out, dtype=numpy.uint8 if len(entries) < 256 else numpy.int32)
    for offset, entry in enumerate(entries[1:], 1):
        larger = entry > out
        xp.maximum(out, entry, out=out)
        picked += larger * (offset - picked)
    if data.dtype.kind == "f" and not xp.isfinite(out.sum()):  # rare: a nan wins its window
        for offset, entry in reversed(list(enumerate(entries))):
            nan = xp.isnan(entry)
            xp.copyto(out, entry, where=nan)
            xp.copyto(picked, offset, where=nan)
    return out, (lambda g: _scatter(g, picked, window),)


def _entries(padded, window):
    """For each kernel entry (a, b), the (N, C, Ho, Wo) elements it meets (views)."""
    return [padded[window.placed(a, b)] for a, b in window.offsets()]


@primitive(name="max_pool2d_scatter")
def _pool_scatter(g, *, picked, window):
    """Each g[n, c, i, j] added at the element that window (i, j) picked.  ∂/∂g: the gather."""
    return _scattered(_data(g), picked, window), (lambda x_bar: _gather(x_bar, picked, window),)


@primitive(name="max_pool2d_gather")
def _pool_gather(x, *, picked, window):
    """The elements that the windows picked.  ∂/∂x: the scatter."""
    return _gathered(_data(x), picked, window), (lambda g: _scatter(g, picked, window),)


def _scatter(g, picked, window):
    if isinstance(g, Tensor):
        return _pool_scatter(g, picked=picked, window=window)
    return _scattered(g, picked, window)


def _gather(x, picked, window):
    if isinstance(x, Tensor):
        return _pool_gather(x, picked=picked, window=window)
    return _gathered(x, picked, window)


def _scattered(g, picked, window):
    xp = backend.array_module(g)
    tiles = window.tiles
    # Where the windows tile the image, each element gets one value: written, not added, and
    # only what no window covers needs zeros first.
    padded = _batch_last(
        xp.empty if tiles else xp.zeros, g.shape[:2] + _padded_size(window), g.dtype
    )
    if tiles:
        height, width = (n * k for n, k in zip(window.out, window.kernel))
        padded[:, :, height:] = 0
        padded[:, :, :height, width:] = 0
    finite = bool(xp.isfinite(g.sum()))
    for offset, (a, b) in enumerate(window.offsets()):
        hit = picked == offset
        share = g * hit if finite else _masked(g, hit)  # _masked: 0, not nan, for inf · 0
        if tiles:
            padded[window.placed(a, b)] = share
        else:
            padded[window.placed(a, b)] += share
    return _cropped(padded, window)


def _gathered(x, picked, window):
    out = 0
    for offset, entry in enumerate(_entries(_padded(x, window), window)):
        out = out + _masked(entry, picked == offset)
    return out


# ---- arguments and their checks -----------------------------------------------------------------


def _pair(value, name, least):
    """An int or a pair of ints as a pair, each at least ``least``."""
    pair = (value, value) if isinstance(value, (int, numpy.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, numpy.integer)) for v in pair):
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    if any(v < least for v in pair):
        raise ValueError(f"{name} must be {'positive' if least else 'non-negative'}, got {value!r}")
    return tuple(int(v) for v in pair)


def same_padding(size, kernel, stride=1, dilation=1):
    """((top, bottom), (left, right)) for 'same' padding: ⌈H/s⌉ output rows, the odd padding
    row at the bottom (and column at the right), as Keras and PyTorch put it."""
    pads = []
    for n, k, s, d in zip(
        size,
        _pair(kernel, "kernel_size", 1),
        _pair(stride, "stride", 1),
        _pair(dilation, "dilation", 1),
    ):
        total = max((-(-n // s) - 1) * s + d * (k - 1) + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def _window(name, x_shape, kernel, stride, padding, dilation):
    """The Window of an op on images of ``x_shape``, after checking every argument."""
    kernel = _pair(kernel, "kernel_size", 1)
    stride, dilation = _pair(stride, f"{name}: stride", 1), _pair(dilation, f"{name}: dilation", 1)
    size = tuple(x_shape[2:])
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(
                f"{name}: padding must be a number, a pair, 'valid' or 'same', got {padding!r}"
            )
        pads = (
            ((0, 0), (0, 0)) if padding == "valid" else same_padding(size, kernel, stride, dilation)
        )
    elif (
        isinstance(padding, (tuple, list))
        and len(padding) == 2
        and all(isinstance(p, (tuple, list)) for p in padding)
    ):
        pads = tuple(_pair(p, f"{name}: padding", 0) for p in padding)
    else:
        pads = tuple((p, p) for p in _pair(padding, f"{name}: padding", 0))
    window = Window(kernel, stride, pads, dilation, size)
    if any(n < 1 for n in window.out):
        spans = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel))
        raise ValueError(
            f"{name}: the kernel {kernel} (dilation {dilation}) spans {spans[0]}×{spans[1]} "
            f"pixels, more than the padded input {_padded_size(window)[0]}×"
            f"{_padded_size(window)[1]} (input shape {tuple(x_shape)}, padding {pads})"
        )
    return window


def _check_images(name, shape):
    if len(shape) != 4:
        raise ValueError(f"{name} expects images (N, C, H, W), got shape {tuple(shape)}")


def _check_convolution(x_shape, w_shape, groups, bias):
    _check_images("conv2d", x_shape)
    if len(w_shape) != 4:
        raise ValueError(
            f"conv2d: the weight must be (out_channels, in_channels/groups, kh, kw),"
            f" got shape {tuple(w_shape)}"
        )
    if not isinstance(groups, (int, numpy.integer)) or groups < 1:
        raise ValueError(f"conv2d: groups must be a positive int, got {groups!r}")
    channels, wanted = x_shape[1], w_shape[1] * groups
    if channels != wanted:
        hint = ""
        if x_shape[-1] == wanted:
            hint = (
                f"; its last axis has {wanted}: channels-last (NHWC) data? conv2d takes "
                "(N, C, H, W): transpose it with x.transpose(0, 3, 1, 2), or use the Keras "
                "layer nn.Conv2D, which takes (N, H, W, C)"
            )
        raise ValueError(
            f"conv2d: the input has {channels} channels (shape {tuple(x_shape)}, "
            f"(N, C, H, W)) but the weight of shape {tuple(w_shape)} with "
            f"groups={groups} expects {wanted}{hint}"
        )
    if w_shape[0] % groups:
        raise ValueError(
            f"conv2d: {w_shape[0]} output channels (weight shape {tuple(w_shape)}) "
            f"cannot be split into groups={groups}"
        )
    if bias is not None and _shape_of(_operand(bias)) != (w_shape[0],):
        raise ValueError(
            f"conv2d: the bias must have shape ({w_shape[0]},), one per output "
            f"channel, got {_shape_of(_operand(bias))}"
        )
