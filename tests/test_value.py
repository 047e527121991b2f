"""Tests of the scalar engine ``autograd_lite.Value``.

The main check is independent of the engine's own bookkeeping: for every operation, and for
random expressions built from them, the gradients that ``backward()`` computes must match the
central finite differences of the forward values (see ``helpers.py``). Around that:

* micrograd's own sanity checks, with the numbers worked out by hand;
* what a second ``backward()`` does, and which nodes it marks;
* the graph each operation records (parents, op names, labels);
* a chain of a million operations (no recursion in the backward pass);
* the errors raised for inputs that have no real value or no gradient.
"""

from __future__ import annotations

import math
import random

import pytest
from helpers import assert_value_grads, numeric_grad_scalar
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_lite import Value, weighted_sum
from autograd_lite.graph import topological_order

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)


# ---- every operation against finite differences --------------------------------------------------

OPERATION_CASES = [
    # (build from a list of Values, inputs as floats)
    pytest.param(lambda v: v[0] + v[1], [1.5, -0.7], id="a + b"),
    pytest.param(lambda v: v[0] - v[1], [1.5, -0.7], id="a - b"),
    pytest.param(lambda v: v[0] * v[1], [1.5, -0.7], id="a * b"),
    pytest.param(lambda v: v[0] / v[1], [1.5, -0.7], id="a / b"),
    pytest.param(lambda v: v[0] * v[0], [-1.3], id="x * x (one input used twice)"),
    pytest.param(lambda v: 2 * v[0], [1.3], id="2 * x"),
    pytest.param(lambda v: v[0] * 2, [1.3], id="x * 2"),
    pytest.param(lambda v: 3 + v[0], [1.3], id="3 + x"),
    pytest.param(lambda v: v[0] + 3, [1.3], id="x + 3"),
    pytest.param(lambda v: 1 - v[0], [1.3], id="1 - x"),
    pytest.param(lambda v: v[0] - 1, [1.3], id="x - 1"),
    pytest.param(lambda v: 1 / v[0], [1.3], id="1 / x"),
    pytest.param(lambda v: v[0] / 2, [1.3], id="x / 2"),
    pytest.param(lambda v: v[0] ** 2, [-1.3], id="x ** 2"),
    pytest.param(lambda v: v[0] ** 3, [-1.3], id="x ** 3"),
    pytest.param(lambda v: v[0] ** -2, [-1.3], id="x ** -2"),
    pytest.param(lambda v: v[0] ** 0.5, [2.0], id="x ** 0.5"),
    pytest.param(lambda v: v[0] ** -1.5, [0.7], id="x ** -1.5"),
    pytest.param(lambda v: v[0] ** 2.0, [-1.3], id="negative x ** 2.0"),
    pytest.param(lambda v: v[0] ** v[1], [1.7, 0.6], id="a ** b (both gradients)"),
    pytest.param(lambda v: v[0] ** v[1], [0.4, -1.2], id="a ** b, negative exponent"),
    pytest.param(lambda v: 2 ** v[0], [0.8], id="2 ** x"),
    pytest.param(lambda v: -v[0], [1.3], id="-x"),
    pytest.param(lambda v: v[0].relu(), [0.7], id="relu, x > 0"),
    pytest.param(lambda v: v[0].relu(), [-0.7], id="relu, x < 0"),
    pytest.param(lambda v: v[0].tanh(), [0.4], id="tanh"),
    pytest.param(lambda v: v[0].tanh(), [-2.0], id="tanh, saturating"),
    pytest.param(lambda v: v[0].exp(), [1.2], id="exp"),
    pytest.param(lambda v: v[0].log(), [0.3], id="log"),
    pytest.param(lambda v: v[0].sigmoid(), [0.9], id="sigmoid, x > 0"),
    pytest.param(lambda v: v[0].sigmoid(), [-3.0], id="sigmoid, x < 0"),
]


@pytest.mark.parametrize(("build", "xs"), OPERATION_CASES)
def test_operation_gradient_matches_finite_differences(build, xs):
    assert_value_grads(build, xs)


FORWARD_CASES = [
    # (build from one Value, the same function on a float, the input)
    pytest.param(lambda v: v / 4, lambda x: x / 4, 1.3, id="x / 4"),
    pytest.param(lambda v: 4 / v, lambda x: 4 / x, 1.3, id="4 / x"),
    pytest.param(lambda v: 5 - v, lambda x: 5 - x, 1.3, id="5 - x"),
    pytest.param(lambda v: v**0.5, math.sqrt, 2.0, id="x ** 0.5"),
    pytest.param(lambda v: 2**v, lambda x: 2**x, 0.8, id="2 ** x"),
    pytest.param(lambda v: v.relu(), lambda x: max(0.0, x), -0.7, id="relu"),
    pytest.param(Value.tanh, math.tanh, 0.4, id="tanh"),
    pytest.param(Value.exp, math.exp, 1.2, id="exp"),
    pytest.param(Value.log, math.log, 0.3, id="log"),
    pytest.param(Value.sigmoid, lambda x: 1 / (1 + math.exp(-x)), -3.0, id="sigmoid"),
]


@pytest.mark.parametrize(("build", "reference", "x"), FORWARD_CASES)
def test_forward_value_matches_python_math(build, reference, x):
    assert build(Value(x)).data == pytest.approx(reference(x), rel=1e-12)


def test_power_zero_has_zero_gradient():
    x = Value(1.7)
    y = x**0
    y.backward()
    assert y.data == 1.0
    assert x.grad == 0.0


def test_relu_gradient_at_the_kink_is_zero():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


def test_power_of_zero_base_with_value_exponent_uses_the_limit():
    """0 ** b for b > 0: the exponent gradient 0^b · ln 0 is taken as its limit, 0."""
    a, b = Value(0.0), Value(2.0)
    (a**b).backward()
    assert (a.grad, b.grad) == (0.0, 0.0)


@pytest.mark.parametrize("x", [800.0, -800.0, 1e6, -1e6])
def test_sigmoid_of_large_inputs_does_not_overflow(x):
    v = Value(x)
    s = v.sigmoid()
    s.backward()
    assert 0.0 <= s.data <= 1.0
    assert s.data == (1.0 if x > 0 else 0.0)
    assert v.grad == 0.0


# ---- random expressions against finite differences -----------------------------------------------


def always(a, b):
    return True


# name: (the operation on Values a and b (unary ones ignore b), where it is safe on floats a, b).
# "Safe" keeps a margin from log of x <= 0, division by ~0, the relu kink and huge exponentials,
# so a finite-difference step of 1e-6 never crosses a point where the function is not smooth.
OPS = {
    "a + b": (lambda a, b: a + b, always),
    "a - b": (lambda a, b: a - b, always),
    "a * b": (lambda a, b: a * b, always),
    "a / b": (lambda a, b: a / b, lambda a, b: abs(b) > 0.2),
    "a ** b": (lambda a, b: a**b, lambda a, b: a > 0.2 and abs(b) < 3),
    "-a": (lambda a, b: -a, always),
    "3 - a": (lambda a, b: 3 - a, always),
    "0.5 * a": (lambda a, b: 0.5 * a, always),
    "1 / a": (lambda a, b: 1 / a, lambda a, b: abs(a) > 0.2),
    "a ** 2": (lambda a, b: a**2, always),
    "a ** 3": (lambda a, b: a**3, always),
    "a ** 0.5": (lambda a, b: a**0.5, lambda a, b: a > 0.2),
    "a ** -1.5": (lambda a, b: a**-1.5, lambda a, b: a > 0.2),
    "2 ** a": (lambda a, b: 2**a, lambda a, b: abs(a) < 4),
    "relu": (lambda a, b: a.relu(), lambda a, b: abs(a) > 0.05),
    "tanh": (lambda a, b: a.tanh(), always),
    "sigmoid": (lambda a, b: a.sigmoid(), always),
    "exp": (lambda a, b: a.exp(), lambda a, b: a < 3),
    "log": (lambda a, b: a.log(), lambda a, b: a > 0.2),
}


@st.composite
def programs(draw):
    """A random straight-line program: inputs, then steps that each apply an op to earlier results.

    Any earlier result may be used again, so the graph is a DAG with shared nodes (which is what
    makes gradient accumulation matter). A step whose op is not safe on its operands, or whose
    result exceeds 100 in size, is left out. Returns (input floats, [(op name, i, j), ...]).
    """
    xs = draw(st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=3))
    values = list(xs)
    steps = []
    for _ in range(draw(st.integers(1, 12))):
        name = draw(st.sampled_from(sorted(OPS)))
        i = draw(st.integers(0, len(values) - 1))
        j = draw(st.integers(0, len(values) - 1))
        operation, is_safe = OPS[name]
        if not is_safe(values[i], values[j]):
            continue
        result = operation(Value(values[i]), Value(values[j])).data
        if abs(result) > 100:
            continue
        steps.append((name, i, j))
        values.append(result)
    assume(steps)
    return xs, steps


def run_program(steps, inputs):
    """Replay ``steps`` on a list of Values; the last result is the output."""
    results = list(inputs)
    for name, i, j in steps:
        operation, _ = OPS[name]
        results.append(operation(results[i], results[j]))
    return results[-1]


@PROPERTY_SETTINGS
@given(programs())
def test_random_expression_gradients_match_finite_differences(program):
    xs, steps = program
    assert_value_grads(lambda inputs: run_program(steps, inputs), xs, atol=1e-5, rtol=1e-4)


@PROPERTY_SETTINGS
@given(programs())
def test_random_expression_second_backward_doubles_input_gradients(program):
    xs, steps = program
    inputs = [Value(x) for x in xs]
    out = run_program(steps, inputs)
    out.backward()
    first = [v.grad for v in inputs]
    out.backward()
    # A leaf adds several contributions in each pass; where they cancel, rounding differs
    # between 0 + c1 + c2 and g + c1 + c2, so allow an absolute error at rounding level.
    for grad, once in zip((v.grad for v in inputs), first):
        assert grad == pytest.approx(2 * once, rel=1e-12, abs=1e-12)


@PROPERTY_SETTINGS
@given(st.sampled_from(sorted(OPS)), st.floats(-3.0, 3.0), st.floats(-3.0, 3.0))
def test_each_op_matches_finite_differences_at_random_points(name, a, b):
    operation, is_safe = OPS[name]
    assume(is_safe(a, b))
    assert_value_grads(lambda v: operation(v[0], v[1]), [a, b], atol=1e-5, rtol=1e-4)


# ---- micrograd compatibility ---------------------------------------------------------------------


def micrograd_sanity_check(x):
    """The program of micrograd's test_sanity_check."""
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    return y


def test_micrograd_sanity_check():
    """At x = -4: z = 3x + 2 = -10 < 0, so q = zx and y = z² + zx + zx²; y = -20.

    dy/dx = 6z + (6x + 2) + (9x² + 4x) = -60 - 22 + 128 = 46, PyTorch's value too.
    """
    x = Value(-4.0)
    y = micrograd_sanity_check(x)
    y.backward()
    assert y.data == pytest.approx(-20.0, abs=1e-12)
    assert x.grad == pytest.approx(46.0, abs=1e-12)
    assert_value_grads(lambda v: micrograd_sanity_check(v[0]), [-4.0])


def micrograd_more_ops(a, b):
    """The program of micrograd's test_more_ops, written as there."""
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def more_ops_by_hand(a, b):
    """g, ∂g/∂a, ∂g/∂b of ``micrograd_more_ops`` on floats, derived by hand.

    Where a + b < 0 < b - a, relu(a + b) = 0 and relu(b - a) = b - a, so
    c = 3a + 4b + 3, d = 12ab + 12b³ + b - a, e = c - d = 4a + 3b + 3 - 12ab - 12b³,
    f = e², g = f/2 + 10/f, and by the chain rule ∂g/∂x = (1/2 - 10/f²) · 2e · ∂e/∂x with
    ∂e/∂a = 4 - 12b, ∂e/∂b = 3 - 12a - 36b².
    """
    assert a + b < 0 < b - a
    e = 4 * a + 3 * b + 3 - 12 * a * b - 12 * b**3
    f = e**2
    dg_de = (0.5 - 10 / f**2) * 2 * e
    return f / 2 + 10 / f, dg_de * (4 - 12 * b), dg_de * (3 - 12 * a - 36 * b**2)


def test_micrograd_more_ops():
    a, b = Value(-4.0), Value(2.0)
    g = micrograd_more_ops(a, b)
    g.backward()

    g_ref, a_grad_ref, b_grad_ref = more_ops_by_hand(-4.0, 2.0)
    assert g.data == pytest.approx(g_ref, abs=1e-9)
    assert a.grad == pytest.approx(a_grad_ref, abs=1e-9)
    assert b.grad == pytest.approx(b_grad_ref, abs=1e-9)

    # micrograd's own reference numbers (which it takes from PyTorch)
    assert g.data == pytest.approx(24.70408163265306, abs=1e-6)
    assert a.grad == pytest.approx(138.83381924198252, abs=1e-6)
    assert b.grad == pytest.approx(645.5772594752186, abs=1e-6)

    assert_value_grads(lambda v: micrograd_more_ops(*v), [-4.0, 2.0])


@pytest.mark.parametrize(("a", "b"), [(-1.5, 0.5), (-0.3, 0.1), (-2.0, 1.5)])
def test_micrograd_more_ops_elsewhere_matches_hand_derivation(a, b):
    va, vb = Value(a), Value(b)
    g = micrograd_more_ops(va, vb)
    g.backward()
    assert (g.data, va.grad, vb.grad) == pytest.approx(more_ops_by_hand(a, b), rel=1e-9)


def test_micrograd_style_mlp_training_decreases_the_loss():
    """A tiny MLP written as in micrograd's nn.py, trained by plain gradient descent."""
    rng = random.Random(1337)

    class Neuron:
        def __init__(self, nin, nonlin=True):
            self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]
            self.b = Value(0)
            self.nonlin = nonlin

        def __call__(self, x):
            act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
            return act.tanh() if self.nonlin else act

        def parameters(self):
            return self.w + [self.b]

    class Layer:
        def __init__(self, nin, nout, **kwargs):
            self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

        def __call__(self, x):
            out = [n(x) for n in self.neurons]
            return out[0] if len(out) == 1 else out

        def parameters(self):
            return [p for n in self.neurons for p in n.parameters()]

    class MLP:
        def __init__(self, nin, nouts):
            sizes = [nin] + nouts
            self.layers = [
                Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))
            ]

        def __call__(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

        def parameters(self):
            return [p for layer in self.layers for p in layer.parameters()]

    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    model = MLP(3, [4, 4, 1])

    losses = []
    for _ in range(20):
        predictions = [model(x) for x in xs]
        loss = sum((yp - yt) ** 2 for yp, yt in zip(predictions, ys))
        for p in model.parameters():
            p.grad = 0
        loss.backward()
        for p in model.parameters():
            p.data += -0.05 * p.grad
        losses.append(loss.data)

    assert all(p.has_grad for p in model.parameters())
    assert losses[-1] < 0.5 * losses[0]
    assert sum(later < earlier for earlier, later in zip(losses, losses[1:])) >= 15


# ---- backward semantics --------------------------------------------------------------------------


def deep_reuse_chain(x, steps=50):
    """y ← y·x + x, 50 times: x feeds every step, so the graph has many paths from y to x."""
    y = x
    for _ in range(steps):
        y = y * x + x
    return y


def test_second_backward_adds_the_same_leaf_gradient_again():
    """micrograd would over-count here: its inner nodes keep the first pass's gradient."""
    x = Value(0.9)
    y = deep_reuse_chain(x)
    y.backward()
    once = x.grad
    [slope] = numeric_grad_scalar(lambda v: deep_reuse_chain(v[0]), [0.9])
    assert once == pytest.approx(slope, rel=1e-5)
    y.backward()
    assert x.grad == pytest.approx(2 * once, rel=1e-12)


def test_inner_nodes_hold_only_this_passes_gradient():
    x = Value(0.9)
    y = deep_reuse_chain(x)
    inner = [node for node in topological_order(y) if node._prev]
    y.backward()
    first = [node.grad for node in inner]
    y.backward()
    assert [node.grad for node in inner] == first
    assert y.grad == 1.0


def _depth_first_order(*roots):
    """The order ``topological_order`` promises, written recursively: each node after its
    parents, visited first to last."""
    order, seen = [], set()

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node._prev:
            visit(parent)
        order.append(node)

    for root in roots:
        visit(root)
    return order


class _Node:
    def __init__(self, *parents):
        self._prev = parents


def test_topological_order_is_the_depth_first_order_on_random_graphs():
    rng = random.Random(3)
    for _ in range(300):
        nodes = []
        for _ in range(rng.randint(1, 25)):
            count = rng.randint(0, min(4, len(nodes)))
            nodes.append(_Node(*rng.choices(nodes, k=count)))  # repeats allowed, as in x * x
        roots = rng.sample(nodes, rng.randint(1, min(3, len(nodes))))
        assert [id(n) for n in topological_order(*roots)] == [
            id(n) for n in _depth_first_order(*roots)
        ]


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda b: (b + 1.0) * b, id="the second parent made the first"),
        pytest.param(lambda b: b * (b + 1.0), id="the first parent made the second"),
        pytest.param(lambda b: ((b * b).tanh() + b) * (b * b).exp(), id="shared inner nodes"),
    ],
)
def test_backward_visits_a_node_after_every_node_that_uses_it(build):
    assert_value_grads(lambda v: build(v[0] * 2.0), [0.7])  # b: an inner node, used twice


def test_has_grad_is_set_on_every_reached_node_only():
    a, b = Value(1.5), Value(-0.5)
    unused = Value(3.0)
    out = (a * b + a).tanh()
    nodes = topological_order(out)
    assert not any(node.has_grad for node in nodes)
    out.backward()
    assert all(node.has_grad for node in nodes)
    assert not unused.has_grad


def test_backward_on_a_leaf_gives_gradient_one():
    x = Value(3.0)
    assert x.grad == 0.0 and not x.has_grad
    x.backward()
    assert x.grad == 1.0 and x.has_grad
    x.backward()  # a leaf accumulates, like every input
    assert x.grad == 2.0


def test_input_not_used_by_the_output_keeps_gradient_zero():
    a, b = Value(2.0), Value(5.0)
    (a * a).backward()
    assert b.grad == 0.0


# ---- the recorded graph --------------------------------------------------------------------------


def test_parents_are_recorded_by_identity():
    a, b = Value(2.0), Value(3.0)
    assert (a + b)._prev[0] is a and (a + b)._prev[1] is b
    assert (a * b)._prev[0] is a and (a * b)._prev[1] is b
    assert a.tanh()._prev == (a,) and a.tanh()._prev[0] is a
    assert a._prev == ()


def test_numbers_become_constant_parents():
    a = Value(2.0)
    parents = (a * 3)._prev
    assert parents[0] is a
    assert isinstance(parents[1], Value) and parents[1].data == 3.0


@pytest.mark.parametrize(
    ("build", "op"),
    [
        (lambda a, b: a + b, "+"),
        (lambda a, b: a * b, "*"),
        (lambda a, b: a.tanh(), "tanh"),
        (lambda a, b: a.relu(), "ReLU"),
        (lambda a, b: a.exp(), "exp"),
        (lambda a, b: a.log(), "log"),
        (lambda a, b: a.sigmoid(), "sigmoid"),
        (lambda a, b: a**2, "**2"),
        (lambda a, b: a**0.5, "**0.5"),
        (lambda a, b: a**-1, "**-1"),
        (lambda a, b: a**b, "**"),
        (lambda a, b: a, ""),
    ],
)
def test_op_names(build, op):
    assert build(Value(2.0), Value(3.0))._op == op


def test_label_is_stored():
    assert Value(1.0, label="weight").label == "weight"
    assert Value(1.0).label == ""


def test_values_hash_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert len({a, b, a}) == 2
    assert a in {a} and b not in {a}
    assert hash(a) == hash(a)
    assert a != b


# ---- a very long chain ---------------------------------------------------------------------------


def test_million_operation_chain_backpropagates_without_recursion():
    """y = x · k^n built one multiplication at a time, so dy/dx = k^n (about e^0.1 here)."""
    k, n = 1.0000001, 1_000_000
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * k
    y.backward()
    assert x.grad == pytest.approx(k**n, rel=1e-9)
    assert y.data == pytest.approx(k**n, rel=1e-9)


# ---- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "type_name"), [("a", "str"), (None, "NoneType"), ([1.0], "list")])
def test_value_of_a_non_number_raises_type_error(data, type_name):
    with pytest.raises(TypeError, match=type_name):
        Value(data)


@pytest.mark.parametrize("exponent", ["2", None, [2]])
def test_non_number_exponent_raises_type_error(exponent):
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** exponent


@pytest.mark.parametrize("exponent", [0.5, Value(1 / 3)])
def test_negative_base_with_fractional_exponent_raises_value_error(exponent):
    with pytest.raises(ValueError, match="not a real number"):
        Value(-8.0) ** exponent


@pytest.mark.parametrize("x", [-1.0, 0.0])
def test_log_of_non_positive_raises_value_error(x):
    with pytest.raises(ValueError, match="positive"):
        Value(x).log()


@pytest.mark.parametrize(("base", "exponent"), [(-2.0, 2.0), (-2.0, 3.0), (0.0, 0.0)])
def test_exponent_gradient_needs_a_positive_base(base, exponent):
    with pytest.raises(ValueError, match="positive base"):
        Value(base) ** Value(exponent)


def test_square_root_at_zero_has_an_infinite_slope():
    x = Value(0.0)
    y = x**0.5
    y.backward()
    assert y.data == 0.0
    assert x.grad == math.inf


def test_bool_exponent_counts_as_a_number_like_bool_data():
    assert (Value(3.0) ** True).data == 3.0


# ---- weighted_sum: the lecture's j̄ = Σ_i w_i·x_i + β as one node -----------------------------


def test_weighted_sum_gradients_match_finite_differences():
    xs = [0.5, -1.5, 2.0, 0.3, -0.7, 0.2]  # w0, w1, w2, x0, x1, β

    def build(v):
        return weighted_sum(v[0:3], [v[3], v[4], v[3] * v[4]], v[5]).tanh()

    assert_value_grads(build, xs)


def test_weighted_sum_equals_the_chain_of_binary_ops_it_replaces():
    w = [Value(0.5), Value(-1.5), Value(2.0)]
    x = [Value(1.0), Value(0.25), Value(-3.0)]
    bias = Value(0.1)
    node = weighted_sum(w, x, bias)
    node.backward()
    assert node.data == pytest.approx(0.1 + 0.5 * 1.0 - 1.5 * 0.25 - 2.0 * 3.0)
    assert [v.grad for v in w] == [1.0, 0.25, -3.0]  # ∂j̄/∂w_i = x_i
    assert [v.grad for v in x] == [0.5, -1.5, 2.0]  # ∂j̄/∂x_i = w_i
    assert bias.grad == 1.0
    assert node._op == "Σw·x+β"
    assert {id(p) for p in node._prev} == {id(v) for v in w + x + [bias]}


def test_weighted_sum_adds_up_a_value_used_as_weight_and_input():
    a = Value(3.0)
    out = weighted_sum([a, Value(2.0)], [a, a])  # a² + 2a
    out.backward()
    assert out.data == 15.0
    assert a.grad == 2 * 3.0 + 2.0


def test_weighted_sum_second_backward_adds_the_same_gradients_again():
    w, x = [Value(0.5), Value(-2.0)], [Value(1.5), Value(4.0)]
    out = weighted_sum(w, x, 1.0).sigmoid()
    out.backward()
    first = [v.grad for v in w + x]
    out.backward()
    assert [v.grad for v in w + x] == [2 * g for g in first]


def test_weighted_sum_needs_one_weight_per_input():
    with pytest.raises(ValueError, match="one weight per input: got 2 weights and 3 inputs"):
        weighted_sum([1.0, 2.0], [1.0, 2.0, 3.0])
