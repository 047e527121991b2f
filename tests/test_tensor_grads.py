"""Gradients of every Tensor op, against finite differences and against closed forms.

Most tests call ``autograd_lite.gradcheck``, which compares the reverse-mode gradient of each
input with central finite differences in float64 (a non-scalar output goes through a random
projection). Input values keep away from the points where an op is not differentiable
(relu and abs at 0, ties of maximum, the bounds of clip) and stay positive for log and sqrt,
so a finite-difference step never crosses a kink.

* elementwise binary ops over broadcast shape pairs, and with constants on either side;
* unary ops, reductions over every kind of axis, softmax family, shape ops, indexing, joins,
  matmul in all its 1-D / 2-D / batched forms;
* property-based versions (hypothesis) for broadcasting binary ops and for reductions;
* closed forms: repeated indices add up, ties share the gradient, softmax and logsumexp,
  logistic-style sums, and numerical stability for logits of ±1000.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as al
from autograd_lite import Tensor

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None)


def assert_gradients_match_finite_differences(f, *arrays):
    assert al.gradcheck(f, list(arrays)) is True


# ---- values that keep finite differences away from kinks -----------------------------------------


def any_value(rng, shape):
    return rng.uniform(-2.0, 2.0, shape)


def positive(rng, shape):
    return rng.uniform(0.5, 2.0, shape)


def away_from_zero(rng, shape):
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape)


def grid(rng, shape):
    """Whole numbers in [-3, 3]: never within 0.25 of ``grid_plus_quarter``'s values."""
    return rng.integers(-3, 4, shape).astype(float)


def grid_plus_quarter(rng, shape):
    return grid(rng, shape) + 0.25


def distinct(rng, shape):
    """All different, at least 0.1 apart: max and min have one clear winner."""
    return rng.permutation(int(np.prod(shape, dtype=int))).reshape(shape) * 0.1 - 1.0


def away_from_clip_bounds(rng, shape):
    """Inside and outside [-1, 1], at least 0.1 away from either bound."""
    return rng.choice([-1.8, -0.6, 0.2, 0.7, 1.5], shape) + rng.uniform(-0.05, 0.05, shape)


# ---- elementwise binary ops with broadcasting ----------------------------------------------------

BINARY_OPS = {
    # name: (op on Tensors, values for a, values for b, the NumPy reference)
    "add": (lambda a, b: a + b, any_value, any_value, np.add),
    "sub": (lambda a, b: a - b, any_value, any_value, np.subtract),
    "mul": (lambda a, b: a * b, any_value, any_value, np.multiply),
    "div": (lambda a, b: a / b, any_value, away_from_zero, np.divide),
    "pow": (lambda a, b: a**b, positive, any_value, np.power),
    "maximum": (al.maximum, grid_plus_quarter, grid, np.maximum),
    "minimum": (al.minimum, grid_plus_quarter, grid, np.minimum),
    "maximum method": (Tensor.maximum, grid, grid_plus_quarter, np.maximum),
    "minimum method": (Tensor.minimum, grid, grid_plus_quarter, np.minimum),
}

BROADCAST_SHAPES = [
    pytest.param((3, 4), (3, 4), id="(3,4)&(3,4)"),
    pytest.param((3, 4), (4,), id="(3,4)&(4,)"),
    pytest.param((4,), (3, 4), id="(4,)&(3,4)"),
    pytest.param((3, 1), (1, 4), id="(3,1)&(1,4)"),
    pytest.param((2, 3, 4), (3, 1), id="(2,3,4)&(3,1)"),
    pytest.param((3, 1), (2, 3, 4), id="(3,1)&(2,3,4)"),
    pytest.param((), (3,), id="scalar&(3,)"),
    pytest.param((3,), (), id="(3,)&scalar"),
    pytest.param((2, 1, 4), (3, 1), id="(2,1,4)&(3,1)"),
]


@pytest.mark.parametrize(("a_shape", "b_shape"), BROADCAST_SHAPES)
@pytest.mark.parametrize("name", BINARY_OPS)
def test_binary_op_gradients_with_broadcasting(name, a_shape, b_shape, rng):
    op, a_values, b_values, reference = BINARY_OPS[name]
    a, b = a_values(rng, a_shape), b_values(rng, b_shape)
    out = op(Tensor(a), Tensor(b))
    assert out.shape == np.broadcast_shapes(a_shape, b_shape)
    np.testing.assert_allclose(out.data, reference(a, b), rtol=1e-12)
    assert_gradients_match_finite_differences(op, a, b)


@pytest.mark.parametrize("constant_kind", ["python number", "ndarray"])
@pytest.mark.parametrize("tensor_side", ["left", "right"])
@pytest.mark.parametrize("name", BINARY_OPS)
def test_binary_op_gradients_with_a_constant_operand(name, tensor_side, constant_kind, rng):
    op, a_values, b_values, _ = BINARY_OPS[name]
    if tensor_side == "left":
        x, constant = a_values(rng, (3, 4)), b_values(rng, (4,))
    else:
        x, constant = b_values(rng, (3, 4)), a_values(rng, (4,))
    if constant_kind == "python number":
        constant = float(constant[0])

    def f(t):
        return op(t, constant) if tensor_side == "left" else op(constant, t)

    assert_gradients_match_finite_differences(f, x)


@st.composite
def broadcastable_pair(draw, a_elements, b_elements):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
    a_shape, b_shape = shapes.input_shapes
    a = draw(hnp.arrays(np.float64, a_shape, elements=a_elements))
    b = draw(hnp.arrays(np.float64, b_shape, elements=b_elements))
    return a, b


ANY = st.floats(-2.0, 2.0)
POSITIVE = st.floats(0.5, 2.0)
AWAY_FROM_ZERO = st.one_of(st.floats(-2.0, -0.5), st.floats(0.5, 2.0))
WHOLE = st.integers(-3, 3).map(float)
WHOLE_PLUS_QUARTER = st.integers(-3, 3).map(lambda k: k + 0.25)


@pytest.mark.parametrize(
    ("name", "a_elements", "b_elements"),
    [
        pytest.param("add", ANY, ANY, id="add"),
        pytest.param("sub", ANY, ANY, id="sub"),
        pytest.param("mul", ANY, ANY, id="mul"),
        pytest.param("div", ANY, AWAY_FROM_ZERO, id="div"),
        pytest.param("pow", POSITIVE, ANY, id="pow"),
        pytest.param("maximum", WHOLE_PLUS_QUARTER, WHOLE, id="maximum"),
        pytest.param("minimum", WHOLE_PLUS_QUARTER, WHOLE, id="minimum"),
    ],
)
def test_binary_op_gradients_on_random_broadcast_shapes(name, a_elements, b_elements):
    op, _, _, reference = BINARY_OPS[name]

    @PROPERTY_SETTINGS
    @given(pair=broadcastable_pair(a_elements, b_elements))
    def check(pair):
        a, b = pair
        np.testing.assert_allclose(op(Tensor(a), Tensor(b)).data, reference(a, b), rtol=1e-12)
        assert_gradients_match_finite_differences(op, a, b)

    check()


# ---- elementwise unary ops -----------------------------------------------------------------------

UNARY_CASES = [
    # (op, values, NumPy reference)
    pytest.param(lambda x: -x, any_value, np.negative, id="neg"),
    pytest.param(al.exp, any_value, np.exp, id="exp"),
    pytest.param(al.log, positive, np.log, id="log"),
    pytest.param(al.sqrt, positive, np.sqrt, id="sqrt"),
    pytest.param(al.abs, away_from_zero, np.abs, id="abs"),
    pytest.param(al.tanh, any_value, np.tanh, id="tanh"),
    pytest.param(al.sigmoid, any_value, lambda x: 1 / (1 + np.exp(-x)), id="sigmoid"),
    pytest.param(al.relu, away_from_zero, lambda x: np.maximum(x, 0), id="relu"),
    pytest.param(
        lambda x: al.clip(x, -1.0, 1.0),
        away_from_clip_bounds,
        lambda x: np.clip(x, -1, 1),
        id="clip(-1, 1)",
    ),
    pytest.param(
        lambda x: x.clip(min=-1.0),
        away_from_clip_bounds,
        lambda x: np.maximum(x, -1),
        id="clip(min=-1)",
    ),
    pytest.param(
        lambda x: x.clip(max=1.0),
        away_from_clip_bounds,
        lambda x: np.minimum(x, 1),
        id="clip(max=1)",
    ),
    pytest.param(lambda x: x**3, any_value, lambda x: x**3, id="x ** 3"),
    pytest.param(lambda x: x**0.5, positive, np.sqrt, id="x ** 0.5"),
    pytest.param(lambda x: x**-1, away_from_zero, lambda x: 1 / x, id="x ** -1"),
    pytest.param(lambda x: x.pow(2), any_value, np.square, id="x.pow(2)"),
    pytest.param(lambda x: 2**x, any_value, lambda x: 2**x, id="2 ** x"),
    pytest.param(lambda x: 1 / x, away_from_zero, lambda x: 1 / x, id="1 / x"),
    pytest.param(lambda x: 1 - x, any_value, lambda x: 1 - x, id="1 - x"),
    pytest.param(lambda x: x * x, any_value, np.square, id="x * x (one input twice)"),
    pytest.param(lambda x: x.exp(), any_value, np.exp, id="method exp"),
    pytest.param(lambda x: x.log(), positive, np.log, id="method log"),
    pytest.param(lambda x: x.sqrt(), positive, np.sqrt, id="method sqrt"),
    pytest.param(lambda x: x.abs(), away_from_zero, np.abs, id="method abs"),
    pytest.param(lambda x: x.tanh(), any_value, np.tanh, id="method tanh"),
    pytest.param(
        lambda x: x.sigmoid(), any_value, lambda x: 1 / (1 + np.exp(-x)), id="method sigmoid"
    ),
    pytest.param(lambda x: x.relu(), away_from_zero, lambda x: np.maximum(x, 0), id="method relu"),
]


@pytest.mark.parametrize(("op", "values", "reference"), UNARY_CASES)
def test_unary_op_values_and_gradients(op, values, reference, rng):
    x = values(rng, (2, 3))
    np.testing.assert_allclose(op(Tensor(x)).data, reference(x), rtol=1e-12)
    assert_gradients_match_finite_differences(op, x)


@pytest.mark.parametrize(
    ("op", "derivative"),
    [
        (al.exp, np.exp),
        (al.log, lambda x: 1 / x),
        (al.sqrt, lambda x: 0.5 / np.sqrt(x)),
        (al.tanh, lambda x: 1 - np.tanh(x) ** 2),
        (al.sigmoid, lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
        (al.relu, lambda x: (x > 0).astype(float)),
        (al.abs, np.sign),
    ],
    ids=["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs"],
)
def test_unary_gradients_equal_their_closed_forms(op, derivative):
    x_values = np.array([0.3, 0.9, 1.7, 2.5])
    if op in (al.relu, al.abs):
        x_values = np.array([-1.5, -0.2, 0.4, 2.0])
    x = Tensor(x_values, requires_grad=True)
    op(x).sum().backward()
    np.testing.assert_allclose(x.grad, derivative(x_values), rtol=1e-12)


@pytest.mark.parametrize("op", [al.relu, al.abs], ids=["relu", "abs"])
def test_relu_and_abs_have_zero_gradient_at_zero(op):
    x = Tensor([0.0], requires_grad=True)
    op(x).sum().backward()
    assert x.grad[0] == 0.0


def test_clip_passes_the_gradient_inside_the_bounds_only():
    x = Tensor([-3.0, -0.5, 0.0, 0.5, 3.0], requires_grad=True)
    x.clip(-1.0, 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 1.0, 1.0, 0.0])


def test_exponent_gradient_of_a_zero_base_is_zero():
    a = Tensor(np.array([0.0, 2.0]), requires_grad=True)
    b = Tensor(np.array([2.0, 3.0]), requires_grad=True)
    (a**b).sum().backward()
    np.testing.assert_allclose(b.grad, [0.0, 8.0 * np.log(2.0)], rtol=1e-12)
    np.testing.assert_allclose(a.grad, [0.0, 3 * 2.0**2], rtol=1e-12)


def test_power_gradient_with_respect_to_both_inputs_in_closed_form():
    a_values, b_values = np.array([0.5, 1.5, 3.0]), np.array([2.0, -1.0, 0.5])
    a, b = Tensor(a_values, requires_grad=True), Tensor(b_values, requires_grad=True)
    (a**b).sum().backward()
    np.testing.assert_allclose(a.grad, b_values * a_values ** (b_values - 1), rtol=1e-12)
    np.testing.assert_allclose(b.grad, a_values**b_values * np.log(a_values), rtol=1e-12)


@pytest.mark.parametrize("op", [al.maximum, al.minimum], ids=["maximum", "minimum"])
def test_maximum_and_minimum_split_the_gradient_at_ties(op):
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = Tensor([2.0, 2.0, 2.0], requires_grad=True)
    op(a, b).sum().backward()
    a_wins = [0.0, 0.5, 1.0] if op is al.maximum else [1.0, 0.5, 0.0]
    np.testing.assert_array_equal(a.grad, a_wins)
    np.testing.assert_array_equal(b.grad, 1 - np.array(a_wins))


# ---- where ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition_shape", "a_shape", "b_shape"),
    [
        ((3, 4), (3, 4), (3, 4)),
        ((3, 1), (3, 4), (4,)),
        ((4,), (3, 1), ()),
        ((2, 1, 4), (3, 1), (4,)),
    ],
    ids=str,
)
@pytest.mark.parametrize("condition_kind", ["Tensor", "ndarray"])
def test_where_gradients_with_broadcasting(condition_shape, a_shape, b_shape, condition_kind, rng):
    condition = rng.random(condition_shape) > 0.5
    if condition_kind == "Tensor":
        condition = Tensor(condition)
    a, b = any_value(rng, a_shape), any_value(rng, b_shape)
    out = al.where(condition, Tensor(a), Tensor(b))
    np.testing.assert_array_equal(out.data, np.where(np.asarray(condition), a, b))
    assert_gradients_match_finite_differences(lambda a, b: al.where(condition, a, b), a, b)


def test_where_gradient_goes_to_the_chosen_branch():
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    (al.where(a > 1.5, a, b) * Tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.0, 2.0, 3.0])
    np.testing.assert_array_equal(b.grad, [1.0, 0.0, 0.0])


@pytest.mark.parametrize("constant_branch", ["a", "b"])
def test_where_with_a_constant_branch(constant_branch, rng):
    mask = np.array([True, False, True])
    x = any_value(rng, (3,))
    if constant_branch == "a":
        f = lambda t: al.where(mask, 0.5, t)  # noqa: E731
    else:
        f = lambda t: al.where(mask, t, 0.5)  # noqa: E731
    assert_gradients_match_finite_differences(f, x)


# ---- reductions ----------------------------------------------------------------------------------

AXES = [None, 0, 1, 2, -1, -2, (0, 2), (-1, -3), (1, 0), (0, 1, 2)]

REDUCTIONS = {
    # name: (op, the NumPy reference)
    "sum": (al.sum, np.sum),
    "mean": (al.mean, np.mean),
    "max": (al.max, np.max),
    "min": (al.min, np.min),
    "logsumexp": (
        al.logsumexp,
        lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims)),
    ),
}


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_values_and_gradients_over_each_axis(name, axis, keepdims, rng):
    op, reference = REDUCTIONS[name]
    x = distinct(rng, (2, 3, 4))
    out = op(Tensor(x), axis=axis, keepdims=keepdims)
    expected = reference(x, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)
    assert_gradients_match_finite_differences(lambda t: op(t, axis=axis, keepdims=keepdims), x)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "logsumexp"])
def test_reduction_method_and_positional_axis_agree_with_the_function(name, rng):
    op, _ = REDUCTIONS[name]
    x = Tensor(distinct(rng, (3, 4)))
    by_name = op(x, axis=1, keepdims=True)
    np.testing.assert_array_equal(getattr(x, name)(1, True).data, by_name.data)
    np.testing.assert_array_equal(op(x, 1, True).data, by_name.data)


@st.composite
def reduction_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    ndim = len(shape)
    axis = draw(
        st.one_of(
            st.none(),
            st.integers(-ndim, ndim - 1),
            st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(
                lambda axes: tuple(a - ndim if a % 2 else a for a in axes)  # some negative
            ),
        )
    )
    keepdims = draw(st.booleans())
    # Distinct whole numbers, scaled: max and min never tie, all values stay moderate.
    size = int(np.prod(shape))
    values = draw(st.lists(st.integers(-60, 60), min_size=size, max_size=size, unique=True))
    return np.array(values, dtype=float).reshape(shape) * 0.05, axis, keepdims


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_gradients_on_random_shapes_and_axes(name):
    op, reference = REDUCTIONS[name]

    @PROPERTY_SETTINGS
    @given(case=reduction_case())
    def check(case):
        x, axis, keepdims = case
        out = op(Tensor(x), axis=axis, keepdims=keepdims)
        np.testing.assert_allclose(
            out.data, reference(x, axis=axis, keepdims=keepdims), rtol=1e-12, atol=1e-12
        )
        assert_gradients_match_finite_differences(lambda t: op(t, axis=axis, keepdims=keepdims), x)

    check()


def test_mean_gradient_is_one_over_the_count():
    x = Tensor(np.ones((2, 5)), requires_grad=True)
    x.mean(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad, np.full((2, 5), 1 / 5))


@pytest.mark.parametrize("op", [al.max, al.min], ids=["max", "min"])
def test_max_and_min_share_the_gradient_evenly_between_ties(op):
    values = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [5.0, 0.0, 4.0]])
    if op is al.min:
        values = -values
    x = Tensor(values, requires_grad=True)
    op(x, axis=1).sum().backward()
    np.testing.assert_allclose(x.grad, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3], [1, 0, 0]])


def test_max_over_all_axes_with_a_tie():
    x = Tensor([[4.0, 1.0], [4.0, 2.0]], requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [[0.5, 0.0], [0.5, 0.0]])


# ---- softmax family ------------------------------------------------------------------------------


def softmax_reference(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


SOFTMAX_FAMILY = {
    "softmax": (al.softmax, softmax_reference),
    "log_softmax": (al.log_softmax, lambda x, axis: np.log(softmax_reference(x, axis))),
    "logsumexp": (al.logsumexp, lambda x, axis: np.log(np.sum(np.exp(x), axis=axis))),
    "softmax method": (Tensor.softmax, softmax_reference),
    "log_softmax method": (Tensor.log_softmax, lambda x, axis: np.log(softmax_reference(x, axis))),
}


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2])
@pytest.mark.parametrize("name", SOFTMAX_FAMILY)
def test_softmax_family_values_and_gradients_along_each_axis(name, axis, rng):
    op, reference = SOFTMAX_FAMILY[name]
    x = any_value(rng, (2, 3, 4))
    np.testing.assert_allclose(op(Tensor(x), axis=axis).data, reference(x, axis), rtol=1e-12)
    assert_gradients_match_finite_differences(lambda t: op(t, axis=axis), x)


def test_softmax_defaults_to_the_last_axis(rng):
    x = any_value(rng, (3, 4))
    np.testing.assert_allclose(al.softmax(Tensor(x)).data, softmax_reference(x, -1))
    np.testing.assert_allclose(Tensor(x).logsumexp().data, np.log(np.exp(x).sum(axis=-1)))


def test_weighted_softmax_sum_gradient_in_closed_form(rng):
    """d/dx Σ softmax(x)·c = s ⊙ (c - Σ s·c), row by row."""
    x_values, c = any_value(rng, (3, 5)), any_value(rng, (3, 5))
    x = Tensor(x_values, requires_grad=True)
    (al.softmax(x, axis=1) * c).sum().backward()
    s = softmax_reference(x_values, 1)
    np.testing.assert_allclose(x.grad, s * (c - (s * c).sum(axis=1, keepdims=True)), rtol=1e-10)


def test_logsumexp_gradient_is_softmax(rng):
    x_values = any_value(rng, (4, 6))
    x = Tensor(x_values, requires_grad=True)
    al.logsumexp(x, axis=1).sum().backward()
    np.testing.assert_allclose(x.grad, softmax_reference(x_values, 1), rtol=1e-10)


def test_weighted_log_softmax_gradient_in_closed_form(rng):
    """d/dx Σ log_softmax(x)·c = c - softmax(x)·Σc (the cross-entropy gradient for one-hot c)."""
    x_values, c = any_value(rng, (3, 5)), any_value(rng, (3, 5))
    x = Tensor(x_values, requires_grad=True)
    (al.log_softmax(x, axis=-1) * c).sum().backward()
    s = softmax_reference(x_values, -1)
    np.testing.assert_allclose(x.grad, c - s * c.sum(axis=-1, keepdims=True), rtol=1e-10)


LARGE_LOGITS = np.array(
    [[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1000.0, 1000.0, 999.0]]
)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_family_is_stable_for_logits_of_plus_minus_1000(dtype):
    x = Tensor(LARGE_LOGITS.astype(dtype), requires_grad=True)
    s, log_s, lse = al.softmax(x), al.log_softmax(x), al.logsumexp(x)
    e1 = np.exp(-1.0)
    expected_softmax = np.array(
        [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [1 / (2 + e1), 1 / (2 + e1), e1 / (2 + e1)]]
    )
    expected_lse = np.array([1000.0, -1000.0 + np.log(3.0), 1000.0 + np.log(2 + e1)])
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(s.data, expected_softmax, rtol=rtol, atol=1e-30)
    np.testing.assert_allclose(lse.data, expected_lse, rtol=rtol)
    np.testing.assert_allclose(log_s.data[0], [0.0, -2000.0, -1000.0], rtol=rtol)
    np.testing.assert_allclose(log_s.data[1], np.full(3, -np.log(3.0)), rtol=rtol)
    for out in (s, log_s, lse):
        assert np.all(np.isfinite(out.data)), out.op
        x.grad = None
        (out * Tensor(np.arange(out.size, dtype=dtype).reshape(out.shape))).sum().backward()
        assert np.all(np.isfinite(x.grad)), out.op


@pytest.mark.parametrize("x", [1000.0, -1000.0])
def test_sigmoid_of_large_inputs_is_finite(x):
    t = Tensor([x], requires_grad=True)
    s = al.sigmoid(t)
    s.sum().backward()
    assert s.data[0] == (1.0 if x > 0 else 0.0)
    assert t.grad[0] == 0.0


# ---- matmul --------------------------------------------------------------------------------------

MATMUL_SHAPES = [
    pytest.param((3,), (3,), id="1-D @ 1-D"),
    pytest.param((2, 3), (3,), id="2-D @ 1-D"),
    pytest.param((3,), (3, 4), id="1-D @ 2-D"),
    pytest.param((2, 3), (3, 4), id="2-D @ 2-D"),
    pytest.param((5, 2, 3), (5, 3, 4), id="batched @ batched"),
    pytest.param((5, 2, 3), (3, 4), id="batched @ 2-D"),
    pytest.param((2, 3), (5, 3, 4), id="2-D @ batched"),
    pytest.param((3,), (5, 3, 4), id="1-D @ batched"),
    pytest.param((5, 2, 3), (3,), id="batched @ 1-D"),
    pytest.param((2, 1, 2, 3), (4, 3, 2), id="broadcast batches"),
]


@pytest.mark.parametrize(("a_shape", "b_shape"), MATMUL_SHAPES)
def test_matmul_values_and_gradients(a_shape, b_shape, rng):
    a, b = any_value(rng, a_shape), any_value(rng, b_shape)
    out = Tensor(a) @ Tensor(b)
    np.testing.assert_allclose(out.data, a @ b, rtol=1e-12)
    assert_gradients_match_finite_differences(lambda a, b: a @ b, a, b)
    assert_gradients_match_finite_differences(al.matmul, a, b)


def test_matmul_gradients_in_closed_form(rng):
    """For z = Σ (A @ B) ⊙ G: ∂z/∂A = G @ Bᵀ and ∂z/∂B = Aᵀ @ G."""
    a_values, b_values, g = any_value(rng, (2, 3)), any_value(rng, (3, 4)), any_value(rng, (2, 4))
    a, b = Tensor(a_values, requires_grad=True), Tensor(b_values, requires_grad=True)
    ((a @ b) * g).sum().backward()
    np.testing.assert_allclose(a.grad, g @ b_values.T, rtol=1e-12)
    np.testing.assert_allclose(b.grad, a_values.T @ g, rtol=1e-12)


@pytest.mark.skipif(not hasattr(al, "linear"), reason="no linear op in this version")
@pytest.mark.parametrize("x_shape", [(3,), (4, 3), (2, 4, 3)], ids=str)
@pytest.mark.parametrize("with_bias", [True, False], ids=["bias", "no bias"])
def test_linear_values_and_gradients(x_shape, with_bias, rng):
    x, weight, bias = any_value(rng, x_shape), any_value(rng, (2, 3)), any_value(rng, (2,))
    expected = x @ weight.T + (bias if with_bias else 0.0)
    if with_bias:
        np.testing.assert_allclose(
            al.linear(Tensor(x), Tensor(weight), Tensor(bias)).data, expected, rtol=1e-12
        )
        assert_gradients_match_finite_differences(al.linear, x, weight, bias)
    else:
        np.testing.assert_allclose(al.linear(Tensor(x), Tensor(weight)).data, expected, rtol=1e-12)
        assert_gradients_match_finite_differences(lambda x, w: al.linear(x, w), x, weight)


# ---- shape ops -----------------------------------------------------------------------------------

SHAPE_CASES = [
    # (op on a (2, 3, 4) Tensor, the same on the array)
    pytest.param(lambda x: x.reshape(6, 4), lambda x: x.reshape(6, 4), id="reshape(6, 4)"),
    pytest.param(lambda x: x.reshape((4, 6)), lambda x: x.reshape(4, 6), id="reshape((4, 6))"),
    pytest.param(lambda x: x.reshape(-1), lambda x: x.reshape(-1), id="reshape(-1)"),
    pytest.param(
        lambda x: al.reshape(x, (2, -1)), lambda x: x.reshape(2, -1), id="al.reshape(x, (2, -1))"
    ),
    pytest.param(lambda x: x.transpose(), lambda x: x.transpose(), id="transpose()"),
    pytest.param(
        lambda x: x.transpose(1, 0, 2), lambda x: x.transpose(1, 0, 2), id="transpose(1, 0, 2)"
    ),
    pytest.param(
        lambda x: x.transpose((2, 0, 1)), lambda x: x.transpose(2, 0, 1), id="transpose((2, 0, 1))"
    ),
    pytest.param(
        lambda x: al.transpose(x, (1, 2, 0)),
        lambda x: x.transpose(1, 2, 0),
        id="al.transpose(x, (1, 2, 0))",
    ),
    pytest.param(
        lambda x: x.transpose(-1, 0, 1),
        lambda x: x.transpose(2, 0, 1),
        id="transpose with negative axes",
    ),
    pytest.param(lambda x: x.T, lambda x: x.T, id=".T"),
    pytest.param(lambda x: x.swapaxes(-1, -2), lambda x: x.swapaxes(-1, -2), id="swapaxes(-1, -2)"),
    pytest.param(
        lambda x: x[:, :1, :].expand(2, 3, 4),
        lambda x: np.broadcast_to(x[:, :1, :], (2, 3, 4)),
        id="expand (2,1,4) -> (2,3,4)",
    ),
    pytest.param(
        lambda x: x[:, :1, :].expand(5, -1, 3, -1),
        lambda x: np.broadcast_to(x[:, :1, :], (5, 2, 3, 4)),
        id="expand with -1 and a new leading axis",
    ),
    pytest.param(
        lambda x: al.expand(x[0, 0], (3, 4)),
        lambda x: np.broadcast_to(x[0, 0], (3, 4)),
        id="al.expand (4,) -> (3, 4)",
    ),
]


@pytest.mark.parametrize(("op", "reference"), SHAPE_CASES)
def test_shape_op_values_and_gradients(op, reference, rng):
    x = any_value(rng, (2, 3, 4))
    np.testing.assert_array_equal(op(Tensor(x)).data, reference(x))
    assert_gradients_match_finite_differences(op, x)


def test_expand_gradient_sums_over_the_broadcast_axes():
    x = Tensor([[1.0], [2.0]], requires_grad=True)
    x.expand(2, 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [[3.0], [3.0]])


# ---- indexing ------------------------------------------------------------------------------------

INDEXES = [
    pytest.param(1, id="int"),
    pytest.param(-1, id="negative int"),
    pytest.param(np.int64(2), id="numpy int"),
    pytest.param(slice(1, 3), id="slice"),
    pytest.param(slice(None, None, -2), id="slice with negative step"),
    pytest.param((1, 2), id="two ints"),
    pytest.param((slice(None), 0), id="column"),
    pytest.param(None, id="None"),
    pytest.param((None, 1), id="None, int"),
    pytest.param((slice(None), None, 1), id="slice, None, int"),
    pytest.param(Ellipsis, id="Ellipsis"),
    pytest.param((Ellipsis, 1), id="Ellipsis, int"),
    pytest.param((1, Ellipsis), id="int, Ellipsis"),
    pytest.param([0, 0, 1], id="repeated int list"),
    pytest.param(np.array([3, 0, 3, 3]), id="repeated int array"),
    pytest.param(np.array([[0, 1], [1, 1]]), id="2-D int array"),
    pytest.param(([0, 2, 0], [1, 1, 1]), id="paired int arrays, repeated"),
    pytest.param((slice(None), [2, 2, 0]), id="slice and repeated int list"),
    pytest.param((Ellipsis, [0, 0]), id="Ellipsis and int list"),
    pytest.param(np.array([True, False, True, True]), id="boolean mask of rows"),
    pytest.param(np.eye(4, 3, dtype=bool), id="boolean mask of elements"),
    pytest.param((np.array([False, True, True, False]), 1), id="boolean mask and int"),
]


@pytest.mark.parametrize("index", INDEXES)
def test_indexing_values_and_gradients(index, rng):
    x = any_value(rng, (4, 3))
    np.testing.assert_array_equal(Tensor(x)[index].data, x[index])
    assert_gradients_match_finite_differences(lambda t: t[index], x)


@pytest.mark.parametrize(
    "make_index",
    [
        lambda: Tensor([0, 0, 2]),
        lambda: (Tensor([0, 0]), Tensor([1, 1])),
        lambda: Tensor([True, False, True, True]),
    ],
    ids=["int Tensor", "tuple of int Tensors", "bool Tensor"],
)
def test_tensors_work_as_indices(make_index, rng):
    x = any_value(rng, (4, 3))
    index = make_index()
    array_index = tuple(i.data for i in index) if isinstance(index, tuple) else index.data
    np.testing.assert_array_equal(Tensor(x)[index].data, x[array_index])
    assert_gradients_match_finite_differences(lambda t: t[index], x)


def test_repeated_indices_add_up_their_gradients():
    x = Tensor(np.arange(5.0), requires_grad=True)
    weights = np.array([1.0, 10.0, 100.0])
    (x[[0, 0, 1]] * weights).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0 + 10.0, 100.0, 0.0, 0.0, 0.0])


def test_repeated_indices_count_each_occurrence():
    x = Tensor(np.zeros((3, 2)), requires_grad=True)
    x[[0, 0, 1]].sum().backward()
    np.testing.assert_array_equal(x.grad, [[2.0, 2.0], [1.0, 1.0], [0.0, 0.0]])
    y = Tensor(np.zeros((3, 3)), requires_grad=True)
    y[[0, 0, 2, 0], [1, 1, 0, 1]].sum().backward()
    np.testing.assert_array_equal(y.grad, [[0, 3, 0], [0, 0, 0], [1, 0, 0]])


def test_boolean_mask_gradient_is_the_mask():
    values = np.array([[-1.0, 2.0], [3.0, -4.0]])
    x = Tensor(values, requires_grad=True)
    x[x > 0].sum().backward()
    np.testing.assert_array_equal(x.grad, (values > 0).astype(float))


def test_gradient_of_two_overlapping_slices_adds_up():
    x = Tensor(np.arange(4.0), requires_grad=True)
    (x[:3] + x[1:]).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 2.0, 2.0, 1.0])


# ---- concatenate and stack -----------------------------------------------------------------------

JOIN_CASES = [
    # (join on a list of Tensors, the same join in NumPy, shapes of the pieces)
    pytest.param(
        lambda ts: al.concatenate(ts, axis=0),
        lambda xs: np.concatenate(xs, axis=0),
        [(2, 3), (1, 3), (3, 3)],
        id="concatenate axis 0",
    ),
    pytest.param(
        lambda ts: al.concatenate(ts, axis=1),
        lambda xs: np.concatenate(xs, axis=1),
        [(2, 3), (2, 1)],
        id="concatenate axis 1",
    ),
    pytest.param(
        lambda ts: al.concatenate(ts, axis=-1),
        lambda xs: np.concatenate(xs, axis=-1),
        [(2, 2, 3), (2, 2, 1)],
        id="concatenate axis -1",
    ),
    pytest.param(al.concatenate, np.concatenate, [(2,), (3,)], id="concatenate default axis"),
    pytest.param(
        lambda ts: al.stack(ts, axis=0),
        lambda xs: np.stack(xs, axis=0),
        [(2, 3)] * 3,
        id="stack axis 0",
    ),
    pytest.param(
        lambda ts: al.stack(ts, axis=1),
        lambda xs: np.stack(xs, axis=1),
        [(2, 3)] * 3,
        id="stack axis 1",
    ),
    pytest.param(
        lambda ts: al.stack(ts, axis=-1),
        lambda xs: np.stack(xs, axis=-1),
        [(2, 3)] * 2,
        id="stack axis -1",
    ),
    pytest.param(al.stack, np.stack, [()] * 4, id="stack scalars"),
]


@pytest.mark.parametrize(("join", "reference", "shapes"), JOIN_CASES)
def test_join_values_and_gradients(join, reference, shapes, rng):
    arrays = [any_value(rng, shape) for shape in shapes]
    np.testing.assert_array_equal(join([Tensor(a) for a in arrays]).data, reference(arrays))
    assert_gradients_match_finite_differences(lambda *ts: join(list(ts)), *arrays)


@pytest.mark.parametrize("join", [al.concatenate, al.stack], ids=["concatenate", "stack"])
def test_join_with_an_ndarray_piece_sends_gradients_to_the_tensors_only(join):
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    out = join([x, np.zeros((2, 3)), x], axis=0)
    (out * np.arange(out.size).reshape(out.shape)).sum().backward()
    expected = np.arange(6.0).reshape(2, 3) + np.arange(12.0, 18.0).reshape(2, 3)
    np.testing.assert_array_equal(x.grad, expected)


# ---- gradient dtype ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda x: x * np.array([1.0, 2.0, 3.0]),
        lambda x: np.array([1.0, 2.0, 3.0]) - x,
        lambda x: x / np.float64(3.0),
        lambda x: x @ np.eye(3),
        lambda x: al.maximum(x, np.zeros(3)),
        lambda x: al.concatenate([x, np.ones(2)]),
        lambda x: x + Tensor(np.ones(3)),
    ],
    ids=[
        "* f64 array",
        "f64 array -",
        "/ np.float64",
        "@ f64 array",
        "maximum f64",
        "concatenate f64",
        "+ f64 Tensor",
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_gradient_dtype_equals_data_dtype_even_with_float64_constants(build, dtype):
    x = Tensor(np.array([1.0, 2.0, 3.0], dtype), requires_grad=True)
    build(x).sum().backward()
    assert x.grad.dtype == dtype
    assert x.grad.shape == x.shape
