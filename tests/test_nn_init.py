"""Tests of the initializers: ranges, spreads, names, and reproducibility from a seed."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
import nn
from nn import init

SHAPE = (200, 300)  # (fan_out, fan_in) = (200, 300): 60 000 draws


def test_constants():
    assert np.all(init.zeros((2, 3)) == 0) and init.zeros((2, 3)).dtype == np.float32
    assert np.all(init.ones((4,)) == 1)


@pytest.mark.parametrize(
    "name, limit",
    [
        ("random_uniform", 0.05),
        ("glorot_uniform", np.sqrt(6 / (300 + 200))),
        ("xavier_uniform", np.sqrt(6 / (300 + 200))),
        ("he_uniform", np.sqrt(6 / 300)),
        ("kaiming_uniform", np.sqrt(6 / 300)),
        ("uniform_fan_in", 1 / np.sqrt(300)),
    ],
)
def test_uniform_ranges(name, limit):
    w = init.get(name)(SHAPE, np.random.default_rng(0))
    assert w.shape == SHAPE and w.dtype == np.float32
    assert np.all(np.abs(w) <= limit) and np.abs(w).max() > 0.99 * limit
    assert abs(w.std() - limit / np.sqrt(3)) < 0.02 * limit  # the std of U(-a, a) is a/√3


@pytest.mark.parametrize(
    "name, std",
    [
        ("random_normal", 0.05),
        ("glorot_normal", np.sqrt(2 / (300 + 200))),
        ("xavier_normal", np.sqrt(2 / (300 + 200))),
        ("he_normal", np.sqrt(2 / 300)),
        ("kaiming_normal", np.sqrt(2 / 300)),
    ],
)
def test_normal_spreads(name, std):
    w = init.get(name)(SHAPE, np.random.default_rng(0))
    assert abs(w.mean()) < 0.02 * std
    assert abs(w.std() - std) < 0.02 * std


def test_keyword_settings_and_vectors():
    w = init.random_uniform((1000,), np.random.default_rng(0), minval=0.0, maxval=2.0)
    assert w.min() >= 0 and w.max() <= 2
    assert init.he_uniform((10,), np.random.default_rng(0)).max() <= np.sqrt(6 / 10)
    assert init.glorot_uniform((4, 3), dtype=np.float64).dtype == np.float64


def test_manual_seed_and_explicit_generators_reproduce_draws():
    al.manual_seed(42)
    first = init.glorot_normal((5, 4))
    al.manual_seed(42)
    assert np.array_equal(first, init.glorot_normal((5, 4)))
    assert np.array_equal(
        init.he_normal((5, 4), np.random.default_rng(1)),
        init.he_normal((5, 4), np.random.default_rng(1)),
    )


def test_unknown_initializer_lists_valid_names():
    with pytest.raises(ValueError) as info:
        init.get("lecun_normal")
    for name in (
        "zeros",
        "random_uniform",
        "random_normal",
        "glorot_uniform",
        "glorot_normal",
        "he_uniform",
        "he_normal",
    ):
        assert name in str(info.value)


def test_selectable_per_layer():
    al.manual_seed(0)
    model = nn.Sequential(
        nn.Dense(50, input_shape=(40,), kernel_initializer="he_normal", activation="relu"),
        nn.Dense(30, kernel_initializer="random_uniform"),
        nn.Linear(30, 10, weight_initializer="zeros", bias_initializer="ones"),
    )
    first, second, third = model.layers
    assert abs(first.weight.data.std() - np.sqrt(2 / 40)) < 0.02
    assert np.abs(second.weight.data).max() <= 0.05
    assert np.all(third.weight.data == 0) and np.all(third.bias.data == 1)
