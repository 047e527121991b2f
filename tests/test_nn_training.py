"""Tests of Keras-style training: compile, fit, evaluate, predict, summary, History, the
progress bar, reproducibility, and the errors for bad input."""

from __future__ import annotations

import io
import re
import warnings

import numpy as np
import pytest

import autograd_lite as al
import nn
from nn import Dense, Sequential
from nn.progbar import ProgressBar

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0])


def _blobs(rng, n=300, classes=3, spread=0.5):
    """``classes`` well separated Gaussian blobs in 2-D."""
    centers = (
        np.array([[np.cos(a), np.sin(a)] for a in 2 * np.pi * np.arange(classes) / classes]) * 3
    )
    y = rng.integers(0, classes, size=n)
    return centers[y] + spread * rng.normal(size=(n, 2)), y


def _separable(rng, n=100):
    """Two linearly separable classes (0 and 1) with a margin around the line x0 + x1 = 0."""
    X = rng.normal(size=(4 * n, 2))
    X = X[np.abs(X.sum(axis=1)) > 0.5][:n]
    return X, (X.sum(axis=1) > 0).astype(int)


# ---- the lecture ----------------------------------------------------------------------------


def test_the_lectures_keras_snippet_runs_as_written(rng, capsys):
    Xtr, ytr = _blobs(rng, 2000)
    Xts, yts = _blobs(rng, 200)
    nin, nh, nout = 2, 8, 3
    al.manual_seed(0)

    model = Sequential()
    model.add(Dense(units=nh, input_shape=(nin,), activation="sigmoid", name="hidden"))
    model.add(Dense(units=nout, activation="softmax", name="output"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(Xtr, ytr, epochs=30, batch_size=100, validation_data=(Xts, yts))

    assert list(hist.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(values) == 30 for values in hist.history.values())
    assert hist.epoch == list(range(30)) and model.history is hist
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert hist.history["val_accuracy"][-1] > 0.9
    out = capsys.readouterr().out
    assert "Epoch 1/30" in out and "Epoch 30/30" in out
    last = out.strip().splitlines()[-1]
    assert re.match(
        r"20/20 \[=+\] - \d+s \d+(ms|us)/step - loss: [\d.]+ - accuracy: [\d.]+ - "
        r"val_loss: [\d.]+ - val_accuracy: [\d.]+$",
        last,
    ), last
    assert "\r" not in out  # not a terminal: one finished line per epoch


# ---- learning -------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["sgd_momentum", "adam"])
def test_fit_separates_a_linearly_separable_problem(rng, optimizer):
    X, y = _separable(rng)
    al.manual_seed(0)
    model = Sequential([Dense(1, input_shape=(2,), activation="sigmoid")])
    chosen = nn.SGD(lr=0.5, momentum=0.9) if optimizer == "sgd_momentum" else nn.Adam(lr=0.1)
    model.compile(optimizer=chosen, loss="binary_crossentropy", metrics=["accuracy"])
    hist = model.fit(X, y, epochs=30, batch_size=20, verbose=0)
    assert hist.history["accuracy"][-1] == 1.0
    assert model.evaluate(X, y, verbose=0)[1] == 1.0
    assert np.array_equal(model.predict(X)[:, 0] > 0.5, y == 1)


def test_fit_with_the_hinge_loss_uses_sign_accuracy(rng):
    X, y = _separable(rng)
    signs = 2 * y - 1
    al.manual_seed(0)
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer=nn.SGD(lr=0.1), loss="hinge", metrics=["accuracy"])
    hist = model.fit(X, signs, epochs=20, batch_size=10, verbose=0)
    assert hist.history["accuracy"][-1] == 1.0
    assert np.array_equal(np.sign(model.predict(X)[:, 0]), signs)


@pytest.mark.parametrize("seed", range(4))
def test_fit_solves_xor_with_a_small_sigmoid_mlp(seed):
    al.manual_seed(seed)
    model = Sequential(
        [Dense(4, input_shape=(2,), activation="sigmoid"), Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer=nn.Adam(lr=0.1), loss="binary_crossentropy", metrics=["accuracy"])
    hist = model.fit(XOR_X, XOR_Y, epochs=300, batch_size=4, verbose=0)
    assert hist.history["accuracy"][-1] == 1.0
    assert np.array_equal(model.predict(XOR_X)[:, 0] > 0.5, XOR_Y == 1)


def test_fit_solves_xor_with_a_2_2_1_sigmoid_mlp_from_a_fixed_seed():
    al.manual_seed(1)  # a 2-2-1 net can stall in a local minimum; this seed does not
    model = Sequential(
        [Dense(2, input_shape=(2,), activation="sigmoid"), Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer=nn.Adam(lr=0.1), loss="binary_crossentropy", metrics=["accuracy"])
    hist = model.fit(XOR_X, XOR_Y, epochs=300, batch_size=4, verbose=0)
    assert hist.history["accuracy"][-1] == 1.0 and hist.history["loss"][-1] < 0.05


def test_two_runs_with_one_seed_give_identical_weights_and_losses(rng):
    X, y = _blobs(rng, 120)

    def run():
        al.manual_seed(123)
        model = Sequential(
            [
                Dense(6, input_shape=(2,), activation="relu"),
                nn.Dropout(0.3),
                Dense(3, activation="softmax"),
            ]
        )
        model.compile(
            optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        hist = model.fit(X, y, epochs=3, batch_size=16, verbose=0)
        return model.state_dict(), hist.history

    (w1, h1), (w2, h2) = run(), run()
    assert h1 == h2
    assert all(np.array_equal(w1[k], w2[k]) for k in w1)


def test_fit_trains_any_module(rng):
    class Net(nn.Module):
        def __init__(self):
            self.hidden = nn.Linear(2, 8)
            self.out = nn.Linear(8, 3)

        def forward(self, x):
            return self.out(nn.tanh(self.hidden(x)))

    X, y = _blobs(rng, 150)
    al.manual_seed(0)
    net = Net()
    net.compile(optimizer=nn.Adam(lr=0.05), loss="cross_entropy", metrics=["accuracy"])
    hist = net.fit(al.Tensor(X), list(y), epochs=10, batch_size=32, verbose=0)
    assert hist.history["accuracy"][-1] > 0.95
    assert net.evaluate(X, y, verbose=0)[1] > 0.95


# ---- what fit computes ----------------------------------------------------------------------


class CountingNet(nn.Module):
    """A linear model that counts its forward passes."""

    def __init__(self):
        self.layer = nn.Linear(2, 3)
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return self.layer(x)


def test_training_accuracy_reuses_the_training_forward_pass(rng):
    X, y = _blobs(rng, 100)
    net = CountingNet()
    net.compile(optimizer="sgd", loss=nn.CrossEntropyLoss(), metrics=["accuracy"])
    net.fit(X, y, epochs=2, batch_size=25, verbose=0)
    assert net.calls == 1 + 2 * 4  # one pass to learn the output shape, then one per step


def test_epoch_loss_is_the_sample_weighted_mean_over_batches(rng):
    X, y = _blobs(rng, 10)
    model = Sequential([Dense(3, input_shape=(2,), activation="softmax")])
    model.compile(
        optimizer=nn.SGD(lr=0.0), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    hist = model.fit(X, y, epochs=1, batch_size=4, verbose=0)  # batches of 4, 4 and 2
    loss, accuracy = model.evaluate(X, y, batch_size=3, verbose=0)
    assert np.isclose(hist.history["loss"][0], loss, rtol=1e-6)
    assert np.isclose(hist.history["accuracy"][0], accuracy)
    p = model.predict(X).astype(np.float64)
    assert np.isclose(loss, np.mean(-np.log(p[np.arange(10), y])), rtol=1e-5)
    assert accuracy == np.mean(p.argmax(axis=1) == y)


def test_softmax_output_is_fused_with_its_cross_entropy_exactly(rng):
    """fit's fused step (logits + cross_entropy) equals the step on the probabilities."""
    X, y = _blobs(rng, 32)

    def model():
        al.manual_seed(5)
        return Sequential(
            [Dense(4, input_shape=(2,), activation="tanh"), Dense(3, activation="softmax")]
        )

    fused = model()
    fused.compile(optimizer=nn.SGD(lr=0.5), loss="sparse_categorical_crossentropy")
    fused.fit(X, y, epochs=1, batch_size=32, shuffle=False, verbose=0)
    plain = model()
    optimizer = nn.SGD(plain.parameters(), lr=0.5)
    loss = nn.categorical_cross_entropy(plain(X.astype(np.float32)), y)  # clipped, unfused
    loss.backward()
    optimizer.step()
    for a, b in zip(fused.parameters(), plain.parameters(), strict=True):
        assert np.allclose(a.data, b.data, atol=1e-6)


def test_sigmoid_output_accuracy_matches_predict(rng):
    X, y = _separable(rng, 60)
    model = Sequential([Dense(1, input_shape=(2,), activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    loss, accuracy = model.evaluate(X, y, verbose=0)
    p = model.predict(X)[:, 0].astype(np.float64)
    assert accuracy == np.mean((p > 0.5) == y)
    assert np.isclose(loss, np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)), rtol=1e-5)


def test_accuracy_with_one_hot_labels_and_user_metrics(rng):
    X, y = _blobs(rng, 90)
    onehot = np.eye(3)[y]

    def mean_max_probability(y_true, y_pred):
        return y_pred.max(axis=1)

    al.manual_seed(0)
    model = Sequential([Dense(3, input_shape=(2,), activation="softmax")])
    model.compile(
        optimizer=nn.Adam(lr=0.1),
        loss="categorical_crossentropy",
        metrics=["accuracy", mean_max_probability],
    )
    hist = model.fit(X, onehot, epochs=5, batch_size=30, verbose=0)
    assert list(hist.history) == ["loss", "accuracy", "mean_max_probability"]
    loss, accuracy, confidence = model.evaluate(X, onehot, verbose=0)
    p = model.predict(X)
    assert accuracy == np.mean(p.argmax(axis=1) == y)
    assert np.isclose(confidence, p.max(axis=1).mean(), rtol=1e-5)


def test_evaluate_returns_a_float_without_metrics_and_predict_batches(rng):
    X, y = _blobs(rng, 50)
    model = Sequential([Dense(3, input_shape=(2,), activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert isinstance(model.evaluate(X, y, verbose=0), float)
    p = model.predict(X, batch_size=7)
    assert isinstance(p, np.ndarray) and p.shape == (50, 3)
    assert np.allclose(p.sum(axis=1), 1, atol=1e-6)


def test_a_lazy_model_is_built_by_fit_and_gets_a_named_optimizer(rng):
    X, y = _separable(rng, 40)
    model = Sequential([Dense(4, activation="relu"), Dense(1, activation="sigmoid")])
    assert not model.built
    model.compile(optimizer=nn.Adam(lr=0.05), loss="binary_crossentropy")
    model.fit(X, y, epochs=2, verbose=0)
    assert model.built and len(model.optimizer.params) == 4


def test_dropout_is_off_during_validation_and_the_mode_is_restored(rng):
    X, y = _blobs(rng, 40)
    model = Sequential(
        [Dense(8, input_shape=(2,)), nn.Dropout(0.5), Dense(3, activation="softmax")]
    )
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.eval()
    hist = model.fit(X, y, epochs=1, verbose=0, validation_data=(X, y))
    assert not model.training
    assert np.isclose(hist.history["val_loss"][0], model.evaluate(X, y, verbose=0))


# ---- output ---------------------------------------------------------------------------------


def test_summary_lists_layers_shapes_and_parameter_counts(capsys):
    model = Sequential()
    model.add(Dense(units=16, input_shape=(4,), activation="sigmoid", name="hidden"))
    model.add(nn.Dropout(0.2))
    model.add(Dense(units=3, activation="softmax", name="output"))
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "sequential"' in out
    assert re.search(r"hidden \(Dense\)\s+\(None, 16\)\s+80\b", out)
    assert re.search(r"dropout \(Dropout\)\s+\(None, 16\)\s+0\b", out)
    assert re.search(r"output \(Dense\)\s+\(None, 3\)\s+51\b", out)
    assert "Total params: 131" in out and "Trainable params: 131" in out
    with pytest.raises(ValueError, match="not been built yet"):
        Sequential([Dense(2)]).summary()


def test_verbose_2_prints_one_line_per_epoch(rng, capsys):
    X, y = _blobs(rng, 40)
    model = Sequential([Dense(3, input_shape=(2,), activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, y, epochs=2, batch_size=10, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert lines[1].startswith("4/4 [==============================] - ")
    model.fit(X, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""


def test_progress_bar_redraws_in_place_in_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    bar = ProgressBar(4, stream=stream)
    assert bar.interactive and bar.due()
    bar.update(2, {"loss": 0.5})
    bar.finish({"loss": 0.25})
    text = stream.getvalue()
    assert text.startswith("\r2/4 [===============>..............] - loss: 0.5000")
    assert re.search(r"\r4/4 \[=+\] - 0s \d+us/step - loss: 0.2500\n$", text), text
    log = io.StringIO()
    bar = ProgressBar(4, stream=log)
    bar.update(2, {"loss": 0.5})
    bar.finish({"loss": 0.25})
    assert "\r" not in log.getvalue() and log.getvalue().count("\n") == 1


# ---- bad input ------------------------------------------------------------------------------


def _compiled(loss="sparse_categorical_crossentropy", units=3, activation="softmax"):
    model = Sequential([Dense(units, input_shape=(2,), activation=activation)])
    model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
    return model


def test_x_and_y_of_different_lengths_give_both_lengths():
    model = _compiled()
    with pytest.raises(ValueError, match="x has 10, y has 9"):
        model.fit(np.zeros((10, 2)), np.zeros(9, dtype=int), verbose=0)
    with pytest.raises(ValueError, match="validation_data: x and y .* x has 4, y has 5"):
        model.fit(
            np.zeros((10, 2)),
            np.zeros(10, dtype=int),
            verbose=0,
            validation_data=(np.zeros((4, 2)), np.zeros(5, dtype=int)),
        )
    with pytest.raises(ValueError, match="x has 3, y has 2"):
        model.evaluate(np.zeros((3, 2)), [0, 1], verbose=0)


def test_labels_that_do_not_fit_the_loss_fail_before_training():
    model = _compiled(loss="hinge", units=1, activation=None)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"\{0, 1\}: map them first with y = 2 \* y - 1"):
        model.fit(np.zeros((6, 2)), np.array([0, 1, 0, 1, 1, 0]), verbose=0)
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())
    with pytest.raises(ValueError, match="label 5 is not a class of this output, which has 3"):
        _compiled().fit(np.zeros((3, 2)), np.array([0, 5, 1]), verbose=0)
    with pytest.raises(ValueError, match="use categorical_crossentropy"):
        _compiled().fit(np.zeros((3, 2)), np.eye(3), verbose=0)


def test_unknown_names_in_compile_list_the_valid_ones():
    model = Sequential([Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match="unknown loss 'crossentropy'; valid names: hinge"):
        model.compile(optimizer="sgd", loss="crossentropy")
    with pytest.raises(ValueError, match="unknown optimizer 'adagrad'; valid names: sgd, adam"):
        model.compile(optimizer="adagrad", loss="mse")
    with pytest.raises(ValueError, match="unknown metric 'f1'; valid names: accuracy"):
        model.compile(optimizer="sgd", loss="mse", metrics=["f1"])
    with pytest.raises(RuntimeError, match=r"fit\(\) needs compile\(\) first"):
        Sequential([Dense(1, input_shape=(2,))]).fit(np.zeros((2, 2)), np.zeros(2))


def test_a_nan_loss_stops_training_and_keeps_the_history_before_it(rng):
    X, y = _blobs(rng, 30)
    calls = {"n": 0}

    def fragile(prediction, target):
        calls["n"] += 1
        loss = nn.cross_entropy(prediction, target)
        return loss * float("nan") if calls["n"] == 7 else loss

    al.manual_seed(0)
    model = Sequential([Dense(3, input_shape=(2,))])
    model.compile(optimizer="sgd", loss=fragile, metrics=["accuracy"])
    with pytest.warns(RuntimeWarning, match=r"loss is nan at epoch 3, batch 1; training stopped"):
        hist = model.fit(X, y, epochs=5, batch_size=10, verbose=0)  # 3 batches per epoch
    assert hist.epoch == [0, 1] and len(hist.history["loss"]) == 2
    assert all(np.isfinite(p.data).all() for p in model.parameters())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.evaluate(X, y, verbose=0)


def test_a_logits_loss_on_a_softmax_output_warns(rng):
    X, y = _blobs(rng, 20)
    model = _compiled(loss="cross_entropy")
    with pytest.warns(UserWarning, match="expects logits, but the model's output layer applies"):
        model.fit(X, y, verbose=0)


def test_fits_warnings_point_at_the_line_that_called_it(rng):
    """A warning names the user's line (Python shows it with the message), not a line inside
    nn: the logits warning of fit and evaluate, and the not-a-number stop of fit."""
    X, y = _blobs(rng, 20)
    model = _compiled(loss="cross_entropy")
    with pytest.warns(UserWarning) as fitted:
        model.fit(X, y, verbose=0)
    with pytest.warns(UserWarning) as evaluated:
        model.evaluate(X, y, verbose=0)
    nan_model = Sequential([Dense(1, input_shape=(2,))])
    nan_model.compile(loss="mse")
    with pytest.warns(RuntimeWarning) as stopped:
        nan_model.fit(X, np.full(len(X), np.nan), verbose=0)
    for record in (*fitted, *evaluated, *stopped):
        assert record.filename == __file__, (record.filename, str(record.message))


# ---- arguments checked before the first batch -----------------------------------------------


@pytest.mark.parametrize(
    "batch_size, error, message",
    [
        (0, ValueError, "batch_size must be >= 1, got 0"),
        (-5, ValueError, "batch_size must be >= 1, got -5"),
        (2.7, TypeError, r"batch_size must be an integer, got 2.7 \(float\)"),
        (32.0, TypeError, r"batch_size must be an integer, got 32.0 \(float\)"),
        ("32", TypeError, r"batch_size must be an integer, got '32' \(str\)"),
        (True, TypeError, r"batch_size must be an integer, got True \(bool\)"),
    ],
)
def test_a_bad_batch_size_is_refused_by_fit_evaluate_and_predict(batch_size, error, message):
    model = _compiled()
    before = model.state_dict()
    X, y = np.zeros((10, 2)), np.zeros(10, dtype=int)
    with pytest.raises(error, match="fit: " + message):
        model.fit(X, y, batch_size=batch_size, verbose=0)
    with pytest.raises(error, match="evaluate: " + message):
        model.evaluate(X, y, batch_size=batch_size, verbose=0)
    with pytest.raises(error, match="predict: " + message):
        model.predict(X, batch_size=batch_size)
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())


def test_batch_size_none_means_32_and_numpy_integers_are_integers():
    model = _compiled()
    X, y = np.zeros((40, 2)), np.zeros(40, dtype=int)
    assert model.fit(X, y, batch_size=None, verbose=0).params["batch_size"] == 32
    assert (
        model.fit(X, y, batch_size=np.int64(8), epochs=np.int32(1), verbose=0).params["steps"] == 5
    )
    assert model.predict(X, batch_size=None).shape == (40, 3)


@pytest.mark.parametrize(
    "epochs, error, message",
    [
        (-1, ValueError, "fit: epochs must be >= 0, got -1"),
        (2.5, TypeError, r"fit: epochs must be an integer, got 2.5 \(float\)"),
        ("3", TypeError, r"fit: epochs must be an integer, got '3' \(str\)"),
        (True, TypeError, r"fit: epochs must be an integer, got True \(bool\)"),
    ],
)
def test_bad_epochs_are_refused(epochs, error, message):
    with pytest.raises(error, match=message):
        _compiled().fit(np.zeros((10, 2)), np.zeros(10, dtype=int), epochs=epochs, verbose=0)


def test_a_validation_set_of_the_wrong_width_fails_before_the_first_batch():
    model = _compiled()
    before = model.state_dict()
    calls = {"n": 0}
    loss = model._config.loss

    def counting(*args, **kwargs):
        calls["n"] += 1
        return type(loss).compute(loss, *args, **kwargs)

    model._config.loss.compute = counting
    with pytest.raises(
        ValueError,
        match=r"each x_val sample has shape \(5,\), but each training "
        r"sample has shape \(2,\)",
    ):
        model.fit(
            np.zeros((100, 2)),
            np.zeros(100, dtype=int),
            epochs=3,
            verbose=0,
            validation_data=(np.zeros((10, 5)), np.zeros(10, dtype=int)),
        )
    with pytest.raises(ValueError, match="label 7 is not a class of this output"):
        model.fit(
            np.zeros((100, 2)),
            np.zeros(100, dtype=int),
            epochs=3,
            verbose=0,
            validation_data=(np.zeros((10, 2)), np.full(10, 7)),
        )
    assert calls["n"] == 0  # not one training batch was run
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())


# ---- not-a-number policy ----------------------------------------------------------------------


def test_a_finite_loss_with_a_non_finite_gradient_stops_before_the_update(rng):
    """sqrt at 0 has the value 0 and an infinite slope: the loss is finite, but the gradient
    is nan, and the update would have written nan into every weight."""
    X, y = _blobs(rng, 30)
    calls = {"n": 0}
    snapshot = {}

    def fragile(prediction, target):
        calls["n"] += 1
        loss = nn.cross_entropy(prediction, target)
        if calls["n"] == 5:
            snapshot.update(model.state_dict())
            return al.sqrt(loss * 0.0)
        return loss

    al.manual_seed(0)
    model = Sequential(
        [Dense(4, input_shape=(2,), activation="relu", name="hidden"), Dense(3, name="output")]
    )
    model.compile(optimizer=nn.SGD(lr=0.1, momentum=0.9), loss=fragile, metrics=["accuracy"])
    with (
        np.errstate(divide="ignore", invalid="ignore"),
        pytest.warns(
            RuntimeWarning,
            match=r"fit: the gradient of layers.0.weight is not "
            r"finite \(it holds nan or inf\) while the loss "
            r"is 0.0 at epoch 2, batch 2; training stopped",
        ),
    ):
        hist = model.fit(X, y, epochs=5, batch_size=10, verbose=0)  # 3 batches per epoch
    assert hist.epoch == [0]
    after = model.state_dict()
    assert all(np.array_equal(snapshot[k], after[k]) for k in after)  # from before that batch
    assert all(np.isfinite(v).all() for v in after.values())


def test_large_finite_gradients_whose_sum_overflows_do_not_stop_training():
    """The loss mean(x w + b) at w = 0 is 0, and each entry of its gradient ∂L/∂w = mean(x) is
    2e38, finite in float32, while their sum, 4e38, is not."""
    model = Sequential([Dense(1, input_shape=(2,), kernel_initializer="zeros")])
    model.compile(optimizer=nn.SGD(lr=1e-40), loss=lambda prediction, target: prediction.mean())
    X = np.full((4, 2), 2e38, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hist = model.fit(X, np.zeros(4, dtype=np.float32), batch_size=4, verbose=0)
    assert hist.epoch == [0] and hist.history["loss"] == [0.0]
    assert np.all(model.layers[0].weight.data != 0)  # the step was taken


# ---- memory of the training accuracy --------------------------------------------------------


def test_training_accuracy_does_not_keep_an_epochs_outputs():
    """20,000 samples × 1,000 classes: an epoch's outputs are 80 MB of float32."""
    code = """
import numpy as np
import autograd_lite as al
import nn
al.manual_seed(0)
rng = np.random.default_rng(0)
X = rng.normal(size=(20_000, 4)).astype(np.float32)
y = rng.integers(0, 1000, 20_000)
model = nn.Sequential([nn.Dense(1000, input_shape=(4,), activation="softmax")])
model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=METRICS)
model.fit(X, y, batch_size=500, epochs=1, verbose=0)
"""
    from memory import peak_rss_mib

    without, _ = peak_rss_mib(code.replace("METRICS", "[]"))
    with_accuracy, _ = peak_rss_mib(code.replace("METRICS", "['accuracy']"))
    assert with_accuracy - without < 20, (with_accuracy, without)


def test_accuracy_counted_in_groups_equals_accuracy_counted_at_the_end(rng, monkeypatch):
    X, y = _blobs(rng, 200)

    def accuracy():
        al.manual_seed(3)
        model = Sequential(
            [Dense(8, input_shape=(2,), activation="relu"), Dense(3, activation="softmax")]
        )
        model.compile(
            optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        return model.fit(X, y, batch_size=16, epochs=3, verbose=0).history["accuracy"]

    at_the_end = accuracy()
    monkeypatch.setattr(nn.training, "PENDING_OUTPUT_VALUES", 1)  # count after every batch
    assert accuracy() == at_the_end
