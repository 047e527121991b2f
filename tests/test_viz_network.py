"""viz.draw_network and viz.trace_network: the engine's numbers, checked against the lecture's
formulas and against central finite differences (no Graphviz needed).

The lecture's notation, for neuron j with inputs i:
    j̄ = Σ_i i·W_{i,j} + β_j,  j = s(j̄);   ∂z/∂j̄ = ∂z/∂j · s′(j̄),  ∂z/∂W_{i,j} = ∂z/∂j̄ · i,
    ∂z/∂β_j = ∂z/∂j̄,  ∂z/∂i = Σ_j ∂z/∂j̄ · W_{i,j}.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import nn
from autograd_lite import Tensor, no_grad
from viz import Drawing, draw_network, trace_network
from viz.lecture import lecture_network
from viz.names import name_neurons


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def make_model(sizes, activations, seed=0):
    """A float64 Sequential of Dense layers with seeded N(0, 1) weights."""
    rng = np.random.default_rng(seed)
    layers = []
    for n_in, n_out, act in zip(sizes[:-1], sizes[1:], activations):
        layer = nn.Dense(n_out, activation=act, input_shape=(n_in,), dtype=np.float64)
        layer.weight.data[...] = rng.normal(0, 1, (n_out, n_in))
        layer.bias.data[...] = rng.normal(0, 0.5, n_out)
        layers.append(layer)
    return nn.Sequential(layers)


def lecture_formulas(weights, biases, x):
    """The lecture's forward and backward pass in NumPy, for sigmoid layers and z = output."""
    values, pres = [np.asarray(x, dtype=float)], []
    for W, b in zip(weights, biases):
        pres.append(W @ values[-1] + b)  # j̄ = Σ_i i·W_{i,j} + β_j
        values.append(sigmoid(pres[-1]))  # j = s(j̄)
    deltas = [None] * len(values)
    delta_bars = [None] * len(values)
    grad_W, grad_b = [None] * len(weights), [None] * len(weights)
    deltas[-1] = np.ones(1)  # ∂z/∂z = 1
    for layer in range(len(weights), 0, -1):
        s = values[layer]
        delta_bars[layer] = deltas[layer] * s * (1 - s)  # ∂z/∂j̄ = ∂z/∂j·s′(j̄)
        grad_W[layer - 1] = np.outer(delta_bars[layer], values[layer - 1])  # ∂z/∂j̄ · i
        grad_b[layer - 1] = delta_bars[layer].copy()  # ∂z/∂β_j = ∂z/∂j̄
        deltas[layer - 1] = weights[layer - 1].T @ delta_bars[layer]  # Σ_j ∂z/∂j̄ · W_{i,j}
    return values, pres, deltas, delta_bars, grad_W, grad_b


def output_of(model, x, loss=None, y=None):
    with no_grad():
        out = model(Tensor(np.asarray(x, dtype=float).reshape(1, -1)))
        if loss is not None:
            out = nn.losses.get(loss)(out, np.asarray([[y]]))
    return float(out.data.reshape(-1)[0])


def central_difference(f, array, index, eps=1e-6):
    original = array[index]
    array[index] = original + eps
    plus = f()
    array[index] = original - eps
    minus = f()
    array[index] = original
    return (plus - minus) / (2 * eps)


# ---- names -------------------------------------------------------------------------------------


def test_lecture_names_a_to_z():
    names = name_neurons([2, 3, 3, 1])
    assert names.lettered
    assert names.neurons == (("a", "b"), ("c", "d", "e"), ("f", "g", "h"), ("z",))
    assert names.weight(1, 0, 2) == "W_{c,h}"
    assert names.bias(2, 2) == "β_h"
    assert names.bar(3, 0) == "~z"


def test_names_without_a_single_output_keep_lettering():
    names = name_neurons([2, 3, 2])
    assert names.neurons == (("a", "b"), ("c", "d", "e"), ("f", "g"))


def test_letters_run_out_after_y_then_subscripts():
    assert name_neurons([10, 10, 5, 1]).lettered  # 25 letters a..y, then z
    names = name_neurons([10, 10, 6, 1])
    assert not names.lettered
    assert names.neuron(0, 0) == "v_{0,1}"
    assert names.neuron(3, 0) == "v_{3,1}"
    assert names.bar(1, 1) == "~v_{1,2}"
    assert names.weight(0, 2, 4) == "W_{0}[5,3]"  # row: the neuron of layer 1, column: input
    assert names.bias(1, 4) == "β_{1,5}"


# ---- the engine's numbers ----------------------------------------------------------------------


def test_numbers_match_the_lecture_formulas():
    model, x = lecture_network()
    trace = trace_network(model, x)
    weights = [layer.weight.data for layer in model.layers]
    biases = [layer.bias.data for layer in model.layers]
    values, pres, deltas, delta_bars, grad_W, grad_b = lecture_formulas(weights, biases, x)
    assert trace.value == pytest.approx(values[-1][0], abs=1e-12)
    np.testing.assert_allclose(trace.grad_x, deltas[0], atol=1e-12)
    for layer, t in enumerate(trace.layers, start=1):
        np.testing.assert_allclose(t.pre, pres[layer - 1], atol=1e-12)
        np.testing.assert_allclose(t.post, values[layer], atol=1e-12)
        np.testing.assert_allclose(t.grad_post, deltas[layer], atol=1e-12)
        np.testing.assert_allclose(t.grad_pre, delta_bars[layer], atol=1e-12)
        np.testing.assert_allclose(t.grad_weight, grad_W[layer - 1], atol=1e-12)
        np.testing.assert_allclose(t.grad_bias, grad_b[layer - 1], atol=1e-12)


def test_parameter_gradients_match_finite_differences():
    model, x = lecture_network()
    trace = trace_network(model, x)
    for layer, t in zip(model.layers, trace.layers):
        W, b = layer.weight.data, layer.bias.data
        for index in np.ndindex(W.shape):
            numeric = central_difference(lambda: output_of(model, x), W, index)
            assert t.grad_weight[index] == pytest.approx(numeric, abs=1e-8)
        for index in np.ndindex(b.shape):
            numeric = central_difference(lambda: output_of(model, x), b, index)
            assert t.grad_bias[index] == pytest.approx(numeric, abs=1e-8)
    x = np.array(x, dtype=float)
    for k in range(x.size):
        numeric = central_difference(lambda: output_of(model, x), x, k)
        assert trace.grad_x[k] == pytest.approx(numeric, abs=1e-8)


def test_node_gradients_match_finite_differences():
    """∂z/∂j and ∂z/∂j̄ by nudging a neuron's value and running the rest of the network."""
    model, x = lecture_network()
    trace = trace_network(model, x)
    weights = [layer.weight.data for layer in model.layers]
    biases = [layer.bias.data for layer in model.layers]

    def rest(start, v):  # the network from layer `start` on, given the values of start - 1
        for W, b in zip(weights[start:], biases[start:]):
            v = sigmoid(W @ v + b)
        return v[0]

    for layer, t in enumerate(trace.layers, start=1):
        for k in range(t.units):
            post, pre = t.post.copy(), t.pre.copy()
            numeric = central_difference(lambda n=layer, v=post: rest(n, v), post, k)
            assert t.grad_post[k] == pytest.approx(numeric, abs=1e-8)
            numeric = central_difference(lambda n=layer, v=pre: rest(n, sigmoid(v)), pre, k)
            assert t.grad_pre[k] == pytest.approx(numeric, abs=1e-8)


def test_loss_gradients_match_finite_differences():
    model, x = lecture_network()
    trace = trace_network(model, x, y=1.0, loss="binary_crossentropy")
    assert trace.symbol == "L"
    assert trace.value == pytest.approx(output_of(model, x, "binary_crossentropy", 1.0))
    z = trace.layers[-1].post[0]
    assert trace.layers[-1].grad_post[0] == pytest.approx(-1.0 / z)  # ∂L/∂z = -y/z for y = 1
    W = model.layers[0].weight.data
    numeric = central_difference(lambda: output_of(model, x, "binary_crossentropy", 1.0), W, (1, 0))
    assert trace.layers[0].grad_weight[1, 0] == pytest.approx(numeric, abs=1e-7)


def test_a_loss_may_be_a_function():
    model, x = lecture_network()

    def squared(prediction, target):
        return ((prediction - target) ** 2).sum()

    trace = trace_network(model, x, y=0.25, loss=squared)
    z = trace.layers[-1].post[0]
    assert trace.value == pytest.approx((z - 0.25) ** 2)
    assert trace.layers[-1].grad_post[0] == pytest.approx(2 * (z - 0.25))


def test_other_activations_follow_the_chain_rule():
    model = make_model([3, 4, 2, 1], ["relu", "tanh", None], seed=3)
    x = [0.3, -0.7, 1.1]
    trace = trace_network(model, x)
    relu, tanh, linear = trace.layers
    assert linear.activation == "linear"
    np.testing.assert_allclose(relu.grad_pre, relu.grad_post * (relu.pre > 0))
    np.testing.assert_allclose(tanh.grad_pre, tanh.grad_post * (1 - tanh.post**2))
    np.testing.assert_allclose(linear.grad_pre, linear.grad_post)
    W = model.layers[1].weight.data
    numeric = central_difference(lambda: output_of(model, x), W, (1, 2))
    assert tanh.grad_weight[1, 2] == pytest.approx(numeric, abs=1e-8)


def test_the_model_is_left_as_it_was():
    model, x = lecture_network()
    layer = model.layers[1]
    layer.weight.grad = np.full(layer.weight.shape, 7.0)
    trace_network(model, x)
    draw_network(model, x)
    assert all(not layer.keep_activations for layer in model.layers)
    np.testing.assert_array_equal(layer.weight.grad, 7.0)
    assert model.layers[0].weight.grad is None


def test_tracing_leaves_nothing_on_the_layers():
    model, x = lecture_network()
    before = [set(vars(layer)) for layer in model.layers]
    trace_network(model, x)
    draw_network(model, x, y=1, loss="binary_crossentropy")
    assert [set(vars(layer)) for layer in model.layers] == before
    assert all(not layer._activation_records for layer in model.layers)


def test_errors_say_what_is_wrong():
    model, x = lecture_network()
    with pytest.raises(ValueError, match="one example"):
        trace_network(model, np.ones((2, 2)))
    with pytest.raises(ValueError, match="y="):
        trace_network(model, x, loss="mse")
    wide = make_model([2, 3, 2], ["sigmoid", "sigmoid"])
    with pytest.raises(ValueError, match="2 outputs"):
        trace_network(wide, x)
    with pytest.raises(TypeError, match="Dropout"):
        trace_network(nn.Sequential([nn.Dense(2, input_shape=(2,)), nn.Dropout(0.5)]), x)


# ---- the drawing -------------------------------------------------------------------------------


def numbers_in(source):
    return set(re.findall(r"-?\d+\.\d{4}(?!\d)", source))


def test_drawing_shows_the_engines_numbers():
    model, x = lecture_network()
    drawing = draw_network(model, x)
    assert isinstance(drawing, Drawing)
    source = drawing.source
    trace = trace_network(model, x)
    shown = numbers_in(source)
    for t in trace.layers:
        for array in (
            t.pre,
            t.post,
            t.bias,
            t.grad_post,
            t.grad_pre,
            t.grad_bias,
            t.weight.reshape(-1),
            t.grad_weight.reshape(-1),
        ):
            for value in array:
                assert f"{value:.4f}" in shown
    for value in trace.grad_x:
        assert f"{value:.4f}" in shown
    assert "z = the output" in source


def test_one_rank_per_layer_in_the_lectures_order():
    model, x = lecture_network()
    source = draw_network(model, x).source
    for layer, count in enumerate((2, 3, 3, 1)):
        block = re.search(rf"subgraph layer{layer} \{{(.*?)\n\t\}}", source, flags=re.S).group(1)
        assert "rank=same" in block
        nodes = re.findall(r"^\s*(L\d+n\d+) \[", block, flags=re.M)
        assert nodes == [f"L{layer}n{k}" for k in range(count)]
    # the neurons are drawn top to bottom as a, b / c, d, e / ...: invisible edges keep it
    assert "L1n0 -> L1n1 [style=invis]" in source


def test_neuron_shows_every_quantity_in_its_own_cell():
    model, x = lecture_network()
    source = draw_network(model, x).source
    # h̄ (bar cell), h, β_h (subscript cell), ∂z/∂h, ∂z/∂h̄, ∂z/∂β_h
    assert re.search(r'<TD BORDER="1" SIDES="T"[^>]*><FONT[^>]*>h</FONT></TD>', source)
    assert re.search(r'VALIGN="BOTTOM"[^>]*><FONT POINT-SIZE="10.1"[^>]*>h</FONT>', source)
    assert source.count(">∂z/∂h =</FONT>") == 1
    assert "DejaVu Sans" in source


def test_toggles():
    model, x = lecture_network()
    full = draw_network(model, x).source
    assert "∂z/∂W" in full and ">β</FONT>" in full
    no_backward = draw_network(model, x, backward=False).source
    assert ">∂z/∂" not in no_backward  # (the title still says what ∂z/∂· means)
    no_forward = draw_network(model, x, forward=False).source
    assert ">β</FONT>" not in no_forward and "∂z/∂W" in no_forward
    no_edge_grads = draw_network(model, x, edge_grads=False).source
    assert "∂z/∂W" not in no_edge_grads and "∂z/∂β" in no_edge_grads


def test_edge_colour_for_sign_and_width_for_size():
    model, x = lecture_network()
    source = draw_network(model, x).source
    trace = trace_network(model, x)
    W = trace.layers[0].weight
    edges = dict(re.findall(r"(L0n\d+ -> L1n\d+) \[[^\n]*?color=\"(#[0-9a-f]{6})\"", source))
    widths = dict(re.findall(r"(L0n\d+ -> L1n\d+) \[[^\n]*?penwidth=([\d.]+)", source))
    for m in range(W.shape[0]):
        for k in range(W.shape[1]):
            key = f"L0n{k} -> L1n{m}"
            assert edges[key] == ("#2166ac" if W[m, k] >= 0 else "#d6604d")
    order = sorted(
        (abs(W[m, k]), float(widths[f"L0n{k} -> L1n{m}"])) for m in range(3) for k in range(2)
    )
    assert [w for _, w in order] == sorted(w for _, w in order)


def test_title_says_what_z_is():
    model, x = lecture_network()
    assert "z = the output" in draw_network(model, x).source
    source = draw_network(model, x, y=1, loss="binary_crossentropy").source
    assert "L = binary_crossentropy(z, y = 1)" in source
    assert "∂L/∂· is the derivative of this loss" in source
    assert "∂L/∂" in source and ">∂z/∂" not in source
    assert "loss [label=" in source


def test_deterministic_and_configurable():
    model, x = lecture_network()
    again, _ = lecture_network()
    assert draw_network(model, x).source == draw_network(again, x).source
    assert "0.712" in draw_network(model, x, digits=3).source  # z = 0.7118...
    assert "fontname=Helvetica" in draw_network(model, x, font="Helvetica").source


def test_subscripted_names_for_a_large_network():
    model = make_model([10, 10, 6, 1], ["tanh", "tanh", "sigmoid"], seed=1)
    source = draw_network(model, np.linspace(-1, 1, 10)).source
    assert 'SIDES="T"' in source  # v̄ has its bar
    assert ">1,1</FONT>" in source  # v_{1,1}
    assert "layer 1: tanh" in source
