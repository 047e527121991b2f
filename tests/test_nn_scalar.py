"""Tests of ``nn.scalar``: micrograd's Neuron, Layer and MLP over ``autograd_lite.Value``,
including micrograd's two-moons demo (MLP(2, [16, 16, 1]), hinge loss + L2, SGD)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import Value
from nn.scalar import MLP, Layer, Neuron


def make_moons(n, noise, rng):
    """Two interleaving half circles, as ``sklearn.datasets.make_moons``; labels 0 and 1."""
    try:
        from sklearn.datasets import make_moons as sklearn_moons
    except ImportError:
        outer, inner = n // 2, n - n // 2
        t_outer, t_inner = np.linspace(0, np.pi, outer), np.linspace(0, np.pi, inner)
        X = np.vstack([np.c_[np.cos(t_outer), np.sin(t_outer)],
                       np.c_[1 - np.cos(t_inner), 0.5 - np.sin(t_inner)]])
        y = np.r_[np.zeros(outer, dtype=int), np.ones(inner, dtype=int)]
        return X + rng.normal(scale=noise, size=X.shape), y
    return sklearn_moons(n_samples=n, noise=noise, random_state=int(rng.integers(1 << 31)))


def test_neuron_computes_its_weighted_sum_and_activation():
    neuron = Neuron(3, generator=np.random.default_rng(0))
    x = [0.5, -1.0, 2.0]
    pre = sum(w.data * xi for w, xi in zip(neuron.w, x, strict=True)) + neuron.b.data
    assert neuron(x).data == pytest.approx(max(pre, 0.0))
    assert Neuron(3, nonlin=False, generator=np.random.default_rng(0))(x).data == \
        pytest.approx(pre)
    tanh = Neuron(3, activation="tanh", generator=np.random.default_rng(0))
    assert tanh(x).data == pytest.approx(np.tanh(pre))
    assert len(neuron.parameters()) == 4
    with pytest.raises(ValueError, match="has 3 inputs, got 2"):
        neuron([1.0, 2.0])
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        Neuron(2, activation="gelu")


def test_a_neuron_is_one_weighted_sum_node_then_its_activation():
    neuron = Neuron(3, generator=np.random.default_rng(0))
    out = neuron([Value(0.5), Value(-1.0), Value(2.0)])
    (pre,) = out._prev
    assert out._op == "ReLU" and pre._op == "Σw·x+β"  # j = s(j̄), j̄ one node
    assert len(pre._prev) == 3 + 3 + 1  # every w_i, every x_i and β


def test_mlp_structure_and_parameters():
    model = MLP(2, [16, 16, 1])
    assert len(model.layers) == 3
    assert len(model.parameters()) == (2 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 1 == 337
    assert [n.activation for n in model.layers[-1].neurons] == ["linear"]
    assert isinstance(model([1.0, -1.0]), Value)
    assert len(Layer(2, 3)([1.0, 2.0])) == 3
    assert "MLP of [Layer of [ReluNeuron(2)" in repr(model)


def test_seeded_models_are_identical():
    al.manual_seed(3)
    a = [p.data for p in MLP(2, [4, 1]).parameters()]
    al.manual_seed(3)
    assert a == [p.data for p in MLP(2, [4, 1]).parameters()]


def test_zero_grad_and_backward(rng):
    model = MLP(3, [4, 1], activation="tanh", generator=rng)
    out = model([0.1, 0.2, -0.3])
    out.backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


def test_micrograd_two_moons_demo_trains_on_the_scalar_engine():
    rng = np.random.default_rng(1)
    X, y = make_moons(100, 0.1, rng)
    y = 2 * y - 1  # labels in {-1, +1} for the hinge loss
    al.manual_seed(1337)
    model = MLP(2, [16, 16, 1])

    def loss():
        scores = [model([Value(a), Value(b)]) for a, b in X]
        hinge = sum((1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)) / len(y)
        l2 = 1e-4 * sum(p * p for p in model.parameters())
        accuracy = np.mean([(yi > 0) == (si.data > 0) for yi, si in zip(y, scores, strict=True)])
        return hinge + l2, accuracy

    first, _ = loss()
    steps = 20
    for k in range(steps):
        total, accuracy = loss()
        model.zero_grad()
        total.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    total, accuracy = loss()
    assert total.data < 0.5 * first.data
    assert accuracy >= 0.9
