"""JAX-style ``grad`` / ``value_and_grad``, the lecture's logistic-regression snippet, and
``gradcheck`` itself.

``gradcheck`` is what every other gradient test relies on, so it is tested like any other
function: it must pass correct gradients, and it must *catch* a wrong vector-Jacobian product
written with ``primitive``, with a message that names the input, the worst index, both values
and their difference.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import GradcheckError, Tensor, grad, gradcheck, value_and_grad

# ---- grad and value_and_grad ---------------------------------------------------------------------


def sum_of_squares(x):
    return (x * x).sum()


def weighted(x, w, scale=1.0):
    return (x * w).sum() * scale


def test_grad_returns_an_array_for_an_int_argnums():
    x = np.array([1.0, -2.0, 3.0])
    g = grad(sum_of_squares)(x)
    assert isinstance(g, np.ndarray)
    np.testing.assert_allclose(g, 2 * x)


@pytest.mark.parametrize(("argnums", "expected"), [(0, "w"), (1, "x")])
def test_grad_argnums_picks_the_argument(argnums, expected):
    x, w = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    np.testing.assert_allclose(grad(weighted, argnums)(x, w), {"w": w, "x": x}[expected])


def test_grad_with_a_tuple_argnums_returns_a_tuple_in_that_order():
    x, w = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    result = grad(weighted, (1, 0))(x, w)
    assert isinstance(result, tuple) and len(result) == 2
    np.testing.assert_allclose(result[0], x)
    np.testing.assert_allclose(result[1], w)


def test_grad_passes_keyword_arguments_through():
    x, w = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    np.testing.assert_allclose(grad(weighted)(x, w, scale=10.0), 10 * w)


def test_grad_accepts_tensors_and_python_floats():
    np.testing.assert_allclose(grad(sum_of_squares)(Tensor(np.array([1.5, 2.0]))), [3.0, 4.0])
    assert float(grad(lambda x: x * x * x)(2.0)) == pytest.approx(12.0)


def test_grad_leaves_its_inputs_unchanged():
    x_tensor = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    x_array = np.array([1.0, 2.0])
    grad(sum_of_squares)(x_tensor)
    grad(sum_of_squares)(x_array)
    assert x_tensor.grad is None
    np.testing.assert_array_equal(x_array, [1.0, 2.0])


def test_grad_of_an_argument_the_output_ignores_is_zero():
    g = grad(lambda x, w: al.sum(x * 2), 1)(np.ones(2), np.ones(3))
    np.testing.assert_array_equal(g, np.zeros(3))


def test_grad_keeps_the_argument_dtype():
    assert grad(sum_of_squares)(np.ones(3, np.float32)).dtype == np.float32
    assert grad(sum_of_squares)(np.ones(3)).dtype == np.float64


def test_value_and_grad_returns_both():
    x = np.array([1.0, -2.0, 3.0])
    value, g = value_and_grad(sum_of_squares)(x)
    assert float(value) == pytest.approx(14.0)
    np.testing.assert_allclose(g, 2 * x)


def test_value_and_grad_with_a_tuple_argnums():
    x, w = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    value, (gx, gw) = value_and_grad(weighted, (0, 1))(x, w)
    assert float(value) == pytest.approx(11.0)
    np.testing.assert_allclose(gx, w)
    np.testing.assert_allclose(gw, x)


def test_grad_of_a_non_scalar_function_raises_type_error_with_the_shape():
    with pytest.raises(TypeError, match=r"\(3,\)"):
        grad(lambda x: x * 2)(np.ones(3))


def test_grad_of_a_function_returning_no_tensor_raises_type_error():
    with pytest.raises(TypeError):
        grad(lambda x: 3.0)(np.ones(3))


def test_grad_with_argnums_out_of_range_raises_value_error():
    with pytest.raises(ValueError):
        grad(sum_of_squares, 1)(np.ones(3))


def test_grad_with_respect_to_integer_data_raises_type_error():
    with pytest.raises(TypeError):
        grad(sum_of_squares)(np.array([1, 2, 3]))


# ---- the lecture's snippet, run as written -------------------------------------------------------

inputs = np.array(
    [[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.30], [0.74, -2.49, 1.39]]
)
targets = np.array([True, True, False, True])


def predict(W, b, inputs):
    return al.sigmoid(al.dot(inputs, W) + b)


def loss(W, b):
    preds = predict(W, b, inputs)
    label_probs = preds * targets + (1 - preds) * (1 - targets)
    return -al.sum(al.log(label_probs))


@pytest.mark.parametrize(
    ("W", "b"),
    [
        (np.array([0.0, 0.0, 0.0]), np.array(0.0)),
        (np.array([0.1, -0.2, 0.3]), np.array(0.5)),
        (np.array([2.0, -1.0, 0.5]), np.array(-1.0)),
    ],
    ids=["zeros", "small", "large"],
)
def test_lecture_logistic_regression_gradient_matches_the_closed_form(W, b):
    """For logistic regression, ∂loss/∂W = Xᵀ(p - y) and ∂loss/∂b = Σ(p - y)."""
    W_grad, b_grad = grad(loss, (0, 1))(W, b)
    p = 1 / (1 + np.exp(-(inputs @ W + b)))
    y = targets.astype(float)
    np.testing.assert_allclose(W_grad, inputs.T @ (p - y), rtol=1e-10)
    np.testing.assert_allclose(b_grad, np.sum(p - y), rtol=1e-10)
    assert W_grad.shape == W.shape and np.shape(b_grad) == np.shape(b)
    expected_loss = -np.sum(np.log(np.where(y == 1, p, 1 - p)))
    assert float(loss(W, b)) == pytest.approx(expected_loss, rel=1e-12)


def test_lecture_gradient_descent_decreases_the_loss():
    W, b = np.array([0.0, 0.0, 0.0]), np.array(0.0)
    first = float(loss(W, b))
    for _ in range(100):
        W_grad, b_grad = grad(loss, (0, 1))(W, b)
        W, b = W - 0.1 * W_grad, b - 0.1 * b_grad
    assert float(loss(W, b)) < 0.5 * first


def test_lecture_loss_passes_gradcheck():
    assert gradcheck(loss, [np.array([0.1, -0.2, 0.3]), np.array(0.5)])


def test_readme_tensor_example():
    x = Tensor(np.random.default_rng(0).standard_normal((4, 3)))
    W = al.randn(2, 3, requires_grad=True)
    b = al.zeros(2, requires_grad=True)
    loss = (x @ W.T + b).sigmoid().sum()
    loss.backward()
    assert W.grad.shape == (2, 3) and b.grad.shape == (2,)
    assert W.grad.dtype == np.float32  # W is float32; x is float64 data
    s = 1 / (1 + np.exp(-(x.data @ W.data.T + b.data)))
    np.testing.assert_allclose(b.grad, (s * (1 - s)).sum(axis=0), rtol=1e-5)
    np.testing.assert_allclose(W.grad, (s * (1 - s)).T @ x.data, rtol=1e-5)


# ---- gradcheck passes correct gradients ----------------------------------------------------------


def test_gradcheck_returns_true_for_correct_gradients(rng):
    assert (
        gradcheck(
            lambda a, b: (a @ b).tanh().sum(),
            [rng.standard_normal((2, 3)), rng.standard_normal((3, 2))],
        )
        is True
    )


def test_gradcheck_handles_a_non_scalar_output(rng):
    assert gradcheck(lambda x: x.exp() * 2, [rng.standard_normal((3, 4))]) is True


def test_gradcheck_accepts_tensors_and_leaves_every_input_unchanged():
    array = np.array([0.5, 1.5], np.float32)
    tensor = Tensor(np.array([2.0, 3.0]), requires_grad=True)
    assert gradcheck(lambda a, b: (a * b).sum(), [array, tensor])
    np.testing.assert_array_equal(array, [0.5, 1.5])
    assert array.dtype == np.float32
    np.testing.assert_array_equal(tensor.data, [2.0, 3.0])
    assert tensor.grad is None


def test_gradcheck_evaluates_f_in_float64():
    seen = []

    def f(x):
        seen.append(x.dtype)
        return (x * x).sum()

    gradcheck(f, [np.array([1.0, 2.0], np.float32)])
    assert set(seen) == {np.dtype(np.float64)}


def test_gradcheck_checks_every_element_of_a_small_input():
    calls = []

    def f(x):
        calls.append(1)
        return (x * x).sum()

    gradcheck(f, [np.ones(7)])
    assert len(calls) == 2 + 2 * 7  # one plain evaluation, one with backward, 2 per element


def test_gradcheck_samples_max_checks_elements_of_a_large_input():
    calls = []

    def f(x):
        calls.append(1)
        return (x * x).sum()

    gradcheck(f, [np.ones(10_000)], max_checks=10)
    assert len(calls) == 2 + 2 * 10


def test_gradcheck_rejects_integer_inputs():
    with pytest.raises(TypeError):
        gradcheck(lambda x: x.sum(), [np.array([1, 2, 3])])


def test_gradcheck_rejects_a_function_that_returns_no_tensor():
    with pytest.raises(TypeError):
        gradcheck(lambda x: 1.0, [np.ones(2)])


# ---- gradcheck catches wrong VJPs ----------------------------------------------------------------


@al.primitive
def wrong_cube(x):
    return x**3, (lambda g: g * 2 * x**2,)  # the derivative of x³ is 3x², not 2x²


def _numbers_in(message):
    return [float(n) for n in re.findall(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?", message)]


def _mentions(message, value, rel=1e-4):
    return any(n == pytest.approx(value, rel=rel) for n in _numbers_in(message))


def test_gradcheck_catches_a_wrong_vjp_and_names_input_index_values_and_difference():
    a = np.array([0.3, 0.7])
    b = np.array([[1.0, 2.0], [3.0, 0.5]])  # the error 3x² - 2x² = x² is worst at (1, 0)
    with pytest.raises(GradcheckError) as error:
        gradcheck(lambda a, b: a.sum() + wrong_cube(b).sum(), [a, b])
    message = str(error.value)
    assert "input 1" in message
    assert "(1, 0)" in message
    assert _mentions(message, 18.0), message  # reverse mode: 2·3²
    assert _mentions(message, 27.0), message  # finite difference: 3·3²
    assert _mentions(message, 9.0), message  # their difference


def test_gradcheck_error_is_an_assertion_error():
    assert issubclass(GradcheckError, AssertionError)
    with pytest.raises(AssertionError):
        gradcheck(lambda x: wrong_cube(x).sum(), [np.array([1.0, 2.0])])


@al.primitive
def double_with_one_wrong_entry(x):
    """2x, but the VJP uses 2.5 as the slope of element 3."""
    slope = np.full(x.shape, 2.0)
    slope.flat[3] = 2.5
    return 2 * x, (lambda g: g * slope,)


def test_gradcheck_catches_one_wrong_jacobian_entry_of_a_non_scalar_output(rng):
    with pytest.raises(GradcheckError) as error:
        gradcheck(double_with_one_wrong_entry, [rng.standard_normal(6)])
    assert "input 0" in str(error.value)
    assert "(3,)" in str(error.value)


@al.primitive
def reverse_with_unreversed_vjp(x):
    """x reversed; the VJP forgets to reverse g back. Invisible when every entry of g is 1."""
    return x[::-1], (lambda g: g,)  # should be g[::-1]


def test_gradcheck_projects_a_non_scalar_output_on_a_random_direction_not_on_ones():
    x = np.array([0.3, -0.4, 0.5])
    assert gradcheck(lambda x: reverse_with_unreversed_vjp(x).sum(), [x])  # blind spot of ones
    with pytest.raises(GradcheckError):
        gradcheck(reverse_with_unreversed_vjp, [x])


def test_gradcheck_catches_a_wrong_vjp_in_a_large_sampled_input(rng):
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: wrong_cube(x).sum(), [rng.uniform(1, 2, 5000)], max_checks=20)


@al.primitive
def slightly_wrong_square(x):
    return x * x, (lambda g: g * 2 * x * 1.01,)  # 1 % too large


def test_gradcheck_tolerances_decide_what_passes():
    x = [np.array([1.0, 2.0])]
    f = lambda x: slightly_wrong_square(x).sum()  # noqa: E731
    with pytest.raises(GradcheckError):
        gradcheck(f, x)  # default rtol=1e-3
    assert gradcheck(f, x, rtol=0.05)
    assert gradcheck(f, x, atol=0.1, rtol=0.0)
    assert gradcheck(f, x, 1e-6, 0.1, 0.0)  # the order: eps, atol, rtol


def test_gradcheck_error_message_is_the_same_on_every_run(rng):
    x = [rng.standard_normal(6)]
    messages = set()
    for _ in range(2):
        with pytest.raises(GradcheckError) as error:
            gradcheck(double_with_one_wrong_entry, x)
        messages.add(str(error.value))
    assert len(messages) == 1


@pytest.mark.parametrize(
    "vjp",
    [lambda x: lambda g: g * np.nan, lambda x: lambda g: g * np.inf],
    ids=["nan gradient", "inf gradient"],
)
def test_gradcheck_catches_nan_and_inf_gradients(vjp):
    @al.primitive
    def identity(x):
        return x * 1.0, (vjp(x),)

    with pytest.raises(GradcheckError):
        gradcheck(lambda x: identity(x).sum(), [np.array([1.0, 2.0])])
