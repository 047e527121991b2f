"""Tests of save_weights / load_weights: round trips, names, atomic saves and every failure."""

from __future__ import annotations

import os
import pickle
import zipfile

import numpy as np
import pytest

import autograd_lite as al
import nn
from nn import Dense, Sequential


def _model(seed, input_shape=(3,)):
    al.manual_seed(seed)
    return Sequential([Dense(4, input_shape=input_shape, activation="relu", name="hidden"),
                       nn.Dropout(0.1),
                       Dense(2, activation="softmax", name="output")])


def _same_weights(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    return list(sa) == list(sb) and all(np.array_equal(sa[k], sb[k]) for k in sa)


def test_round_trip_into_a_fresh_model_of_the_same_architecture(tmp_path, rng):
    source, target = _model(0), _model(1)
    assert not _same_weights(source, target)
    path = tmp_path / "weights.npz"
    source.save_weights(path)
    target.load_weights(str(path))
    assert _same_weights(source, target)
    x = rng.normal(size=(5, 3))
    assert np.array_equal(source.predict(x), target.predict(x))


def test_the_file_is_a_plain_npz_named_by_place_in_the_tree(tmp_path):
    path = tmp_path / "w.npz"
    nn.save_weights(_model(0), path)
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["layers.0.bias", "layers.0.weight", "layers.2.bias",
                                         "layers.2.weight"]
        assert archive["layers.0.weight"].shape == (4, 3)
    for _ in range(3):  # names do not depend on how many models exist
        _model(2)
    path2 = tmp_path / "w2.npz"
    _model(0).save_weights(path2)
    with np.load(path2) as archive:
        assert sorted(archive.files) == ["layers.0.bias", "layers.0.weight", "layers.2.bias",
                                         "layers.2.weight"]


def test_a_lazy_model_is_built_from_the_file(tmp_path):
    source = _model(0)
    source.save_weights(tmp_path / "w.npz")
    lazy = Sequential([Dense(4, activation="relu", name="hidden"), nn.Dropout(0.1),
                       Dense(2, activation="softmax", name="output")])
    assert not lazy.built
    lazy.load_weights(tmp_path / "w.npz")
    assert lazy.built and _same_weights(source, lazy)


def test_saving_replaces_the_file_atomically(tmp_path, monkeypatch):
    path = tmp_path / "w.npz"
    first = _model(0)
    first.save_weights(path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", crash)
    with pytest.raises(OSError, match="disk full"):
        _model(1).save_weights(path)
    assert path.read_bytes() == before  # the old file is intact
    assert os.listdir(tmp_path) == ["w.npz"]  # no temporary file left behind
    monkeypatch.undo()
    _model(1).save_weights(path)
    assert os.listdir(tmp_path) == ["w.npz"]
    loaded = _model(2)
    loaded.load_weights(path)
    assert _same_weights(loaded, _model(1))


def test_saving_uses_os_replace(tmp_path, monkeypatch):
    calls = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append((a, b)), real(a, b)))
    _model(0).save_weights(tmp_path / "w.npz")
    (source, destination), = calls
    assert os.path.dirname(source) == str(tmp_path) and destination == str(tmp_path / "w.npz")


def _write(path, arrays):
    np.savez(path, **arrays)


@pytest.mark.parametrize("change, message", [
    (lambda s: s.pop("layers.2.bias"), "missing: layers.2.bias"),
    (lambda s: s.update({"layers.5.weight": np.zeros(2)}), "unexpected: layers.5.weight"),
    (lambda s: s.update({"layers.0.weight": np.zeros((4, 7))}),
     r"layers.0.weight has shape \(4, 7\), the model needs \(4, 3\)"),
])
def test_bad_files_name_the_arrays_and_leave_the_model_unchanged(tmp_path, change, message):
    state = _model(0).state_dict()
    change(state)
    path = tmp_path / "bad.npz"
    _write(path, state)
    model = _model(1)
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        model.load_weights(path)
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())


def test_a_different_architecture_is_refused_with_all_problems_listed(tmp_path):
    _model(0).save_weights(tmp_path / "w.npz")
    other = Sequential([Dense(5, input_shape=(3,)), Dense(2)])
    with pytest.raises(ValueError) as info:
        other.load_weights(tmp_path / "w.npz")
    text = str(info.value)
    assert "missing: layers.1.weight, layers.1.bias" in text
    assert "unexpected: layers.2.weight, layers.2.bias" in text
    assert "layers.0.weight has shape (4, 3), the model needs (5, 3)" in text


def test_loading_never_unpickles(tmp_path):
    with open(tmp_path / "evil.npz", "wb") as f:
        pickle.dump({"layers.0.weight": np.zeros((4, 3))}, f)
    with pytest.raises(ValueError, match="not an .npz file of weights"):
        _model(0).load_weights(tmp_path / "evil.npz")
    objects = tmp_path / "objects.npz"
    with zipfile.ZipFile(objects, "w") as archive:
        with archive.open("layers.0.weight.npy", "w") as member:
            np.lib.format.write_array(member, np.array([object()], dtype=object),
                                      allow_pickle=True)
    with pytest.raises(ValueError, match="cannot be read without pickle"):
        _model(0).load_weights(objects)
    np.save(tmp_path / "single.npy", np.zeros(3))
    with pytest.raises(ValueError, match="holds a single array"):
        _model(0).load_weights(tmp_path / "single.npy")
