"""Derivatives of derivatives: ``create_graph``, ``gradients`` and the function transformations.

Closed forms throughout (x³ and tanh have derivatives every reader can check), plus the cases
that once returned wrong answers without an error: ``grad`` of a function that calls ``grad``
(0.0 instead of 12), ``grad`` inside ``no_grad()`` (zeros), and nesting that confuses an inner
variable with an outer one. PyTorch comparisons skip where torch is not installed.
"""

from __future__ import annotations

import collections

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import (
    Tensor,
    elementwise_grad,
    grad,
    hessian,
    hvp,
    jacobian,
    value_and_grad,
    vjp,
)


def cube(x):
    return x**3


# ---- grad composes ---------------------------------------------------------------------------


def test_grad_of_a_function_that_calls_grad_gives_the_second_derivative():
    assert grad(lambda x: al.sum(grad(cube)(x)))(np.array(2.0)) == pytest.approx(12.0)


def test_grad_of_grad_of_grad():
    assert grad(grad(grad(cube)))(2.0) == pytest.approx(6.0)
    assert grad(grad(grad(grad(cube))))(2.0) == pytest.approx(0.0)


def test_first_order_grad_still_returns_arrays():
    g = grad(lambda x: al.sum(x * x))(np.array([1.0, 2.0]))
    assert type(g) is np.ndarray
    np.testing.assert_array_equal(g, [2.0, 4.0])


def test_repeated_elementwise_grad_gives_tanh_derivatives_in_closed_form():
    x = np.linspace(-2.0, 2.0, 9)
    t = np.tanh(x)
    closed_forms = [
        1 - t**2,
        -2 * t * (1 - t**2),
        (1 - t**2) * (6 * t**2 - 2),
        (1 - t**2) * (16 * t - 24 * t**3),
        (1 - t**2) * (120 * t**4 - 120 * t**2 + 16),
    ]
    derivative = al.tanh
    for order, expected in enumerate(closed_forms, start=1):
        derivative = elementwise_grad(derivative)
        np.testing.assert_allclose(derivative(x), expected, atol=1e-10, err_msg=f"order {order}")


def test_inner_and_outer_variables_are_not_confused():
    # d/dx [d/dy (y·x)] at y = x is d/dx x = 1, not 2 (JAX's "perturbation confusion" test).
    assert grad(lambda x: grad(lambda y: y * x)(x))(3.0) == pytest.approx(1.0)
    # An inner gradient that closes over the outer variable is differentiated through it.
    assert grad(lambda x: grad(lambda y: y * x * x)(2.0))(3.0) == pytest.approx(6.0)


def test_value_and_grad_of_a_gradient():
    value, second = value_and_grad(lambda x: al.sum(grad(cube)(x)))(np.array(2.0))
    assert value == pytest.approx(12.0)
    assert second == pytest.approx(12.0)


def test_grad_mixed_with_backward():
    x = Tensor(np.array(2.0), requires_grad=True)
    first = grad(cube)(x)  # a Tensor that still depends on x
    assert isinstance(first, Tensor) and first.requires_grad
    first.backward()
    assert x.grad == pytest.approx(12.0)


def test_grad_inside_no_grad_computes_the_gradient():
    with al.no_grad():
        g = grad(lambda x: al.sum(x**3))(np.array([2.0]))
        assert not al.is_grad_enabled()
    np.testing.assert_allclose(g, [12.0])


def test_grad_does_not_touch_the_grad_of_closed_over_tensors():
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    g = grad(lambda x: al.sum(w * x))(np.array([3.0, 4.0]))
    np.testing.assert_array_equal(g, [1.0, 2.0])
    assert w.grad is None


def test_grad_with_argnums_has_aux_and_pytrees():
    params = [(np.ones((2, 3)), np.zeros(3)), {"scale": np.array(2.0)}]

    def loss(params, x):
        (w, b), extra = params
        out = al.sum((x @ w + b) * extra["scale"])
        return out, "aux"

    x = np.array([[1.0, 2.0]])
    grads, aux = grad(loss, has_aux=True)(params, x)
    assert aux == "aux"
    assert isinstance(grads, list) and isinstance(grads[0], tuple) and isinstance(grads[1], dict)
    np.testing.assert_allclose(grads[0][0], np.array([[2.0] * 3, [4.0] * 3]))
    np.testing.assert_allclose(grads[0][1], [2.0, 2.0, 2.0])
    np.testing.assert_allclose(grads[1]["scale"], 9.0)
    (value, aux), (g_params, g_x) = value_and_grad(loss, (0, 1), has_aux=True)(params, x)
    assert value == pytest.approx(18.0)
    np.testing.assert_allclose(g_x, [[6.0, 6.0]])


def test_grad_keeps_namedtuples():
    Pair = collections.namedtuple("Pair", "w b")
    g = grad(lambda p: al.sum(p.w * p.b))(Pair(np.array([1.0, 2.0]), np.array([3.0, 4.0])))
    assert isinstance(g, Pair)
    np.testing.assert_array_equal(g.w, [3.0, 4.0])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((np.array([1, 2]),), "dtype is int64"),
        (("text",), "holds a str"),
    ],
)
def test_grad_refuses_what_has_no_gradient(args, message):
    with pytest.raises(TypeError, match=message):
        grad(lambda x: al.sum(x))(*args)


def test_grad_of_a_non_scalar_or_non_tensor_output_is_a_clear_error():
    with pytest.raises(TypeError, match="one number"):
        grad(lambda x: x * 2)(np.ones(3))
    with pytest.raises(TypeError, match="return a Tensor"):
        grad(lambda x: 3.0)(np.ones(3))


def test_an_unused_argument_gets_a_zero_gradient():
    g = grad(lambda x, y: al.sum(x), (0, 1))(np.ones(2), np.ones(3))
    np.testing.assert_array_equal(g[1], np.zeros(3))


# ---- jacobian, hessian, hvp, vjp --------------------------------------------------------------


def test_jacobian_of_a_vector_function():
    x = np.array([0.5, -1.0, 2.0])
    J = jacobian(lambda x: al.tanh(x) * al.sum(x))(x)
    expected = np.diag((1 - np.tanh(x) ** 2) * x.sum()) + np.tanh(x)[:, None]
    np.testing.assert_allclose(J, expected)
    assert J.shape == (3, 3)


def test_jacobian_shapes_and_argnums():
    a, b = np.ones((2, 3)), np.ones(3)
    Ja, Jb = jacobian(lambda a, b: a * b, (0, 1))(a, b)
    assert Ja.shape == (2, 3, 2, 3) and Jb.shape == (2, 3, 3)


def test_hessian_of_a_quadratic_form_is_its_symmetric_matrix(rng):
    A = rng.standard_normal((3, 3))
    x = rng.standard_normal(3)
    H = hessian(lambda x: al.sum(x * (A @ x)))(x)
    np.testing.assert_allclose(H, A + A.T, atol=1e-12)


def test_hessian_with_a_tuple_of_argnums_gives_the_blocks():
    H = hessian(lambda a, b: al.sum(a * a * b), (0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    np.testing.assert_allclose(H[0][0], np.diag([6.0, 8.0]))
    np.testing.assert_allclose(H[0][1], np.diag([2.0, 4.0]))
    np.testing.assert_allclose(H[1][1], np.zeros((2, 2)))


def test_hvp_equals_the_hessian_times_v(rng):
    def f(x):
        return al.sum(al.tanh(x) * x) + al.sum(x) ** 2

    x, v = rng.standard_normal(4), rng.standard_normal(4)
    np.testing.assert_allclose(hvp(f, x, v), hessian(f)(x) @ v, atol=1e-12)


def test_vjp_returns_the_value_and_a_reusable_vjp_function():
    x = np.array([1.0, 2.0])
    value, vjp_fn = vjp(lambda x: x * x, x)
    np.testing.assert_array_equal(value, [1.0, 4.0])
    (g,) = vjp_fn(np.array([1.0, 0.0]))
    np.testing.assert_array_equal(g, [2.0, 0.0])
    (g,) = vjp_fn(np.array([0.0, 1.0]))
    np.testing.assert_array_equal(g, [0.0, 4.0])


# ---- backward(create_graph=True) and gradients ---------------------------------------------


def test_backward_with_create_graph_leaves_a_differentiable_grad():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Tensor) and first.requires_grad
    np.testing.assert_allclose(first.data, [3.0, 12.0])
    x.grad = None
    first.sum().backward()
    np.testing.assert_allclose(x.grad, [6.0, 12.0])


def test_gradients_does_not_touch_grad_and_can_go_twice():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = (x**3).sum()
    (first,) = al.gradients(y, x, create_graph=True)
    (second,) = al.gradients(first.sum(), x)
    np.testing.assert_allclose(second, [6.0, 12.0])
    assert x.grad is None


def test_gradients_with_respect_to_an_intermediate_tensor():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    h = x * 3
    (g,) = al.gradients((h * h).sum(), h)
    np.testing.assert_allclose(g, 2 * h.data)


def test_gradients_names_an_unused_input_unless_allowed():
    x = Tensor(np.ones(2), requires_grad=True)
    y = Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(RuntimeError, match="input 1"):
        al.gradients((x * 2).sum(), [x, y])
    assert al.gradients((x * 2).sum(), [x, y], allow_unused=True)[1] is None


def test_a_hessian_vector_product_with_backward_alone():
    x = Tensor(np.array([0.3, -0.7]), requires_grad=True)
    v = np.array([1.0, 2.0])
    y = al.sum(al.exp(x) * x)
    (g,) = al.gradients(y, x, create_graph=True)
    (g * v).sum().backward()
    second = np.exp(x.data) * (x.data + 2)  # d²/dx² (x eˣ)
    np.testing.assert_allclose(x.grad, second * v)


# ---- against PyTorch --------------------------------------------------------------------------


def test_second_derivatives_match_pytorch(rng):
    torch = pytest.importorskip("torch")
    x0 = rng.standard_normal((3, 4))
    W0 = rng.standard_normal((4, 2))

    def ours(x, W):
        h = al.tanh(x @ W)
        return al.sum(al.log_softmax(h, axis=1) * h) + al.sum(al.sigmoid(x) ** 2)

    def theirs(x, W):
        h = torch.tanh(x @ W)
        return (torch.log_softmax(h, dim=1) * h).sum() + (torch.sigmoid(x) ** 2).sum()

    H = hessian(ours, 1)(x0, W0)
    H_torch = torch.autograd.functional.hessian(
        lambda W: theirs(torch.tensor(x0), W), torch.tensor(W0)
    )
    np.testing.assert_allclose(H, H_torch.numpy(), atol=1e-10)
    v = rng.standard_normal(x0.shape)
    ours_hvp = hvp(lambda x: ours(x, W0), x0, v)
    _, theirs_hvp = torch.autograd.functional.hvp(
        lambda x: theirs(x, torch.tensor(W0)), torch.tensor(x0), torch.tensor(v)
    )
    np.testing.assert_allclose(ours_hvp, theirs_hvp.numpy(), atol=1e-10)
