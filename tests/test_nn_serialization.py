"""Tests of save_weights / load_weights: round trips, names, atomic saves and every failure."""

from __future__ import annotations

import os
import pickle
import warnings
import zipfile

import numpy as np
import pytest

import autograd_lite as al
import nn
from nn import Dense, Sequential


def _model(seed, input_shape=(3,)):
    al.manual_seed(seed)
    return Sequential(
        [
            Dense(4, input_shape=input_shape, activation="relu", name="hidden"),
            nn.Dropout(0.1),
            Dense(2, activation="softmax", name="output"),
        ]
    )


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
        assert sorted(archive.files) == [
            "layers.0.bias",
            "layers.0.weight",
            "layers.2.bias",
            "layers.2.weight",
        ]
        assert archive["layers.0.weight"].shape == (4, 3)
    for _ in range(3):  # names do not depend on how many models exist
        _model(2)
    path2 = tmp_path / "w2.npz"
    _model(0).save_weights(path2)
    with np.load(path2) as archive:
        assert sorted(archive.files) == [
            "layers.0.bias",
            "layers.0.weight",
            "layers.2.bias",
            "layers.2.weight",
        ]


def test_a_lazy_model_is_built_from_the_file(tmp_path):
    source = _model(0)
    source.save_weights(tmp_path / "w.npz")
    lazy = Sequential(
        [
            Dense(4, activation="relu", name="hidden"),
            nn.Dropout(0.1),
            Dense(2, activation="softmax", name="output"),
        ]
    )
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
    ((source, destination),) = calls
    assert os.path.dirname(source) == str(tmp_path) and destination == str(tmp_path / "w.npz")


def _write(path, arrays):
    np.savez(path, **arrays)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s.pop("layers.2.bias"), "missing: layers.2.bias"),
        (lambda s: s.update({"layers.5.weight": np.zeros(2)}), "unexpected: layers.5.weight"),
        (
            lambda s: s.update({"layers.0.weight": np.zeros((4, 7))}),
            r"layers.0.weight has shape \(4, 7\), the model needs \(4, 3\)",
        ),
    ],
)
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
    with pytest.raises(ValueError, match="evil.npz: not an .npz file"):
        _model(0).load_weights(tmp_path / "evil.npz")
    objects = tmp_path / "objects.npz"
    with zipfile.ZipFile(objects, "w") as archive:
        with archive.open("layers.0.weight.npy", "w") as member:
            np.lib.format.write_array(member, np.array([object()], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="cannot be read without pickle"):
        _model(0).load_weights(objects)
    np.save(tmp_path / "single.npy", np.zeros(3))
    with pytest.raises(ValueError, match="holds a single array"):
        _model(0).load_weights(tmp_path / "single.npy")


# ---- saving: one temporary name, the umask, symbolic links ----------------------------------


def test_a_killed_save_leaves_at_most_one_temporary_file_which_the_next_save_removes(tmp_path):
    """Kill a process while it saves, again and again: each kill may leave the temporary file,
    but always the same one, and the next save replaces it."""
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "big.npz"
    code = f"""
import sys
sys.path.insert(0, {str(os.getcwd())!r})
import numpy as np, nn
model = nn.Sequential([nn.Dense(2000, input_shape=(2000,))])  # 16 MB of weights
print("ready", flush=True)
while True:
    model.save_weights({str(path)!r})
"""
    rng = np.random.default_rng(0)
    for _ in range(6):
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        leftovers = sorted(name for name in os.listdir(tmp_path) if name != "big.npz")
        assert leftovers in ([], [".big.npz.tmp"]), leftovers
    _model(0).save_weights(path)
    assert os.listdir(tmp_path) == ["big.npz"]


def test_a_stale_temporary_file_or_link_is_replaced_not_followed(tmp_path):
    path = tmp_path / "w.npz"
    stale = tmp_path / ".w.npz.tmp"
    stale.write_bytes(b"half a file from a killed save")
    _model(0).save_weights(path)
    assert sorted(os.listdir(tmp_path)) == ["w.npz"]
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep me")
    stale.symlink_to(elsewhere)
    _model(1).save_weights(path)
    assert elsewhere.read_text() == "keep me"
    assert sorted(os.listdir(tmp_path)) == ["elsewhere.txt", "w.npz"]
    loaded = _model(2)
    loaded.load_weights(path)
    assert _same_weights(loaded, _model(1))


def test_a_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path):
    old = os.umask(0o077)
    try:
        _model(0).save_weights(tmp_path / "private.npz")
    finally:
        os.umask(old)
    assert (tmp_path / "private.npz").stat().st_mode & 0o777 == 0o600
    path = tmp_path / "shared.npz"
    _model(0).save_weights(path)
    assert path.stat().st_mode & 0o777 == 0o666 & ~old
    path.chmod(0o640)
    _model(1).save_weights(path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_saving_through_a_symbolic_link_writes_its_target(tmp_path):
    target = tmp_path / "real" / "w.npz"
    target.parent.mkdir()
    _model(0).save_weights(target)
    link = tmp_path / "link.npz"
    link.symlink_to(target)
    _model(1).save_weights(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    loaded = _model(2)
    loaded.load_weights(target)
    assert _same_weights(loaded, _model(1))
    assert sorted(os.listdir(tmp_path)) == ["link.npz", "real"]


# ---- loading: corrupt files -----------------------------------------------------------------


def _open_files():
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "w.npz"
    _model(0).save_weights(path)
    return path


def _refused_or_identical(path, original):
    """Loading ``path`` either raises a ValueError naming it, or gives exactly ``original``;
    the model is unchanged by a refusal, and no file is left open."""
    model = _model(1)
    before = model.state_dict()
    files = _open_files()
    try:
        model.load_weights(path)
    except ValueError as error:
        assert str(path) in str(error), error
        assert _same_weights_as(model, before)
        refused = True
    else:
        assert _same_weights_as(model, original)
        refused = False
    assert _open_files() == files
    return refused


def _same_weights_as(model, state):
    return all(np.array_equal(state[k], v) for k, v in model.state_dict().items())


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files in /proc")
def test_every_truncation_is_refused_by_name_and_closes_the_file(saved, tmp_path):
    data, original = saved.read_bytes(), _model(0).state_dict()
    cut = tmp_path / "cut.npz"
    for length in range(len(data)):
        cut.write_bytes(data[:length])
        assert _refused_or_identical(cut, original), length


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files in /proc")
def test_no_flipped_byte_loads_wrong_weights(saved, tmp_path):
    """Flip each byte in turn: the file loads the very same weights (the byte was one that
    zip readers ignore, a time stamp say) or is refused by name; never other weights."""
    data, original = saved.read_bytes(), _model(0).state_dict()
    flipped = tmp_path / "flipped.npz"
    refusals = 0
    for i in range(len(data)):
        flipped.write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :])
        refusals += _refused_or_identical(flipped, original)
    assert refusals > len(data) // 2


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files in /proc")
def test_random_bytes_are_refused_by_name(tmp_path, rng):
    path = tmp_path / "random.npz"
    for start in (b"", b"PK\x03\x04", b"PK\x05\x06", b"\x93NUMPY"):
        for size in (0, 10, 100, 5000):
            path.write_bytes(start + rng.integers(0, 256, size, dtype=np.uint8).tobytes())
            assert _refused_or_identical(path, None)


def test_a_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        _model(0).load_weights(tmp_path / "nowhere.npz")


def test_duplicate_array_names_are_refused(tmp_path):
    state = _model(0).state_dict()
    path = tmp_path / "twice.npz"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile: "Duplicate name"
        with zipfile.ZipFile(path, "w") as archive:
            for name, array in list(state.items()) + [("layers.0.bias", state["layers.0.bias"])]:
                with archive.open(name + ".npy", "w") as member:
                    np.lib.format.write_array(member, array)
    with pytest.raises(ValueError, match="twice.npz: holds two arrays named 'layers.0.bias'"):
        _model(1).load_weights(path)


@pytest.mark.parametrize(
    "value, message",
    [
        (np.nan, r"layers.0.weight holds 1 nan or infinite value\(s\)"),
        (-np.inf, r"layers.0.weight holds 1 nan or infinite value\(s\)"),
        (
            1e39,
            r"layers.0.weight holds values up to 1e\+39 in magnitude, beyond the range of "
            r"float32 \(±3.403e\+38\)",
        ),
    ],
)
def test_non_finite_or_overflowing_weights_are_refused(tmp_path, value, message):
    state = {k: v.astype(np.float64) for k, v in _model(0).state_dict().items()}
    state["layers.0.weight"][1, 2] = value
    path = tmp_path / "bad.npz"
    _write(path, state)
    model = _model(1)
    before = model.state_dict()
    with pytest.raises(ValueError, match="bad.npz: the weights do not fit this model; " + message):
        model.load_weights(path)
    assert _same_weights_as(model, before)


def test_compressed_fortran_ordered_and_big_endian_arrays_load(tmp_path):
    state = _model(0).state_dict()
    arrays = {name: np.asfortranarray(array).astype(">f8") for name, array in state.items()}
    np.savez_compressed(tmp_path / "other.npz", **arrays)
    model = _model(1)
    model.load_weights(tmp_path / "other.npz")
    assert _same_weights(model, _model(0))
