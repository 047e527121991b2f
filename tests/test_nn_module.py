"""Tests of ``nn.Module`` and ``nn.Parameter``: the tree, names, modes and state dicts."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
import nn


class Pair(nn.Module):
    """Two layers, one of them also kept in a list: shared entries must count once."""

    def __init__(self):
        super().__init__()
        self.first = nn.Linear(3, 4)
        self.blocks = [nn.Linear(4, 2), nn.Dropout(0.5)]
        self.scale = nn.Parameter(np.ones(2, dtype=np.float32))
        self.alias = self.first  # the same module under a second name

    def forward(self, x):
        return self.blocks[1](self.blocks[0](self.first(x))) * self.scale


def test_parameter_is_a_tensor_that_requires_grad():
    p = nn.Parameter([1.0, 2.0])
    assert isinstance(p, al.Tensor)
    assert p.requires_grad and p.dtype == np.float32
    assert repr(p).startswith("Parameter(")
    assert not nn.Parameter(np.zeros(2), requires_grad=False).requires_grad


def test_named_parameters_are_recursive_ordered_and_unique():
    model = Pair()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["scale", "first.weight", "first.bias", "blocks.0.weight", "blocks.0.bias"]
    assert len(model.parameters()) == 5
    assert len({id(p) for p in model.parameters()}) == 5
    assert [name for name, _ in model.named_children()] == [
        "first",
        "blocks.0",
        "blocks.1",
        "alias",
    ]


def test_subclass_without_super_init_works():
    class Bare(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(np.ones(3, dtype=np.float32))

        def forward(self, x):
            return x * self.w

    bare = Bare()
    assert bare.training and len(bare.parameters()) == 1
    assert np.allclose(bare(np.full(3, 2.0, dtype=np.float32)).data, 2.0)


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="must define forward"):
        nn.Module()(1)


def test_zero_grad_sets_none_and_modes_are_recursive():
    model = Pair()
    model(np.ones((2, 3), dtype=np.float32)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model(np.ones((2, 3), dtype=np.float32)).sum().backward()
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.any() for p in model.parameters())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_state_dict_round_trip_and_is_a_copy():
    al.manual_seed(0)
    a = Pair()
    al.manual_seed(1)
    b = Pair()
    state = a.state_dict()
    assert list(state) == [name for name, _ in a.named_parameters()]
    state["first.weight"][...] = 0  # a copy: the model does not change
    assert not np.all(a.first.weight.data == 0)
    b.load_state_dict(a.state_dict())
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        assert np.array_equal(p.data, q.data), name


def test_load_state_dict_reports_every_problem_and_changes_nothing():
    model = Pair()
    before = model.state_dict()
    bad = dict(before)
    del bad["scale"]
    bad["extra.weight"] = np.zeros(3)
    bad["first.weight"] = np.zeros((5, 5))
    bad["first.bias"] = before["first.bias"] + 1
    with pytest.raises(ValueError) as info:
        model.load_state_dict(bad)
    message = str(info.value)
    assert "missing: scale" in message
    assert "unexpected: extra.weight" in message
    assert "first.weight has shape (5, 5), the model needs (4, 3)" in message
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_load_state_dict_rejects_non_numbers():
    model = nn.Linear(2, 1)
    state = model.state_dict()
    state["weight"] = np.array([["a", "b"]])
    with pytest.raises(ValueError, match="weight holds dtype"):
        model.load_state_dict(state)


def test_repr_shows_the_tree():
    text = repr(nn.Sequential(nn.Linear(2, 3), nn.ReLU()))
    assert "Linear(in_features=2, out_features=3, bias=True)" in text
    assert "ReLU()" in text
