"""viz.backprop_steps: the steps in the lecture's order with their formulas, the linear-algebra
view (without the lecture's two slips) and frames of one layout (no Graphviz needed)."""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np
import pytest

import nn
from viz import BackpropSteps, backprop_steps, labels, layer_vectors, trace_network
from viz.lecture import lecture_network
from viz.linalg import panel_notes


def nfc(text):
    return unicodedata.normalize("NFC", text)


@pytest.fixture(scope="module")
def lecture_steps():
    model, x = lecture_network()
    return backprop_steps(model, x)


def targets(steps):
    return [labels.plain(step.symbol) for step in steps]


def test_forward_then_backward_in_lecture_order(lecture_steps):
    assert isinstance(lecture_steps, BackpropSteps)
    forward = [labels.plain(s.symbol) for s in lecture_steps if s.phase == "forward"]
    # "c̄, d̄, ē, c, d, e, f̄, ḡ, h̄, f, g, h, z̄, z" (the lecture's forward pass)
    assert forward == [nfc(t) for t in "c̄ d̄ ē c d e f̄ ḡ h̄ f g h z̄ z".split()]
    backward = [labels.plain(s.symbol) for s in lecture_steps if s.phase == "backward"]
    expected = [
        "∂z/∂z",
        "∂z/∂z̄",
        "∂z/∂β_z",
        "∂z/∂W_{f,z}",
        "∂z/∂W_{g,z}",
        "∂z/∂W_{h,z}",
        "∂z/∂f",
        "∂z/∂g",
        "∂z/∂h",
        "∂z/∂f̄",
        "∂z/∂ḡ",
        "∂z/∂h̄",
    ]
    for j in "fgh":
        expected += [f"∂z/∂β_{j}"] + [f"∂z/∂W_{{{i},{j}}}" for i in "cde"]
    expected += ["∂z/∂c", "∂z/∂d", "∂z/∂e", "∂z/∂c̄", "∂z/∂d̄", "∂z/∂ē"]
    for j in "cde":
        expected += [f"∂z/∂β_{j}"] + [f"∂z/∂W_{{{i},{j}}}" for i in "ab"]
    expected += ["∂z/∂a", "∂z/∂b"]
    assert backward == [nfc(t) for t in expected]
    assert [s.number for s in lecture_steps] == list(range(1, 56))
    assert len(lecture_steps) == 55


def test_formulas_in_symbols(lecture_steps):
    by_target = {labels.plain(s.symbol): labels.plain(s.formula) for s in lecture_steps}
    assert by_target[nfc("h̄")] == "c·W_{c,h} + d·W_{d,h} + e·W_{e,h} + β_h"
    assert by_target["h"] == nfc("s(h̄)")
    assert by_target["∂z/∂z"] == "1"
    assert by_target[nfc("∂z/∂z̄")] == nfc("∂z/∂z · s′(z̄)")
    assert by_target[nfc("∂z/∂h̄")] == nfc("∂z/∂h · s′(h̄)")
    assert by_target["∂z/∂β_h"] == nfc("∂z/∂h̄ · 1")
    assert by_target["∂z/∂W_{c,h}"] == nfc("∂z/∂h̄ · c")
    assert by_target["∂z/∂W_{f,z}"] == nfc("∂z/∂z̄ · f")
    assert by_target["∂z/∂c"] == nfc("∂z/∂f̄·W_{c,f} + ∂z/∂ḡ·W_{c,g} + ∂z/∂h̄·W_{c,h}")
    sigmoid_note = next(s.note for s in lecture_steps if labels.plain(s.symbol) == nfc("∂z/∂h̄"))
    assert labels.plain(sigmoid_note).startswith(nfc("for sigmoid, s′(h̄) = h·(1 − h) = "))


def evaluate(numbers):
    """The arithmetic of a step's 'numbers' line, in Python."""
    text = labels.plain(numbers).replace("·", "*").replace("−", "-")
    text = re.sub(r"\bs\(", "sigmoid(", text)
    return eval(text, {"sigmoid": lambda v: 1 / (1 + math.exp(-v))})  # noqa: S307


def test_numbers_in_each_formula_give_the_engines_value(lecture_steps):
    for step in lecture_steps:
        if not step.numbers:
            assert step.formula == "1" and step.value == 1.0
            continue
        assert evaluate(step.numbers) == pytest.approx(step.value, abs=2e-3), step.text()


def test_values_are_the_engines_own(lecture_steps):
    trace = lecture_steps.trace
    by_target = {labels.plain(s.symbol): s.value for s in lecture_steps}
    assert by_target["z"] == trace.value
    assert by_target[nfc("∂z/∂h̄")] == trace.layers[1].grad_pre[2]
    assert by_target["∂z/∂W_{c,h}"] == trace.layers[1].grad_weight[2, 0]
    assert by_target["∂z/∂a"] == trace.grad_x[0]


def test_step_text_reads_like_the_lecture(lecture_steps):
    step = next(s for s in lecture_steps if labels.plain(s.symbol) == nfc("∂z/∂h̄"))
    text = step.text()
    assert text.startswith(nfc("∂z/∂h̄ = ∂z/∂h · s′(h̄) = "))
    assert text.endswith(f"= {step.value:.4f}")
    assert str(lecture_steps[14]).strip().endswith("∂z/∂z = 1")
    assert lecture_steps.table().count("\n") == 54


# ---- the linear-algebra view, without the lecture's two slips ---------------------------------


def test_v_bar_1_is_c_d_e(lecture_steps):
    la = lecture_steps.linear_algebra()
    assert la.v_bar[1].plain() == [nfc("c̄"), nfc("d̄"), nfc("ē")]  # not the slides' f̄
    assert la.v[1].plain() == ["c", "d", "e"]
    assert la.v_bar[0] is None and la.delta_bar[0] is None


def test_weight_gradient_matrix_uses_delta_bar(lecture_steps):
    la = lecture_steps.linear_algebra()
    trace = lecture_steps.trace
    for i in range(3):
        expected = np.outer(la.v[i].values, la.delta_bar[i + 1].values)  # Δ_i = v_i δ̄_{i+1}ᵀ
        np.testing.assert_allclose(la.Delta[i].values, expected, atol=1e-12)
        np.testing.assert_allclose(la.Delta[i].values, trace.layers[i].grad_weight.T)
        wrong = np.outer(la.v[i].values, la.delta[i + 1].values)  # the slides' δ_{i+1}
        assert not np.allclose(la.Delta[i].values, wrong)
    assert la.Delta[0].plain()[1][0] == "∂z/∂W_{b,c}"  # rows: the neurons of layer 0
    assert [labels.plain(n) for n in panel_notes(1, 3)][-1] == nfc("Δ_0 = v_0 δ̄_1ᵀ")


def test_delta_is_W_transpose_delta_bar(lecture_steps):
    la = lecture_steps.linear_algebra()
    for i in range(3):
        np.testing.assert_allclose(
            la.delta[i].values, la.W[i].values.T @ la.delta_bar[i + 1].values, atol=1e-12
        )
    for i in range(1, 4):
        v = la.v[i].values
        np.testing.assert_allclose(
            la.delta_bar[i].values, v * (1 - v) * la.delta[i].values, atol=1e-12
        )  # δ̄_i = s′(v̄_i) × δ_i
    assert la.W[0].plain() == [
        ["W_{a,c}", "W_{b,c}"],
        ["W_{a,d}", "W_{b,d}"],
        ["W_{a,e}", "W_{b,e}"],
    ]
    np.testing.assert_array_equal(la.delta[3].values, [1.0])


def test_layer_vectors_of_a_trace_equal_the_steps_view():
    model, x = lecture_network()
    la = layer_vectors(trace_network(model, x))
    assert la.v_bar[2].plain() == [nfc("f̄"), nfc("ḡ"), nfc("h̄")]


# ---- frames ------------------------------------------------------------------------------------


def strip_state(source):
    """A frame's DOT without what changes from frame to frame: colours and the caption text.

    Returns (the rest, the caption rows' fixed sizes)."""
    heading = re.search(r"^\tlabel=<.*$", source, flags=re.M).group(0)
    sizes = re.findall(r'<TD ALIGN="LEFT" WIDTH="(\d+)" HEIGHT="(\d+)"', heading)
    source = source.replace(heading, "HEADING")
    source = re.sub(r' ?(?:BG)?COLOR="[^"]*"', "", source)
    source = re.sub(r' ?color="[^"]*"', "", source)
    return source, sizes


def test_every_frame_has_every_number_in_one_layout(lecture_steps):
    frames = lecture_steps.frames()
    assert len(frames) == len(lecture_steps)
    first, sizes = strip_state(frames[0].source)
    assert len(sizes) == 4  # four caption lines of one fixed width and height
    for frame in frames[1:]:
        assert strip_state(frame.source) == (first, sizes)
    assert frames[0].source != frames[1].source


def test_a_frame_shows_only_what_is_computed(lecture_steps):
    trace = lecture_steps.trace
    dz_dc = f"{trace.layers[0].grad_post[0]:.4f}"  # ∂z/∂c, computed late in the backward pass
    early = lecture_steps.frame(2).source
    # the number is there, in the colour of its background
    assert re.search(rf'COLOR="#fdf0e6">{re.escape(dz_dc)}</FONT>', early)
    late = lecture_steps.frame(len(lecture_steps) - 1).source
    assert re.search(rf'COLOR="#8c3a06">{re.escape(dz_dc)}</FONT>', late)
    current = lecture_steps.frame_state(29)
    assert current.current == lecture_steps[29].target
    assert "Step 30 of 55" in lecture_steps.frame(29).source


def test_steps_with_a_loss_start_from_dL_dL():
    model, x = lecture_network()
    steps = backprop_steps(model, x, y=1, loss="binary_crossentropy")
    symbols = targets(steps)
    assert symbols[14] == "L"
    assert symbols[15:17] == ["∂L/∂L", "∂L/∂z"]
    step = steps[16]
    assert labels.plain(step.formula) == "(1 − y)/(1 − z) − y/z"
    assert evaluate(step.numbers) == pytest.approx(step.value, rel=1e-3)
    assert step.value == pytest.approx(steps.trace.layers[-1].grad_post[0])


def test_softmax_output_with_cross_entropy():
    rng = np.random.default_rng(2)
    layers = [
        nn.Dense(3, "tanh", input_shape=(2,), dtype=np.float64),
        nn.Dense(3, "softmax", input_shape=(3,), dtype=np.float64),
    ]
    for layer in layers:
        layer.weight.data[...] = rng.normal(0, 1, layer.weight.shape)
    steps = backprop_steps(
        nn.Sequential(layers), [0.5, -0.2], y=[[0.0, 1.0, 0.0]], loss="categorical_crossentropy"
    )
    trace = steps.trace
    softmax = trace.layers[-1]
    for k, step in enumerate(s for s in steps if s.target[0] == "gpre" and s.target[1] == 2):
        expected = softmax.post[k] * (softmax.grad_post[k] - softmax.post @ softmax.grad_post)
        assert step.value == pytest.approx(expected)
        assert evaluate(step.numbers) == pytest.approx(step.value, abs=2e-3)


def test_wide_layers_use_sums():
    rng = np.random.default_rng(0)
    layers = [
        nn.Dense(6, "relu", input_shape=(5,), dtype=np.float64),
        nn.Dense(1, "sigmoid", input_shape=(6,), dtype=np.float64),
    ]
    for layer in layers:
        layer.weight.data[...] = rng.normal(0, 1, layer.weight.shape)
    steps = backprop_steps(nn.Sequential(layers), np.linspace(-1, 1, 5))
    assert labels.plain(steps[0].formula) == "Σ_i i·W_{i,j} + β_j"
    assert "(5 products)" in labels.plain(steps[0].numbers)


def test_the_heading_shows_z_only_once_the_forward_pass_has_computed_it(lecture_steps):
    """Every frame's heading read 'z = the output, 0.7118' from step 1, before the forward pass
    had computed z (step 14)."""
    z = f"{lecture_steps.trace.value:.4f}"
    step_of_z = next(s.number for s in lecture_steps if s.target == ("post", 3, 0))
    assert step_of_z == 14
    for index in range(len(lecture_steps)):
        heading = lecture_steps.frame(index).source.split("Step ")[0]
        if index + 1 < step_of_z:
            assert "z = the output, not yet computed" in heading
            assert z not in heading
        else:
            assert f"z = the output, {z}" in heading


def test_the_heading_shows_the_loss_only_once_computed():
    model, x = lecture_network()
    steps = backprop_steps(model, x, y=1, loss="binary_crossentropy")
    loss = f"{steps.trace.value:.4f}"
    assert loss not in steps.frame(13).source.split("Step ")[0]
    assert "not yet computed" in steps.frame(13).source.split("Step ")[0]
    assert f"= {loss}; ∂L/∂·" in steps.frame(14).source.split("Step ")[0]
