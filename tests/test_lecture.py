"""autograd_lite.lecture: the lecture's 2-3-3-1 network, one definition for every tool.

``python -m autograd_lite`` (scalar engine), ``viz.lecture`` (nn layers, the drawings) and
``examples/backprop_example.py`` must show the same network: same weights, same input, same z.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograd_lite.lecture import (
    NEURONS,
    LectureParameters,
    lecture_parameters,
    scalar_network,
)

ROOT = Path(__file__).resolve().parents[1]


def test_the_numbers_a_student_redoes_by_hand():
    p = lecture_parameters()
    assert p.x.tolist() == [1.0, 0.5]
    assert p.weights[0].tolist() == [[-0.65, -0.17], [1.66, 0.66], [-1.64, -0.01]]
    assert p.biases[0].tolist() == [-0.16, -0.44, -0.33]
    assert [w.shape for w in p.weights] == [(3, 2), (3, 3), (1, 3)]
    assert all(np.array_equal(w, np.round(w, 2)) for w in p.weights + p.biases)


def test_scalar_network_labels_and_output():
    net = scalar_network()
    assert net.output.data == pytest.approx(0.711784, abs=1e-6)
    assert [net.node[j].label for layer in NEURONS for j in layer] == list("abcdefghz")
    assert net.pre_activation["e"].label == "ē" and net.weight["c", "h"].label == "W_c,h"
    net.output.backward()
    # ∂z/∂W_{i,j} = ∂z/∂j̄ · i
    for (i, j), w in net.weight.items():
        assert w.grad == pytest.approx(net.pre_activation[j].grad * net.node[i].data)


def test_scalar_network_refuses_other_shapes():
    with pytest.raises(ValueError, match="2-3-3-1"):
        scalar_network(lecture_parameters(sizes=(2, 4, 1)))


def test_one_network_for_the_scalar_engine_and_viz():
    pytest.importorskip("graphviz")
    from viz import trace_network
    from viz.lecture import lecture_network

    model, x = lecture_network()
    trace = trace_network(model, x)
    net = scalar_network()
    net.output.backward()
    assert trace.value == pytest.approx(net.output.data, abs=1e-15)
    assert trace.grad_x.tolist() == pytest.approx(
        [net.node["a"].grad, net.node["b"].grad], abs=1e-15
    )
    p = lecture_parameters()
    model_numbers = LectureParameters(
        tuple(layer.weight.data for layer in model.layers),
        tuple(layer.bias.data for layer in model.layers),
        x,
    )
    for mine, theirs in zip(p.weights + p.biases, model_numbers.weights + model_numbers.biases):
        assert np.array_equal(mine, theirs)


def test_python_m_autograd_lite_prints_the_lecture_network():
    result = subprocess.run(
        [sys.executable, "-m", "autograd_lite"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert "(a, b) = (1, 0.5): z = 0.7118" in result.stdout
    rows = {
        m.group(1): m.groups()[1:]
        for m in re.finditer(
            r"^\s+(\w)\s+(-?\d\.\d{4})?\s+(-?\d\.\d{4})\s+(-?\d\.\d{4})?\s+(-?\d\.\d{4})$",
            result.stdout,
            flags=re.M,
        )
    }
    assert set(rows) == set("abcdefghz")
    net = scalar_network()
    net.output.backward()
    for name, (_, value, _, grad) in rows.items():
        assert float(value) == pytest.approx(net.node[name].data, abs=5e-5)
        assert float(grad) == pytest.approx(net.node[name].grad, abs=5e-5)
