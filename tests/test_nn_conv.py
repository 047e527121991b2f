"""Convolutional, pooling and batch-normalization layers, in PyTorch's layout and Keras's.

PyTorch's layers are compared with ``torch.nn`` (same weights, float64: the same outputs,
gradients and running statistics) where PyTorch is installed; Keras's with the same
computation written with the ops, and with Keras's documented shapes, parameter counts and
update rules. A Keras CNN snippet trains with only its import changed.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
import nn
from autograd_lite import Tensor
from nn import (
    AveragePooling2D,
    AvgPool2d,
    BatchNorm1d,
    BatchNorm2d,
    BatchNormalization,
    Conv2D,
    Conv2d,
    Dense,
    Dropout,
    Flatten,
    MaxPool2d,
    MaxPooling2D,
    Sequential,
)


def images(rng, *shape):
    return rng.standard_normal(shape)


# ---- PyTorch's layers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"stride": 2, "padding": 1},
        {"padding": "same", "dilation": 2},
        {"groups": 2},
        {"bias": False},
    ],
    ids=str,
)
def test_conv2d_layer_equals_torchs(settings, rng):
    torch = pytest.importorskip("torch")
    ours = Conv2d(4, 6, 3, dtype=np.float64, **settings)
    theirs = torch.nn.Conv2d(4, 6, 3, dtype=torch.float64, **settings)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(ours.weight.data))
        if ours.bias is not None:
            theirs.bias.copy_(torch.tensor(ours.bias.data))
    x = images(rng, 2, 4, 7, 6)
    out, expected = ours(x), theirs(torch.tensor(x))
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = rng.standard_normal(out.shape)
    (out * g).sum().backward()
    (expected * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-10)


def test_conv2d_layer_initializes_as_pytorch(rng):
    layer = Conv2d(3, 64, (5, 4), generator=rng)
    bound = 1 / np.sqrt(3 * 5 * 4)
    assert layer.weight.shape == (64, 3, 5, 4) and layer.weight.dtype == np.float32
    assert 0.9 * bound < np.abs(layer.weight.data).max() <= bound
    assert np.abs(layer.bias.data).max() <= bound
    assert layer.in_channels == 3 and [name for name, _ in layer.named_parameters()] == [
        "weight",
        "bias",
    ]


@pytest.mark.parametrize(
    ("ours", "reference"),
    [
        (MaxPool2d(2), lambda x: al.max_pool2d(x, 2)),
        (MaxPool2d(3, stride=1, padding=1), lambda x: al.max_pool2d(x, 3, 1, 1)),
        (AvgPool2d(2), lambda x: al.avg_pool2d(x, 2)),
        (AvgPool2d(3, 2, 1, count_include_pad=False), lambda x: al.avg_pool2d(x, 3, 2, 1, False)),
    ],
    ids=["max", "max padded", "avg", "avg padding not counted"],
)
def test_pytorch_pooling_layers_apply_the_ops(ours, reference, rng):
    x = images(rng, 2, 3, 6, 6)
    np.testing.assert_array_equal(ours(x).data, reference(x).data)


# ---- Keras's layers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "out_shape"),
    [
        ({}, (2, 6, 5, 4)),
        ({"padding": "same"}, (2, 8, 7, 4)),
        ({"strides": 2, "padding": "same"}, (2, 4, 4, 4)),
        ({"strides": (2, 1)}, (2, 3, 5, 4)),
        ({"dilation_rate": 2}, (2, 4, 3, 4)),
    ],
    ids=str,
)
def test_conv2d_keras_layer_works_channels_last(settings, out_shape, rng):
    layer = Conv2D(4, (3, 3), input_shape=(8, 7, 2), activation="relu", **settings)
    x = images(rng, 2, 8, 7, 2).astype(np.float32)
    out = layer(x)
    assert out.shape == out_shape
    nchw = al.conv2d(
        x.transpose(0, 3, 1, 2),
        layer.weight,
        layer.bias,
        settings.get("strides", 1),
        settings.get("padding", "valid"),
        settings.get("dilation_rate", 1),
    )
    np.testing.assert_allclose(out.data, np.maximum(nchw.data, 0).transpose(0, 2, 3, 1), rtol=1e-6)


def test_conv2d_keras_layer_learns_its_channels_from_the_first_batch(rng):
    layer = Conv2D(5, 3)
    assert not layer.built
    out = layer(images(rng, 2, 6, 6, 3).astype(np.float32))
    assert layer.weight.shape == (5, 3, 3, 3) and out.shape == (2, 4, 4, 5)
    first_channels = Conv2D(5, 3, data_format="channels_first")
    assert first_channels(images(rng, 2, 3, 6, 6)).shape == (2, 5, 4, 4)


def test_keras_pooling_layers_work_channels_last(rng):
    x = images(rng, 2, 7, 7, 3)
    nchw = x.transpose(0, 3, 1, 2)
    np.testing.assert_array_equal(
        MaxPooling2D()(x).data, al.max_pool2d(nchw, 2).data.transpose(0, 2, 3, 1)
    )
    same = AveragePooling2D(pool_size=3, strides=2, padding="same")(x)
    assert same.shape == (2, 4, 4, 3)  # ⌈7 / 2⌉
    # Keras averages the pixels inside the image only: the corner window has 2 × 2 of them.
    np.testing.assert_allclose(same.data[0, 0, 0], x[0, :2, :2].mean(axis=(0, 1)))
    assert MaxPooling2D(2, padding="same")(x).shape == (2, 4, 4, 3)


def keras_cnn():
    """The LeNet-style network of the Keras examples, only the import changed."""
    model = Sequential()
    model.add(Conv2D(8, kernel_size=(5, 5), activation="relu", input_shape=(28, 28, 1)))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Conv2D(16, (5, 5), activation="relu"))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(BatchNormalization(momentum=0.9))  # Keras's 0.99 needs more steps than a test
    model.add(Flatten())
    model.add(Dropout(0.25))
    model.add(Dense(10, activation="softmax"))
    return model


def test_summary_shows_keras_shapes_and_parameter_counts(capsys):
    keras_cnn().summary()
    out = capsys.readouterr().out
    # The numbers Keras prints for this model.
    for row in [
        r"conv2d \(Conv2D\)\s+\(None, 24, 24, 8\)\s+208\b",
        r"max_pooling2d \(MaxPooling2D\)\s+\(None, 12, 12, 8\)\s+0\b",
        r"conv2d_1 \(Conv2D\)\s+\(None, 8, 8, 16\)\s+3216\b",
        r"max_pooling2d_1 \(MaxPooling2D\)\s+\(None, 4, 4, 16\)\s+0\b",
        r"batch_normalization \(BatchNormalization\)\s+\(None, 4, 4, 16\)\s+64\b",
        r"flatten \(Flatten\)\s+\(None, 256\)\s+0\b",
        r"dense \(Dense\)\s+\(None, 10\)\s+2570\b",
    ]:
        assert __import__("re").search(row, out), row
    assert "Total params: 6,058" in out and "Non-trainable params: 32" in out


def test_a_keras_cnn_snippet_trains(rng):
    al.manual_seed(0)
    # Two kinds of 28 × 28 images: a vertical bar or a horizontal one, at random places.
    n = 200
    X = rng.uniform(0, 0.2, (n, 28, 28, 1)).astype(np.float32)
    y = rng.integers(0, 2, n)
    for i, where in enumerate(rng.integers(4, 24, n)):
        if y[i]:
            X[i, :, where, 0] = 1.0
        else:
            X[i, where, :, 0] = 1.0
    model = keras_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(X, y, epochs=3, batch_size=32, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert model.evaluate(X, y, verbose=0)[1] > 0.9


# ---- batch normalization --------------------------------------------------------------------


# (our layer, torch.nn's, an input shape); the settings are passed to both
BATCH_NORMS = [
    pytest.param(BatchNorm1d, "BatchNorm1d", {}, (8, 3), id="1d"),
    pytest.param(BatchNorm1d, "BatchNorm1d", {"momentum": 0.3}, (4, 3, 5), id="1d, (N, C, L)"),
    pytest.param(BatchNorm2d, "BatchNorm2d", {"eps": 1e-3}, (4, 3, 2, 3), id="2d"),
    pytest.param(
        BatchNorm2d, "BatchNorm2d", {"momentum": None}, (4, 3, 2, 2), id="2d, plain average"
    ),
    pytest.param(BatchNorm1d, "BatchNorm1d", {"affine": False}, (6, 3), id="1d, no affine"),
]


@pytest.mark.parametrize(("ours", "theirs", "settings", "shape"), BATCH_NORMS)
def test_pytorch_batch_norm_equals_torchs_in_training_and_evaluation(
    ours, theirs, settings, shape, rng
):
    torch = pytest.importorskip("torch")
    layer = ours(3, dtype=np.float64, **settings)
    reference = getattr(torch.nn, theirs)(3, dtype=torch.float64, **settings)
    if layer.scale:
        with torch.no_grad():
            reference.weight.copy_(torch.tensor(rng.uniform(0.5, 1.5, 3)))
            reference.bias.copy_(torch.tensor(rng.standard_normal(3)))
        layer.weight.data[...] = reference.weight.detach().numpy()
        layer.bias.data[...] = reference.bias.detach().numpy()
    for _ in range(3):  # training steps: batch statistics, running statistics updated
        x = images(rng, *shape) * 2 + 1
        tx = torch.tensor(x, requires_grad=True)
        ax = Tensor(x, requires_grad=True)
        out, expected = layer(ax), reference(tx)
        np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
        g = rng.standard_normal(shape)
        (out * g).sum().backward()
        (expected * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(ax.grad, tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(layer.running_mean.data, reference.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.running_var.data, reference.running_var.numpy(), rtol=1e-12)
    layer.eval()
    reference.eval()
    x = images(rng, *shape)
    np.testing.assert_allclose(
        layer(x).data, reference(torch.tensor(x)).detach().numpy(), rtol=1e-10, atol=1e-12
    )


def test_keras_batch_normalization_follows_keras_rules(rng):
    layer = BatchNormalization(momentum=0.9, input_shape=(4, 4, 2))
    assert [name for name, _ in layer.named_parameters()] == [
        "gamma",
        "beta",
        "moving_mean",
        "moving_variance",
    ]
    x = images(rng, 5, 4, 4, 2).astype(np.float32) * 3 + 2
    out = layer(x)
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    np.testing.assert_allclose(out.data, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    # moving = momentum · moving + (1 - momentum) · batch, with the biased variance
    np.testing.assert_allclose(layer.moving_mean.data, 0.1 * mean, rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.data, 0.9 + 0.1 * var, rtol=1e-5)
    layer.eval()
    np.testing.assert_allclose(
        layer(x).data, (x - 0.1 * mean) / np.sqrt(0.9 + 0.1 * var + 1e-3), rtol=1e-4, atol=1e-5
    )


def test_batch_norm_gradients_pass_gradcheck_in_both_modes(rng):
    layer = BatchNorm2d(2, dtype=np.float64)
    x = images(rng, 3, 2, 2, 2)
    assert al.gradcheck(lambda t: layer(t) * t, [x]) is True
    layer.eval()
    assert al.gradcheck(lambda t: layer(t) * t, [x]) is True


def test_running_statistics_are_saved_and_left_alone_by_optimizers(rng, tmp_path):
    model = Sequential(Conv2d(1, 2, 3), BatchNorm2d(2), Flatten(), nn.Linear(8, 2))
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    x = images(rng, 4, 1, 4, 4).astype(np.float32)
    nn.cross_entropy(model(x), np.array([0, 1, 0, 1])).backward()
    before = model.layers[1].running_mean.data.copy()
    optimizer.step()
    np.testing.assert_array_equal(model.layers[1].running_mean.data, before)
    assert model.layers[1].running_var.grad is None
    model.save_weights(tmp_path / "w.npz")
    copy = Sequential(Conv2d(1, 2, 3), BatchNorm2d(2), Flatten(), nn.Linear(8, 2))
    copy.load_weights(tmp_path / "w.npz")
    np.testing.assert_array_equal(copy.layers[1].running_var.data, model.layers[1].running_var.data)


def test_lazy_keras_layers_are_built_from_saved_weights(tmp_path, rng):
    model = Sequential(Conv2D(3, 3), BatchNormalization(), Flatten(), Dense(2))
    model(images(rng, 1, 5, 5, 2).astype(np.float32))
    model.save_weights(tmp_path / "w.npz")
    fresh = Sequential(Conv2D(3, 3), BatchNormalization(), Flatten(), Dense(2))
    fresh.load_weights(tmp_path / "w.npz")
    x = images(rng, 2, 5, 5, 2).astype(np.float32)
    np.testing.assert_allclose(fresh.predict(x), model.predict(x), rtol=1e-6)


# ---- bad input ------------------------------------------------------------------------------


def test_channels_last_images_fed_to_conv2d_name_the_shapes():
    with pytest.raises(
        ValueError,
        match=r"\(N, C, H, W\) with 1 channels.*\(2, 28, 28, 1\).*"
        r"channels-last.*transpose\(0, 3, 1, 2\)",
    ):
        Conv2d(1, 8, 5)(np.zeros((2, 28, 28, 1), dtype=np.float32))


def test_channels_first_images_fed_to_keras_conv2d_name_the_shapes():
    layer = Conv2D(8, 5, input_shape=(28, 28, 1))
    with pytest.raises(
        ValueError,
        match=r"\(N, H, W, C\) with 1 channels.*\(2, 1, 28, 28\).*"
        r"channels-first",
    ):
        layer(np.zeros((2, 1, 28, 28), dtype=np.float32))


def test_wrong_input_channels_and_dimensions_are_refused():
    with pytest.raises(ValueError, match=r"3 channels.*shape \(1, 4, 8, 8\)"):
        Conv2d(3, 2, 3)(np.zeros((1, 4, 8, 8)))
    with pytest.raises(ValueError, match=r"expects images \(N, H, W, C\)"):
        MaxPooling2D()(np.zeros((4, 8)))
    with pytest.raises(ValueError, match=r"kernel \(5, 5\).*padded input 4×4"):
        Conv2d(1, 1, 5)(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same'"):
        Conv2D(2, 3, padding="full")
    with pytest.raises(ValueError, match="divisible by groups"):
        Conv2d(4, 3, 3, groups=2)
    with pytest.raises(
        ValueError,
        match=r"expects inputs of 4 dimensions with 3 features on "
        r"axis 1, got shape \(2, 5, 4, 4\)",
    ):
        BatchNorm2d(3)(np.zeros((2, 5, 4, 4)))
    with pytest.raises(ValueError, match="more than one value per channel"):
        BatchNorm1d(3)(np.zeros((1, 3)))
