"""PyTorch's spellings: accepted, and never silently meaning something else.

The rule (``Tensor``'s docstring): ``dim=``/``keepdim=`` are accepted wherever ``axis=``/
``keepdims=`` are, and where PyTorch's answer to a call spelled that way differs from NumPy's
(``max``/``min`` give (values, indices), ``var``/``std`` the sample estimate, ``x.split(n)``
pieces of n), the call gets PyTorch's answer. ``transpose(a, b)`` swaps two axes; ``repeat``
without an axis is refused. Where PyTorch is installed, the answers are compared with its own.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import Tensor, ops


@pytest.fixture
def x(rng):
    return Tensor(rng.permutation(24).reshape(2, 3, 4) * 0.25 - 3.0)


# ---- dim= and keepdim= everywhere ---------------------------------------------------------------

# (function, its NumPy keywords, the same in PyTorch's words)
SYNONYMS = [
    (al.sum, {"axis": 1, "keepdims": True}, {"dim": 1, "keepdim": True}),
    (al.mean, {"axis": (0, 2)}, {"dim": (0, 2)}),
    (al.prod, {"axis": -1, "keepdims": True}, {"dim": -1, "keepdim": True}),
    (al.max, {"axis": 1, "keepdims": True}, {"axis": 1, "keepdim": True}),
    (al.logsumexp, {"axis": 0, "keepdims": True}, {"dim": 0, "keepdim": True}),
    (al.softmax, {"axis": 1}, {"dim": 1}),
    (al.log_softmax, {"axis": 0}, {"dim": 0}),
    (al.argmax, {"axis": 2, "keepdims": True}, {"dim": 2, "keepdim": True}),
    (al.argmin, {"axis": 1}, {"dim": 1}),
    (al.cumsum, {"axis": 1}, {"dim": 1}),
    (al.expand_dims, {"axis": 1}, {"dim": 1}),
    (al.unsqueeze, {"axis": -1}, {"dim": -1}),
    (al.flip, {"axis": (0, 2)}, {"dims": (0, 2)}),
    (lambda t, **k: al.roll(t, 1, **k), {"axis": 2}, {"dims": 2}),
    (lambda t, **k: al.roll(t, **k), {"shift": 2, "axis": 1}, {"shifts": 2, "dims": 1}),
    (lambda t, **k: al.repeat(t, 2, **k), {"axis": 1}, {"dim": 1}),
    (al.repeat_interleave, {"repeats": 2, "axis": 0}, {"repeats": 2, "dim": 0}),
    (al.diagonal, {"axis1": 1, "axis2": 2}, {"dim1": 1, "dim2": 2}),
    (al.tril, {"k": 1}, {"diagonal": 1}),
    (al.triu, {"k": -1}, {"diagonal": -1}),
    (al.clip, {"a_min": -1.0, "a_max": 1.0}, {"min": -1.0, "max": 1.0}),
    (al.tile, {"reps": (2, 1, 1)}, {"dims": (2, 1, 1)}),
    (lambda t, **k: al.concatenate([t, t], **k), {"axis": 1}, {"dim": 1}),
    (lambda t, **k: al.cat([t, t], **k), {"axis": -1}, {"dim": -1}),
    (lambda t, **k: al.stack([t, t], **k), {"axis": 1}, {"dim": 1}),
    (lambda t, **k: al.squeeze(t[:, :1], **k), {"axis": 1}, {"dim": 1}),
]


@pytest.mark.parametrize(
    ("op", "numpy_words", "torch_words"), SYNONYMS, ids=[str(n) for n, _, _ in SYNONYMS]
)
def test_pytorch_keywords_mean_the_numpy_ones(op, numpy_words, torch_words, x):
    np.testing.assert_array_equal(op(x, **torch_words).data, op(x, **numpy_words).data)


def _takes_an_axis(fn):
    try:
        return "axis" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


AXIS_FUNCTIONS = sorted(name for name in al.__all__ if _takes_an_axis(getattr(al, name)))


def test_the_rule_covers_every_function_with_an_axis():
    assert {"sum", "mean", "max", "var", "split", "cumsum", "flip", "concatenate"} <= set(
        AXIS_FUNCTIONS
    )


@pytest.mark.parametrize("name", AXIS_FUNCTIONS)
def test_every_function_with_an_axis_takes_dim(name):
    fn = getattr(al, name)
    accepts = (
        "dim" in inspect.signature(fn).parameters
        or "dim" in getattr(fn, "synonyms", {})
        or "dims" in getattr(fn, "synonyms", {})
    )
    assert accepts, f"al.{name} takes axis= but not PyTorch's dim="


@pytest.mark.parametrize("method", ["sum", "mean", "prod", "argmax", "logsumexp"])
def test_methods_take_dim_and_keepdim(method, x):
    ours = getattr(x, method)(dim=1, keepdim=True)
    np.testing.assert_array_equal(ours.data, getattr(x, method)(axis=1, keepdims=True).data)


def test_a_parameter_given_under_both_names_is_a_type_error(x):
    with pytest.raises(TypeError, match="axis=0 and dim=1"):
        al.sum(x, axis=0, dim=1)
    with pytest.raises(TypeError, match="a_min=0.0 and min=1.0"):
        al.clip(x, a_min=0.0, min=1.0)
    assert al.sum(x, axis=1, dim=1).shape == (2, 4)  # the same value twice is no conflict


def test_softmax_with_dim_is_the_pytorch_call(x):
    np.testing.assert_allclose(x.softmax(dim=1).data.sum(axis=1), 1.0)


# ---- where PyTorch's answer differs, dim= gets PyTorch's ------------------------------------


def test_max_with_dim_returns_values_and_indices(x):
    result = x.max(dim=1)
    values, indices = result
    np.testing.assert_array_equal(values.data, x.data.max(axis=1))
    np.testing.assert_array_equal(indices.data, x.data.argmax(axis=1))
    assert result.values is values and result.indices is indices
    low = al.min(x, dim=2, keepdim=True)
    np.testing.assert_array_equal(low.values.data, x.data.min(axis=2, keepdims=True))
    np.testing.assert_array_equal(low.indices.data, x.data.argmin(axis=2)[..., None])
    assert x.max(axis=1).shape == (2, 4)  # NumPy's spelling: the values alone
    with pytest.raises(TypeError, match="axis= gives the values"):
        al.max(x, axis=1, dim=1)


def test_max_with_dim_sends_the_gradient_to_the_first_maximum_as_pytorch():
    x = Tensor([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]], requires_grad=True)
    x.max(dim=1).values.sum().backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 0], [1, 0, 0]])
    y = Tensor([[1.0, 3.0, 3.0]], requires_grad=True)
    y.max(axis=1).sum().backward()  # NumPy's max: equal maxima share the gradient
    np.testing.assert_array_equal(y.grad, [[0, 0.5, 0.5]])


def test_var_and_std_with_dim_are_pytorchs_sample_estimates(x):
    data = x.data
    np.testing.assert_allclose(x.var(dim=1).data, data.var(axis=1, ddof=1))
    np.testing.assert_allclose(
        x.std(dim=1, keepdim=True).data, data.std(axis=1, ddof=1, keepdims=True)
    )
    np.testing.assert_allclose(x.var(axis=1).data, data.var(axis=1))  # NumPy: ddof 0
    np.testing.assert_allclose(x.var().data, data.var())
    np.testing.assert_allclose(x.std(dim=0, unbiased=False).data, data.std(axis=0))
    np.testing.assert_allclose(x.var(dim=0, correction=0).data, data.var(axis=0))
    np.testing.assert_allclose(x.var(axis=0, ddof=1).data, data.var(axis=0, ddof=1))
    np.testing.assert_allclose(al.var(x, correction=1).data, data.var(ddof=1))
    with pytest.raises(TypeError, match="ddof= and unbiased="):
        x.var(ddof=1, unbiased=True)


def test_split_method_is_pytorchs_and_the_function_numpys(rng):
    t = Tensor(rng.standard_normal((7, 2)))
    assert [p.shape[0] for p in t.split(3)] == [3, 3, 1]  # pieces of 3
    assert [p.shape[0] for p in t.split([2, 5])] == [2, 5]  # sizes
    assert [p.shape[0] for p in al.split(t, [2, 5])] == [2, 3, 2]  # NumPy: where pieces start
    assert [p.shape[1] for p in al.split(t, 1, dim=1)] == [1, 1]  # dim=: PyTorch's meaning
    with pytest.raises(ValueError, match="add up to 6"):
        t.split([2, 4])


# ---- transpose ---------------------------------------------------------------------------------


def test_transpose_of_two_axes_swaps_them_on_a_matrix(rng):
    m = Tensor(rng.standard_normal((2, 3)))
    np.testing.assert_array_equal(m.transpose(0, 1).data, m.data.T)  # never the identity
    np.testing.assert_array_equal(m.transpose(1, 0).data, m.data.T)
    np.testing.assert_array_equal(al.transpose(m, 0, 1).data, m.data.T)
    np.testing.assert_array_equal(m.transpose(dim0=0, dim1=1).data, m.data.T)
    np.testing.assert_array_equal(m.transpose((0, 1)).data, m.data)  # NumPy's tuple: as NumPy
    np.testing.assert_array_equal(m.transpose(axes=(1, 0)).data, m.data.T)


def test_transpose_of_two_axes_swaps_them_on_any_tensor(x):
    np.testing.assert_array_equal(x.transpose(0, 2).data, np.swapaxes(x.data, 0, 2))
    np.testing.assert_array_equal(x.transpose(-1, 1).data, np.swapaxes(x.data, -1, 1))
    np.testing.assert_array_equal(x.transpose(2, 0, 1).data, x.data.transpose(2, 0, 1))
    np.testing.assert_array_equal(x.transpose().data, x.data.T)
    with pytest.raises(TypeError, match="dim0="):
        x.transpose(0, dim1=1)


def test_transpose_and_its_gradient_agree_with_pytorch(x):
    torch = pytest.importorskip("torch")
    t = torch.tensor(x.data)
    for ours, theirs in (
        (x.transpose(0, 1), t.transpose(0, 1)),
        (x.transpose(2, 1), t.transpose(2, 1)),
        (x.permute(2, 0, 1), t.permute(2, 0, 1)),
        (x.swapaxes(0, 2), t.swapaxes(0, 2)),
    ):
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    assert al.gradcheck(lambda v: v.transpose(0, 1) * 2, [x.data]) is True


# ---- methods with PyTorch's names --------------------------------------------------------------


def test_pytorch_methods(rng, x):
    m = Tensor(rng.standard_normal((2, 3)))
    assert x.view(6, 4).shape == (6, 4) and x.view((4, -1)).shape == (4, 6)
    assert x.permute(2, 0, 1).shape == (4, 2, 3) and x.permute((1, 0, 2)).shape == (3, 2, 4)
    assert x.unsqueeze(0).shape == (1, 2, 3, 4)
    assert x.flatten().shape == (24,) and x.flatten(1).shape == (2, 12)
    assert x.flatten(0, 1).shape == (6, 4) and x.ravel().shape == (24,)
    assert m.t().shape == (3, 2)
    assert x.float().dtype == np.float32 and x.double().dtype == np.float64
    assert m.tolist() == m.data.tolist()
    assert x.clone().data is not x.data
    assert x.tile(2).shape == (2, 3, 8) and x.tile(2, 1, 1, 1).shape == (2, 2, 3, 4)
    assert x.repeat(2, axis=1).shape == (2, 6, 4)
    assert x.repeat_interleave(2, dim=0).shape == (4, 3, 4)
    assert x.flip(0, 2).shape == x.shape and x.roll(1, 0).shape == x.shape
    np.testing.assert_array_equal(x.roll(shifts=1, dims=2).data, np.roll(x.data, 1, axis=2))
    np.testing.assert_array_equal(x.tile(dims=(1, 2, 1)).data, np.tile(x.data, (1, 2, 1)))
    assert m.clamp(min=0.0).data.min() >= 0.0
    np.testing.assert_array_equal(abs(m).data, np.abs(m.data))
    assert al.movedim(x, 0, 2).shape == (3, 4, 2)


def test_view_refuses_a_dtype_and_t_a_tensor_of_more_than_two_axes(x):
    with pytest.raises(TypeError, match="astype"):
        x.view(np.float32)
    with pytest.raises(ValueError, match="permute"):
        x.t()


def test_repeat_without_an_axis_is_refused_not_guessed(x):
    with pytest.raises(TypeError, match=r"x\.tile\(\(1, 2, 1\)\)"):
        x.repeat(1, 2, 1)
    with pytest.raises(TypeError, match="axis="):
        x.repeat(2)


def test_backward_takes_pytorchs_gradient_keyword():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * 3).backward(gradient=np.array([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad, [3.0, 30.0])


def test_a_pytorch_snippet_gives_pytorchs_numbers(rng):
    """The same lines in both libraries, with only the import changed."""
    torch = pytest.importorskip("torch")
    data = rng.standard_normal((4, 3))
    results = []
    for lib, make in (
        (torch, lambda a: torch.tensor(a, requires_grad=True)),
        (al, lambda a: al.tensor(a, requires_grad=True)),
    ):
        w = make(data)
        h = lib.cat([w, w * 2], dim=1).transpose(0, 1)
        y = (
            h.softmax(dim=0).max(dim=1)[0].sum()
            + w.std(dim=0).mean()
            + w.unsqueeze(0).flatten(1).clamp(min=-0.5).sum()
            + w.var(dim=1, keepdim=True).sum()
        )
        y.backward()
        results.append((float(y.item()), np.asarray(w.grad)))
    assert results[1][0] == pytest.approx(results[0][0], rel=1e-12)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-10)


def test_ops_namespace_serves_op_bodies_on_tensors():
    for name in (
        "sum",
        "mean",
        "prod",
        "cumsum",
        "flip",
        "tensordot",
        "einsum",
        "transpose",
        "swapaxes",
        "expand_dims",
        "squeeze",
        "pad",
        "sin",
        "cos",
        "where",
        "clip",
    ):
        assert callable(getattr(ops, name)), name
