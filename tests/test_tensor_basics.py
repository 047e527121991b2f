"""The Tensor as a container: construction, dtypes, attributes, NumPy interop and errors.

No gradient is checked here beyond its dtype (see ``test_tensor_grads.py``). What is tested:

* construction from arrays, Python numbers, nested lists and other Tensors;
* PyTorch's dtype rules (Python floats become float32, ints int64, arrays keep their dtype,
  float32 combined with any Python or NumPy scalar stays float32);
* the attributes (.shape .ndim .dtype .size .device .T len()) and conversions
  (.numpy() .item() .detach() np.asarray);
* ``repr`` (values and the op);
* comparisons (boolean tensors without gradient), constants on either side of an operator;
* the errors raised for bad types, bad shapes, out-of-range indices and a missing CuPy.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import Tensor

# ---- construction and dtype rules ----------------------------------------------------------------

DTYPE_CASES = [
    # (data, dtype argument, the dtype the tensor must have)
    pytest.param(1.5, None, np.float32, id="python float -> float32"),
    pytest.param([1.0, 2.0], None, np.float32, id="float list -> float32"),
    pytest.param([[1, 2.5], [3, 4]], None, np.float32, id="mixed int/float list -> float32"),
    pytest.param(3, None, np.int64, id="python int -> int64"),
    pytest.param([1, 2, 3], None, np.int64, id="int list -> int64"),
    pytest.param(True, None, np.bool_, id="python bool -> bool"),
    pytest.param(np.ones(3), None, np.float64, id="float64 array keeps float64"),
    pytest.param(np.ones(3, np.float32), None, np.float32, id="float32 array keeps float32"),
    pytest.param(np.ones(3, np.float16), None, np.float16, id="float16 array keeps float16"),
    pytest.param(np.arange(3, dtype=np.int32), None, np.int32, id="int32 array keeps int32"),
    pytest.param(np.float64(2.0), None, np.float64, id="numpy float64 scalar keeps float64"),
    pytest.param([1.0, 2.0], np.float64, np.float64, id="float list with dtype=float64"),
    pytest.param(2.0, "float64", np.float64, id="dtype given as a string"),
    pytest.param([1, 2], np.float32, np.float32, id="int list with dtype=float32"),
    pytest.param(np.ones(2), np.float32, np.float32, id="float64 array with dtype=float32"),
]


@pytest.mark.parametrize(("data", "dtype", "expected"), DTYPE_CASES)
def test_constructor_follows_pytorch_dtype_rules(data, dtype, expected):
    t = Tensor(data, dtype=dtype)
    assert t.dtype == expected
    assert isinstance(t.data, np.ndarray)
    np.testing.assert_array_equal(t.data, np.asarray(data).astype(expected))


def test_constructor_defaults():
    t = Tensor([1.0, 2.0])
    assert t.requires_grad is False
    assert t.grad is None
    assert t.device == "cpu"
    assert t.is_leaf


def test_constructor_arguments_by_position():
    t = Tensor([1, 2], True, np.float64, "cpu")  # data, requires_grad, dtype, device
    assert t.requires_grad and t.dtype == np.float64 and t.device == "cpu"


def test_array_data_is_shared_not_copied():
    array = np.zeros(3)
    t = Tensor(array)
    array[0] = 5.0
    assert t.data[0] == 5.0


def test_tensor_from_tensor_holds_the_same_values():
    t = Tensor(Tensor([1.0, 2.0], requires_grad=True))
    np.testing.assert_array_equal(t.data, [1.0, 2.0])
    assert t.requires_grad is False


@pytest.mark.parametrize("data", [[1, 2], 3, np.arange(3), True, np.array([True, False])], ids=repr)
def test_requires_grad_on_integer_or_bool_data_raises_type_error(data):
    with pytest.raises(TypeError, match="floating"):
        Tensor(data, requires_grad=True)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_requires_grad_on_any_float_dtype_is_allowed(dtype):
    assert Tensor(np.ones(2, dtype), requires_grad=True).requires_grad


@pytest.mark.parametrize(
    "data",
    ["abc", b"abc", None, ["a", "b"], {"a": 1}, 1 + 2j, np.array([1 + 1j]), object()],
    ids=["str", "bytes", "None", "list of str", "dict", "complex", "complex array", "object"],
)
def test_non_numeric_data_raises_type_error(data):
    with pytest.raises(TypeError):
        Tensor(data)


def test_ragged_nested_list_raises_value_error():
    with pytest.raises(ValueError):
        Tensor([[1.0, 2.0], [3.0]])


# ---- attributes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4)], ids=str)
def test_shape_ndim_size_match_numpy(shape):
    array = np.zeros(shape)
    t = Tensor(array)
    assert t.shape == array.shape
    assert t.ndim == array.ndim
    assert t.size == array.size
    assert type(t.size) is int


def test_len_is_the_first_axis():
    assert len(Tensor(np.zeros((4, 2)))) == 4


def test_len_of_a_0d_tensor_raises_type_error():
    with pytest.raises(TypeError):
        len(Tensor(1.0))


def test_T_reverses_all_axes():
    array = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(Tensor(array).T.data, array.T)


def test_numpy_returns_an_ndarray_with_the_values():
    out = Tensor([[1.0, 2.0]]).numpy()
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, [[1.0, 2.0]])


def test_np_asarray_works_on_a_cpu_tensor():
    t = Tensor([1.0, 2.0])
    np.testing.assert_array_equal(np.asarray(t), [1.0, 2.0])
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(np.array(t) + 1, [2.0, 3.0])


def test_np_array_of_a_tensor_is_a_copy():
    t = Tensor(np.array([1.0, 2.0]))
    copied = np.array(t)
    copied[0] = 99.0
    assert t.data[0] == 1.0


@pytest.mark.parametrize(
    ("data", "expected"), [(2.5, 2.5), ([[7]], 7), (np.array([True]), True)], ids=str
)
def test_item_gives_a_python_number(data, expected):
    value = Tensor(data).item()
    assert value == expected
    assert type(value) is type(expected)


def test_item_of_several_elements_raises_value_error_with_the_shape():
    with pytest.raises(ValueError, match=r"\(2,\)"):
        Tensor([1.0, 2.0]).item()


def test_float_and_int_of_a_one_element_tensor():
    assert float(Tensor([2.5])) == 2.5
    assert int(Tensor(3)) == 3


def test_detach_shares_the_data_and_leaves_the_graph():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    d = y.detach()
    assert d.requires_grad is False
    assert d.is_leaf
    assert np.shares_memory(d.data, y.data)


def test_gradient_does_not_flow_through_detach():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x.detach()).sum().backward()  # d/dx of x·c with c = x held constant: c, not 2x
    np.testing.assert_array_equal(x.grad, [1.0, 2.0, 3.0])


def test_to_cpu_of_a_cpu_tensor_is_the_same_tensor():
    t = Tensor([1.0])
    assert t.to("cpu") is t
    assert t.cpu() is t


# ---- repr ----------------------------------------------------------------------------------------


def test_repr_shows_values_dtype_and_op():
    x = Tensor([1.0, 2.0], requires_grad=True)
    text = repr(x * 2)
    assert text.startswith("Tensor(")
    assert "2." in text and "4." in text
    assert "float32" in text
    assert "mul" in text


@pytest.mark.parametrize(
    ("build", "op"),
    [
        (lambda x: x + 1, "add"),
        (lambda x: x - 1, "sub"),
        (lambda x: x / 2, "div"),
        (lambda x: -x, "neg"),
        (lambda x: x**2, "power"),
        (lambda x: x.exp(), "exp"),
        (lambda x: x.sum(), "sum"),
        (lambda x: x.reshape(2, 1), "reshape"),
        (lambda x: x[0], "getitem"),
        (lambda x: x @ x, "matmul"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_repr_and_op_name_the_op_that_made_the_tensor(build, op):
    y = build(Tensor([1.0, 2.0], requires_grad=True))
    assert y.op == op
    assert f"'{op}'" in repr(y)


def test_repr_of_a_leaf_shows_requires_grad_and_no_op():
    text = repr(Tensor([1.5], requires_grad=True))
    assert "1.5" in text
    assert "requires_grad=True" in text
    assert "op=" not in text


def test_repr_of_a_large_tensor_is_abbreviated():
    assert "..." in repr(Tensor(np.arange(10_000.0)))


# ---- operators with constants and dtype rules of results -----------------------------------------

X = np.array([1.0, 2.0, 4.0], np.float32)
ARRAY = np.array([0.5, -1.0, 3.0])  # float64

CONSTANT_CASES = [
    # (expression on a Tensor holding X, the same expression on the array X)
    pytest.param(lambda t: 2 * t, lambda x: 2 * x, id="2 * t"),
    pytest.param(lambda t: t * 2, lambda x: x * 2, id="t * 2"),
    pytest.param(lambda t: t + 1.5, lambda x: x + 1.5, id="t + 1.5"),
    pytest.param(lambda t: 1.5 + t, lambda x: 1.5 + x, id="1.5 + t"),
    pytest.param(lambda t: t - 1, lambda x: x - 1, id="t - 1"),
    pytest.param(lambda t: 1 - t, lambda x: 1 - x, id="1 - t"),
    pytest.param(lambda t: t / 3, lambda x: x / 3, id="t / 3"),
    pytest.param(lambda t: 3 / t, lambda x: 3 / x, id="3 / t"),
    pytest.param(lambda t: t**2, lambda x: x**2, id="t ** 2"),
    pytest.param(lambda t: 2**t, lambda x: 2**x, id="2 ** t"),
    pytest.param(lambda t: -t, lambda x: -x, id="-t"),
    pytest.param(lambda t: ARRAY - t, lambda x: ARRAY - x, id="array - t"),
    pytest.param(lambda t: t - ARRAY, lambda x: x - ARRAY, id="t - array"),
    pytest.param(lambda t: ARRAY * t, lambda x: ARRAY * x, id="array * t"),
    pytest.param(lambda t: ARRAY / t, lambda x: ARRAY / x, id="array / t"),
    pytest.param(lambda t: ARRAY @ t, lambda x: ARRAY @ x, id="array @ t"),
    pytest.param(lambda t: t @ ARRAY, lambda x: x @ ARRAY, id="t @ array"),
    pytest.param(lambda t: np.float64(2.0) * t, lambda x: 2.0 * x, id="np.float64 * t"),
    pytest.param(lambda t: t + np.float64(2.0), lambda x: x + 2.0, id="t + np.float64"),
]


@pytest.mark.parametrize(("expression", "reference"), CONSTANT_CASES)
def test_constants_mix_in_on_either_side(expression, reference):
    out = expression(Tensor(X, requires_grad=True))
    assert isinstance(out, Tensor)
    assert out.requires_grad
    np.testing.assert_allclose(out.data, reference(X), rtol=1e-6)


@pytest.mark.parametrize(
    "scalar",
    [2, 2.5, np.float64(2.0), np.float32(2.0), np.int64(2), True],
    ids=["int", "float", "np.float64", "np.float32", "np.int64", "bool"],
)
@pytest.mark.parametrize(
    "combine",
    [
        lambda t, s: t + s,
        lambda t, s: s + t,
        lambda t, s: t * s,
        lambda t, s: s * t,
        lambda t, s: t - s,
        lambda t, s: s - t,
        lambda t, s: t / s,
        lambda t, s: s / t,
        lambda t, s: t**s,
        lambda t, s: al.maximum(t, s),
        lambda t, s: al.where(t > 1, t, s),
    ],
    ids=["t+s", "s+t", "t*s", "s*t", "t-s", "s-t", "t/s", "s/t", "t**s", "maximum", "where"],
)
def test_float32_with_a_scalar_stays_float32(combine, scalar):
    assert combine(Tensor(X), scalar).dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary_ops_and_reductions_keep_the_float_dtype(dtype):
    t = Tensor(np.array([0.5, 1.5], dtype))
    for out in [
        t.exp(),
        t.log(),
        t.sqrt(),
        t.tanh(),
        t.sigmoid(),
        t.relu(),
        t.abs(),
        t.sum(),
        t.mean(),
        t.max(),
        t.softmax(),
        t.log_softmax(),
        t.logsumexp(),
        t.clip(0.6, 1.0),
    ]:
        assert out.dtype == dtype, out.op


def test_float32_with_a_float64_array_follows_numpy_promotion():
    assert (Tensor(X) + ARRAY).dtype == np.float64


def test_integer_tensors_compute_without_gradients():
    t = Tensor([1, 2, 3])
    out = t * 2 + 1
    assert out.dtype == np.int64
    assert out.requires_grad is False
    np.testing.assert_array_equal(out.data, [3, 5, 7])


# ---- comparisons ---------------------------------------------------------------------------------

COMPARISONS = [
    pytest.param(lambda a, b: a < b, id="<"),
    pytest.param(lambda a, b: a <= b, id="<="),
    pytest.param(lambda a, b: a > b, id=">"),
    pytest.param(lambda a, b: a >= b, id=">="),
    pytest.param(lambda a, b: a == b, id="=="),
    pytest.param(lambda a, b: a != b, id="!="),
]
LEFT = np.array([1.0, 2.0, 3.0])
RIGHT = np.array([3.0, 2.0, 1.0])


@pytest.mark.parametrize("compare", COMPARISONS)
@pytest.mark.parametrize(
    ("make_left", "make_right"),
    [
        (lambda: Tensor(LEFT, requires_grad=True), lambda: Tensor(RIGHT, requires_grad=True)),
        (lambda: Tensor(LEFT, requires_grad=True), lambda: RIGHT),
        (lambda: LEFT, lambda: Tensor(RIGHT, requires_grad=True)),
        (lambda: Tensor(LEFT, requires_grad=True), lambda: 2.0),
        (lambda: 2.0, lambda: Tensor(RIGHT, requires_grad=True)),
    ],
    ids=["tensor-tensor", "tensor-array", "array-tensor", "tensor-number", "number-tensor"],
)
def test_comparisons_give_boolean_tensors_without_gradient(compare, make_left, make_right):
    left, right = make_left(), make_right()
    out = compare(left, right)
    assert isinstance(out, Tensor)
    assert out.dtype == np.bool_
    assert out.requires_grad is False
    expected = compare(
        np.asarray(left if not isinstance(left, Tensor) else left.data),
        right.data if isinstance(right, Tensor) else right,
    )
    np.testing.assert_array_equal(out.data, expected)


def test_comparison_result_works_as_a_mask():
    t = Tensor([-1.0, 2.0, -3.0, 4.0])
    np.testing.assert_array_equal(t[t > 0].data, [2.0, 4.0])


def test_ordering_against_a_string_raises_type_error():
    with pytest.raises(TypeError):
        Tensor([1.0]) < "a"  # noqa: B015


def test_tensors_hash_by_identity():
    a, b = Tensor([1.0]), Tensor([1.0])
    assert len({a, b}) == 2


# ---- errors --------------------------------------------------------------------------------------

BAD_OPERANDS = ["a", [1, 2], (1.0,), None, object(), {"a": 1}]


@pytest.mark.parametrize("other", BAD_OPERANDS, ids=repr)
@pytest.mark.parametrize(
    "combine",
    [
        lambda t, o: t + o,
        lambda t, o: o + t,
        lambda t, o: t - o,
        lambda t, o: t * o,
        lambda t, o: o * t,
        lambda t, o: t / o,
        lambda t, o: t**o,
        lambda t, o: t @ o,
        lambda t, o: o @ t,
    ],
    ids=["t+o", "o+t", "t-o", "t*o", "o*t", "t/o", "t**o", "t@o", "o@t"],
)
def test_unsupported_operand_types_raise_type_error(combine, other):
    with pytest.raises(TypeError):
        combine(Tensor([1.0, 2.0]), other)


@pytest.mark.parametrize("other", ["a", None, object(), {"a": 1}], ids=repr)
def test_functions_refuse_what_is_not_a_number_or_a_list_of_them(other):
    with pytest.raises(TypeError):
        al.maximum(Tensor([1.0, 2.0]), other)


def test_type_error_for_a_string_operand_names_its_type():
    with pytest.raises(TypeError, match="str"):
        Tensor([1.0]) + "a"


@pytest.mark.parametrize(
    ("a_shape", "b_shape"),
    [((2, 3), (4, 5)), ((3,), (4,)), ((2, 3), (2,)), ((5, 2, 3), (2, 4))],
    ids=str,
)
def test_matmul_shape_mismatch_names_both_shapes(a_shape, b_shape):
    with pytest.raises(ValueError) as error:
        Tensor(np.ones(a_shape)) @ Tensor(np.ones(b_shape))
    assert str(a_shape) in str(error.value)
    assert str(b_shape) in str(error.value)


def test_matmul_of_a_0d_tensor_raises_value_error():
    with pytest.raises(ValueError):
        Tensor(2.0) @ Tensor([1.0, 2.0])


def test_backward_on_a_non_scalar_without_grad_names_the_shape():
    y = Tensor(np.ones((2, 3)), requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"\(2, 3\)"):
        y.backward()


def test_backward_with_a_grad_of_the_wrong_shape_raises_value_error():
    y = Tensor(np.ones((2, 3)), requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        y.backward(grad=np.ones((3, 2)))


@pytest.mark.parametrize(
    "make",
    [
        lambda: Tensor([1.0, 2.0]).sum(),
        lambda: Tensor(3.0),
        lambda: (Tensor([1.0], requires_grad=True) > 0).sum(),
    ],
    ids=["no input requires grad", "plain leaf", "comparison result"],
)
def test_backward_on_a_tensor_without_grad_raises_runtime_error(make):
    with pytest.raises(RuntimeError, match="require"):
        make().backward()


@pytest.mark.parametrize(
    "index",
    [3, -4, (0, 2), [0, 3], np.array([5]), (slice(None), 7)],
    ids=["3", "-4", "(0, 2)", "[0, 3]", "array([5])", "(:, 7)"],
)
def test_out_of_range_index_raises_index_error_like_numpy(index):
    t = Tensor(np.zeros((3, 2)), requires_grad=True)
    with pytest.raises(IndexError):
        np.zeros((3, 2))[index]  # the reference: NumPy raises too
    with pytest.raises(IndexError):
        t[index]


@pytest.mark.parametrize("axis", [2, -3, (0, 5)], ids=str)
def test_reduction_over_a_missing_axis_raises(axis):
    with pytest.raises((ValueError, IndexError)):  # NumPy's AxisError is both
        Tensor(np.zeros((3, 2)), requires_grad=True).sum(axis=axis)


def test_reshape_to_an_incompatible_shape_raises_value_error():
    with pytest.raises(ValueError):
        Tensor(np.zeros(6)).reshape(4, 2)


def test_retain_grad_on_a_tensor_without_grad_raises_runtime_error():
    with pytest.raises(RuntimeError):
        Tensor([1.0]).retain_grad()


# ---- devices without CuPy ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: Tensor([1.0], device="cuda"),
        lambda: Tensor([1.0], device="cuda:0"),
        lambda: Tensor([1.0]).to("cuda"),
        lambda: Tensor([1.0], requires_grad=True).cuda(),
        lambda: al.zeros(2, device="cuda"),
    ],
    ids=["Tensor(device='cuda')", "device='cuda:0'", ".to('cuda')", ".cuda()", "zeros"],
)
def test_cuda_without_cupy_raises_runtime_error_saying_how_to_install_it(without_cupy, make):
    with pytest.raises(RuntimeError) as error:
        make()
    message = str(error.value)
    assert "CuPy" in message
    assert "pip install" in message


@pytest.mark.parametrize("device", ["gpu", "cuda:x", "tpu"])
def test_unknown_device_name_raises_value_error(device):
    with pytest.raises(ValueError, match=device):
        Tensor([1.0], device=device)


def test_device_cpu_is_accepted_by_name():
    assert Tensor([1.0], device="cpu").device == "cpu"
    assert Tensor([1.0], device="CPU").device == "cpu"
