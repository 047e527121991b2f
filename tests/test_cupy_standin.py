"""The CuPy stand-in refuses what CuPy refuses, so that a GPU test passing on it means something:
NumPy arrays do not mix with device arrays, reductions stay on the device, out-of-range integer
indices wrap around, and arrays stay on the device they were made on."""

from __future__ import annotations

import cupy_standin as cp
import numpy as np
import pytest

from autograd_lite import Tensor


@pytest.fixture(autouse=True)
def _standin(monkeypatch):
    cp.install(monkeypatch)


def test_no_implicit_conversion_to_numpy():
    x = cp.arange(3.0)
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(x)
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.array([x, x])
    np.testing.assert_array_equal(x.get(), [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(cp.asnumpy(x), [0.0, 1.0, 2.0])


@pytest.mark.parametrize(
    "mix",
    [
        lambda x, h: x + h,
        lambda x, h: h * x,
        lambda x, h: cp.exp(h),
        lambda x, h: np.exp(x) + h,
        lambda x, h: cp.where(x > 0, x, h),
        lambda x, h: cp.concatenate([x, h]),
    ],
    ids=[
        "device + host",
        "host * device",
        "cupy.exp(host)",
        "np.exp(device) + host",
        "where",
        "concatenate",
    ],
)
def test_numpy_arrays_are_unsupported_operands(mix):
    with pytest.raises(TypeError, match="Unsupported type"):
        mix(cp.ones(3), np.ones(3))


def test_numbers_and_numpy_scalars_are_operands_and_numpy_functions_dispatch():
    x = cp.ones(3, dtype=cp.float32)
    assert isinstance(x * np.float64(2.0) + 1, cp.ndarray)
    assert isinstance(np.exp(x), cp.ndarray)
    assert isinstance(np.concatenate([x, x]), cp.ndarray)


def test_reductions_and_integer_indexing_give_0d_device_arrays():
    x = cp.arange(6.0).reshape(2, 3)
    for out in (x.sum(), x.max(), cp.mean(x), x[1, 2]):
        assert isinstance(out, cp.ndarray) and out.shape == ()
    assert float(x.sum()) == 15.0 and int(x[1, 2]) == 5 and x[1, 2].item() == 5.0


def test_integer_array_indices_wrap_around_and_scalar_ones_raise():
    x = cp.arange(5.0)
    np.testing.assert_array_equal(x[[5, -6, 1]].get(), [0.0, 4.0, 1.0])
    np.testing.assert_array_equal(x[cp.asarray(np.array([7]))].get(), [2.0])
    with pytest.raises(IndexError):
        x[5]


def test_host_data_is_copied_to_the_device():
    h = np.zeros(3)
    x = cp.asarray(h)
    h[0] = 1.0
    assert x.get()[0] == 0.0
    assert cp.asarray(x) is x


def test_devices():
    x = cp.ones(2)
    assert x.device.id == 0
    with cp.cuda.Device(1):
        y = cp.ones(2)
        z = x.copy()  # copies across devices
        with pytest.raises(ValueError, match="different from the current device"):
            x + 1
    assert y.device.id == 1 and z.device.id == 1
    with pytest.raises(ValueError, match="different from the current device"):
        y + 1
    with pytest.raises(cp.CUDARuntimeError), cp.cuda.Device(cp.DEVICE_COUNT):
        pass


def test_a_tensor_operand_gets_its_own_turn():
    out = cp.ones(2) * Tensor(np.ones(2), device="cuda")
    assert isinstance(out, Tensor)


def test_scatter_add_adds_repeated_indices_and_setitem_refuses_host_arrays():
    x = cp.zeros(3)
    cp.cupyx.scatter_add(x, cp.asarray(np.array([0, 0, 2])), cp.ones(3))
    np.testing.assert_array_equal(x.get(), [2.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="non-scalar numpy.ndarray"):
        x[:] = np.ones(3)
    x[[0, 1]] = np.array([5.0, 6.0])  # advanced indices take host values, as CuPy's do
    np.testing.assert_array_equal(x.get(), [5.0, 6.0, 1.0])


def test_a_missing_function_says_where_to_add_it():
    with pytest.raises(AttributeError, match="CuPy stand-in"):
        _ = cp.fft
