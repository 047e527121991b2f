"""In-place changes, by PyTorch's rules, and the version stamp that guards backward.

- Inside ``no_grad()`` (or when no gradient is involved) ``+=``, ``x[i] = v``, ``add_()`` and the
  rest change the array and keep the tensor's identity: the tutorials' update line works and a
  Parameter stays a Parameter.
- On a leaf that requires grad, outside ``no_grad()``: a RuntimeError, as in PyTorch.
- ``+=`` on a tensor inside a recorded graph is recorded out of place (the name is rebound, as in
  HIPS autograd and JAX); the named methods (``add_()`` …) refuse instead.
- A backward pass through an op whose input or output was changed in place since the op ran
  raises, naming the op, instead of using the new value.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
import nn
from autograd_lite import Tensor


def leaf(values):
    return Tensor(np.array(values, dtype=np.float64), requires_grad=True)


# ---- updates inside no_grad keep the tensor --------------------------------------------------


def test_tutorial_update_inside_no_grad_changes_the_tensor_in_place():
    a = leaf([1.0, 2.0])
    (a * a).sum().backward()
    before, data = a, a.data
    with al.no_grad():
        a -= 0.1 * a.grad
    assert a is before and a.data is data and a.requires_grad
    np.testing.assert_allclose(a.data, [0.8, 1.6])


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        (lambda p: p.__iadd__(1.0), [2.0, 3.0]),
        (lambda p: p.__isub__(np.array([1.0, 1.0])), [0.0, 1.0]),
        (lambda p: p.__imul__(Tensor([2.0, 3.0], dtype=np.float64)), [2.0, 6.0]),
        (lambda p: p.__itruediv__(2), [0.5, 1.0]),
        (lambda p: p.add_(Tensor([1.0, 1.0], dtype=np.float64), alpha=-2), [-1.0, 0.0]),
        (lambda p: p.sub_(1.0), [0.0, 1.0]),
        (lambda p: p.mul_(3.0), [3.0, 6.0]),
        (lambda p: p.div_(4.0), [0.25, 0.5]),
        (lambda p: p.copy_(np.array([5.0, 6.0])), [5.0, 6.0]),
        (lambda p: p.fill_(7.0), [7.0, 7.0]),
        (lambda p: p.zero_(), [0.0, 0.0]),
        (lambda p: p.__setitem__(0, 9.0), [9.0, 2.0]),
    ],
)
def test_every_in_place_op_under_no_grad_keeps_identity_and_bumps_the_version(update, expected):
    p = leaf([1.0, 2.0])
    version = p._version
    with al.no_grad():
        result = update(p)
    assert result is p or result is None
    assert p._version > version
    np.testing.assert_allclose(p.data, expected)


def test_parameter_stays_a_parameter_and_is_saved_after_an_in_place_update(tmp_path):
    model = nn.Sequential(nn.Linear(2, 2))
    weight = model.layers[0].weight
    with al.no_grad():
        model.layers[0].weight *= 2
    assert model.layers[0].weight is weight and isinstance(weight, nn.Parameter)
    assert any(p is weight for p in model.parameters())
    model.save_weights(tmp_path / "w.npz")
    assert "layers.0.weight" in np.load(tmp_path / "w.npz").files


def test_tensors_without_gradients_change_in_place_outside_no_grad_too():
    x = Tensor([1.0, 2.0])
    x += 1
    x[1] = 5
    np.testing.assert_array_equal(x.data, [2.0, 5.0])


# ---- refused where a gradient would be wrong ------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.__iadd__(1.0),
        lambda p: p.mul_(2.0),
        lambda p: p.zero_(),
        lambda p: p.__setitem__(0, 1.0),
    ],
)
def test_in_place_change_of_a_leaf_that_requires_grad_is_refused(change):
    p = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad.*no_grad"):
        change(p)
    np.testing.assert_array_equal(p.data, [1.0, 2.0])


def test_model_weight_times_equals_outside_no_grad_is_refused():
    model = nn.Linear(2, 2)
    with pytest.raises(RuntimeError, match="leaf tensor"):
        model.weight *= 2


def test_augmented_assignment_inside_a_graph_is_recorded_out_of_place():
    x = leaf([1.0, 2.0])
    h = x * 2
    old = h
    h += x  # recorded: h is now a new node, 3x
    assert h is not old
    np.testing.assert_array_equal(old.data, [2.0, 4.0])
    h.sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_augmented_assignment_of_a_gradient_carrying_value_into_a_plain_tensor_is_recorded():
    w = leaf([1.0, 2.0])
    total = Tensor(np.zeros(2))
    total += w * 3
    assert total.requires_grad
    total.sum().backward()
    np.testing.assert_array_equal(w.grad, [3.0, 3.0])


@pytest.mark.parametrize(
    "change",
    [
        lambda h, x: h.add_(x),
        lambda h, x: h.mul_(2.0),
        lambda h, x: h.__setitem__(0, x[1]),
        lambda h, x: h.copy_(x),
    ],
)
def test_named_in_place_methods_inside_a_graph_are_refused(change):
    x = leaf([1.0, 2.0])
    h = x * 2
    with pytest.raises(RuntimeError, match="recorded graph"):
        change(h, x)


# ---- the version stamp -----------------------------------------------------------------------


def test_changing_a_saved_input_in_place_before_backward_raises_naming_the_op():
    x = leaf([1.0, 2.0])
    w = Tensor(np.array([3.0, 4.0]), label="w")
    y = (x * w).sum()
    w += 1  # w needs no gradient, so this is allowed; but mul saved it
    with pytest.raises(RuntimeError, match="op mul: one of its inputs 'w'.*changed in place"):
        y.backward()


def test_changing_a_parameter_between_forward_and_backward_raises():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    with al.no_grad():
        x -= 0.1
    with pytest.raises(RuntimeError, match="op mul.*changed in place"):
        y.backward()


def test_changing_an_op_output_in_place_before_backward_raises():
    x = leaf([0.5, 1.0])
    y = al.exp(x)
    with al.no_grad():
        y *= 2  # exp's backward uses its output
    with pytest.raises(RuntimeError, match="op exp: its output"):
        y.sum().backward()


def test_writes_to_data_bypass_the_version_stamp_as_in_pytorch():
    x = leaf([1.0, 2.0])
    w = Tensor(np.array([3.0, 4.0]))
    y = (x * w).sum()
    w.data[:] = 10.0  # documented: .data is the raw array
    y.backward()
    np.testing.assert_array_equal(x.grad, [10.0, 10.0])


def test_updates_made_before_the_forward_do_not_raise():
    x = leaf([1.0, 2.0])
    with al.no_grad():
        x += 1
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [4.0, 6.0])


# ---- bad operands -------------------------------------------------------------------------


def test_in_place_errors_name_the_problem():
    x = Tensor(np.array([1, 2]))
    with pytest.raises(TypeError, match="dtype int64"):
        x += 0.5
    y = Tensor(np.zeros(3))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        y += np.ones((2, 3))
    with pytest.raises(TypeError, match="add_\\(\\) takes a Tensor"):
        y.add_("1")
