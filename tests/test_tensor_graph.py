"""What ``backward()`` does with the graph, and the switches that change how graphs are made.

* ``.grad``: None before the first backward, the data's shape and dtype, added up over calls,
  each leaf's own memory; ``retain_grad()`` for intermediate tensors;
* ``backward(grad=...)`` for non-scalar outputs;
* ``retain_graph``: saved arrays are released after backward unless it is True; a second
  backward through a released graph is a clear RuntimeError;
* ``no_grad()`` / ``enable_grad()`` as context managers and decorators;
* ``detect_anomaly()``: the first op whose forward or backward pass makes nan or inf;
* a chain of a million ops (no recursion);
* ``primitive``: user-defined ops with their own vector-Jacobian products.
"""

from __future__ import annotations

import gc
import itertools
import weakref

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import Tensor
from autograd_lite import modes as modes_module


def leaf(values, dtype=np.float64):
    return Tensor(np.array(values, dtype=dtype), requires_grad=True)


# ---- .grad ---------------------------------------------------------------------------------------


def test_grad_is_none_before_the_first_backward():
    x = leaf([1.0, 2.0])
    y = (x * 2).sum()
    assert x.grad is None
    y.backward()
    assert x.grad is not None


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3)], ids=str)
def test_grad_has_the_shape_and_dtype_of_the_data(shape, dtype):
    x = Tensor(np.ones(shape, dtype), requires_grad=True)
    (x * 2).sum().backward()
    assert isinstance(x.grad, np.ndarray)
    assert x.grad.shape == shape
    assert x.grad.dtype == dtype
    np.testing.assert_array_equal(x.grad, np.full(shape, 2.0))


def test_grad_adds_up_over_backward_calls():
    x = leaf([1.0, 2.0])
    (x * 2).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, 2 + 2 * np.array([1.0, 2.0]))


def test_grad_adds_up_in_its_own_array_when_nothing_else_holds_it():
    x = leaf([1.0, 2.0])
    (x * 2).sum().backward()
    first = id(x.grad)  # an id, not the array: holding the array would keep it unchanged
    (x * x).sum().backward()
    assert id(x.grad) == first
    np.testing.assert_array_equal(x.grad, [4.0, 6.0])


def test_a_grad_array_kept_by_the_user_is_not_changed_by_the_next_backward():
    x = leaf([1.0, 2.0])
    (x * 2).sum().backward()
    kept = x.grad
    (x * x).sum().backward()
    np.testing.assert_array_equal(kept, [2.0, 2.0])
    np.testing.assert_array_equal(x.grad, [4.0, 6.0])


def test_a_grad_array_read_by_another_graph_keeps_the_value_it_had_when_read():
    x, v = leaf([1.0, 2.0]), leaf([3.0, 5.0])
    (x * 2).sum().backward()
    later = (v * x.grad).sum()  # reads x.grad's array, [2, 2], as a constant
    (x * x).sum().backward()  # x.grad becomes [4, 6]
    later.backward()
    np.testing.assert_array_equal(v.grad, [2.0, 2.0])


def test_grad_of_a_view_or_of_another_dtype_adds_up_out_of_place():
    x = leaf([1.0, 2.0])
    base = np.zeros(4)
    x.grad = base[:2]  # a view: adding in place would change base
    (x * 2).sum().backward()
    np.testing.assert_array_equal(base, 0.0)
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])
    x.grad = np.zeros(2, dtype=np.float32)
    (x * 2).sum().backward()
    assert x.grad.dtype == np.float64  # float32 + float64, as before: promoted


@pytest.mark.parametrize("held", [np.zeros((2, 2)), 0.0], ids=["another shape", "a number"])
def test_a_grad_set_by_hand_to_something_else_than_the_tensors_shape_is_refused(held):
    # x.grad + g would broadcast into a .grad of another shape, silently
    x = leaf([1.0, 2.0])
    x.grad = held
    with pytest.raises(RuntimeError, match=r"shape \(2,\) into its \.grad"):
        (x * 2).sum().backward()


def test_input_used_in_several_places_gets_the_sum_of_its_paths():
    x = leaf([1.0, -2.0, 3.0])
    (x * x + 3 * x + x.exp() * x).sum().backward()
    values = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(x.grad, 2 * values + 3 + np.exp(values) * (1 + values))


def test_only_tensors_that_require_grad_get_one():
    x = leaf([1.0, 2.0])
    constant = Tensor([3.0, 4.0])
    hidden = x * constant
    (hidden + 1).sum().backward()
    assert constant.grad is None
    assert hidden.grad is None  # intermediate, not retained
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_leaf_not_used_by_the_output_keeps_grad_none():
    x, unused = leaf([1.0]), leaf([2.0])
    (x * 2).sum().backward()
    assert unused.grad is None


def test_retain_grad_keeps_the_grad_of_intermediate_tensors():
    x = leaf([1.0, 2.0])
    hidden = x * 3
    assert hidden.retain_grad() is hidden
    other = hidden + 1
    (other * other).sum().backward()
    np.testing.assert_allclose(hidden.grad, 2 * (3 * np.array([1.0, 2.0]) + 1))
    assert other.grad is None
    np.testing.assert_allclose(x.grad, 3 * hidden.grad)


def test_parents_op_and_retains_grad_describe_the_recorded_graph():
    x, w = leaf([1.0, 2.0]), Tensor(np.array([3.0, 4.0]))  # w needs no gradient
    product = x * w
    assert product.parents == (x, w) and product.op == "mul"
    assert x.parents == () and x.op == ""
    assert not product.retains_grad and product.retain_grad().retains_grad
    with al.no_grad():
        assert (x * w).parents == ()  # nothing recorded
    (product * 2).sum().backward()
    assert product.parents == ()  # released by backward()
    with pytest.raises(AttributeError):
        product.parents = (x,)  # read-only: the graph is the engine's


def test_retained_grad_adds_up_over_backward_calls():
    x = leaf([1.0, 2.0])
    hidden = (x * 3).retain_grad()
    hidden.sum().backward(retain_graph=True)
    hidden.sum().backward()
    np.testing.assert_array_equal(hidden.grad, [2.0, 2.0])
    np.testing.assert_array_equal(x.grad, [6.0, 6.0])


GRAPHS_WITH_SHARED_GRADIENTS = [
    # (build from two leaves x and w, the grad= argument or None)
    pytest.param(lambda x, w: (x + w).sum(), None, id="x + w"),
    pytest.param(lambda x, w: x + w, np.ones(3), id="x + w, grad= given"),
    pytest.param(lambda x, w: ((x + w).retain_grad() + 0.0).sum(), None, id="x + w retained"),
    pytest.param(lambda x, w: (x.reshape(3, 1) + w.reshape(3, 1)).sum(), None, id="reshaped x + w"),
    pytest.param(lambda x, w: al.concatenate([x, w]).sum(), None, id="concatenate"),
    pytest.param(lambda x, w: (x[:] + w[:]).sum(), None, id="sliced"),
    pytest.param(lambda x, w: x, np.ones(3), id="backward on a leaf"),
]


@pytest.mark.parametrize(("build", "seed"), GRAPHS_WITH_SHARED_GRADIENTS)
def test_each_grad_owns_its_memory(build, seed):
    """Changing one .grad in place (gradient clipping, say) changes no other gradient."""
    x, w = leaf([1.0, 2.0, 3.0]), leaf([4.0, 5.0, 6.0])
    out = build(x, w)
    out.backward(grad=seed)
    tensors = {id(t): t for t in (x, w, out)}.values()  # out may be x itself
    grads = [t.grad for t in tensors if t.grad is not None]
    if seed is not None:
        grads.append(seed)
    before = [g.copy() for g in grads]
    for a, b in itertools.combinations(range(len(grads)), 2):
        assert not np.shares_memory(grads[a], grads[b]), (a, b)
    x.grad[...] = 100.0
    for g, old in zip(grads[1:], before[1:], strict=True):
        np.testing.assert_array_equal(g, old)


def test_modifying_x_grad_in_place_does_not_change_w_grad():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (x + w).sum().backward()
    x.grad *= 0.5
    np.testing.assert_array_equal(w.grad, [1.0, 1.0])


# ---- backward(grad=...) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_seed",
    [
        lambda: np.array([1.0, 10.0, 100.0]),
        lambda: Tensor([1.0, 10.0, 100.0]),
        lambda: [1.0, 10.0, 100.0],
    ],
    ids=["ndarray", "Tensor", "list"],
)
def test_backward_with_grad_computes_a_vector_jacobian_product(make_seed):
    x = leaf([1.0, 2.0, 3.0])
    (x * x).backward(grad=make_seed())
    np.testing.assert_allclose(x.grad, 2 * np.array([1.0, 2.0, 3.0]) * [1.0, 10.0, 100.0])


def test_backward_of_a_one_element_non_0d_tensor_needs_no_grad():
    x = leaf([[2.0]])
    (x * 3).backward()
    np.testing.assert_array_equal(x.grad, [[3.0]])


def test_backward_with_a_grad_of_another_dtype_gives_grads_of_the_data_dtype():
    x = leaf([1.0, 2.0], dtype=np.float32)
    (x * 2).backward(grad=np.array([1.0, 1.0]))  # float64 seed
    assert x.grad.dtype == np.float32


# ---- retain_graph and releasing saved arrays -----------------------------------------------------


def test_second_backward_through_a_released_graph_raises_a_clear_runtime_error():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_backward_through_a_released_part_of_a_graph_raises():
    x = leaf([1.0, 2.0])
    hidden = x.exp()
    hidden.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        (hidden * 2).sum().backward()


def test_retain_graph_allows_a_second_backward_that_doubles_the_leaf_grads():
    x, w = leaf([1.0, 2.0]), leaf([3.0, -1.0])
    y = (x * w).exp().sum()
    y.backward(retain_graph=True)
    first_x, first_w = x.grad.copy(), w.grad.copy()
    y.backward(retain_graph=True)
    np.testing.assert_allclose(x.grad, 2 * first_x)
    np.testing.assert_allclose(w.grad, 2 * first_w)
    y.backward()  # the third call may release the graph
    np.testing.assert_allclose(x.grad, 3 * first_x)
    with pytest.raises(RuntimeError):
        y.backward()


def _op_that_saves_a_weakref(saved: list):
    """A primitive whose VJP keeps an array of its own; ``saved`` gets a weak reference to it."""

    @al.primitive
    def double(x):
        factor = np.full(x.shape, 2.0)
        saved.append(weakref.ref(factor))
        return x * 2.0, (lambda g: g * factor,)

    return double


@pytest.mark.parametrize("retain_graph", [False, True])
def test_saved_arrays_are_released_after_backward_unless_retain_graph(retain_graph):
    saved = []
    double = _op_that_saves_a_weakref(saved)
    x = leaf([1.0, 2.0])
    y = double(x).sum()
    gc.collect()
    assert saved[0]() is not None  # held by the graph until backward
    y.backward(retain_graph=retain_graph)
    gc.collect()
    assert (saved[0]() is not None) == retain_graph
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


# ---- no_grad and enable_grad ---------------------------------------------------------------------


def test_no_grad_as_context_manager_records_no_graph():
    x = leaf([1.0, 2.0])
    assert al.is_grad_enabled()
    with al.no_grad():
        assert not al.is_grad_enabled()
        y = (x * 2).exp().sum()
    assert al.is_grad_enabled()
    assert y.requires_grad is False
    assert y.is_leaf
    with pytest.raises(RuntimeError):
        y.backward()


def test_no_grad_as_decorator_records_no_graph():
    @al.no_grad()
    def predict(x):
        assert not al.is_grad_enabled()
        return x * 2

    x = leaf([1.0, 2.0])
    y = predict(x)
    assert y.requires_grad is False
    assert y.is_leaf
    np.testing.assert_array_equal(y.data, [2.0, 4.0])
    assert al.is_grad_enabled()
    z = predict(x)  # the decorator works on every call, not just the first
    assert z.requires_grad is False


def test_no_grad_restores_the_mode_after_an_exception():
    with pytest.raises(ZeroDivisionError), al.no_grad():
        1 / 0  # noqa: B018
    assert al.is_grad_enabled()


def test_enable_grad_inside_no_grad_records_again():
    x = leaf([1.0])
    with al.no_grad():
        with al.enable_grad():
            y = x * 2
        z = x * 2
    assert y.requires_grad and not z.requires_grad


def test_graph_made_before_no_grad_still_backpropagates():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    with al.no_grad():
        y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_no_grad_decorator_on_a_recursive_function_restores_the_mode():
    @al.no_grad()
    def depth(n):
        return depth(n - 1) if n else 0

    try:
        depth(2)
        assert al.is_grad_enabled()
    finally:
        modes_module._set("grad_enabled", True)  # repair the switch for later tests


def test_detect_anomaly_decorator_on_a_recursive_function_restores_the_mode():
    @al.detect_anomaly()
    def depth(n):
        return depth(n - 1) if n else 0

    try:
        depth(2)
        with np.errstate(all="ignore"):
            al.log(Tensor([-1.0]))  # outside detect_anomaly: a nan, no error
    finally:
        modes_module._set("detect_anomaly", False)


# ---- detect_anomaly ------------------------------------------------------------------------------

FORWARD_ANOMALIES = [
    # (build from x of shape (2, 3) holding 1..6, the op that must be named)
    pytest.param(lambda x: al.log(x - 3.0), "log", id="log of a negative -> nan"),
    pytest.param(lambda x: al.sqrt(2.0 - x) * 5, "sqrt", id="sqrt of a negative -> nan"),
    pytest.param(lambda x: (x * 0.0).log(), "log", id="log 0 -> -inf"),
    pytest.param(lambda x: x / (x - 1.0), "div", id="division by zero -> inf"),
    pytest.param(lambda x: (x * 200).exp(), "exp", id="exp overflow -> inf"),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize(("build", "op"), FORWARD_ANOMALIES)
def test_detect_anomaly_names_the_first_op_whose_forward_makes_nan_or_inf(build, op):
    x = Tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    with al.detect_anomaly(), pytest.raises(RuntimeError) as error:
        build(x)
    message = str(error.value)
    assert f"op {op} " in message
    assert "forward" in message
    assert "(2, 3)" in message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize(
    ("build", "op"),
    [
        pytest.param(lambda x: (al.sqrt(x) * 3).sum(), "sqrt", id="sqrt at 0 -> inf slope"),
        pytest.param(lambda x: (x**0.5).sum(), "power", id="x ** 0.5 at 0 -> inf slope"),
        pytest.param(
            lambda x: (al.log(x + 1) * 2 + al.sqrt(x)).sum(),
            "sqrt",
            id="sqrt at 0 among finite ops",
        ),
    ],
)
def test_detect_anomaly_names_the_first_op_whose_backward_makes_nan_or_inf(build, op):
    x = Tensor(np.array([[0.0, 1.0, 4.0], [9.0, 16.0, 25.0]]), requires_grad=True)
    with al.detect_anomaly():
        y = build(x)  # the forward pass is finite
        with pytest.raises(RuntimeError) as error:
            y.backward()
    message = str(error.value)
    assert f"op {op} " in message
    assert "backward" in message
    assert "(2, 3)" in message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_without_detect_anomaly_nan_and_inf_pass_silently():
    x = Tensor(np.array([-1.0, 0.0, 4.0]), requires_grad=True)
    y = al.log(x)
    assert np.isnan(y.data[0]) and np.isneginf(y.data[1])
    z = al.sqrt(Tensor(np.array([0.0, 4.0]), requires_grad=True))
    z.sum().backward()  # an infinite slope, no error


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_as_decorator_and_switched_off_afterwards():
    @al.detect_anomaly()
    def bad():
        return al.log(Tensor([-1.0]))

    with pytest.raises(RuntimeError, match="log"):
        bad()
    assert np.isnan(al.log(Tensor([-1.0])).data[0])  # no longer checked


def test_detect_anomaly_lets_finite_computations_through():
    x = leaf([1.0, 2.0])
    with al.detect_anomaly():
        (x.log() * x.sqrt()).sum().backward()
    np.testing.assert_allclose(
        x.grad, (np.sqrt([1.0, 2.0]) / [1.0, 2.0] + np.log([1.0, 2.0]) / (2 * np.sqrt([1.0, 2.0])))
    )


# ---- deep graphs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "length", [20_000, pytest.param(1_000_000, marks=pytest.mark.slow)], ids=["20k", "1M"]
)
def test_long_chain_backpropagates_without_recursion_error(length):
    """d/dx of x·c·c·…·c (length factors) is c**length; no step may use Python recursion."""
    c = 1.0 + 1.0 / length
    x = Tensor(np.array([0.5]), requires_grad=True)
    y = x
    for _ in range(length):
        y = y * c
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [c**length], rtol=1e-6)
    del y  # freeing a million nodes must not crash either
    gc.collect()


def test_wide_graph_adds_every_branch():
    x = leaf([1.0])
    al.stack([x * float(k) for k in range(1000)]).sum().backward()
    np.testing.assert_array_equal(x.grad, [sum(range(1000))])


# ---- primitive: user-defined ops -----------------------------------------------------------------


@al.primitive
def cube(x):
    return x**3, (lambda g: g * 3 * x**2,)


def test_readme_cube_primitive():
    x = leaf([1.0, -2.0, 0.5])
    y = cube(x)
    assert isinstance(y, Tensor)
    assert y.op == "cube"
    np.testing.assert_array_equal(y.data, [1.0, -8.0, 0.125])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 12.0, 0.75])
    assert al.gradcheck(lambda x: cube(x).sum(), [np.random.default_rng(0).standard_normal(5)])


def test_primitive_name_argument_names_the_op():
    @al.primitive(name="my_square")
    def square(x):
        return x * x, (lambda g: 2 * g * x,)

    y = square(leaf([3.0]))
    assert y.op == "my_square"
    assert "my_square" in repr(y)


@al.primitive
def affine(x, slope=2.0, *, offset=0.0):
    """slope·x + offset, with two parameters that are never differentiated."""
    return slope * x + offset, (lambda g: g * slope,)


@pytest.mark.parametrize(
    ("call", "expected_value", "expected_grad"),
    [
        (lambda x: affine(x), 2.0 * 3.0, 2.0),
        (lambda x: affine(x, 5.0), 15.0, 5.0),
        (lambda x: affine(x, slope=5.0, offset=1.0), 16.0, 5.0),
        (lambda x: affine(x, 5.0, offset=-1.0), 14.0, 5.0),
    ],
    ids=["defaults", "parameter by position", "parameters by name", "mixed"],
)
def test_primitive_parameters_by_position_and_by_name(call, expected_value, expected_grad):
    x = leaf([3.0])
    y = call(x)
    assert y.data[0] == expected_value
    y.sum().backward()
    assert x.grad[0] == expected_grad


@pytest.mark.parametrize(
    "call",
    [lambda x: affine(x, 1.0, 2.0), lambda x: affine(x, 1.0, slope=2.0)],
    ids=["too many by position", "by position and by name"],
)
def test_primitive_rejects_bad_parameters_with_type_error(call):
    with pytest.raises(TypeError):
        call(leaf([1.0]))


@al.primitive
def pick(x, index):
    """x[index]; ``index`` is an input without a gradient (its VJP is None)."""

    def vjp(g):
        grad = np.zeros_like(x)
        np.add.at(grad, index, g)
        return grad

    return x[index], (vjp, None)


def test_primitive_with_a_none_vjp_for_an_index_argument():
    x = leaf([1.0, 2.0, 3.0])
    pick(x, Tensor([2, 2, 0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 2.0])


@al.primitive
def add_broadcasting(a, b):
    """a + b whose VJPs return the broadcast shape: the engine sums them back."""
    return a + b, (lambda g: g, lambda g: g)


@al.primitive
def scale(x, factor):
    """x·factor, where ``factor`` is declared to have no gradient (its VJP is None)."""
    return x * factor, (lambda g: g * factor, None)


@pytest.mark.parametrize(
    "build",
    [lambda x, c: scale(x, c), lambda x, c: al.where(c, x, 0.0)],
    ids=["primitive with a None VJP", "where with a float condition"],
)
def test_argument_with_a_none_vjp_gets_no_gradient_even_if_it_requires_one(build):
    x = leaf([1.0, 2.0])
    c = leaf([1.0, 0.0])
    build(x, c).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0])
    assert c.grad is None or not np.any(c.grad)


def test_primitive_vjp_may_return_the_broadcast_shape(rng):
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 1))
    assert al.gradcheck(add_broadcasting, [a, b])
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    add_broadcasting(ta, tb).sum().backward()
    np.testing.assert_array_equal(tb.grad, np.full((3, 1), 8.0))


def test_primitive_vjp_is_called_only_for_arguments_that_need_a_gradient():
    calls = []

    @al.primitive
    def mul(a, b):
        return a * b, (lambda g: calls.append("a") or g * b, lambda g: calls.append("b") or g * a)

    x, constant = leaf([2.0]), Tensor([3.0])
    mul(x, constant).sum().backward()
    assert calls == ["a"]
    mul(constant, 4.0)  # nothing requires grad: no graph
    assert calls == ["a"]


def test_primitive_of_plain_arrays_returns_a_tensor_without_gradient():
    y = cube(np.array([2.0]))
    assert isinstance(y, Tensor)
    assert y.requires_grad is False
    np.testing.assert_array_equal(y.data, [8.0])


def test_primitive_under_no_grad_records_nothing():
    with al.no_grad():
        y = cube(leaf([2.0]))
    assert y.requires_grad is False and y.is_leaf


def test_primitive_returning_the_wrong_number_of_vjps_raises_type_error():
    @al.primitive
    def broken(a, b):
        return a + b, (lambda g: g,)

    with pytest.raises(TypeError, match="broken"):
        broken(leaf([1.0]), leaf([2.0]))


def test_primitive_vjp_of_the_wrong_shape_raises_runtime_error_naming_the_op():
    @al.primitive
    def badly_shaped(x):
        return x * 2, (lambda g: np.ones(5),)

    y = badly_shaped(leaf([1.0, 2.0])).sum()
    with pytest.raises(RuntimeError, match="badly_shaped"):
        y.backward()


def test_primitive_rejects_unsupported_argument_types():
    with pytest.raises(TypeError, match="cube"):
        cube("x")
