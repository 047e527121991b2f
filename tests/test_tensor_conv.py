"""Convolution and pooling: values and gradients, first and second order, over strides,
padding, dilation and groups; PyTorch's own values and gradients in float64 where PyTorch is
installed; and the errors that bad shapes and arguments get.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import Tensor

# (input shape, weight shape, stride, padding, dilation, groups)
CONVOLUTIONS = [
    pytest.param((2, 3, 6, 5), (4, 3, 3, 3), 1, 0, 1, 1, id="plain"),
    pytest.param((2, 3, 7, 6), (2, 3, 3, 2), 2, 1, 1, 1, id="stride 2, padding 1"),
    pytest.param((1, 2, 7, 7), (3, 2, 2, 3), (3, 2), (2, 0), 1, 1, id="stride and padding pairs"),
    pytest.param((2, 2, 7, 8), (2, 2, 3, 3), 1, 2, (2, 3), 1, id="dilation"),
    pytest.param((2, 4, 5, 6), (6, 2, 3, 3), 1, 1, 1, 2, id="2 groups"),
    pytest.param((1, 3, 6, 6), (3, 1, 3, 3), 2, 1, 1, 3, id="depthwise"),
    pytest.param((2, 4, 8, 7), (4, 2, 2, 3), (2, 3), 1, 2, 2, id="everything at once"),
    pytest.param((1, 2, 5, 6), (3, 2, 2, 3), 1, "same", 1, 1, id="'same' with even kernel"),
    pytest.param((1, 2, 5, 5), (2, 2, 3, 3), 1, ((0, 2), (1, 0)), 1, 1, id="asymmetric padding"),
    pytest.param((3, 5, 5), (2, 3, 3, 3), 1, 1, 1, 1, id="one image (C, H, W)"),
    pytest.param((1, 1, 3, 3), (1, 1, 3, 3), 1, 0, 1, 1, id="kernel as large as the image"),
]


def _arrays(rng, x_shape, w_shape):
    return (
        rng.standard_normal(x_shape),
        rng.standard_normal(w_shape),
        rng.standard_normal(w_shape[0]),
    )


def _torch_padding(padding, x, kernel, dilation, torch):
    """PyTorch's conv2d takes symmetric padding only: pad x first for other padding."""
    if padding == "same":
        padding = al.ops.same_padding(tuple(x.shape[2:]), kernel, 1, dilation)
    if isinstance(padding, tuple) and isinstance(padding[0], tuple):
        (top, bottom), (left, right) = padding
        return torch.nn.functional.pad(x, (left, right, top, bottom)), 0
    return x, padding


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "stride", "padding", "dilation", "groups"), CONVOLUTIONS
)
def test_conv2d_gradients_and_second_derivatives(
    x_shape, w_shape, stride, padding, dilation, groups, rng
):
    x, w, b = _arrays(rng, x_shape, w_shape)

    def conv(x, w, b):
        return al.conv2d(x, w, b, stride, padding, dilation, groups)

    assert al.gradcheck(conv, [x, w, b]) is True
    assert al.gradgradcheck(conv, [x, w, b]) is True
    assert (
        al.gradgradcheck(
            lambda x, w: al.tanh(al.conv2d(x, w, None, stride, padding, dilation, groups)), [x, w]
        )
        is True
    )


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "stride", "padding", "dilation", "groups"), CONVOLUTIONS
)
def test_conv2d_equals_pytorch(x_shape, w_shape, stride, padding, dilation, groups, rng):
    torch = pytest.importorskip("torch")
    x, w, b = _arrays(rng, x_shape, w_shape)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    padded, torch_padding = _torch_padding(padding, tx, w_shape[2:], dilation, torch)
    expected = torch.nn.functional.conv2d(padded, tw, tb, stride, torch_padding, dilation, groups)
    ax, aw, ab = (Tensor(a, requires_grad=True) for a in (x, w, b))
    out = al.conv2d(ax, aw, ab, stride, padding, dilation, groups)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = rng.standard_normal(out.shape)
    (out * g).sum().backward()
    (expected * torch.tensor(g)).sum().backward()
    for ours, theirs in ((ax, tx), (aw, tw), (ab, tb)):
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_conv2d_second_derivatives_equal_pytorchs(rng):
    torch = pytest.importorskip("torch")
    x, w, _ = _arrays(rng, (2, 4, 6, 5), (4, 2, 3, 2))
    v, a = rng.standard_normal((2, 4, 3, 5)), rng.standard_normal((2, 4, 6, 5))

    def run(lib, make, conv):
        tx, tw = make(x), make(w)
        z = (conv(tx, tw) ** 2 * lib.tensor(v)).sum()
        gx, gw = (torch.autograd.grad if lib is torch else al.gradients)(
            z, [tx, tw], create_graph=True
        )
        u = (gx * lib.tensor(a)).sum() + (gw * gw).sum()
        return [
            np.asarray(g.detach() if lib is torch else g.data)
            for g in (torch.autograd.grad if lib is torch else al.gradients)(u, [tx, tw])
        ]

    ours = run(
        al,
        lambda a: al.tensor(a, requires_grad=True),
        lambda x, w: al.conv2d(x, w, stride=(2, 1), padding=1, dilation=(1, 2), groups=2),
    )
    theirs = run(
        torch,
        lambda a: torch.tensor(a, requires_grad=True),
        lambda x, w: torch.nn.functional.conv2d(
            x, w, stride=(2, 1), padding=1, dilation=(1, 2), groups=2
        ),
    )
    for o, t in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(o, t, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    ("stride", "padding", "output_padding", "dilation", "groups"),
    [
        (1, 0, 0, 1, 1),
        (2, 1, 1, 1, 1),
        ((2, 3), (1, 0), (1, 2), 1, 1),
        (1, 1, 0, 2, 2),
    ],
)
def test_conv_transpose2d_equals_pytorch_and_passes_gradcheck(
    stride, padding, output_padding, dilation, groups, rng
):
    x, w, b = (
        rng.standard_normal((2, 4, 3, 4)),
        rng.standard_normal((4, 3, 3, 2)),
        rng.standard_normal(3 * groups),
    )

    def transposed(x, w, b):
        return al.conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation)

    assert al.gradcheck(transposed, [x, w, b]) is True
    assert al.gradgradcheck(lambda x, w: transposed(x, w, b) ** 2, [x, w]) is True
    torch = pytest.importorskip("torch")
    expected = torch.nn.functional.conv_transpose2d(
        torch.tensor(x),
        torch.tensor(w),
        torch.tensor(b),
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )
    np.testing.assert_allclose(transposed(x, w, b).data, expected.numpy(), rtol=1e-12, atol=1e-12)


def test_conv2d_of_float32_stays_float32_and_takes_strided_views(rng):
    x = rng.standard_normal((2, 5, 6, 3)).astype(np.float32)  # channels last
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    out = al.conv2d(Tensor(x).transpose(0, 3, 1, 2), w)
    assert out.dtype == np.float32
    expected = al.conv2d(np.ascontiguousarray(x.transpose(0, 3, 1, 2)), w)
    np.testing.assert_allclose(out.data, expected.data, rtol=1e-6)


# ---- pooling --------------------------------------------------------------------------------

# (max or avg, kernel, stride, padding, other arguments)
POOLS = [
    pytest.param("max", 2, None, 0, {}, id="max 2x2"),
    pytest.param("max", 3, 2, 1, {}, id="max overlapping, padded"),
    pytest.param("max", (2, 3), (1, 2), (1, 0), {}, id="max pairs"),
    pytest.param("max", 2, 1, 0, {"dilation": 2}, id="max dilation"),
    pytest.param("max", 2, 2, 1, {}, id="max tiling a padded image"),
    pytest.param("avg", 2, None, 0, {}, id="avg 2x2"),
    pytest.param("avg", 3, 2, 1, {}, id="avg overlapping, padded"),
    pytest.param("avg", 3, 2, 1, {"count_include_pad": False}, id="avg padding not counted"),
    pytest.param("avg", (2, 3), (1, 2), (1, 0), {"count_include_pad": False}, id="avg pairs"),
]


def distinct(rng, shape):
    return rng.permutation(int(np.prod(shape))).reshape(shape) * 0.1 - 2.0


@pytest.mark.parametrize(("kind", "kernel", "stride", "padding", "extra"), POOLS)
def test_pooling_gradients_and_pytorchs_values(kind, kernel, stride, padding, extra, rng):
    x = distinct(rng, (2, 3, 7, 6))  # no ties: max has one clear winner in every window

    def pool(x):
        return getattr(al, f"{kind}_pool2d")(x, kernel, stride, padding, **extra)

    assert al.gradcheck(pool, [x]) is True
    assert al.gradgradcheck(lambda x: pool(x) ** 2, [x]) is True
    torch = pytest.importorskip("torch")
    tx, ax = torch.tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
    expected = getattr(torch.nn.functional, f"{kind}_pool2d")(tx, kernel, stride, padding, **extra)
    out = pool(ax)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12)
    g = rng.standard_normal(out.shape)
    (out * g).sum().backward()
    (expected * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(ax.grad, tx.grad.numpy(), rtol=1e-12)


def test_max_pool2d_gives_a_tie_to_the_first_maximum():
    x = Tensor(np.zeros((1, 1, 2, 2)), requires_grad=True)  # relu's zeros: all tied
    al.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad[0, 0], [[1, 0], [0, 0]])


def test_max_pool2d_keeps_nan_and_negative_infinity(rng):
    x = np.full((1, 1, 2, 4), -np.inf)
    x[0, 0, 0, 2] = np.nan
    out = al.max_pool2d(x, 2).data
    assert out[0, 0, 0, 0] == -np.inf and np.isnan(out[0, 0, 0, 1])


# ---- bad input ------------------------------------------------------------------------------


def test_wrong_number_of_input_channels_names_the_shapes():
    with pytest.raises(ValueError, match=r"has 5 channels \(shape \(2, 5, 8, 8\).*expects 3"):
        al.conv2d(np.zeros((2, 5, 8, 8)), np.zeros((4, 3, 3, 3)))


def test_channels_last_data_gets_a_hint():
    with pytest.raises(ValueError, match=r"channels-last \(NHWC\).*transpose\(0, 3, 1, 2\)"):
        al.conv2d(np.zeros((2, 28, 28, 1)), np.zeros((8, 1, 5, 5)))


def test_a_kernel_larger_than_the_padded_input_names_both():
    with pytest.raises(
        ValueError,
        match=r"kernel \(5, 5\).*5×5 pixels, more than the padded "
        r"input 4×6 \(input shape \(1, 1, 4, 6\)",
    ):
        al.conv2d(np.zeros((1, 1, 4, 6)), np.zeros((1, 1, 5, 5)))
    with pytest.raises(ValueError, match=r"dilation \(2, 2\)\) spans 5×5"):
        al.max_pool2d(np.zeros((1, 1, 4, 4)), 3, dilation=2)
    al.conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 5, 5)), padding=1)  # fits with padding


@pytest.mark.parametrize("stride", [0, -1, (1, 0)])
def test_a_non_positive_stride_is_refused(stride):
    with pytest.raises(ValueError, match=re.escape(f"stride must be positive, got {stride!r}")):
        al.conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 2, 2)), stride=stride)
    with pytest.raises(ValueError, match="stride must be positive"):
        al.max_pool2d(np.zeros((1, 1, 4, 4)), 2, stride=stride)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: al.conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 2, 2)), padding=-1),
            "padding must be non-negative",
        ),
        (
            lambda: al.conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 2, 2)), padding="full"),
            "'valid' or 'same'",
        ),
        (lambda: al.conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 2, 2))), r"\(out_channels"),
        (lambda: al.conv2d(np.zeros((4, 4)), np.zeros((1, 1, 2, 2))), r"\(N, C, H, W\)"),
        (
            lambda: al.conv2d(np.zeros((1, 4, 4, 4)), np.zeros((3, 2, 2, 2)), groups=2),
            "3 output channels",
        ),
        (
            lambda: al.conv2d(np.zeros((1, 1, 4, 4)), np.zeros((2, 1, 2, 2)), np.zeros(3)),
            r"bias must have shape \(2,\)",
        ),
        (lambda: al.max_pool2d(np.zeros((1, 4, 4)), 2, dilation=0), "dilation must be positive"),
        (lambda: al.conv_transpose2d(np.zeros((1, 2, 3, 3)), np.zeros((3, 1, 2, 2))), "do not fit"),
    ],
)
def test_bad_arguments_get_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
