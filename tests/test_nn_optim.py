"""Tests of the optimizers: several steps against updates written out by hand, and against
``torch.optim`` where PyTorch is installed.

The gradients fed in are fixed arrays (one per step), so each expected trajectory is a few
lines of NumPy that follow the rules in the docstrings of ``nn.optim``.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
import nn

STEPS = 5


def _gradients(rng, shape=(3, 2)):
    return [rng.normal(size=shape) for _ in range(STEPS)]


def _run(optimizer_factory, theta0, grads):
    """Apply ``optimizer.step()`` with each gradient in turn; the parameter's trajectory."""
    p = nn.Parameter(theta0.copy())
    optimizer = optimizer_factory([p])
    path = []
    for g in grads:
        optimizer.zero_grad()
        assert p.grad is None
        p.grad = g.copy()
        optimizer.step()
        path.append(p.data.copy())
    return path


@pytest.mark.parametrize(
    "momentum, nesterov, weight_decay, dampening",
    [
        (0.0, False, 0.0, 0.0),
        (0.9, False, 0.0, 0.0),
        (0.9, True, 0.0, 0.0),
        (0.8, False, 0.1, 0.0),
        (0.8, True, 0.05, 0.0),
        (0.7, False, 0.0, 0.3),
        (0.0, False, 0.2, 0.0),
    ],
)
def test_sgd_by_hand(rng, momentum, nesterov, weight_decay, dampening):
    lr = 0.1
    theta0, grads = rng.normal(size=(3, 2)), _gradients(rng)
    path = _run(
        lambda ps: nn.SGD(
            ps,
            lr=lr,
            momentum=momentum,
            nesterov=nesterov,
            weight_decay=weight_decay,
            dampening=dampening,
        ),
        theta0,
        grads,
    )
    theta, buffer = theta0.copy(), None
    for step, g in enumerate(grads):
        d = g + weight_decay * theta
        if momentum:
            buffer = d.copy() if buffer is None else momentum * buffer + (1 - dampening) * d
            d = d + momentum * buffer if nesterov else buffer
        theta = theta - lr * d
        assert np.allclose(path[step], theta, rtol=1e-12, atol=1e-12), f"step {step + 1}"


@pytest.mark.parametrize("betas, weight_decay", [((0.9, 0.999), 0.0), ((0.5, 0.9), 0.1)])
def test_adam_by_hand_with_bias_correction(rng, betas, weight_decay):
    lr, eps = 0.01, 1e-8
    beta1, beta2 = betas
    theta0, grads = rng.normal(size=(3, 2)), _gradients(rng)
    path = _run(
        lambda ps: nn.Adam(ps, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay),
        theta0,
        grads,
    )
    theta, m, v = theta0.copy(), np.zeros_like(theta0), np.zeros_like(theta0)
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        assert np.allclose(path[t - 1], theta, rtol=1e-10, atol=1e-12), f"step {t}"


def test_adam_first_step_moves_each_entry_by_lr(rng):
    p = nn.Parameter(np.zeros(4))
    optimizer = nn.Adam([p], lr=0.05)
    p.grad = rng.normal(size=4) * 100
    optimizer.step()
    assert np.allclose(np.abs(p.data), 0.05, rtol=1e-6)  # bias correction: |m̂/√v̂| = 1


def test_parameters_without_gradients_are_skipped_and_keep_their_state(rng):
    a, b = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(2))
    optimizer = nn.Adam([a, b], lr=0.1)
    a.grad = np.ones(2)
    optimizer.step()
    assert np.array_equal(b.data, np.ones(2)) and optimizer.steps == [1, 0]
    b.grad = np.ones(2)
    optimizer.step()
    assert np.allclose(b.data, 0.9)  # b's first step, bias-corrected
    assert optimizer.steps == [2, 1]


def test_update_is_in_place_and_float32_stays_float32(rng):
    p = nn.Parameter(np.ones(3, dtype=np.float32))
    data = p.data
    for optimizer in (nn.SGD([p], lr=0.1, momentum=0.9), nn.Adam([p])):
        p.grad = np.ones(3, dtype=np.float32)
        optimizer.step()
        assert p.data is data and p.data.dtype == np.float32


@pytest.mark.parametrize("make", [lambda ps: nn.SGD(ps, lr=0.5), lambda ps: nn.Adam(ps, lr=0.5)])
def test_a_step_after_the_parameter_changed_shape_and_dtype_uses_the_new_ones(make):
    # Steps write their update into an array kept between steps: it must follow the parameter.
    p = nn.Parameter(np.ones(3, dtype=np.float32))
    optimizer = make([p])
    p.grad = np.ones(3, dtype=np.float32)
    optimizer.step()
    expected = nn.Parameter(np.full((2, 2), 2.0))
    reference = make([expected])
    p.data, p.grad = np.full((2, 2), 2.0), np.full((2, 2), 0.25)
    expected.grad = np.full((2, 2), 0.25)
    if isinstance(optimizer, nn.Adam):  # a new shape needs new moments, as a new parameter
        optimizer.first_moments[0] = optimizer.second_moments[0] = None
        optimizer.steps[0] = 0
    optimizer.step()
    reference.step()
    assert p.data.dtype == np.float64 and p.data.shape == (2, 2)
    np.testing.assert_array_equal(p.data, expected.data)


def test_the_update_leaves_the_gradient_as_it_was(rng):
    p = nn.Parameter(np.ones(3, dtype=np.float32))
    optimizer = nn.SGD([p], lr=0.1)
    for _ in range(2):
        p.grad = g = np.arange(3, dtype=np.float32)
        optimizer.step()
        np.testing.assert_array_equal(g, np.arange(3, dtype=np.float32))
    np.testing.assert_allclose(p.data, 1 - 0.2 * np.arange(3), rtol=1e-6)


def test_zero_grad_set_to_none_false_zeros_the_arrays_and_backward_adds_into_them():
    # PyTorch's zero_grad(set_to_none=False): the same arrays, filled with zeros
    w = nn.Parameter(np.array([1.0, 2.0]))
    optimizer = nn.SGD([w], lr=0.1)
    (w * w).sum().backward()
    array = w.grad
    optimizer.zero_grad(set_to_none=False)
    assert w.grad is array
    np.testing.assert_array_equal(array, 0.0)
    del array  # held here, the next backward would (rightly) leave it alone
    first = id(w.grad)
    (w * 3).sum().backward()
    assert id(w.grad) == first
    np.testing.assert_array_equal(w.grad, [3.0, 3.0])  # this pass's gradient only


def test_zero_grad_set_to_none_false_replaces_what_it_cannot_zero_in_place():
    kept_none, view, recorded = (nn.Parameter(np.ones(2)) for _ in range(3))
    base = np.ones(4)
    view.grad = base[:2]
    recorded.grad = al.Tensor(np.ones(2), requires_grad=True) * 2
    nn.SGD([kept_none, view, recorded], lr=0.1).zero_grad(set_to_none=False)
    assert kept_none.grad is None
    np.testing.assert_array_equal(base, 1.0)  # the view's base is not written
    for p in (view, recorded):
        assert isinstance(p.grad, np.ndarray)
        np.testing.assert_array_equal(p.grad, [0.0, 0.0])


def test_optimizers_by_name_and_settings():
    params = [nn.Parameter(np.zeros(2))]
    sgd = nn.optim.get("sgd", params)
    assert isinstance(sgd, nn.SGD) and sgd.lr == 0.01 and sgd.params == params
    adam = nn.optim.get("ADAM", params)
    assert isinstance(adam, nn.Adam) and adam.lr == 1e-3
    assert nn.Adam(learning_rate=0.02).lr == 0.02
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'; valid names: sgd, adam"):
        nn.optim.get("rmsprop", params)
    with pytest.raises(ValueError, match="Nesterov momentum needs momentum > 0"):
        nn.SGD(params, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="SGD: lr must be >= 0, got -1"):
        nn.SGD(params, lr=-1)
    with pytest.raises(TypeError, match="takes Tensors"):
        nn.SGD([np.zeros(2)], lr=0.1)


def test_duplicate_parameters_are_updated_once():
    p = nn.Parameter(np.ones(2))
    optimizer = nn.SGD([p, p], lr=0.5)
    p.grad = np.ones(2)
    optimizer.step()
    assert np.allclose(p.data, 0.5)


@pytest.mark.parametrize("name", ["sgd_momentum", "sgd_nesterov_wd", "adam", "adam_wd"])
def test_against_torch_optim(rng, name):
    torch = pytest.importorskip("torch")
    settings = {
        "sgd_momentum": (nn.SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
        "sgd_nesterov_wd": (
            nn.SGD,
            torch.optim.SGD,
            dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
        ),
        "adam": (nn.Adam, torch.optim.Adam, dict(lr=0.01)),
        "adam_wd": (nn.Adam, torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.95), weight_decay=0.1)),
    }
    ours_cls, theirs_cls, kwargs = settings[name]
    theta0, grads = rng.normal(size=(3, 2)), _gradients(rng)
    path = _run(lambda ps: ours_cls(ps, **kwargs), theta0, grads)
    t = torch.tensor(theta0.copy(), requires_grad=True)
    optimizer = theirs_cls([t], **kwargs)
    for step, g in enumerate(grads):
        t.grad = torch.tensor(g)
        optimizer.step()
        assert np.allclose(path[step], t.detach().numpy(), rtol=1e-10, atol=1e-12)


# ---- settings are checked when they are set -----------------------------------------------------

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda ps: nn.SGD(ps, lr=NAN), "SGD: lr must be a finite number, got nan"),
        (lambda ps: nn.SGD(ps, lr=INF), "SGD: lr must be a finite number, got inf"),
        (lambda ps: nn.SGD(ps, lr=0.1, momentum=-0.5), r"SGD: momentum must be in \[0, 1\]"),
        (lambda ps: nn.SGD(ps, lr=0.1, momentum=1.5), r"SGD: momentum must be in \[0, 1\]"),
        (lambda ps: nn.SGD(ps, lr=0.1, momentum=NAN), "SGD: momentum must be a finite number"),
        (lambda ps: nn.SGD(ps, lr=0.1, dampening=2.0), r"SGD: dampening must be in \[0, 1\]"),
        (lambda ps: nn.SGD(ps, lr=0.1, weight_decay=-1e-4), "SGD: weight_decay must be >= 0"),
        (lambda ps: nn.SGD(ps, lr=0.1, weight_decay=INF), "SGD: weight_decay must be a finite"),
        (lambda ps: nn.Adam(ps, lr=-1e-3), "Adam: lr must be >= 0"),
        (lambda ps: nn.Adam(ps, eps=0.0), "Adam: eps must be > 0"),
        (lambda ps: nn.Adam(ps, eps=NAN), "Adam: eps must be a finite number"),
        (lambda ps: nn.Adam(ps, betas=(0.9, 1.0)), r"Adam: betas must be in \[0, 1\), got 1.0"),
        (lambda ps: nn.Adam(ps, betas=(NAN, 0.999)), "Adam: betas must be a finite number"),
        (lambda ps: nn.Adam(ps, betas=(-0.1, 0.999)), r"Adam: betas must be in \[0, 1\)"),
        (lambda ps: nn.Adam(ps, weight_decay=NAN), "Adam: weight_decay must be a finite"),
        (lambda ps: nn.Adam(ps, learning_rate=INF), "Adam: lr must be a finite number"),
    ],
)
def test_settings_that_can_only_do_harm_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make([nn.Parameter(np.zeros(2))])


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda ps: nn.SGD(ps, lr="0.1"), r"SGD: lr must be a real number, got '0.1' \(str\)"),
        (lambda ps: nn.SGD(ps, lr=True), r"SGD: lr must be a real number, got True \(bool\)"),
        (
            lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9, nesterov="yes"),
            "SGD: nesterov must be True or False",
        ),
        (lambda ps: nn.Adam(ps, betas=0.9), r"Adam: betas must be a pair \(beta1, beta2\)"),
        (lambda ps: nn.Adam(ps, betas=(0.9, 0.99, 0.999)), "Adam: betas must be a pair"),
    ],
)
def test_settings_of_the_wrong_type_are_refused(make, message):
    with pytest.raises(TypeError, match=message):
        make([nn.Parameter(np.zeros(2))])


def test_settings_are_checked_when_assigned_later_and_kept_when_refused():
    p = nn.Parameter(np.ones(2))
    sgd = nn.SGD([p], lr=0.1, momentum=0.9, nesterov=True)
    with pytest.raises(ValueError, match="SGD: lr must be >= 0, got -5"):
        sgd.lr = -5
    with pytest.raises(ValueError, match="SGD: lr must be a finite number"):
        sgd.learning_rate = NAN  # Keras's name goes through the same check
    with pytest.raises(ValueError, match="SGD: Nesterov momentum needs momentum > 0"):
        sgd.momentum = 0.0
    with pytest.raises(ValueError, match="SGD: Nesterov momentum needs .* dampening = 0"):
        sgd.dampening = 0.5
    assert (sgd.lr, sgd.momentum, sgd.dampening, sgd.nesterov) == (0.1, 0.9, 0.0, True)
    sgd.lr = np.float32(0.5)  # NumPy numbers are numbers
    assert sgd.lr == 0.5 and type(sgd.lr) is float
    sgd.nesterov = False
    sgd.momentum = 0.0  # fine without Nesterov
    adam = nn.Adam([p])
    with pytest.raises(ValueError, match=r"Adam: betas must be in \[0, 1\)"):
        adam.betas = (0.9, 1.5)
    with pytest.raises(ValueError, match="Adam: eps must be > 0"):
        adam.eps = -1e-8
    assert adam.betas == (0.9, 0.999) and adam.eps == 1e-8
    p.grad = np.ones(2)
    adam.step()
    assert np.isfinite(p.data).all()
