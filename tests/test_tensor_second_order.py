"""Second derivatives of every differentiable op, against finite differences of the first.

``gradgradcheck`` differentiates each op's recorded backward pass (``create_graph=True``) and
compares the result with central differences of the first derivatives. The table below lists
every ``@primitive`` of every module of ``autograd_lite`` and ``nn``, subpackages included (a
test fails when one is missing, or is defined where that search cannot see it), each
with inputs kept away from its kinks, and over broadcasting, axes, 0-d and empty inputs where
they apply. Every entry is checked to first order (``gradcheck``) too.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import autograd_lite as al
import nn
from autograd_lite import ops


def values(low, high):
    return lambda rng, shape: rng.uniform(low, high, shape)


ANY = values(-2.0, 2.0)
POSITIVE = values(0.5, 2.0)
PROBABILITY = values(0.1, 0.9)


def away_from_zero(rng, shape):
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape)


def distinct(rng, shape):
    return rng.permutation(int(np.prod(shape, dtype=int))).reshape(shape) * 0.3 - 1.0


def clip_safe(rng, shape):
    return rng.choice([-1.8, -0.6, 0.2, 0.7, 1.5], shape) + rng.uniform(-0.05, 0.05, shape)


def zeros_in_rows(rng, shape):
    """Row r has r zeros (0, 1, 2, 3, ...): every case of a product's gradient."""
    x = rng.uniform(0.5, 2.0, shape)
    for row in range(shape[0]):
        x[row, :row] = 0.0
    return x


WINDOW = ops.Window(
    kernel=(2, 3), stride=(2, 1), padding=((1, 0), (1, 1)), dilation=(1, 2), size=(5, 4)
)  # windows at 3 × 2 places
PICKED = np.array([[[[0, 5], [1, 3], [2, 4]]]])  # the kernel entry each window picked

LABELS = np.array([2, 0, 1, 2])
ONE_HOT = np.eye(3)[LABELS]
SIGNS = np.array([1.0, -1.0, 1.0, -1.0])
ROWS_OF_PROBABILITIES = np.array(
    [[0.2, 0.5, 0.3], [0.6, 0.1, 0.3], [0.3, 0.3, 0.4], [0.25, 0.25, 0.5]]
)

# op name -> list of (case id, function of Tensors, [(value maker, shape) per input])
CASES = {
    "add": [("broadcast", lambda a, b: a + b, [(ANY, (2, 3)), (ANY, (3,))])],
    "sub": [("broadcast", lambda a, b: a - b, [(ANY, (3, 1)), (ANY, (1, 4))])],
    "mul": [
        ("broadcast", lambda a, b: a * b * a, [(ANY, (2, 3)), (ANY, (3,))]),
        ("0-d", lambda a, b: a * b * b, [(ANY, ()), (ANY, ())]),
    ],
    "div": [("broadcast", lambda a, b: a / b, [(ANY, (2, 3)), (away_from_zero, (3,))])],
    "neg": [("square", lambda a: -a * a, [(ANY, (3,))])],
    "power": [
        ("both", lambda a, b: a**b, [(POSITIVE, (2, 3)), (ANY, (3,))]),
        ("number exponent", lambda a: a**3, [(ANY, (4,))]),
        ("number base", lambda b: 2.0**b, [(ANY, (4,))]),
    ],
    "exp": [("", lambda x: al.exp(x), [(ANY, (2, 3))])],
    "log": [("", lambda x: al.log(x), [(POSITIVE, (2, 3))])],
    "log1p": [("", lambda x: al.log1p(x), [(POSITIVE, (2, 3))])],
    "sqrt": [("", lambda x: al.sqrt(x), [(POSITIVE, (2, 3))])],
    "abs": [("", lambda x: al.abs(x) * x, [(away_from_zero, (2, 3))])],
    "tanh": [("", lambda x: al.tanh(x), [(ANY, (2, 3))])],
    "sigmoid": [("", lambda x: al.sigmoid(x), [(values(-4, 4), (2, 3))])],
    "relu": [("", lambda x: al.relu(x) * x, [(away_from_zero, (2, 3))])],
    "maximum": [("", lambda a, b: al.maximum(a, b) ** 2, [(distinct, (2, 3)), (ANY, (3,))])],
    "minimum": [("", lambda a, b: al.minimum(a, b) ** 2, [(distinct, (2, 3)), (ANY, (3,))])],
    "clip": [("", lambda x: al.clip(x, -1.0, 1.0) * x, [(clip_safe, (2, 3))])],
    "where": [
        (
            "",
            lambda a, b: al.where(a.data > 0, a * a, b * b * b),
            [(away_from_zero, (2, 3)), (ANY, (3,))],
        )
    ],
    "sum": [
        ("axis", lambda x: al.sum(x * x, axis=1), [(ANY, (2, 3))]),
        ("keepdims", lambda x: al.sum(x, axis=(0, 2), keepdims=True) ** 2, [(ANY, (2, 3, 2))]),
        ("0-d", lambda x: al.sum(x**3), [(ANY, ())]),
        ("empty", lambda x, y: al.sum(x * x) + al.sum(y * y), [(ANY, (0, 3)), (ANY, (2,))]),
    ],
    "mean": [("axis", lambda x: al.mean(x * x, axis=-1), [(ANY, (2, 3))])],
    "max": [
        ("axis", lambda x: al.max(x * x, axis=0), [(distinct, (2, 3))]),
        ("all", lambda x: al.max(x) ** 2, [(distinct, (3, 2))]),
    ],
    "min": [("axis", lambda x: al.min(x, axis=1) ** 2, [(distinct, (2, 3))])],
    "logsumexp": [
        ("axis", lambda x: al.logsumexp(x, axis=1), [(ANY, (2, 3))]),
        ("0-d", lambda x: al.logsumexp(x * x), [(ANY, ())]),
    ],
    "softmax": [("", lambda x: al.softmax(x, axis=-1), [(ANY, (2, 3))])],
    "log_softmax": [("", lambda x: al.log_softmax(x, axis=0), [(ANY, (3, 2))])],
    "matmul": [
        ("2-D", lambda a, b: a @ b, [(ANY, (2, 3)), (ANY, (3, 2))]),
        ("vectors", lambda a, b: (a @ b) ** 2, [(ANY, (3,)), (ANY, (3,))]),
        ("vector @ matrix", lambda a, b: a @ b, [(ANY, (3,)), (ANY, (3, 2))]),
        ("batched", lambda a, b: a @ b, [(ANY, (2, 2, 3)), (ANY, (3, 2))]),
    ],
    "linear": [
        (
            "bias",
            lambda x, w, b: al.tanh(al.linear(x, w, b)),
            [(ANY, (4, 3)), (ANY, (2, 3)), (ANY, (2,))],
        ),
        (
            "no bias, batch axes",
            lambda x, w: al.linear(x, w) ** 2,
            [(ANY, (2, 2, 3)), (ANY, (2, 3))],
        ),
    ],
    "reshape": [("", lambda x: x.reshape(3, 2) ** 2, [(ANY, (2, 3))])],
    "transpose": [("", lambda x: x.transpose(2, 0, 1) ** 2, [(ANY, (2, 3, 2))])],
    "expand": [("", lambda x: x.expand(2, 3, 2) ** 2, [(ANY, (3, 1))])],
    "getitem": [
        ("slices", lambda x: x[1:, ::2] ** 2, [(ANY, (3, 4))]),
        ("repeated indices", lambda x: x[np.array([0, 2, 0])] ** 3, [(ANY, (3, 2))]),
        ("mask", lambda x: x[x.data > 0] ** 2, [(away_from_zero, (3, 2))]),
    ],
    "unindex": [
        (
            "repeated",
            lambda v: ops.unindex(v * v, (3, 2), (np.array([0, 2, 0]),)) ** 2,
            [(ANY, (3, 2))],
        )
    ],
    "concatenate": [
        ("", lambda a, b: al.concatenate([a, b * b], axis=1) ** 2, [(ANY, (2, 3)), (ANY, (2, 1))])
    ],
    "stack": [("", lambda a, b: al.stack([a * b, b], axis=1) ** 2, [(ANY, (3,)), (ANY, (3,))])],
    "clone": [("", lambda x: al.clone(x) ** 3, [(ANY, (3,))])],
    "identity": [("", lambda x: ops.identity(x) ** 3, [(ANY, (3,))])],
    "astype": [("", lambda x: x.astype(np.float64) ** 3, [(ANY, (3,))])],
    "to": [("cpu", lambda x: ops.to(x * x, device="cpu") ** 2, [(ANY, (3,))])],
    "sin": [("", lambda x: al.sin(x), [(ANY, (2, 3))])],
    "cos": [("", lambda x: al.cos(x), [(ANY, (2, 3))])],
    "prod": [
        ("axis", lambda x: al.prod(x, axis=1), [(ANY, (2, 3))]),
        ("all, keepdims", lambda x: al.prod(x, keepdims=True), [(POSITIVE, (2, 2))]),
        ("zeros", lambda x: al.prod(x, axis=1), [(zeros_in_rows, (4, 4))]),
        ("zeros, axis 0", lambda x: al.prod(x.T * x.T, axis=0), [(zeros_in_rows, (4, 3))]),
    ],
    "cumsum": [
        ("axis", lambda x: al.cumsum(x, axis=1) ** 2, [(ANY, (2, 3))]),
        ("flattened", lambda x: al.cumsum(x) ** 2, [(ANY, (2, 3))]),
    ],
    "var": [
        ("axis", lambda x: al.var(x, axis=0), [(ANY, (3, 2))]),
        (
            "ddof, keepdims",
            lambda x: al.var(x, axis=(0, 2), ddof=1, keepdims=True),
            [(ANY, (2, 3, 2))],
        ),
    ],
    "std": [
        ("all", lambda x: al.std(x), [(ANY, (2, 3))]),
        ("dim", lambda x: al.std(x, dim=1), [(ANY, (2, 3))]),
    ],
    "tensordot": [
        ("last and first", lambda a, b: al.tensordot(a, b, 1) ** 2, [(ANY, (2, 3)), (ANY, (3, 2))]),
        (
            "paired axes",
            lambda a, b: al.tensordot(a, b, ([0, 2], [2, 0])),
            [(ANY, (2, 3, 4)), (ANY, (4, 2, 2))],
        ),
    ],
    "einsum": [
        ("matmul", lambda a, b: al.einsum("ij,jk->ik", a, b) ** 2, [(ANY, (2, 3)), (ANY, (3, 2))]),
        (
            "trace and a sum in one operand",
            lambda a, b: al.einsum("ii,jk", a, b) ** 2,
            [(ANY, (3, 3)), (ANY, (2, 2))],
        ),
        (
            "broadcast",
            lambda a, b: al.einsum("...j,...j->...", a * a, b),
            [(ANY, (2, 3)), (ANY, (3,))],
        ),
    ],
    "pad": [
        ("", lambda x: al.pad(x * x, ((1, 0), (2, 1)), constant_values=1.5) ** 2, [(ANY, (2, 3))])
    ],
    "conv2d": [
        (
            "stride, padding, dilation, groups",
            lambda x, w, b: (
                al.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2), groups=2) ** 2
            ),
            [(ANY, (2, 4, 5, 6)), (ANY, (4, 2, 2, 2)), (ANY, (4,))],
        ),
        ("tanh", lambda x, w: al.tanh(al.conv2d(x, w)), [(ANY, (1, 2, 4, 4)), (ANY, (3, 2, 3, 3))]),
    ],
    "conv_transpose2d": [
        (
            "stride, output padding",
            lambda x, w: al.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1) ** 2,
            [(ANY, (2, 2, 3, 3)), (ANY, (2, 3, 3, 3))],
        )
    ],
    "conv2d_weight": [
        (
            "",
            lambda x, g: ops._conv2d_weight(x, g, window=WINDOW, groups=1) ** 2,
            [(ANY, (2, 2, 5, 4)), (ANY, (2, 3, 3, 2))],
        )
    ],
    "max_pool2d": [
        (
            "overlapping, padding",
            lambda x: al.max_pool2d(x, 3, 2, 1) ** 2,
            [(distinct, (2, 2, 5, 5))],
        )
    ],
    "max_pool2d_scatter": [
        (
            "",
            lambda g: ops._pool_scatter(g * g, picked=PICKED, window=WINDOW) ** 2,
            [(ANY, (1, 1, 3, 2))],
        )
    ],
    "max_pool2d_gather": [
        (
            "",
            lambda x: ops._pool_gather(x * x, picked=PICKED, window=WINDOW) ** 2,
            [(ANY, (1, 1, 5, 4))],
        )
    ],
    # nn's fused losses and activations
    "mse_loss": [("", lambda p, t: nn.mse_loss(p * p, t), [(ANY, (4, 3)), (ANY, (4, 3))])],
    "hinge_loss": [("", lambda s: nn.hinge_loss(s * s - 0.5, SIGNS), [(values(0.1, 0.6), (4,))])],
    "binary_cross_entropy": [
        ("", lambda p, t: nn.binary_cross_entropy(p, t), [(PROBABILITY, (4,)), (PROBABILITY, (4,))])
    ],
    "binary_cross_entropy_with_logits": [
        (
            "",
            lambda z, t: nn.binary_cross_entropy_with_logits(z, t),
            [(ANY, (4,)), (PROBABILITY, (4,))],
        )
    ],
    "cross_entropy": [
        ("labels", lambda z: nn.cross_entropy(z, LABELS), [(ANY, (4, 3))]),
        (
            "rows",
            lambda z, t: nn.cross_entropy(z, t, reduction="sum"),
            [(ANY, (4, 3)), (PROBABILITY, (4, 3))],
        ),
    ],
    "categorical_cross_entropy": [
        ("labels", lambda p: nn.categorical_cross_entropy(p, LABELS), [(PROBABILITY, (4, 3))]),
        (
            "rows",
            lambda p: nn.categorical_cross_entropy(p * ROWS_OF_PROBABILITIES, ONE_HOT),
            [(values(0.5, 1.5), (4, 3))],
        ),
    ],
    "leaky_relu": [("", lambda x: nn.leaky_relu(x, 0.1) * x, [(away_from_zero, (2, 3))])],
    "step": [("", lambda x: nn.step(x) * x * x, [(away_from_zero, (2, 3))])],
    "sign": [("", lambda x: nn.sign(x) * x * x, [(away_from_zero, (2, 3))])],
}

PARAMS = [
    pytest.param(name, fn, inputs, id=f"{name}-{case}" if case else name)
    for name, cases in CASES.items()
    for case, fn, inputs in cases
]


def _inputs(rng, inputs):
    return [make(rng, shape) for make, shape in inputs]


@pytest.mark.parametrize(("name", "fn", "inputs"), PARAMS)
def test_second_derivatives_match_finite_differences(name, fn, inputs, rng):
    arrays = _inputs(rng, inputs)
    assert al.gradcheck(fn, arrays) is True
    assert al.gradgradcheck(fn, arrays) is True


def _modules():
    """Every module of autograd_lite and nn, their subpackages' included (``__main__`` aside)."""
    for package in (al, nn):
        yield package
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not info.name.endswith(".__main__"):
                yield importlib.import_module(info.name)


def _primitives():
    """The op name of every ``@primitive`` defined in autograd_lite's and nn's modules."""
    names = set()
    for module in _modules():
        for _, member in inspect.getmembers(module):
            if callable(member) and hasattr(member, "forward_and_vjps"):
                names.add(member.op_name)
    return names


def _is_primitive_decorator(decorator):
    """Whether a decorator is ``primitive``, ``al.primitive`` or a call of either."""
    if isinstance(decorator, ast.Call):
        decorator = decorator.func
    name = (
        decorator.attr if isinstance(decorator, ast.Attribute) else getattr(decorator, "id", None)
    )
    return name == "primitive"


def test_every_primitive_has_a_second_derivative_check():
    missing = _primitives() - set(CASES)
    assert not missing, f"ops without a gradgradcheck entry in CASES: {sorted(missing)}"


def test_every_primitive_is_where_the_coverage_check_looks():
    """A ``@primitive`` written inside a function or a class would escape ``_primitives``: each
    one in the sources must be a top-level name of its module."""
    hidden = []
    for module in _modules():
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.FunctionDef) and any(
                _is_primitive_decorator(d) for d in node.decorator_list
            ):
                if not hasattr(getattr(module, node.name, None), "forward_and_vjps"):
                    hidden.append(f"{module.__name__}.{node.name} (line {node.lineno})")
    assert not hidden, f"@primitive ops not defined at module level: {hidden}"


def test_the_coverage_check_sees_every_family_of_ops():
    """The check reads modules, not only the names the packages gather: an op family's module
    that ``autograd_lite.ops`` forgot to import from would still be covered."""
    seen = {module.__name__ for module in _modules()}
    families = {
        f"autograd_lite.ops.{name}"
        for name in ("core", "elementwise", "reductions", "linalg", "shape", "conv")
    }
    assert families <= seen and {"nn.losses", "nn.activations", "nn.layers"} <= seen


# ---- gradgradcheck catches a wrong second derivative ----------------------------------------


@al.primitive
def _square_with_a_wrong_second_derivative(x):
    # The first derivative is right, but written with a constant copy of x, so that its own
    # derivative (the second derivative of x², which is 2) comes out as 0.
    constant = x.data if isinstance(x, al.Tensor) else x
    return x * x, (lambda g: 2 * g * constant,)


def test_gradgradcheck_catches_a_vjp_that_is_right_only_to_first_order(rng):
    x = rng.uniform(0.5, 1.5, (3,))
    assert al.gradcheck(_square_with_a_wrong_second_derivative, [x]) is True
    with pytest.raises(al.GradcheckError, match="input 0"):
        al.gradgradcheck(_square_with_a_wrong_second_derivative, [x])


def test_custom_primitive_written_with_operators_differentiates_twice(rng):
    @al.primitive
    def cube(x):
        return x**3, (lambda g: g * 3 * x**2,)

    x = rng.uniform(-1, 1, (4,))
    assert al.gradgradcheck(lambda t: cube(t).sum(), [x]) is True
    np.testing.assert_allclose(al.hessian(lambda t: cube(t).sum())(x), np.diag(6 * x))


def test_custom_primitive_with_numpy_only_code_says_why_it_cannot_go_twice():
    @al.primitive
    def numpy_sin(x):
        return np.sin(x), (lambda g: g * np.cos(x),)

    x = al.Tensor(np.array([0.3, 0.4]), requires_grad=True)
    y = numpy_sin(x).sum()
    y.backward()  # first order works on arrays
    np.testing.assert_allclose(x.grad, np.cos([0.3, 0.4]))
    with pytest.raises(RuntimeError, match="numpy_sin cannot be differentiated a second time"):
        numpy_sin(x).sum().backward(create_graph=True)
