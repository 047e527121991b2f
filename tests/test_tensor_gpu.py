"""The Tensor engine on a CUDA GPU (CuPy), compared with the same computation on the CPU.

Every test runs twice (the ``cupy`` fixture of conftest.py): against the CuPy stand-in, NumPy
arrays that refuse to mix with NumPy's as CuPy's do, on every machine; and against the real
CuPy, marked ``gpu`` and skipped unless CuPy sees a CUDA device. (What a machine *without* CuPy
sees when it asks for device='cuda' is tested in ``test_tensor_basics.py``.)

* the key ops, forward and backward, on device='cuda' against the CPU in float64;
* ``.to('cuda')`` / ``.to('cpu')``: gradients flow back across devices, each to its own device;
* mixing devices in one op is an error that names both devices;
* CuPy arrays are recognised from their first use, and out-of-range indices are errors;
* device-side ``gradcheck``, ``grad`` and ``detect_anomaly``.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import Tensor

pytestmark = pytest.mark.usefixtures("cupy")


def host(array):
    """A NumPy copy of a NumPy or CuPy array."""
    import cupy

    return cupy.asnumpy(array) if isinstance(array, cupy.ndarray) else np.asarray(array)


def is_on_gpu(array) -> bool:
    import cupy

    return isinstance(array, cupy.ndarray)


# ---- key ops: the GPU agrees with the CPU --------------------------------------------------------


def _values(rng, shape, kind):
    if kind == "positive":
        return rng.uniform(0.5, 2.0, shape)
    if kind == "distinct":
        return rng.permutation(int(np.prod(shape, dtype=int))).reshape(shape) * 0.1 - 1.0
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.2, 2.0, shape)  # away from 0


GPU_CASES = [
    # (op on Tensors, input shapes, kind of values)
    pytest.param(lambda a, b: a + b, [(3, 4), (4,)], "any", id="add broadcast"),
    pytest.param(lambda a, b: a - b, [(2, 3, 4), (3, 1)], "any", id="sub broadcast"),
    pytest.param(lambda a, b: a * b, [(3, 1), (1, 4)], "any", id="mul broadcast"),
    pytest.param(lambda a, b: a / b, [(3, 4), ()], "any", id="div by a scalar tensor"),
    pytest.param(lambda a, b: a**b, [(3, 4), (4,)], "positive", id="pow"),
    pytest.param(lambda a: 2.0 * a - 1.0 / a, [(5,)], "any", id="python numbers"),
    pytest.param(lambda a: -a, [(5,)], "any", id="neg"),
    pytest.param(al.exp, [(3, 4)], "any", id="exp"),
    pytest.param(al.log, [(3, 4)], "positive", id="log"),
    pytest.param(al.sqrt, [(3, 4)], "positive", id="sqrt"),
    pytest.param(al.abs, [(3, 4)], "any", id="abs"),
    pytest.param(al.tanh, [(3, 4)], "any", id="tanh"),
    pytest.param(al.sigmoid, [(3, 4)], "any", id="sigmoid"),
    pytest.param(al.relu, [(3, 4)], "any", id="relu"),
    pytest.param(lambda a: a.clip(-1.0, 1.0), [(3, 4)], "any", id="clip"),
    pytest.param(al.maximum, [(3, 4), (4,)], "distinct", id="maximum"),
    pytest.param(al.minimum, [(3, 4), (3, 1)], "distinct", id="minimum"),
    pytest.param(lambda a, b: al.where(a > 0, a, b), [(3, 4), (4,)], "any", id="where"),
    pytest.param(lambda a: a.sum(axis=1), [(3, 4)], "any", id="sum axis"),
    pytest.param(lambda a: a.sum(), [(3, 4)], "any", id="sum all"),
    pytest.param(lambda a: a.mean(axis=(0, 2), keepdims=True), [(2, 3, 4)], "any", id="mean"),
    pytest.param(lambda a: a.max(axis=-1), [(3, 4)], "distinct", id="max"),
    pytest.param(lambda a: a.min(), [(3, 4)], "distinct", id="min"),
    pytest.param(lambda a: a.logsumexp(axis=0), [(3, 4)], "any", id="logsumexp"),
    pytest.param(lambda a: a.softmax(axis=1), [(3, 4)], "any", id="softmax"),
    pytest.param(lambda a: a.log_softmax(axis=-1), [(3, 4)], "any", id="log_softmax"),
    pytest.param(lambda a, b: a @ b, [(2, 3), (3, 4)], "any", id="matmul 2-D"),
    pytest.param(lambda a, b: a @ b, [(5, 2, 3), (3, 4)], "any", id="matmul batched"),
    pytest.param(lambda a, b: a @ b, [(3,), (5, 3, 4)], "any", id="matmul 1-D @ batched"),
    pytest.param(lambda a, b: a @ b, [(3,), (3,)], "any", id="matmul 1-D @ 1-D"),
    pytest.param(lambda a: a.reshape(4, -1).T, [(2, 3, 2)], "any", id="reshape, T"),
    pytest.param(lambda a: a.transpose(1, 0, 2), [(2, 3, 4)], "any", id="transpose"),
    pytest.param(lambda a: a.expand(2, 3, 4), [(3, 1)], "any", id="expand"),
    pytest.param(lambda a: a[1:, ::2], [(3, 4)], "any", id="slice"),
    pytest.param(lambda a: a[[0, 0, 2]], [(3, 4)], "any", id="repeated indices"),
    pytest.param(lambda a: a[:, [1, 1, 3]], [(3, 4)], "any", id="repeated columns"),
    pytest.param(lambda a: a[a > 0], [(3, 4)], "any", id="boolean mask"),
    pytest.param(
        lambda a, b: al.concatenate([a, b], axis=1), [(2, 3), (2, 2)], "any", id="concatenate"
    ),
    pytest.param(lambda a, b: al.stack([a, b], axis=-1), [(2, 3), (2, 3)], "any", id="stack"),
    pytest.param(
        lambda a: a.prod(axis=1) + a.var(axis=0).sum() + a.std(),
        [(3, 4)],
        "any",
        id="prod, var, std",
    ),
    pytest.param(
        lambda a: a.cumsum(axis=1) * a.sin() + a.cos(), [(3, 4)], "any", id="cumsum, sin, cos"
    ),
    pytest.param(lambda a: a.max(dim=1).values, [(3, 4)], "distinct", id="max(dim=)"),
    pytest.param(lambda a, b: al.einsum("ij,kj->ik", a, b), [(2, 3), (4, 3)], "any", id="einsum"),
    pytest.param(
        lambda a, b: al.tensordot(a, b, ([0, 2], [1, 0])),
        [(2, 3, 4), (4, 2, 5)],
        "any",
        id="tensordot",
    ),
    pytest.param(
        lambda a: al.trace(a) + al.tril(a).sum() + al.diag(a[0]).sum(),
        [(3, 3)],
        "any",
        id="trace, tril, diag",
    ),
    pytest.param(
        lambda a: al.pad(a, 1, mode="reflect") * 2 + al.pad(a, (0, 2)).sum(),
        [(3, 4)],
        "any",
        id="pad",
    ),
    pytest.param(
        lambda a: al.roll(a, 1, axis=0) + al.flip(a, 1) + al.repeat(a, 1, axis=1),
        [(3, 4)],
        "any",
        id="roll, flip, repeat",
    ),
    pytest.param(
        lambda x, w, b: al.conv2d(x, w, b, stride=(1, 2), padding=1, groups=2),
        [(2, 4, 5, 6), (6, 2, 3, 3), (6,)],
        "any",
        id="conv2d",
    ),
    pytest.param(
        lambda x, w: al.conv2d(x, w, padding="same", dilation=2),
        [(1, 2, 6, 6), (3, 2, 3, 3)],
        "any",
        id="conv2d dilated",
    ),
    pytest.param(
        lambda x, w: al.conv_transpose2d(x, w, stride=2),
        [(1, 2, 3, 3), (2, 3, 2, 2)],
        "any",
        id="conv_transpose2d",
    ),
    pytest.param(
        lambda x: al.max_pool2d(x, 2) + al.avg_pool2d(x, 2),
        [(2, 3, 4, 6)],
        "distinct",
        id="pooling",
    ),
    pytest.param(
        lambda x: al.max_pool2d(x, 3, stride=1, padding=1),
        [(1, 2, 4, 5)],
        "distinct",
        id="max_pool2d overlapping",
    ),
]


@pytest.mark.parametrize(("op", "shapes", "kind"), GPU_CASES)
def test_op_on_gpu_matches_cpu_forward_and_backward(op, shapes, kind, rng):
    arrays = [_values(rng, shape, kind) for shape in shapes]
    cpu = [Tensor(a, requires_grad=True) for a in arrays]
    gpu = [Tensor(a, requires_grad=True, device="cuda") for a in arrays]
    out_cpu, out_gpu = op(*cpu), op(*gpu)
    assert out_gpu.device == "cuda:0"
    assert is_on_gpu(out_gpu.data)
    np.testing.assert_allclose(host(out_gpu.data), out_cpu.data, rtol=1e-10, atol=1e-12)
    projection = np.asarray(rng.standard_normal(out_cpu.shape))  # float64, even when 0-d
    (out_cpu * projection).sum().backward()
    (out_gpu * Tensor(projection, device="cuda")).sum().backward()
    for leaf_cpu, leaf_gpu in zip(cpu, gpu, strict=True):
        assert is_on_gpu(leaf_gpu.grad)
        assert leaf_gpu.grad.shape == leaf_gpu.shape
        assert leaf_gpu.grad.dtype == leaf_gpu.dtype
        np.testing.assert_allclose(host(leaf_gpu.grad), leaf_cpu.grad, rtol=1e-10, atol=1e-12)


def test_repeated_indices_add_up_on_gpu():
    x = Tensor(np.arange(5.0), requires_grad=True, device="cuda")
    (x[[0, 0, 1]] * Tensor(np.array([1.0, 10.0, 100.0]), device="cuda")).sum().backward()
    np.testing.assert_array_equal(host(x.grad), [11.0, 100.0, 0.0, 0.0, 0.0])


def test_softmax_family_is_stable_on_gpu():
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]], np.float32)
    x = Tensor(logits, device="cuda", requires_grad=True)
    for out in (x.softmax(), x.log_softmax(), x.logsumexp()):
        assert np.all(np.isfinite(host(out.data)))
    np.testing.assert_allclose(host(x.logsumexp().data), [1000.0, -1000.0 + np.log(3.0)], rtol=1e-6)


# ---- devices and dtypes --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cuda", "cuda:0", "CUDA"])
def test_device_names(name):
    t = Tensor([1.0, 2.0], device=name)
    assert t.device == "cuda:0"
    assert is_on_gpu(t.data)
    assert t.dtype == np.float32


def test_python_numbers_keep_float32_on_gpu():
    t = Tensor(np.ones(3, np.float32), device="cuda")
    assert (2.5 * t + np.float64(1.0)).dtype == np.float32


def test_numpy_item_and_repr_of_a_gpu_tensor():
    t = Tensor([[1.5, 2.5]], device="cuda")
    out = t.numpy()
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, [[1.5, 2.5]])
    assert t[0, 1].item() == 2.5
    assert "cuda:0" in repr(t)
    assert "1.5" in repr(t)


def test_np_asarray_of_a_gpu_tensor_raises_type_error():
    with pytest.raises(TypeError, match="numpy"):
        np.asarray(Tensor([1.0], device="cuda"))


def test_to_cuda_carries_the_gradient_back_to_a_cpu_leaf():
    x = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    y = x.to("cuda")
    assert y.device == "cuda:0" and y.requires_grad
    (y * y).sum().backward()
    assert isinstance(x.grad, np.ndarray)
    np.testing.assert_allclose(x.grad, [2.0, -4.0, 6.0])


def test_to_cpu_carries_the_gradient_back_to_a_gpu_leaf():
    x = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True, device="cuda")
    y = x.to("cpu")
    assert y.device == "cpu"
    (y.exp() * np.array([1.0, 2.0, 3.0])).sum().backward()
    assert is_on_gpu(x.grad)
    np.testing.assert_allclose(host(x.grad), np.exp([1.0, -2.0, 3.0]) * [1.0, 2.0, 3.0])


def test_round_trip_cpu_gpu_cpu_gradient():
    x = Tensor(np.array([0.5, 1.5]), requires_grad=True)
    (x.cuda().tanh().cpu() * 2).sum().backward()
    np.testing.assert_allclose(x.grad, 2 * (1 - np.tanh([0.5, 1.5]) ** 2))


def test_to_the_same_device_is_the_same_tensor():
    t = Tensor([1.0], device="cuda")
    assert t.to("cuda") is t
    assert t.cuda() is t


@pytest.mark.parametrize(
    "combine",
    [
        lambda c, g: c + g,
        lambda c, g: g * c,
        lambda c, g: c @ g,
        lambda c, g: al.concatenate([c, g]),
    ],
    ids=["cpu + cuda", "cuda * cpu", "cpu @ cuda", "concatenate"],
)
def test_mixing_devices_in_one_op_names_both_devices(combine):
    cpu, gpu = Tensor(np.ones(3)), Tensor(np.ones(3), device="cuda")
    with pytest.raises(ValueError) as error:
        combine(cpu, gpu)
    assert "cpu" in str(error.value)
    assert "cuda:0" in str(error.value)


def test_a_numpy_constant_with_a_gpu_tensor_is_a_device_error():
    with pytest.raises(ValueError, match="cuda:0"):
        Tensor(np.ones(3), device="cuda") * np.ones(3)


# ---- CuPy arrays from the user, indices, several GPUs ------------------------------------------


def test_a_cupy_array_is_recognised_on_first_use(cupy):
    """The user's own CuPy array as the very first GPU use, before any device='cuda'."""
    x = Tensor(cupy.arange(3, dtype=cupy.float32), requires_grad=True)
    assert x.device == "cuda:0"
    y = al.exp(x) * cupy.ones(3, dtype=cupy.float32)  # a CuPy array as an operand, too
    assert y.device == "cuda:0"
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), np.exp([0.0, 1.0, 2.0]), rtol=1e-6)


def test_a_cupy_array_with_a_cpu_tensor_is_a_device_error(cupy):
    with pytest.raises(ValueError, match="cpu and cuda:0"):
        Tensor(np.ones(3)) + cupy.ones(3)


@pytest.mark.parametrize(
    "index", [[0, 5], (slice(None), [4, -4]), (Ellipsis, [-5])], ids=["rows", "columns", "ellipsis"]
)
def test_an_index_out_of_range_on_gpu_is_an_index_error(index):
    """CuPy wraps such indices around; the engine refuses them as NumPy does."""
    x = Tensor(np.arange(12.0).reshape(3, 4), device="cuda", requires_grad=True)
    with pytest.raises(IndexError, match="out of bounds"):
        x[index]


def test_indices_in_range_on_gpu_including_negative_ones():
    x = Tensor(np.arange(12.0).reshape(3, 4), device="cuda")
    np.testing.assert_array_equal(host(x[[-3, 2]].data), [[0, 1, 2, 3], [8, 9, 10, 11]])
    np.testing.assert_array_equal(host(x[..., [-1, 0]].data), [[3, 0], [7, 4], [11, 8]])
    np.testing.assert_array_equal(host(x[None, 1, [3]].data), [[7]])


def test_a_device_that_does_not_exist_is_named(cupy):
    count = cupy.cuda.runtime.getDeviceCount()
    with pytest.raises(ValueError, match=f"'cuda:{count}' does not exist"):
        Tensor([1.0], device=f"cuda:{count}")


def test_a_gpu_that_is_not_current_is_refused_with_how_to_make_it_current(cupy):
    if cupy.cuda.runtime.getDeviceCount() < 2:
        pytest.skip("needs two GPUs")
    with pytest.raises(ValueError, match=r"not CuPy's current device \(cuda:0\).*Device\(1\)"):
        Tensor([1.0], device="cuda:1")
    x = Tensor(np.array([1.0, 2.0]), device="cuda", requires_grad=True)
    with cupy.cuda.Device(1):
        y = x.to("cuda:1")  # a copy onto GPU 1, not the same array under a new name
        assert y.device == "cuda:1" and y.data.device.id == 1
        z = (y * y).sum()
        assert z.device == "cuda:1"
    assert x.device == "cuda:0"
    with pytest.raises(ValueError, match="cuda:0 and cuda:1"):
        x + y


# ---- gradcheck, grad and detect_anomaly on the GPU -----------------------------------------------


def test_gradcheck_of_gpu_inputs(rng):
    x = Tensor(rng.standard_normal((2, 3)), device="cuda")
    w = Tensor(rng.standard_normal((3,)), device="cuda")
    assert al.gradcheck(lambda x, w: (x @ w).tanh().sum(), [x, w])


def test_grad_of_a_gpu_argument_is_a_gpu_array():
    x = Tensor(np.array([1.0, 2.0]), device="cuda")
    g = al.grad(lambda x: (x * x).sum())(x)
    assert is_on_gpu(g)
    np.testing.assert_allclose(host(g), [2.0, 4.0])


def test_gradients_add_up_over_backward_calls_on_gpu():
    x = Tensor(np.array([1.0, 2.0]), device="cuda", requires_grad=True)
    (x * 2).sum().backward()
    kept = x.grad
    (x * x).sum().backward()  # kept holds the array: x.grad becomes a new one
    (x * 3).sum().backward()  # nothing else holds it: added in place
    np.testing.assert_array_equal(host(kept), [2.0, 2.0])
    assert is_on_gpu(x.grad)
    np.testing.assert_array_equal(host(x.grad), [7.0, 9.0])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_on_gpu():
    x = Tensor(np.array([-1.0, 2.0]), device="cuda", requires_grad=True)
    with al.detect_anomaly(), pytest.raises(RuntimeError, match="log"):
        al.log(x)
