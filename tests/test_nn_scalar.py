"""Tests of ``nn.scalar``: micrograd's Neuron, Layer and MLP over ``autograd_lite.Value``,
including micrograd's two-moons demo notebook (MLP(2, [16, 16, 1]), hinge loss + L2, SGD), which
must print micrograd's own losses."""

from __future__ import annotations

import random

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import Value
from nn.scalar import MLP, Layer, Neuron


def test_neuron_computes_its_weighted_sum_and_activation():
    neuron = Neuron(3, generator=np.random.default_rng(0))
    x = [0.5, -1.0, 2.0]
    pre = sum(w.data * xi for w, xi in zip(neuron.w, x, strict=True)) + neuron.b.data
    assert neuron(x).data == pytest.approx(max(pre, 0.0))
    assert Neuron(3, nonlin=False, generator=np.random.default_rng(0))(x).data == pytest.approx(pre)
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


# ---- micrograd compatibility: its demo notebook, with only the imports changed -------------------

# What karpathy/micrograd's demo.ipynb prints for its 100 steps of gradient descent (seed 1337):
# step: (total loss, accuracy). The notebook prints every step; these are the first, some middle
# ones and the last.
MICROGRAD_DEMO_PRINTS = {
    0: (0.8958441028683222, 0.50),
    1: (1.7235905336972022, 0.81),
    2: (0.7429006313851131, 0.77),
    10: (0.24507023853658053, 0.91),
    50: (0.09875114765619622, 0.96),
    98: (0.010978888332907229, 1.00),
    99: (0.010978370135492717, 1.00),
}


def micrograd_demo_moons():
    """The notebook's data: ``np.random.seed(1337)`` then ``make_moons(n_samples=100, noise=0.1)``.

    scikit-learn's make_moons, written out: 50 points on each half circle, shuffled by a
    permutation drawn from NumPy's global generator, then Gaussian noise from the same generator.
    """
    state = np.random.RandomState(1337)
    t = np.linspace(0, np.pi, 50)
    X = np.vstack(
        [np.append(np.cos(t), 1 - np.cos(t)), np.append(np.sin(t), 1 - np.sin(t) - 0.5)]
    ).T
    y = np.hstack([np.zeros(50, dtype=np.intp), np.ones(50, dtype=np.intp)])
    order = np.arange(100)
    state.shuffle(order)
    X, y = X[order], y[order]
    X += state.normal(scale=0.1, size=X.shape)
    return X, y * 2 - 1  # labels -1 or 1


def test_the_moons_above_are_scikit_learns():
    datasets = pytest.importorskip("sklearn.datasets")
    np.random.seed(1337)
    X, y = datasets.make_moons(n_samples=100, noise=0.1)
    ours_X, ours_y = micrograd_demo_moons()
    np.testing.assert_array_equal(ours_X, X)
    np.testing.assert_array_equal(ours_y, y * 2 - 1)


def test_weights_are_drawn_as_micrograd_draws_them():
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    draws = random.Random(1337)
    # micrograd: per layer, per neuron, one random.uniform(-1, 1) per input; the bias starts at 0
    expected = []
    for nin, nout in ((2, 16), (16, 16), (16, 1)):
        for _ in range(nout):
            expected += [draws.uniform(-1, 1) for _ in range(nin)] + [0.0]
    assert [p.data for p in model.parameters()] == expected


def test_manual_seed_also_seeds_the_scalar_weights():
    al.manual_seed(1337)
    seeded = [p.data for p in MLP(2, [4, 1]).parameters()]
    random.seed(1337)
    assert [p.data for p in MLP(2, [4, 1]).parameters()] == seeded
    al.manual_seed(1338)
    assert [p.data for p in MLP(2, [4, 1]).parameters()] != seeded


def test_an_explicit_generator_is_used_instead_of_python_random():
    random.seed(0)
    a = [p.data for p in MLP(2, [3, 1], generator=random.Random(7)).parameters()]
    b = [p.data for p in MLP(2, [3, 1], generator=random.Random(7)).parameters()]
    c = [p.data for p in MLP(2, [3, 1], generator=np.random.default_rng(7)).parameters()]
    assert a == b != c
    assert random.random() == random.Random(0).random()  # the global generator was not touched


@pytest.mark.slow
def test_micrograd_demo_notebook_prints_the_same_losses():
    """The notebook's cells, ``from micrograd...`` replaced by autograd_lite and nn.scalar."""
    X, y = micrograd_demo_moons()
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 337

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    printed = {}
    for k in range(100):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        printed[k] = (total_loss.data, acc)
    for k, (expected_loss, expected_accuracy) in MICROGRAD_DEMO_PRINTS.items():
        # the same operations in the same order: equal up to the last bit or two
        assert printed[k][0] == pytest.approx(expected_loss, rel=1e-13, abs=0), f"step {k}"
        assert printed[k][1] == expected_accuracy, f"step {k}"
