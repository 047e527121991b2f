"""NumPy's functions on Tensors: the same values as NumPy, and gradients that pass gradcheck.

Each function of the table below is called on Tensors and compared with the NumPy function of
the same name on the arrays; its gradient is checked against finite differences. (Second
derivatives are checked, op by op, in ``test_tensor_second_order.py``.) Then the cases with a
rule of their own: ``dot`` in every one of numpy.dot's forms, lists of Tensors where NumPy takes
lists of arrays, the products with zeros, the functions without a gradient (argmax), and the
functions that make new tensors.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import Tensor


def any_value(rng, shape):
    return rng.uniform(-2.0, 2.0, shape)


def distinct(rng, shape):
    return rng.permutation(int(np.prod(shape, dtype=int))).reshape(shape) * 0.1 - 1.0


# (function on Tensors, the NumPy reference, the input shapes)
FUNCTIONS = {
    "sin": (al.sin, np.sin, [(2, 3)]),
    "cos": (al.cos, np.cos, [(2, 3)]),
    "prod axis": (lambda x: al.prod(x, axis=1), lambda x: np.prod(x, axis=1), [(3, 4)]),
    "prod all": (al.prod, np.prod, [(2, 3)]),
    "prod keepdims": (
        lambda x: al.prod(x, axis=(0, 2), keepdims=True),
        lambda x: np.prod(x, axis=(0, 2), keepdims=True),
        [(2, 3, 2)],
    ),
    "cumsum axis": (lambda x: al.cumsum(x, axis=0), lambda x: np.cumsum(x, axis=0), [(3, 2)]),
    "cumsum -1": (lambda x: al.cumsum(x, -1), lambda x: np.cumsum(x, -1), [(2, 3)]),
    "cumsum flattened": (al.cumsum, np.cumsum, [(2, 3)]),
    "var": (al.var, np.var, [(3, 4)]),
    "var axis ddof": (
        lambda x: al.var(x, axis=1, ddof=1),
        lambda x: np.var(x, axis=1, ddof=1),
        [(3, 4)],
    ),
    "var keepdims": (
        lambda x: al.var(x, axis=(0, 2), keepdims=True),
        lambda x: np.var(x, axis=(0, 2), keepdims=True),
        [(2, 3, 2)],
    ),
    "std": (al.std, np.std, [(3, 4)]),
    "std axis ddof": (lambda x: al.std(x, 0, 1), lambda x: np.std(x, 0, ddof=1), [(3, 4)]),
    "squeeze": (lambda x: al.squeeze(x, axis=1), lambda x: np.squeeze(x, axis=1), [(3, 1, 2)]),
    "expand_dims": (
        lambda x: al.expand_dims(x, (0, 2)),
        lambda x: np.expand_dims(x, (0, 2)),
        [(3, 2)],
    ),
    "ravel": (al.ravel, np.ravel, [(2, 3)]),
    "swapaxes": (lambda x: al.swapaxes(x, 0, 2), lambda x: np.swapaxes(x, 0, 2), [(2, 3, 4)]),
    "moveaxis": (lambda x: al.moveaxis(x, 0, -1), lambda x: np.moveaxis(x, 0, -1), [(2, 3, 4)]),
    "moveaxis several": (
        lambda x: al.moveaxis(x, (0, 1), (2, 0)),
        lambda x: np.moveaxis(x, (0, 1), (2, 0)),
        [(2, 3, 4)],
    ),
    "outer": (al.outer, np.outer, [(3,), (4,)]),
    "outer of matrices": (al.outer, np.outer, [(2, 2), (3,)]),
    "tensordot 2": (al.tensordot, np.tensordot, [(2, 3, 4), (3, 4, 2)]),
    "tensordot 0": (
        lambda a, b: al.tensordot(a, b, 0),
        lambda a, b: np.tensordot(a, b, 0),
        [(2,), (3,)],
    ),
    "tensordot pairs": (
        lambda a, b: al.tensordot(a, b, ([2, 0], [0, 1])),
        lambda a, b: np.tensordot(a, b, ([2, 0], [0, 1])),
        [(2, 3, 4), (4, 2, 5)],
    ),
    "tensordot single": (
        lambda a, b: al.tensordot(a, b, (1, 0)),
        lambda a, b: np.tensordot(a, b, (1, 0)),
        [(2, 3), (3, 4)],
    ),
    "einsum matmul": (
        lambda a, b: al.einsum("ij,jk->ik", a, b),
        lambda a, b: np.einsum("ij,jk->ik", a, b),
        [(2, 3), (3, 4)],
    ),
    "einsum implicit": (
        lambda a, b: al.einsum("ij,kj", a, b),
        lambda a, b: np.einsum("ij,kj", a, b),
        [(2, 3), (4, 3)],
    ),
    "einsum trace": (lambda a: al.einsum("ii", a), lambda a: np.einsum("ii", a), [(3, 3)]),
    "einsum diagonal": (lambda a: al.einsum("ii->i", a), lambda a: np.einsum("ii->i", a), [(3, 3)]),
    "einsum sum in one operand": (
        lambda a, b: al.einsum("ij,j->j", a, b),
        lambda a, b: np.einsum("ij,j->j", a, b),
        [(2, 3), (3,)],
    ),
    "einsum ellipsis": (
        lambda a, b: al.einsum("...ij,...jk->...ik", a, b),
        lambda a, b: np.einsum("...ij,...jk->...ik", a, b),
        [(2, 2, 3), (3, 2)],
    ),
    "einsum broadcast of size 1": (
        lambda a, b: al.einsum("ij,ij->ij", a, b),
        lambda a, b: np.einsum("ij,ij->ij", a, b),
        [(1, 3), (2, 3)],
    ),
    "einsum three operands": (
        lambda a, b, c: al.einsum("i,ij,jk->k", a, b, c),
        lambda a, b, c: np.einsum("i,ij,jk->k", a, b, c),
        [(2,), (2, 3), (3, 2)],
    ),
    "einsum outer": (
        lambda a, b: al.einsum("i,j", a, b),
        lambda a, b: np.einsum("i,j", a, b),
        [(2,), (3,)],
    ),
    "diag of a vector": (al.diag, np.diag, [(3,)]),
    "diag above": (lambda v: al.diag(v, 1), lambda v: np.diag(v, 1), [(3,)]),
    "diag of a matrix": (al.diag, np.diag, [(3, 4)]),
    "diag below": (lambda m: al.diag(m, -1), lambda m: np.diag(m, -1), [(3, 4)]),
    "diagonal": (al.diagonal, np.diagonal, [(3, 4)]),
    "diagonal axes": (
        lambda a: al.diagonal(a, 1, 0, 2),
        lambda a: np.diagonal(a, 1, 0, 2),
        [(3, 2, 4)],
    ),
    "trace": (al.trace, np.trace, [(3, 3)]),
    "trace offset": (lambda a: al.trace(a, -1), lambda a: np.trace(a, -1), [(4, 3)]),
    "tril": (al.tril, np.tril, [(3, 4)]),
    "tril k": (lambda m: al.tril(m, -1), lambda m: np.tril(m, -1), [(2, 3, 3)]),
    "triu": (al.triu, np.triu, [(3, 4)]),
    "triu k": (lambda m: al.triu(m, 1), lambda m: np.triu(m, 1), [(4, 3)]),
    "repeat flattened": (lambda x: al.repeat(x, 2), lambda x: np.repeat(x, 2), [(2, 3)]),
    "repeat axis": (lambda x: al.repeat(x, 3, axis=1), lambda x: np.repeat(x, 3, axis=1), [(2, 2)]),
    "repeat counts": (
        lambda x: al.repeat(x, [2, 0, 1], axis=0),
        lambda x: np.repeat(x, [2, 0, 1], axis=0),
        [(3, 2)],
    ),
    "tile": (lambda x: al.tile(x, 2), lambda x: np.tile(x, 2), [(2, 3)]),
    "tile more axes": (lambda x: al.tile(x, (2, 1, 3)), lambda x: np.tile(x, (2, 1, 3)), [(2, 3)]),
    "roll flattened": (lambda x: al.roll(x, 2), lambda x: np.roll(x, 2), [(2, 3)]),
    "roll axis": (lambda x: al.roll(x, -1, axis=1), lambda x: np.roll(x, -1, axis=1), [(2, 3)]),
    "roll axes": (
        lambda x: al.roll(x, (1, 5), axis=(0, 1)),
        lambda x: np.roll(x, (1, 5), axis=(0, 1)),
        [(2, 3)],
    ),
    "flip": (al.flip, np.flip, [(2, 3)]),
    "flip axis": (lambda x: al.flip(x, 1), lambda x: np.flip(x, 1), [(2, 3, 2)]),
    "flip axes": (lambda x: al.flip(x, (0, 2)), lambda x: np.flip(x, (0, 2)), [(2, 3, 2)]),
    "pad constant": (
        lambda x: al.pad(x, ((1, 2), (0, 1)), constant_values=3.0),
        lambda x: np.pad(x, ((1, 2), (0, 1)), constant_values=3.0),
        [(2, 3)],
    ),
    "pad one width": (lambda x: al.pad(x, 1), lambda x: np.pad(x, 1), [(2, 3)]),
    "pad edge": (
        lambda x: al.pad(x, (2, 1), mode="edge"),
        lambda x: np.pad(x, (2, 1), mode="edge"),
        [(2, 3)],
    ),
    "pad reflect": (
        lambda x: al.pad(x, ((1, 1), (2, 0)), mode="reflect"),
        lambda x: np.pad(x, ((1, 1), (2, 0)), mode="reflect"),
        [(3, 3)],
    ),
    "pad symmetric": (
        lambda x: al.pad(x, 2, mode="symmetric"),
        lambda x: np.pad(x, 2, mode="symmetric"),
        [(2, 3)],
    ),
    "pad wrap": (
        lambda x: al.pad(x, ((0, 3), (1, 1)), mode="wrap"),
        lambda x: np.pad(x, ((0, 3), (1, 1)), mode="wrap"),
        [(2, 3)],
    ),
    "take_along_axis": (
        lambda x: al.take_along_axis(x, np.array([[0, 2], [1, 1]]), 1),
        lambda x: np.take_along_axis(x, np.array([[0, 2], [1, 1]]), 1),
        [(2, 3)],
    ),
    "clip a_min a_max": (
        lambda x: al.clip(x, -1.0, 0.5),
        lambda x: np.clip(x, -1.0, 0.5),
        [(3, 4)],
    ),
    "clip min= max=": (lambda x: al.clip(x, min=-0.5), lambda x: np.clip(x, -0.5, None), [(3, 4)]),
    "stack of a list with a number": (
        lambda x: al.stack([x[0], 2.0]),
        lambda x: np.stack([x[0], 2.0]),
        [(3,)],
    ),
}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_values_equal_numpys_and_gradients_match_finite_differences(name, rng):
    op, reference, shapes = FUNCTIONS[name]
    arrays = [any_value(rng, shape) for shape in shapes]
    if name.startswith("clip"):
        arrays = [a + 0.05 * np.sign(a) for a in arrays]  # away from the bounds
    out = op(*[Tensor(a) for a in arrays])
    np.testing.assert_allclose(out.data, reference(*arrays), rtol=1e-12, atol=1e-12)
    assert out.shape == np.shape(reference(*arrays))
    assert al.gradcheck(op, arrays) is True


@pytest.mark.parametrize("name", ["tensordot 2", "einsum matmul", "prod axis", "var", "pad edge"])
def test_functions_take_arrays_and_return_tensors(name, rng):
    op, reference, shapes = FUNCTIONS[name]
    arrays = [any_value(rng, shape) for shape in shapes]
    out = op(*arrays)
    assert isinstance(out, Tensor) and not out.requires_grad
    np.testing.assert_allclose(out.data, reference(*arrays), rtol=1e-12)


def test_split_matches_numpy_and_its_pieces_carry_gradients(rng):
    x = any_value(rng, (6, 2))
    for cuts in (3, [1, 4], [2, 2, 9]):
        pieces = al.split(Tensor(x), cuts)
        for piece, expected in zip(pieces, np.split(x, cuts), strict=True):
            np.testing.assert_array_equal(piece.data, expected)
    assert al.gradcheck(lambda t: al.split(t, [1, 4], axis=0)[1] * 2, [x]) is True
    with pytest.raises(ValueError, match="cannot be cut into 4 equal pieces"):
        al.split(Tensor(x), 4)


# ---- dot follows numpy.dot, matmul numpy.matmul ----------------------------------------------

DOT_SHAPES = [
    pytest.param((), (3,), id="scalar·vector"),
    pytest.param((2, 3), (), id="matrix·scalar"),
    pytest.param((3,), (3,), id="vector·vector"),
    pytest.param((2, 3), (3,), id="matrix·vector"),
    pytest.param((3,), (3, 2), id="vector·matrix"),
    pytest.param((2, 3), (3, 4), id="matrix·matrix"),
    pytest.param((2, 2, 3), (3, 4), id="3-D·matrix"),
    pytest.param((2, 3), (4, 3, 2), id="matrix·3-D"),
    pytest.param((2, 2, 3), (2, 3, 2), id="3-D·3-D"),
    pytest.param((3,), (2, 3, 2), id="vector·3-D"),
]


@pytest.mark.parametrize(("a_shape", "b_shape"), DOT_SHAPES)
def test_dot_follows_numpy_dot(a_shape, b_shape, rng):
    a, b = any_value(rng, a_shape), any_value(rng, b_shape)
    out = al.dot(Tensor(a), Tensor(b))
    np.testing.assert_allclose(out.data, np.dot(a, b), rtol=1e-12)
    assert out.shape == np.dot(a, b).shape
    assert al.gradcheck(al.dot, [a, b]) is True
    np.testing.assert_allclose(Tensor(a).dot(b).data, np.dot(a, b), rtol=1e-12)


def test_dot_with_a_python_number_as_numpy_does(rng):
    m = any_value(rng, (2, 3))
    np.testing.assert_allclose(al.dot(Tensor(m), 2.0).data, np.dot(m, 2.0))
    np.testing.assert_allclose(al.dot(2.0, Tensor(m)).data, np.dot(2.0, m))


@pytest.mark.parametrize(
    ("a_shape", "b_shape"),
    [((2, 2, 3), (2, 3, 2)), ((3,), (2, 3, 2)), ((2, 1, 2, 3), (3, 3, 4))],
    ids=str,
)
def test_matmul_follows_numpy_matmul_where_dot_differs(a_shape, b_shape, rng):
    a, b = any_value(rng, a_shape), any_value(rng, b_shape)
    np.testing.assert_allclose((Tensor(a) @ Tensor(b)).data, np.matmul(a, b), rtol=1e-12)
    np.testing.assert_allclose(al.matmul(a, b).data, np.matmul(a, b), rtol=1e-12)


# ---- lists of Tensors where NumPy takes lists of arrays --------------------------------------


def test_mean_of_a_list_of_tensors_is_the_mean_of_their_stack(rng):
    x = Tensor(any_value(rng, (2, 3)), requires_grad=True)
    out = al.mean([x, x + 2])
    assert out.item() == pytest.approx(np.mean([x.data, x.data + 2]))
    out.backward()
    np.testing.assert_allclose(x.grad, np.full((2, 3), 2 / 12))


@pytest.mark.parametrize(
    ("call", "reference"),
    [
        (lambda t: al.sum([t, t], axis=0), lambda a: np.sum([a, a], axis=0)),
        (lambda t: al.max([t, 2 * t], axis=0), lambda a: np.max([a, 2 * a], axis=0)),
        (lambda t: al.exp([t[0], 1.0]), lambda a: np.exp([a[0], 1.0])),
        (lambda t: al.maximum(t, [0.5, -0.5, 0.0]), lambda a: np.maximum(a, [0.5, -0.5, 0.0])),
        (lambda t: al.dot([t[0], t[1]], [1.0, 2.0]), lambda a: np.dot([a[0], a[1]], [1.0, 2.0])),
        (
            lambda t: al.einsum("ij,j", [[t[0], t[1]], [t[1], t[2]]], [1.0, 2.0]),
            lambda a: np.einsum("ij,j", [[a[0], a[1]], [a[1], a[2]]], [1.0, 2.0]),
        ),
        (lambda t: al.argmax([t, -t], axis=0), lambda a: np.argmax([a, -a], axis=0)),
        (lambda t: al.flip([t, 2 * t], 0), lambda a: np.flip([a, 2 * a], 0)),
    ],
    ids=["sum", "max", "exp", "maximum", "dot", "einsum nested", "argmax", "flip"],
)
def test_functions_accept_lists_of_tensors_and_numbers(call, reference):
    values = np.array([0.3, -1.2, 2.0])
    np.testing.assert_allclose(call(Tensor(values)).data, reference(values))
    if call(Tensor(values)).dtype.kind == "f":
        assert al.gradcheck(call, [values]) is True


def test_a_list_without_tensors_is_a_numpy_array():
    out = al.mean([[1.0, 2.0], [3.0, 5.0]], axis=0)
    np.testing.assert_array_equal(out.data, [2.0, 3.5])
    assert out.dtype == np.float64  # as np.mean gives: a list of floats is float64


def test_operators_still_refuse_lists():
    with pytest.raises(TypeError):
        Tensor([1.0, 2.0]) + [1.0, 2.0]


# ---- products with zeros ------------------------------------------------------------------------


@pytest.mark.parametrize("zeros", [1, 2, 3])
def test_prod_gradient_with_zeros_is_the_product_of_the_others(zeros, rng):
    values = rng.uniform(0.5, 2.0, 5)
    values[:zeros] = 0.0
    x = Tensor(values, requires_grad=True)
    al.prod(x).backward()
    expected = [np.prod(np.delete(values, i)) for i in range(5)]
    np.testing.assert_allclose(x.grad, expected)


def test_prod_gradient_with_zeros_equals_torchs(rng):
    torch = pytest.importorskip("torch")
    values = rng.uniform(0.5, 2.0, (4, 5))
    values[1, 2] = values[2, :2] = values[3, 1:4] = 0.0
    weights = rng.standard_normal(4)
    x = Tensor(values, requires_grad=True)
    (al.prod(x, axis=1) * weights).sum().backward()
    t = torch.tensor(values, requires_grad=True)
    (t.prod(dim=1) * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-12)
    h = al.hessian(lambda v: al.prod(v))(values[1])
    h_torch = torch.autograd.functional.hessian(torch.prod, torch.tensor(values[1]))
    np.testing.assert_allclose(h, h_torch.numpy(), rtol=1e-12)


# ---- functions without a gradient -------------------------------------------------------------


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_argmax_and_argmin_equal_numpys_and_carry_no_gradient(axis, keepdims, rng):
    x = distinct(rng, (3, 4))
    for ours, theirs in ((al.argmax, np.argmax), (al.argmin, np.argmin)):
        out = ours(Tensor(x, requires_grad=True), axis=axis, keepdims=keepdims)
        np.testing.assert_array_equal(out.data, theirs(x, axis=axis, keepdims=keepdims))
        assert out.dtype.kind == "i" and not out.requires_grad


def test_argmax_of_ties_is_the_first():
    assert al.argmax(Tensor([1.0, 3.0, 3.0])).item() == 1


# ---- making tensors -----------------------------------------------------------------------------


def test_creators_follow_numpy_with_pytorchs_default_dtypes():
    np.testing.assert_array_equal(al.arange(5).data, np.arange(5))
    assert al.arange(5).dtype == np.int64
    np.testing.assert_allclose(al.arange(0.0, 1.0, 0.25).data, [0, 0.25, 0.5, 0.75])
    assert al.arange(0.0, 1.0, 0.25).dtype == np.float32
    assert al.arange(3, dtype=np.float64).dtype == np.float64
    np.testing.assert_allclose(al.linspace(0, 1, 5).data, np.linspace(0, 1, 5))
    np.testing.assert_allclose(al.linspace(0, 1, steps=3).data, [0, 0.5, 1])
    assert al.linspace(0, 1, 5).dtype == np.float32
    np.testing.assert_array_equal(al.eye(3, 4, k=1).data, np.eye(3, 4, k=1))
    assert al.full((2, 3), 1.5).dtype == np.float32
    assert al.full(2, 7).dtype == np.int64
    assert al.full((2,), True).dtype == bool


def test_like_creators_keep_dtype_and_shape():
    x = Tensor(np.ones((2, 3), dtype=np.float64))
    for made, value in ((al.zeros_like(x), 0), (al.ones_like(x), 1), (al.full_like(x, 4), 4)):
        assert made.shape == (2, 3) and made.dtype == np.float64
        np.testing.assert_array_equal(made.data, value)
    assert al.zeros_like(np.ones(3, dtype=np.int32)).dtype == np.int32
    assert al.zeros_like(x, requires_grad=True).requires_grad


def test_from_numpy_shares_memory():
    array = np.zeros(3)
    t = al.from_numpy(array)
    array[0] = 5.0
    assert t.data[0] == 5.0 and t.dtype == np.float64
    with pytest.raises(TypeError, match="NumPy array"):
        al.from_numpy([1.0, 2.0])
