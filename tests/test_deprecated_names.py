"""Names that were renamed keep working, with a DeprecationWarning that names the new one and
points at the line that used the old one."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import autograd_lite as al
import nn
from autograd_lite import ops
from autograd_lite.deprecation import renamed_attributes

RENAMED = [
    # (module, old name, new name)
    ("autograd_lite.ops", "to_device", "to"),
    ("nn.scalar", "Module", "ScalarModule"),
    ("nn.activations", "linear", "identity"),
]


@pytest.mark.parametrize(("module_name", "old", "new"), RENAMED)
def test_an_old_name_is_the_new_object_and_warns(module_name, old, new):
    module = importlib.import_module(module_name)
    message = f"{module_name}.{old} is deprecated: use {module_name}.{new}"
    with pytest.warns(DeprecationWarning, match=message) as caught:
        value = getattr(module, old)
    assert value is getattr(module, new)
    assert caught[0].filename == __file__


@pytest.mark.parametrize(("module_name", "old", "new"), RENAMED)
def test_an_old_name_can_be_imported_from_its_module(module_name, old, new):
    namespace: dict = {}
    with pytest.warns(DeprecationWarning, match=f"use {module_name}.{new}"):
        exec(f"from {module_name} import {old}", namespace)
    assert namespace[old] is getattr(importlib.import_module(module_name), new)


def test_other_missing_names_are_still_attribute_errors():
    with pytest.raises(AttributeError, match="has no attribute 'no_such_op'"):
        ops.no_such_op  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute 'Modul'"):
        nn.scalar.Modul  # noqa: B018
    assert not hasattr(nn.activations, "no_such_activation")


def test_the_renamed_attributes_helper_serves_only_what_it_lists():
    getattr_ = renamed_attributes("autograd_lite.ops", {"old": "exp"})
    with pytest.warns(DeprecationWarning):
        assert getattr_("old") is ops.exp
    with pytest.raises(AttributeError):
        getattr_("exp_")


def test_the_old_op_name_still_moves_a_tensor_and_its_gradient():
    x = al.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.warns(DeprecationWarning):
        moved = ops.to_device(x, device="cpu")
    (moved * moved).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_the_old_scalar_base_class_is_the_base_of_the_scalar_models():
    with pytest.warns(DeprecationWarning):
        base = nn.scalar.Module
    assert isinstance(nn.scalar.MLP(2, [3, 1]), base)
