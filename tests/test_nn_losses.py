"""Tests of the losses: closed forms, gradients (gradcheck), label checks and stability."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
import nn
from autograd_lite import gradcheck


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _onehot(labels, classes):
    return np.eye(classes)[labels]


REDUCE = {"mean": np.mean, "sum": np.sum, "none": lambda a: a}


# ---- closed forms ---------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_closed_form(rng, reduction):
    f, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    assert np.allclose(nn.mse_loss(f, y, reduction).data, REDUCE[reduction]((f - y) ** 2))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_hinge_closed_form(rng, reduction):
    f, y = rng.normal(size=8), rng.choice([-1.0, 1.0], size=8)
    expected = REDUCE[reduction](np.maximum(0, 1 - y * f))
    assert np.allclose(nn.hinge_loss(f, y, reduction).data, expected)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_closed_forms(rng, reduction):
    z, y = rng.normal(size=7), rng.integers(0, 2, size=7).astype(float)
    p = 1 / (1 + np.exp(-z))
    expected = REDUCE[reduction](-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert np.allclose(nn.binary_cross_entropy(p, y, reduction).data, expected)
    assert np.allclose(nn.binary_cross_entropy_with_logits(z, y, reduction).data, expected)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_closed_form_labels_and_rows(rng, reduction):
    z, labels = rng.normal(size=(5, 4)), rng.integers(0, 4, size=5)
    per = -np.log(_softmax(z)[np.arange(5), labels])
    assert np.allclose(nn.cross_entropy(z, labels, reduction).data, REDUCE[reduction](per))
    assert np.allclose(
        nn.cross_entropy(z, _onehot(labels, 4), reduction).data, REDUCE[reduction](per)
    )
    soft = _softmax(rng.normal(size=(5, 4)))
    expected = -(soft * np.log(_softmax(z))).sum(axis=1)
    assert np.allclose(nn.cross_entropy(z, soft, reduction).data, REDUCE[reduction](expected))


def test_categorical_cross_entropy_on_probabilities(rng):
    p, labels = _softmax(rng.normal(size=(5, 3))), rng.integers(0, 3, size=5)
    expected = np.mean(-np.log(p[np.arange(5), labels]))
    assert np.allclose(nn.categorical_cross_entropy(p, labels).data, expected)
    assert np.allclose(nn.categorical_cross_entropy(p, _onehot(labels, 3)).data, expected)
    keras = nn.SparseCategoricalCrossentropy()(p, labels)
    assert np.allclose(keras.data, expected)
    assert np.allclose(nn.CategoricalCrossentropy()(p, _onehot(labels, 3)).data, expected)


def test_svm_objective_is_the_lectures_formula_1(rng):
    X, y = rng.normal(size=(10, 3)), rng.choice([-1.0, 1.0], size=10)
    beta = al.Tensor(rng.normal(size=3), requires_grad=True)
    lam = 1 / 4.0  # C = 4
    objective = nn.svm_objective(X @ beta, y, beta, lam)
    b = beta.data
    expected = np.sum(np.maximum(0, 1 - y * (X @ b))) + lam * np.sum(b**2)
    assert np.isclose(objective.item(), expected)
    objective.backward()
    active = (1 - y * (X @ b)) > 0
    expected_grad = -(X * (y * active)[:, None]).sum(axis=0) + 2 * lam * b
    assert np.allclose(beta.grad, expected_grad)


# ---- gradients ------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_gradcheck(rng, reduction):
    z = rng.normal(size=(6, 3))
    z = np.where(np.abs(z) < 0.05, 0.3, z)
    signs = rng.choice([-1.0, 1.0], size=(6, 3))
    bits = rng.integers(0, 2, size=(6, 3)).astype(float)
    labels = rng.integers(0, 3, size=6)
    probs = _softmax(rng.normal(size=(6, 3)))
    # hinge: keep 1 - y·f away from its kink at 0
    hinge_scores = np.where(np.abs(1 - signs * z) < 0.05, z + 0.2, z)
    cases = [
        (lambda f, y: nn.mse_loss(f, y, reduction), [z, rng.normal(size=(6, 3))]),
        (lambda f: nn.hinge_loss(f, signs, reduction), [hinge_scores]),
        (lambda p: nn.binary_cross_entropy(p, bits, reduction), [probs]),
        (lambda f: nn.binary_cross_entropy_with_logits(f, bits, reduction), [z]),
        (
            lambda f, y: nn.binary_cross_entropy_with_logits(f, y, reduction),
            [z, rng.uniform(0.2, 0.8, size=(6, 3))],
        ),
        (
            lambda p, y: nn.binary_cross_entropy(p, y, reduction),
            [probs, rng.uniform(0.2, 0.8, size=(6, 3))],
        ),
        (lambda f: nn.cross_entropy(f, labels, reduction), [z]),
        (lambda f, y: nn.cross_entropy(f, y, reduction), [z, probs]),
        (lambda p: nn.categorical_cross_entropy(p, labels, reduction), [probs]),
        (lambda p, y: nn.categorical_cross_entropy(p, y, reduction), [probs, probs[::-1]]),
    ]
    for fn, inputs in cases:
        assert gradcheck(fn, inputs)


def test_cross_entropy_is_one_op_with_gradient_softmax_minus_onehot_over_n(rng):
    z = al.Tensor(rng.normal(size=(4, 5)), requires_grad=True)
    labels = np.array([0, 3, 3, 1])
    loss = nn.cross_entropy(z, labels)
    assert loss.op == "cross_entropy" and loss._prev == (z,)
    loss.backward()
    assert np.allclose(z.grad, (_softmax(z.data) - _onehot(labels, 5)) / 4)


def test_svm_objective_gradcheck(rng):
    X, y = rng.normal(size=(8, 3)), rng.choice([-1.0, 1.0], size=8)
    beta = rng.normal(size=3)
    while np.min(np.abs(1 - y * (X @ beta))) < 0.05:
        beta = rng.normal(size=3)
    assert gradcheck(lambda b: nn.svm_objective(al.matmul(X, b), y, b, 0.1), [beta])


# ---- numerical safety -----------------------------------------------------------------------


def test_binary_cross_entropy_with_logits_is_stable_at_plus_minus_1000():
    z = al.Tensor(
        np.array([1000.0, -1000.0, 1000.0, -1000.0], dtype=np.float32), requires_grad=True
    )
    y = np.array([1.0, 0.0, 0.0, 1.0])
    loss = nn.binary_cross_entropy_with_logits(z, y, reduction="none")
    assert np.allclose(loss.data, [0, 0, 1000, 1000])
    loss.sum().backward()
    assert np.all(np.isfinite(z.grad)) and np.allclose(z.grad, [0, 0, 1, -1])
    assert np.isfinite(nn.cross_entropy(np.array([[1000.0, -1000.0]]), [1]).item())


def test_probability_losses_clip_like_keras():
    p = al.Tensor(np.array([0.0, 1.0]), requires_grad=True)
    y = np.array([1.0, 0.0])
    loss = nn.binary_cross_entropy(p, y, reduction="none")
    assert np.allclose(loss.data, -np.log(1e-7), rtol=1e-6)
    loss.sum().backward()
    assert np.array_equal(p.grad, [0.0, 0.0])  # clipped: no gradient, no nan
    q = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert np.isclose(nn.categorical_cross_entropy(q, [1, 1]).item(), -np.log(1e-7) / 2)


# ---- targets and labels ---------------------------------------------------------------------


def test_targets_may_be_tensors_lists_and_column_vectors(rng):
    f = rng.normal(size=(5, 1))
    y = rng.normal(size=5)
    expected = np.mean((f[:, 0] - y) ** 2)  # not broadcast to (5, 5)
    assert np.isclose(nn.mse_loss(f, y).item(), expected)
    assert np.isclose(nn.mse_loss(f, al.Tensor(y)).item(), expected)
    assert np.isclose(nn.mse_loss(f, list(y)).item(), expected)
    assert np.isclose(
        nn.cross_entropy(np.zeros((2, 3)), al.Tensor(np.array([0, 2]))).item(), np.log(3)
    )


def test_hinge_rejects_zero_one_labels_and_says_to_map_them():
    with pytest.raises(ValueError, match=r"in \{0, 1\}: map them first with y = 2 \* y - 1"):
        nn.hinge_loss(np.zeros(3), np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="got the label 3"):
        nn.hinge_loss(np.zeros(3), np.array([1, -1, 3]))
    with pytest.raises(ValueError, match=r"\{0, 1\}"):
        nn.svm_objective(np.zeros(2), np.array([0, 1]), np.ones(2), 1.0)


def test_label_checks():
    with pytest.raises(ValueError, match=r"in \{-1, \+1\}: map them first with y = \(y \+ 1\)"):
        nn.binary_cross_entropy(np.full(2, 0.5), np.array([-1, 1]))
    with pytest.raises(ValueError, match="got the label 2"):
        nn.binary_cross_entropy_with_logits(np.zeros(2), np.array([0, 2]))
    with pytest.raises(ValueError, match="label 3 is not a class of this output, which has 3"):
        nn.cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="integer class labels"):
        nn.cross_entropy(np.zeros((2, 3)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="one-hot rows.*use categorical_crossentropy"):
        nn.SparseCategoricalCrossentropy()(np.full((2, 3), 1 / 3), np.eye(3)[:2])
    with pytest.raises(ValueError, match="look like integer labels.*sparse_categorical"):
        nn.CategoricalCrossentropy()(np.full((2, 3), 1 / 3), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"target has shape \(3,\) but the prediction has"):
        nn.mse_loss(np.zeros((2, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="unknown reduction"):
        nn.mse_loss(np.zeros(2), np.zeros(2), reduction="avg")


def test_losses_by_name():
    get = nn.losses.get
    assert isinstance(get("hinge"), nn.Hinge)
    assert isinstance(get("mse"), nn.MeanSquaredError)
    bce = get("binary_crossentropy")
    assert isinstance(bce, nn.BinaryCrossentropy) and not bce.from_logits
    assert get("binary_crossentropy", from_logits=True).from_logits
    assert get("sparse_categorical_crossentropy").fused_activation == "softmax"
    assert get("categorical_crossentropy", from_logits=True).fused_activation is None
    with pytest.raises(
        ValueError, match="unknown loss 'kld'; valid names: hinge, binary_crossentropy"
    ):
        get("kld")


def test_against_pytorch(rng):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    z = rng.normal(size=(6, 4))
    labels = rng.integers(0, 4, size=6)
    bits = rng.integers(0, 2, size=(6, 4)).astype(float)
    probs = 1 / (1 + np.exp(-z))
    t = torch.tensor(z, requires_grad=True)
    ours = al.Tensor(z, requires_grad=True)
    pairs = [
        (F.cross_entropy(t, torch.tensor(labels)), nn.cross_entropy(ours, labels)),
        (
            F.binary_cross_entropy_with_logits(t, torch.tensor(bits)),
            nn.binary_cross_entropy_with_logits(ours, bits),
        ),
        (F.mse_loss(t, torch.tensor(bits)), nn.mse_loss(ours, bits)),
    ]
    for theirs, mine in pairs:
        t.grad, ours.grad = None, None
        theirs.backward()
        mine.backward()
        assert np.isclose(theirs.item(), mine.item())
        assert np.allclose(t.grad.numpy(), ours.grad)
    assert np.isclose(
        F.binary_cross_entropy(torch.tensor(probs), torch.tensor(bits)).item(),
        nn.binary_cross_entropy(probs, bits).item(),
    )
