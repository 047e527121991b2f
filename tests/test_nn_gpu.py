"""``nn`` on a CUDA GPU (CuPy): training, dropout, losses, optimizers and weights on disk with the
parameters on the device, each compared with the same computation on the CPU.

Every test runs against the CuPy stand-in on every machine and against the real CuPy where it
sees a CUDA device (the ``cupy`` fixture of conftest.py). On the stand-in the GPU computes what
the CPU computes, bit for bit; on a real GPU float32 sums run in another order, hence the
tolerances.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
import nn
from autograd_lite import Tensor

pytestmark = pytest.mark.usefixtures("cupy")

RTOL = 1e-4  # float32 on a GPU against float32 on the CPU


def is_on_gpu(array) -> bool:
    import cupy

    return isinstance(array, cupy.ndarray)


def host(array):
    import cupy

    return cupy.asnumpy(array) if isinstance(array, cupy.ndarray) else np.asarray(array)


def _blobs(n=120, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])[:classes]
    y = rng.integers(0, classes, size=n)
    return (centers[y] + rng.normal(size=(n, 2))).astype(np.float32), y


def _model(seed=0, dropout=0.0):
    al.manual_seed(seed)
    layers = [nn.Dense(16, input_shape=(2,), activation="relu")]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Dense(3, activation="softmax"))
    return nn.Sequential(layers)


# ---- fit, evaluate, predict ----------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_fit_on_gpu_matches_fit_on_cpu_batch_for_batch(optimizer):
    """Same seed, same shuffled batches (the order is drawn on the CPU, then moved), same
    dropout masks: the GPU run follows the CPU run step for step."""
    X, y = _blobs()
    runs = {}
    for device in ("cpu", "cuda"):
        model = _model(dropout=0.25).to(device)
        model.compile(
            optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        al.manual_seed(1)
        history = model.fit(
            X, y, epochs=3, batch_size=16, shuffle=True, verbose=0, validation_data=(X[:30], y[:30])
        )
        runs[device] = model, history
    (cpu, cpu_history), (gpu, gpu_history) = runs["cpu"], runs["cuda"]
    assert all(is_on_gpu(p.data) for p in gpu.parameters())
    for key, values in cpu_history.history.items():
        np.testing.assert_allclose(gpu_history.history[key], values, rtol=RTOL, err_msg=key)
    for name, value in cpu.state_dict().items():
        np.testing.assert_allclose(
            gpu.state_dict()[name], value, rtol=RTOL, atol=1e-6, err_msg=name
        )


def test_a_keras_cnn_fits_on_gpu_as_on_cpu():
    """Conv2D, MaxPooling2D, BatchNormalization (whose running statistics are parameters that
    move with the model) and Dense, trained on both devices from the same seed."""
    rng = np.random.default_rng(0)
    X, y = rng.random((40, 8, 8, 1)).astype(np.float32), rng.integers(0, 3, 40)
    runs = {}
    for device in ("cpu", "cuda"):
        al.manual_seed(0)
        model = nn.Sequential(
            [
                nn.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)),
                nn.MaxPooling2D(2),
                nn.BatchNormalization(),
                nn.Flatten(),
                nn.Dense(3, activation="softmax"),
            ]
        ).to(device)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        al.manual_seed(1)
        model.fit(X, y, epochs=2, batch_size=8, verbose=0)
        runs[device] = model
    assert all(is_on_gpu(p.data) for p in runs["cuda"].parameters())
    for name, value in runs["cpu"].state_dict().items():
        np.testing.assert_allclose(
            runs["cuda"].state_dict()[name], value, rtol=RTOL, atol=1e-6, err_msg=name
        )
    np.testing.assert_allclose(
        runs["cuda"].predict(X), runs["cpu"].predict(X), rtol=RTOL, atol=1e-6
    )


def test_fit_takes_data_that_already_lives_on_the_gpu(cupy):
    X, y = _blobs()
    model = _model().to("cuda")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(cupy.asarray(X), cupy.asarray(y), epochs=2, batch_size=32, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    loss, accuracy = model.evaluate(cupy.asarray(X), y, verbose=0)  # labels on the CPU
    assert isinstance(loss, float) and 0.0 <= accuracy <= 1.0


def test_a_lazy_model_builds_on_the_device_of_its_first_batch(cupy):
    al.manual_seed(0)
    model = nn.Sequential([nn.Dense(4, activation="tanh"), nn.Dense(1)])
    out = model(Tensor(np.ones((2, 3), np.float32), device="cuda"))
    assert out.device == "cuda:0"
    assert all(is_on_gpu(p.data) for p in model.parameters())


def test_moving_an_unbuilt_model_to_the_gpu_is_refused():
    """Its weights do not exist yet, so nothing would move, and fit would build them on the
    CPU: the model asks to be built first."""
    model = nn.Sequential([nn.Dense(4), nn.Dense(1)])
    with pytest.raises(ValueError, match="not built yet.*input_shape"):
        model.to("cuda")
    assert model.to("cpu") is model


def test_predict_and_summary_of_a_gpu_model():
    X, _ = _blobs(10)
    cpu, gpu = _model(), _model().to("cuda")
    out = gpu.predict(X)
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, cpu.predict(X), rtol=RTOL)
    lines = []
    gpu.summary(print_fn=lines.append)
    assert "Total params: 99" in "\n".join(lines)


# ---- dropout --------------------------------------------------------------------------------


def test_dropout_on_gpu_applies_the_cpu_mask_scaled():
    x = np.ones((4, 50), np.float32)
    layer = nn.Dropout(0.4)
    al.manual_seed(3)
    on_cpu = layer(Tensor(x)).data
    al.manual_seed(3)
    out = layer(Tensor(x, device="cuda"))
    assert out.device == "cuda:0" and out.dtype == np.float32
    np.testing.assert_array_equal(host(out.data), on_cpu)
    assert set(np.unique(on_cpu)) == {0.0, np.float32(1 / 0.6)}
    layer.eval()
    assert layer(Tensor(x, device="cuda")).device == "cuda:0"


def test_dropout_gradient_on_gpu_is_the_mask():
    al.manual_seed(5)
    x = Tensor(np.ones((3, 8), np.float32), device="cuda", requires_grad=True)
    out = nn.Dropout(0.5)(x)
    out.sum().backward()
    assert is_on_gpu(x.grad)
    np.testing.assert_array_equal(host(x.grad), host(out.data))


# ---- losses and their targets ---------------------------------------------------------------


LOSS_CASES = [
    pytest.param(nn.cross_entropy, (5, 3), lambda rng: rng.integers(0, 3, 5), id="cross_entropy"),
    pytest.param(
        nn.cross_entropy,
        (5, 3),
        lambda rng: np.eye(3, dtype=np.float32)[rng.integers(0, 3, 5)],
        id="cross_entropy one-hot",
    ),
    pytest.param(
        lambda p, t: nn.categorical_cross_entropy(p.softmax(), t),
        (5, 3),
        lambda rng: rng.integers(0, 3, 5),
        id="categorical_cross_entropy",
    ),
    pytest.param(nn.mse_loss, (5, 2), lambda rng: rng.normal(size=(5, 2)), id="mse"),
    pytest.param(nn.hinge_loss, (5,), lambda rng: rng.choice([-1, 1], 5), id="hinge"),
    pytest.param(
        lambda p, t: nn.binary_cross_entropy(p.sigmoid(), t),
        (5, 1),
        lambda rng: rng.integers(0, 2, (5, 1)),
        id="binary_cross_entropy",
    ),
    pytest.param(
        nn.binary_cross_entropy_with_logits,
        (5,),
        lambda rng: rng.integers(0, 2, 5),
        id="bce with logits",
    ),
]


@pytest.mark.parametrize(("loss", "shape", "target"), LOSS_CASES)
@pytest.mark.parametrize("target_on", ["cpu", "cuda"])
def test_losses_on_gpu_take_targets_from_either_device(loss, shape, target, target_on, cupy, rng):
    logits = rng.normal(size=shape).astype(np.float32)
    y = target(rng)
    cpu = Tensor(logits, requires_grad=True)
    gpu = Tensor(logits, device="cuda", requires_grad=True)
    expected = loss(cpu, y)
    out = loss(gpu, cupy.asarray(y) if target_on == "cuda" else y)
    assert out.device == "cuda:0"
    np.testing.assert_allclose(out.item(), expected.item(), rtol=RTOL)
    expected.backward()
    out.backward()
    assert is_on_gpu(gpu.grad)
    np.testing.assert_allclose(host(gpu.grad), cpu.grad, rtol=RTOL, atol=1e-7)


@pytest.mark.parametrize(
    ("loss", "target", "message"),
    [
        (nn.cross_entropy, [0, 3, 1], "the label 3 is not a class"),
        (nn.hinge_loss, [0.0, 1.0, 1.0], r"labels in \{-1, \+1\}, but these are in \{0, 1\}"),
        (lambda p, t: nn.binary_cross_entropy(p.sigmoid(), t), [0.0, 2.0, 1.0], "the label 2"),
    ],
    ids=["class out of range", "hinge with 0/1", "bce label 2"],
)
def test_bad_labels_on_gpu_are_named(loss, target, message, cupy):
    shape = (3, 3) if loss is nn.cross_entropy else (3,)
    prediction = Tensor(np.zeros(shape, np.float32), device="cuda")
    for labels in (np.array(target), cupy.asarray(np.array(target))):
        with pytest.raises(ValueError, match=message):
            loss(prediction, labels)


# ---- optimizers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda params: nn.Adam(params, lr=0.01, weight_decay=0.01),
        lambda params: nn.SGD(params, lr=0.1, momentum=0.9, nesterov=True),
    ],
    ids=["Adam", "SGD momentum"],
)
def test_optimizer_steps_on_gpu_match_the_cpu(make, rng):
    w0 = rng.normal(size=(4, 3)).astype(np.float32)
    X = rng.normal(size=(8, 4)).astype(np.float32)
    weights = {}
    for device in ("cpu", "cuda"):
        w = Tensor(w0.copy(), device=device, requires_grad=True)
        optimizer = make([w])
        x = Tensor(X, device=device)
        for _ in range(5):
            optimizer.zero_grad()
            ((x @ w).tanh() ** 2).sum().backward()
            optimizer.step()
        assert w.device == ("cpu" if device == "cpu" else "cuda:0")
        weights[device] = host(w.data)
    np.testing.assert_allclose(weights["cuda"], weights["cpu"], rtol=RTOL, atol=1e-6)


def test_zero_grad_set_to_none_false_on_gpu_keeps_the_device_arrays():
    w = Tensor(np.ones(3, np.float32), device="cuda", requires_grad=True)
    (w * 2).sum().backward()
    optimizer = nn.SGD([w], lr=0.1)
    optimizer.zero_grad(set_to_none=False)
    assert is_on_gpu(w.grad)
    np.testing.assert_array_equal(host(w.grad), 0.0)
    (w * 3).sum().backward()
    assert is_on_gpu(w.grad)
    np.testing.assert_array_equal(host(w.grad), 3.0)


def test_adams_state_lives_on_the_gpu_with_its_parameters():
    w = Tensor(np.ones(3, np.float32), device="cuda", requires_grad=True)
    optimizer = nn.Adam([w], lr=0.1)
    (w * w).sum().backward()
    optimizer.step()
    assert all(is_on_gpu(m) for m in optimizer.first_moments + optimizer.second_moments)


def test_adams_state_follows_a_model_moved_after_some_steps():
    """Steps on the CPU, then the model moves: the moments move with it."""
    X, y = _blobs(40)
    moved, stayed = _model(), _model()
    for model in (moved, stayed):
        model.compile(optimizer=nn.Adam(lr=0.01), loss="sparse_categorical_crossentropy")
        al.manual_seed(2)
        model.fit(X, y, epochs=1, batch_size=20, shuffle=False, verbose=0)
    moved.to("cuda")
    for model in (moved, stayed):
        model.fit(X, y, epochs=1, batch_size=20, shuffle=False, verbose=0)
    for name, value in stayed.state_dict().items():
        np.testing.assert_allclose(moved.state_dict()[name], value, rtol=RTOL, atol=1e-6)


# ---- weights on disk ------------------------------------------------------------------------


def test_save_weights_of_a_gpu_model_and_load_them_anywhere(tmp_path):
    gpu = _model(seed=4).to("cuda")
    path = tmp_path / "weights.npz"
    gpu.save_weights(path)
    with np.load(path, allow_pickle=False) as saved:
        for name, p in gpu.named_parameters():
            assert saved[name].dtype == np.float32
            np.testing.assert_array_equal(saved[name], host(p.data))
    cpu = _model(seed=5)
    cpu.load_weights(path)
    other_gpu = _model(seed=6).to("cuda")
    other_gpu.load_weights(path)
    for name, value in gpu.state_dict().items():
        np.testing.assert_array_equal(cpu.state_dict()[name], value)
        np.testing.assert_array_equal(other_gpu.state_dict()[name], value)
    assert all(is_on_gpu(p.data) for p in other_gpu.parameters())


# ---- the README's example ---------------------------------------------------------------------


def test_the_readmes_gpu_example_runs_as_written(tmp_path, monkeypatch, capsys):
    import re
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## On a GPU") : readme.index("## Examples")]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    printed = capsys.readouterr().out.splitlines()
    assert "cuda:0" in printed[0] and "ndarray" in printed[0]
    assert printed[1] == "cpu (10, 784)"
    with np.load(tmp_path / "weights.npz") as weights:
        assert weights["layers.0.weight"].shape == (64, 784)
