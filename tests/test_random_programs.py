"""Random programs over the ops (``random_programs.py``): autograd-lite against PyTorch, and
against itself where PyTorch is not installed.

For each program z(x₁, …, x_n) the two libraries must agree on z, ∇z (by ``grad`` and by
``backward``), H·v (by ``hvp``, and by ``backward(create_graph=True)`` then a backward pass of
⟨∇z, v⟩, which PyTorch and autograd-lite both add into ``.grad``), the full Hessian on small
inputs, and the third derivative ∇⟨v, H·v⟩. Float64 throughout; seeded, so every run checks the
same programs.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import random_programs

import autograd_lite as al

ALL_OPS = set(random_programs.LITE)


def _describe(seed, program, problems):
    return f"program {seed}:\n{program}\n  " + "\n  ".join(problems)


def test_random_programs_agree_with_pytorch():
    pytest.importorskip("torch")
    failures, ops = [], Counter()
    for seed in range(100):
        program, problems = random_programs.check(seed)
        ops.update(step.op for step in program.steps)
        if problems:
            failures.append(_describe(seed, program, problems))
    assert not failures, f"{len(failures)} programs differ:\n\n" + "\n\n".join(failures[:5])
    assert set(ops) == ALL_OPS and min(ops.values()) >= 3, ops


def test_random_programs_agree_with_themselves():
    """Without PyTorch: the engine's routes to the same numbers must agree with each other
    (``grad`` = ``backward``, H·v by ``hvp`` = by ``create_graph`` = Hessian @ v, and the
    third derivative is symmetric with the Hessian's directional derivative)."""
    for seed in range(60):
        program = random_programs.generate(seed)
        r = random_programs.run_autograd_lite(program, hessian=True)
        v = program.direction
        for k in range(len(program.inputs)):
            np.testing.assert_allclose(r["grad"][k], r["backward"][k], rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(
                r["grad"][k], r["create_graph_grad"][k], rtol=1e-12, atol=1e-12
            )
            np.testing.assert_allclose(
                r["grad_plus_hvp"][k] - r["grad"][k], r["hvp"][k], rtol=1e-9, atol=1e-9
            )
            from_blocks = sum(
                np.tensordot(r["hessian"][k][j], v[j], axes=v[j].ndim) for j in range(len(v))
            )
            np.testing.assert_allclose(from_blocks, r["hvp"][k], rtol=1e-9, atol=1e-9)
            for j in range(len(v)):  # the Hessian is symmetric
                transposed = np.transpose(
                    r["hessian"][j][k], _swap(program.inputs[j].ndim, program.inputs[k].ndim)
                )
                np.testing.assert_allclose(r["hessian"][k][j], transposed, rtol=1e-9, atol=1e-9)


def _swap(ndim_a, ndim_b):
    """The axes that turn an array of shape a.shape + b.shape into b.shape + a.shape."""
    return tuple(range(ndim_a, ndim_a + ndim_b)) + tuple(range(ndim_a))


def test_programs_are_reproducible_and_cover_every_op():
    ops = Counter()
    for seed in range(200):
        program = random_programs.generate(seed)
        ops.update(step.op for step in program.steps)
    assert set(ops) == ALL_OPS, ALL_OPS - set(ops)
    a, b = random_programs.generate(7), random_programs.generate(7)
    assert str(a) == str(b)
    assert all(np.array_equal(x, y) for x, y in zip(a.inputs, b.inputs))


def test_a_program_reads_as_its_steps():
    program = random_programs.generate(3)
    text = str(program)
    assert text.count("\n") == len(program.inputs) + len(program.steps)
    assert text.startswith("v0 = input of shape") and "z = <w, v" in text


def test_compare_reports_a_wrong_entry_and_a_nan():
    ours = {"value": 1.0, "grad": [np.array([1.0, 2.0])]}
    assert random_programs.compare(ours, {"value": 1.0, "grad": [np.array([1.0, 2.0])]}) == []
    wrong = random_programs.compare(ours, {"value": 1.0, "grad": [np.array([1.0, 2.1])]})
    assert len(wrong) == 1 and wrong[0].startswith("grad[0]")
    nan = random_programs.compare(
        {"value": float("nan"), "grad": ours["grad"]}, {"value": 1.0, "grad": ours["grad"]}
    )
    assert len(nan) == 1 and nan[0].startswith("value")
    missing = random_programs.compare(
        {"value": 1.0, "grad": []}, {"value": 1.0, "grad": ours["grad"]}
    )
    assert missing == ["grad: 0 arrays, PyTorch 1"]


def test_lite_function_is_the_program():
    """z by the interpreter equals z written by hand for a fixed program."""
    x = np.array([[0.5, -1.0, 2.0]])
    program = random_programs.Program(
        inputs=[x],
        steps=[
            random_programs.Step("tanh", (0,)),
            random_programs.Step("sum", (1,), {"axis": -1, "keepdims": False}),
        ],
        sinks=[2],
        weights=[np.array([3.0])],
        direction=[np.ones_like(x)],
    )
    z = random_programs.lite_function(program)
    assert float(z(al.Tensor(x)).data) == pytest.approx(3 * np.tanh(x).sum())
