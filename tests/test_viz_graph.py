"""viz.draw_graph: deterministic DOT text for Value and Tensor expressions (no Graphviz needed)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import Value
from viz import Drawing, LargeGraphWarning, draw_graph
from viz.graph import summarize


def micrograd_expression():
    a = Value(-4.0, label="a")
    b = Value(2.0, label="b")
    c = a * b + b**3
    c.label = "c"
    d = (c + a).relu() + (a / b).tanh()
    d.label = "d"
    return a, b, d


def tensor_expression(seed=0):
    rng = np.random.default_rng(seed)
    x = al.Tensor(rng.standard_normal((4, 3)))
    x.label = "x"
    W = al.Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    W.label = "W"
    b = al.Tensor(np.zeros(2), requires_grad=True)
    b.label = "b"
    h = x @ W.T + b
    loss = h.sigmoid().sum()
    return W, h, loss


def test_returns_a_drawing_with_dot_source():
    _, _, d = micrograd_expression()
    drawing = draw_graph(d)
    assert isinstance(drawing, Drawing)
    assert drawing.source.startswith("digraph computation_graph {")
    assert drawing.digraph.source == drawing.source
    assert "rankdir=LR" in drawing.source
    assert "rankdir=TB" in draw_graph(d, rankdir="TB").source


def test_same_expression_gives_byte_identical_dot():
    first = draw_graph(micrograd_expression()[2]).source
    second = draw_graph(micrograd_expression()[2]).source  # new objects, new ids
    assert first == second
    assert draw_graph(tensor_expression()[2]).source == draw_graph(tensor_expression()[2]).source


def test_node_names_come_from_topological_positions_not_memory():
    _, _, d = micrograd_expression()
    source = draw_graph(d).source
    assert not re.search(r"0x[0-9a-f]{6,}", source)
    names = set(re.findall(r"^\s*(n\d+(?:op)?) \[", source, flags=re.M))
    from autograd_lite.graph import topological_order

    count = len(topological_order(d))
    assert {f"n{i}" for i in range(count)} <= names
    assert str(id(d)) not in source


def test_one_node_per_value_and_one_per_op():
    _, _, d = micrograd_expression()
    source = draw_graph(d).source
    from autograd_lite.graph import topological_order

    order = topological_order(d)
    ops = sum(1 for node in order if node._prev)
    assert len(re.findall(r"^\s*n\d+ \[", source, flags=re.M)) == len(order)
    assert len(re.findall(r"^\s*n\d+op \[", source, flags=re.M)) == ops


def test_value_grads_before_backward_are_not_yet_computed_not_zero():
    _, _, d = micrograd_expression()
    before = draw_graph(d).source
    from autograd_lite.graph import topological_order

    assert before.count("not yet computed") == len(topological_order(d))
    d.backward()
    after = draw_graph(d).source
    assert "not yet computed" not in after
    assert "1.0000" in after  # ∂d/∂d


def test_tensor_grads_before_and_after_backward():
    W, h, loss = tensor_expression()
    before = draw_graph(loss).source
    assert "not yet computed" in before
    assert "not kept" not in before
    assert "none (constant)" in before  # x does not require a gradient
    h.retain_grad()
    loss.backward(retain_graph=True)  # a plain backward() releases the graph it went through
    after = draw_graph(loss).source
    assert "not kept: draw with backward=True" in after  # the sigmoid's output was not kept
    first = f"{W.grad[0, 0]:.4f}"
    assert first in after  # W's gradient, at 4 decimals
    assert "(2, 3) float64" in after


def test_user_labels_are_escaped():
    a = Value(1.0, label="<b>&\\N")
    b = a * 2
    b.label = 'say "x"'
    source = draw_graph(b).source
    assert "&lt;b&gt;&amp;\\\\N" in source
    assert "&quot;x&quot;" in source
    assert "<b>" not in source


def test_digits_are_configurable():
    a = Value(1.0 / 3.0, label="a")
    assert "0.333" in draw_graph(a, digits=3).source
    assert "0.3333" not in draw_graph(a, digits=3).source
    assert "0.3333" in draw_graph(a).source


def test_font_is_configurable():
    a = Value(1.0)
    assert 'fontname="DejaVu Sans"' in draw_graph(a).source
    assert "fontname=Helvetica" in draw_graph(a, font="Helvetica").source


def test_large_graph_warns_and_suggests_tensors():
    x = Value(0.5)
    y = x
    for _ in range(1001):
        y = y + 1.0  # 2 values per step; topological_order is iterative
    with pytest.warns(LargeGraphWarning, match="Tensor"):
        draw_graph(y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw_graph(x + 1.0)  # small: no warning


def test_tensor_summary_is_capped_by_max_elements():
    assert summarize(np.array(2.0)) == ["2.0000"]
    assert summarize(np.array([[1.0, 2.0], [3.0, 4.0]])) == ["[1.0000, 2.0000]", "[3.0000, 4.0000]"]
    big = summarize(np.arange(100.0), max_elements=6)
    assert big[0] == "[0.0000, 1.0000, 2.0000, …]"
    assert "mean 49.5000" in big[1] and "max 99.0000" in big[2]
    W, _, loss = tensor_expression()
    source = draw_graph(loss, max_elements=2).source
    assert "…" in source


def test_rejects_other_objects():
    with pytest.raises(TypeError, match="Value or a Tensor"):
        draw_graph(3.0)
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(Value(1.0), rankdir="XY")


def test_session_defaults_come_from_viz_options(monkeypatch):
    import viz

    a = Value(1.0 / 3.0, label="a")
    monkeypatch.setattr(viz.options, "digits", 2)
    monkeypatch.setattr(viz.options, "font", "Helvetica")
    source = draw_graph(a).source
    assert "0.33<" in source and "0.333" not in source
    assert "fontname=Helvetica" in source
    assert "0.333" in draw_graph(a, digits=3).source  # a call's own setting wins


# ---- every gradient after backward: draw_graph(root, backward=True) ----------------------------


def test_backward_true_shows_every_gradient_the_root_s_1_included():
    W, h, loss = tensor_expression()
    source = draw_graph(loss, backward=True).source
    assert "not kept" not in source and "not yet computed" not in source
    # every node that needs a gradient shows one; x (a constant) says so
    from autograd_lite.graph import topological_order

    order = topological_order(loss)
    needing = [node for node in order if node.requires_grad]
    assert len(needing) == len(order) - 1
    assert source.count("none (constant)") == 1
    root_box = re.search(rf"^\s*n{len(order) - 1} \[label=<(.*)>\]$", source, flags=re.M).group(1)
    assert re.search(r">1\.0000<", root_box)  # ∂loss/∂loss = 1
    # the intermediate h = x Wᵀ + b: its gradient is s'(h) = s(h)(1 - s(h)), summarized
    s = 1 / (1 + np.exp(-h.data))
    assert f"mean {(s * (1 - s)).mean():.4f}" in source


def test_backward_true_leaves_every_grad_as_it_found_it():
    """The drawing's own backward pass must not add to the gradients a training step uses."""
    W, h, loss = tensor_expression()
    W.grad = np.full(W.shape, 7.0)  # a gradient accumulated earlier stays as it was
    draw_graph(loss, backward=True)
    assert (W.grad == 7.0).all() and h.grad is None and loss.grad is None
    W.grad = None
    loss.backward()  # the graph was kept: the user's own backward still works, once
    W2, _, loss2 = tensor_expression()
    loss2.backward()
    np.testing.assert_array_equal(W.grad, W2.grad)
    assert h.grad is None  # no retain_grad() left behind on the user's graph


def test_backward_true_on_values_restores_their_grads():
    a, b, d = micrograd_expression()
    source = draw_graph(d, backward=True).source
    assert "not yet computed" not in source
    assert a.grad == 0.0 and not a.has_grad  # as before the drawing
    d.backward()
    a_grad = a.grad
    assert f"{a_grad:.4f}" in draw_graph(d, backward=True).source
    assert a.grad == a_grad  # not accumulated a second time


def test_backward_true_needs_one_number_that_requires_grad():
    x = al.Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match="one number"):
        draw_graph(x * 2, backward=True)
    with pytest.raises(RuntimeError, match="requires"):
        draw_graph(al.Tensor(np.ones(3)).sum(), backward=True)


def test_a_released_graph_is_refused_not_drawn_truncated():
    """backward() without retain_graph releases each node's links to its parents: drawn, the
    root would look like an input. The drawing says what happened and what to do."""
    W, h, loss = tensor_expression()
    loss.backward()  # releases each node's links to its inputs
    assert loss._op and not loss._prev
    with pytest.raises(RuntimeError, match=r"released by backward\(\).*backward=True"):
        draw_graph(loss)
    h2 = tensor_expression()[1]
    (h2.sum() * 2).backward()  # releases h2's graph, not its consumer's that comes later
    with pytest.raises(RuntimeError, match="released"):
        draw_graph(h2.sigmoid().sum())


def test_backward_true_after_a_plain_backward_says_to_keep_the_graph():
    _, _, loss = tensor_expression()
    loss.backward()  # releases what a second backward pass would need
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        draw_graph(loss, backward=True)


def test_parameters_are_named_after_the_model_tree():
    import nn

    al.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
    x = np.array([[0.5, -1.0]])
    loss = nn.mse_loss(model(x), np.array([[1.0]]))
    source = draw_graph(loss, backward=True, model=model).source
    for name, _ in model.named_parameters():
        assert f"<B>{name}</B>" in source
    assert "layers.0.weight" in source and "layers.2.bias" in source
    model.layers[0].weight.label = "W_H"  # a label of the tensor's own wins
    assert "<B>W_H</B>" in draw_graph(loss, model=model).source
    with pytest.raises(TypeError, match="named_parameters"):
        draw_graph(loss, model=object())


def test_clusters_box_groups_of_nodes():
    W, h, loss = tensor_expression()
    source = draw_graph(loss, clusters=[("layer 1", [h])]).source
    assert "subgraph cluster_0" in source and "layer 1" in source
    cluster = source[source.index("subgraph cluster_0") :]
    from autograd_lite.graph import topological_order

    index = next(i for i, node in enumerate(topological_order(loss)) if node is h)
    assert f"n{index} [" in cluster and f"n{index}op [" in cluster
    with pytest.raises(ValueError, match="not in the graph"):
        draw_graph(loss, clusters=[("elsewhere", [al.Tensor(1.0)])])
