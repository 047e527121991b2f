"""Inputs where a gradient was once wrong without an error, each against PyTorch's answer.

x**0 at 0, an inf or nan arriving from upstream at relu/clip/maximum/max, sigmoid far out on the
negative side, linear with no input or output features, logsumexp of a 0-d tensor, gradcheck on
non-contiguous and 0-d inputs, complex operands, and memory kept by a loss held across steps.
"""

from __future__ import annotations

import gc
import tracemalloc
import warnings

import numpy as np
import pytest

import autograd_lite as al
import nn
from autograd_lite import Tensor


def grad_of(build, values, upstream=None):
    x = Tensor(np.array(values, dtype=np.float64), requires_grad=True)
    y = build(x)
    y.backward(None if upstream is None else np.array(upstream, dtype=np.float64))
    return x.grad


def test_power_zero_at_zero_has_gradient_zero():
    np.testing.assert_array_equal(grad_of(lambda x: (x**0).sum(), [0.0, 2.0]), [0.0, 0.0])
    exponent = Tensor(np.zeros(2))
    np.testing.assert_array_equal(grad_of(lambda x: (x**exponent).sum(), [0.0, 2.0]), [0, 0])


def test_power_exponent_gradient_at_base_zero_is_zero():
    b = Tensor(np.array([2.0, 0.5]), requires_grad=True)
    (Tensor(np.zeros(2)) ** b).sum().backward()
    np.testing.assert_array_equal(b.grad, [0.0, 0.0])


@pytest.mark.parametrize(
    ("build", "upstream", "expected"),
    [
        (al.relu, [np.inf, 1.0], [0.0, 1.0]),
        (al.relu, [np.nan, 1.0], [0.0, 1.0]),
        (lambda x: al.clip(x, 0.0, 1.0), [np.inf, np.nan], [0.0, 0.0]),
        (lambda x: al.maximum(x, 0.5), [np.inf, 1.0], [0.0, 1.0]),
        (lambda x: al.minimum(x, 0.5), [1.0, np.nan], [1.0, 0.0]),
    ],
)
def test_an_inf_or_nan_from_upstream_does_not_leak_where_nothing_passes(build, upstream, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no RuntimeWarning either
        np.testing.assert_array_equal(grad_of(build, [-1.0, 2.0], upstream), expected)


def test_max_reduction_passes_nothing_to_the_others_even_with_inf_upstream():
    x = Tensor(np.array([1.0, 3.0, 2.0]), requires_grad=True)
    al.max(x, axis=0, keepdims=True).backward(np.array([np.inf]))
    np.testing.assert_array_equal(x.grad, [0.0, np.inf, 0.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_accurate_over_the_whole_line(dtype):
    x = np.linspace(-80, 80, 3201).astype(dtype)
    exact = 1 / (1 + np.exp(-x.astype(np.longdouble)))
    ours = al.sigmoid(Tensor(x)).data.astype(np.longdouble)
    tiny = np.finfo(dtype).tiny  # below it, only subnormals: relative accuracy is lost
    normal = exact > tiny
    relative = np.abs(ours[normal] - exact[normal]) / exact[normal]
    assert relative.max() < 4 * np.finfo(dtype).eps


def test_log_of_sigmoid_is_finite_where_pytorch_is():
    x = Tensor(np.array([-700.0, -40.0, -30.0, 0.0]), requires_grad=True)
    y = al.log(al.sigmoid(x))
    y.sum().backward()
    np.testing.assert_allclose(y.data, [-700.0, -40.0, -30.0, -np.log(2)], rtol=1e-9)
    np.testing.assert_allclose(x.grad, [1.0, 1.0, 1.0, 0.5], rtol=1e-9)


def test_sigmoid_matches_pytorch_values_and_gradients():
    torch = pytest.importorskip("torch")
    values = np.array([-100.0, -40.0, -18.5, -1e-3, 0.0, 2.5, 40.0, 100.0])
    for dtype, torch_dtype in [(np.float32, torch.float32), (np.float64, torch.float64)]:
        x = Tensor(values.astype(dtype), requires_grad=True)
        with np.errstate(over="ignore"):  # 1/s(-100) overflows float32, in PyTorch too
            al.log(al.sigmoid(x)).sum().backward()
        t = torch.tensor(values, dtype=torch_dtype, requires_grad=True)
        torch.log(torch.sigmoid(t)).sum().backward()
        finite = np.isfinite(t.grad.numpy())  # float32 at -100: PyTorch's gradient is nan
        assert finite[1:].all()
        # atol: below -88 in float32 PyTorch flushes to 0 what is a subnormal here.
        np.testing.assert_allclose(
            al.sigmoid(x).data,
            torch.sigmoid(t).detach().numpy(),
            rtol=2e-6 if dtype == np.float32 else 1e-14,
            atol=1e-40,
        )
        np.testing.assert_allclose(x.grad[finite], t.grad.numpy()[finite], rtol=2e-6)


@pytest.mark.parametrize(("n_in", "n_out"), [(0, 2), (3, 0), (0, 0)])
def test_linear_with_no_input_or_output_features(n_in, n_out):
    x = Tensor(np.ones((4, n_in)), requires_grad=True)
    W = Tensor(np.ones((n_out, n_in)), requires_grad=True)
    b = Tensor(np.ones(n_out), requires_grad=True)
    (al.linear(x, W, b) * 2).sum().backward()
    assert x.grad.shape == (4, n_in) and W.grad.shape == (n_out, n_in)
    np.testing.assert_array_equal(b.grad, np.full(n_out, 8.0))
    np.testing.assert_array_equal(x.grad, np.zeros((4, n_in)))


def test_logsumexp_of_a_0d_tensor():
    x = Tensor(np.array(1.5), requires_grad=True)
    y = al.logsumexp(x)
    y.backward()
    assert y.item() == pytest.approx(1.5) and x.grad == pytest.approx(1.0)
    assert al.gradgradcheck(lambda t: al.logsumexp(t * t), [np.array(0.7)])


def test_gradcheck_on_non_contiguous_and_0d_inputs():
    transposed = np.random.default_rng(0).standard_normal((3, 2)).T
    assert not transposed.flags.c_contiguous
    assert al.gradcheck(lambda t: (t * t).sum(), [transposed])
    strided = np.arange(12.0)[::3]
    assert al.gradcheck(lambda t: (t**3).sum(), [strided])
    assert al.gradcheck(lambda t: t * t * t, [np.array(1.3)])
    assert al.gradgradcheck(lambda t: (t**3).sum(), [transposed])


@pytest.mark.parametrize("operand", [np.complex128(1j), np.array([1j, 2.0]), 2j])
def test_complex_operands_are_a_clear_type_error(operand):
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(TypeError, match="complex"):
        x * operand


def test_a_loss_kept_across_steps_does_not_keep_the_activations():
    rng = np.random.default_rng(0)
    al.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)
    )
    optimizer = nn.SGD(model.parameters(), lr=0.01)
    x = rng.standard_normal((32, 256)).astype(np.float32)
    y = rng.integers(0, 10, 32)
    total = 0.0

    def step():
        nonlocal total
        optimizer.zero_grad()
        loss = nn.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        total = total + loss  # kept, as a running sum for a progress bar might be

    tracemalloc.start()
    try:
        for _ in range(20):  # the gradients and optimizer state are allocated by now
            step()
        gc.collect()
        start, _ = tracemalloc.get_traced_memory()
        for _ in range(300):
            step()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    # Each step keeps one add node and the 0-d loss (under 1 kB); the activations, 0.25 MB.
    assert grown < 1_000_000, f"{grown / 1e6:.1f} MB kept over 300 steps"


TORCH_CASES = [
    # (id, our function, PyTorch's, input, upstream gradient or None)
    ("x**0 at 0", lambda x: (x**0).sum(), lambda x: (x**0).sum(), [0.0, 2.0], None),
    ("relu, inf upstream", al.relu, lambda x: x.relu(), [-1.0, 2.0], [np.inf, 1.0]),
    (
        "clip, nan upstream",
        lambda x: al.clip(x, 0.0, 1.0),
        lambda x: x.clamp(0.0, 1.0),
        [-1.0, 0.5],
        [np.nan, 1.0],
    ),
    (
        "maximum, inf upstream",
        lambda x: al.maximum(x, 0.5),
        lambda x: x.maximum(x.new_tensor(0.5)),
        [-1.0, 2.0],
        [np.inf, 1.0],
    ),
    (
        "logsumexp of 0-d",
        lambda x: al.logsumexp(x.reshape(()), axis=-1),
        lambda x: x.reshape(()).logsumexp(dim=-1),
        [1.5],
        None,
    ),
]


@pytest.mark.parametrize(
    ("ours", "theirs", "values", "upstream"),
    [pytest.param(*case[1:], id=case[0]) for case in TORCH_CASES],
)
def test_edge_gradients_match_pytorch(ours, theirs, values, upstream):
    torch = pytest.importorskip("torch")
    expected = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    out = theirs(expected)
    out.backward(None if upstream is None else torch.tensor(upstream, dtype=torch.float64))
    np.testing.assert_array_equal(grad_of(ours, values, upstream), expected.grad.numpy())


def test_linear_with_no_features_matches_pytorch():
    torch = pytest.importorskip("torch")
    for n_in, n_out in [(0, 2), (3, 0)]:
        x = torch.ones(4, n_in, dtype=torch.float64, requires_grad=True)
        W = torch.ones(n_out, n_in, dtype=torch.float64, requires_grad=True)
        b = torch.ones(n_out, dtype=torch.float64, requires_grad=True)
        (torch.nn.functional.linear(x, W, b) * 2).sum().backward()
        ours = [Tensor(np.ones(t.shape), requires_grad=True) for t in (x, W, b)]
        (al.linear(*ours) * 2).sum().backward()
        for mine, theirs in zip(ours, (x, W, b)):
            np.testing.assert_array_equal(mine.grad, theirs.grad.numpy())
