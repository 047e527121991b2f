"""The examples, run as ``main(['--quick', '--out', DIR])``, and the claims each one makes.

Every example returns the numbers it prints; these tests check the lecture's statements on them
(not only that the script exits), and that the figures were written.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name: str):
    """Import examples/NAME.py as a module (the folder is put on sys.path, as when it runs)."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    return importlib.import_module(name)


def run_quick(name: str, folder: Path, *extra: str) -> dict:
    return load(name).main(["--quick", "--out", str(folder), *extra])


def pngs(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("*.png") if p.stat().st_size > 1000}


def has_dot() -> bool:
    from viz import render

    return render.has_dot()


def test_svm_soft_margin(tmp_path):
    r = run_quick("svm_soft_margin", tmp_path)
    margins, support = r["margins"], r["n_support"]
    assert r["C"] == sorted(r["C"])
    # smaller C: wider margin and more support vectors
    assert all(a >= b - 1e-3 for a, b in zip(margins, margins[1:]))
    assert margins[0] > 3 * margins[-1]
    assert all(a >= b for a, b in zip(support, support[1:]))
    assert support[0] > 5 * support[-1] >= 10
    # large C on separable data: the maximum-margin separator
    hard = r["hard_margin"]
    assert hard["margin"] == pytest.approx(hard["reference_margin"], rel=0.02)
    assert hard["angle_degrees"] < 1.0
    assert r["accuracy"][-1] == 1.0
    assert "svm_soft_margin.png" in pngs(tmp_path)


def test_svm_objective_is_minimized():
    """The trained β has a lower objective (1) than small perturbations of it."""
    svm = load("svm_soft_margin")
    X, y = svm.make_data(20)
    result = svm.train_svm(X, y, C=1.0, steps=1500)
    rng = np.random.default_rng(0)
    for _ in range(20):
        other = result.beta + rng.normal(0, 0.05, 3)
        assert svm.objective(other, X, y, 1.0) >= result.objective - 1e-3


def test_hinge_vs_logistic(tmp_path):
    r = run_quick("hinge_vs_logistic", tmp_path)
    acc = r["accuracy"]
    assert min(acc.values()) > 0.85 and abs(acc["hinge"] - acc["logistic"]) < 0.03
    assert r["angle_between_models"] < 15
    # both match scikit-learn's fits of the same objectives
    assert r["sklearn_error"]["hinge"] < 1e-2 and r["sklearn_error"]["logistic"] < 1e-3
    # only the support vectors shape the SVM; every point shapes logistic regression
    assert r["changed_when_retrained"]["hinge"] < 0.01
    assert r["changed_when_retrained"]["logistic"] > 0.2
    assert r["n_support"] < r["n_points"] / 2
    assert {"losses.png", "hinge_vs_logistic.png"} <= pngs(tmp_path)


def test_hinge_and_logistic_losses():
    hl = load("hinge_vs_logistic")
    m = np.array([-2.0, 0.0, 1.0, 3.0])
    assert hl.hinge(m) == pytest.approx([3.0, 1.0, 0.0, 0.0])
    assert hl.logistic(m) == pytest.approx(np.log1p(np.exp(-m)))


def test_kernel_svm(tmp_path):
    r = run_quick("kernel_svm", tmp_path)
    assert r["gradient_check"] < 1e-10
    assert abs(r["n_support"] - r["sklearn_n_support"]) <= 3
    assert r["n_support"] < r["n"] / 2
    # the SVM: α is 0 outside the margin, so the support vectors alone give the same predictions
    assert r["max_alpha_outside_margin"] < 1e-2
    assert r["svm_agreement"] == 1.0
    assert r["svm_max_score_change"] < 1e-2
    # kernel logistic regression needs every training point
    assert r["min_alpha_logistic"] > 1e-3
    assert r["logistic_agreement"] < 0.9
    assert min(r["test_accuracy"].values()) > 0.9
    # a narrow RBF: K full rank (numerically too), so perfect separation is possible
    wide, narrow = r["full_rank"][1.0], r["full_rank"][50.0]
    assert narrow["rank"] == narrow["n"] and narrow["eigenvalues"][-1] > 1e-4
    assert narrow["interpolation_error"] < 1e-9  # α = K⁻¹y: f(x_i) = y_i
    assert narrow["min_margin"] >= 1 - 1e-3  # every y_i f(x_i) ≥ 1: the hard margin exists
    assert narrow["train_accuracy"] == 1.0
    assert wide["rank"] < wide["n"] and wide["interpolation_error"] > 0.1  # not numerically
    assert {"kernel_svm.png", "kernel_coefficients.png", "kernel_full_rank.png"} <= pngs(tmp_path)


def test_kernel_bandwidth_option(tmp_path):
    ks = load("kernel_svm")
    X = np.array([[0.0, 0.0], [1.0, 0.0]])
    assert ks.rbf_kernel(X, X, gamma=1.0)[0, 1] == pytest.approx(np.exp(-1.0))
    assert ks.rbf_kernel(X, X, gamma=2.0)[0, 1] == pytest.approx(np.exp(-2.0))


def test_motivating_example(tmp_path):
    r = run_quick("motivating_example", tmp_path)
    # the lecture's table: x → u, and the class
    assert r["lecture_u"].tolist() == [[-1, -1, 1, -1], [-1, 1, 1, -1], [-1, -1, -1, -1]]
    assert r["lecture_class"].tolist() == [0, 1, 0]
    # sign units and a step, weights by hand: perfect, but no gradient to learn from
    assert r["step_accuracy"] == 1.0
    assert r["step_gradient"] == 0.0
    # learned sigmoid network; more hidden units help, up to the diamond's four sides
    sweep = r["sweep"]
    assert sweep[1]["train"] < 0.8
    assert sweep[4]["train"] > 0.95 and sweep[4]["test"] > 0.9
    assert sweep[4]["train"] > sweep[2]["train"] + 0.1
    # the learned hidden layer: step features are binary, sigmoid features real in [0, 1],
    # mostly near 0 or 1 (they mimic the binary ones), above 1/2 exactly where the step is 1
    f = r["features"]
    assert f["step_values"] == [0.0, 1.0]
    assert 0 <= f["sigmoid_min"] and f["sigmoid_max_gap"] >= 0
    assert 0.5 < f["near_binary"] < 1 and f["between"] > 0.05
    assert f["threshold_agreement"] == 1.0
    assert {"motivating_example.png", "motivating_features.png"} <= pngs(tmp_path)


def test_backprop_example(tmp_path, capsys):
    pytest.importorskip("graphviz")  # viz's drawings
    r = run_quick("backprop_example", tmp_path)
    printed = capsys.readouterr().out
    assert all(error < 1e-12 for error in r["formula_errors"].values())
    assert r["slide_slip"] > 1e-3  # v δᵀ (the slide) is not the gradient; v δ̄ᵀ is
    # the layout of Δ_ℓ is W_ℓ's transposed, and v̄_1 holds ē (the slide's f̄ is a slip)
    layout = r["layout"]
    assert layout["Delta_is_W_transposed"]
    assert (
        [d[::-1] for d in layout["Delta_shapes"]] == layout["W_shapes"] == [(3, 2), (3, 3), (1, 3)]
    )
    assert "v̄_1 = [c̄, d̄, ē]" in printed and "Δ_ℓ is laid out as W_ℓᵀ" in printed
    assert r["engine_difference"] < 1e-12  # Tensor engine = scalar engine
    assert r["viz_steps"] == 55
    assert r["viz_error"] < 1e-12
    n = r["numbers"]
    assert n["delta"][-1].tolist() == [1.0]  # δ_3 = [1]
    if has_dot():
        names = {Path(p).name for p in r["files"]}
        assert {"backprop_network.png", "backprop.html"} <= names
        assert "step" in (tmp_path / "backprop.html").read_text(encoding="utf-8").lower()


def test_jax_style_grad(tmp_path):
    r = run_quick("jax_style_grad", tmp_path)
    assert r["gradcheck"] is True
    assert r["closed_form_error"] < 1e-12
    assert r["finite_difference_error"] < 1e-6
    assert not np.allclose(r["slide_W_grad"], r["W_grad"])
    losses = r["losses"]
    assert all(a > b for a, b in zip(losses, losses[1:]))
    assert "jax_style_grad.png" in pngs(tmp_path)


def test_keras_demo_synthetic(tmp_path):
    r = run_quick("keras_demo_synthetic", tmp_path)
    history = r["history"]
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history["loss"]) == 30
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert r["test_accuracy"] > 0.9
    # each side has a unit's line parallel to it but outside it, not on it; the class boundary
    # lies where the output's weights put it, |logit(c_k)|/‖W_H[k]‖ from that line
    for side in r["sides"]:
        assert side["angle"] < 12
        assert side["line_offset"] < -0.01
        assert side["boundary_max"] < 0.06
        assert side["gap"] == pytest.approx(side["predicted_gap"], abs=0.01)
    assert len({side["unit"] for side in r["sides"]}) == 3
    assert "keras_demo_synthetic.png" in pngs(tmp_path)


def test_keras_demo_mnist(tmp_path):
    r = run_quick("keras_demo_mnist", tmp_path)
    assert r["n_train"] == 1000 and r["n_test"] == 500
    assert r["test_accuracy"] > 0.75
    assert r["history"]["loss"][-1] < r["history"]["loss"][0]
    assert {"mnist_learning_curves.png", "mnist_misclassified.png", "mnist_weights.png"} <= pngs(
        tmp_path
    )


def test_cnn_mnist(tmp_path):
    r = run_quick("cnn_mnist", tmp_path)
    assert r["n_train"] == 1000 and r["n_test"] == 500 and r["parameters"] == 5994
    assert r["test_accuracy"] > 0.8
    assert r["history"]["loss"][-1] < 0.7 * r["history"]["loss"][0]
    assert {"cnn_learning_curves.png", "cnn_filters.png"} <= pngs(tmp_path)


def test_keras_demo_mnist_reads_data_option(tmp_path):
    """--data PATH: a Keras-style mnist.npz written here (random pixels: only the plumbing)."""
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (300, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 300, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (100, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 100, dtype=np.uint8),
    }
    np.savez_compressed(tmp_path / "mnist.npz", **arrays)
    r = run_quick(
        "keras_demo_mnist", tmp_path / "out", "--data", str(tmp_path / "mnist.npz"), "--epochs", "2"
    )
    assert (r["n_train"], r["n_test"], r["epochs"]) == (300, 100, 2)
    assert len(r["history"]["loss"]) == 2


def test_micrograd_demo(tmp_path):
    r = run_quick("micrograd_demo", tmp_path)
    assert r["final_accuracy"] >= 0.9
    assert r["final_loss"] < 0.5 * r["first_loss"]
    assert r["numpy_error"] < 1e-9
    assert "micrograd_demo.png" in pngs(tmp_path)


def test_initialization(tmp_path):
    r = run_quick("initialization", tmp_path)

    def ratio(activation, name):  # spread of the last hidden layer / the first
        a = r[activation, name]["activations"]
        return a[-1] / a[0]

    assert 0.5 < ratio("relu", "He") < 2  # He keeps a ReLU network's signal
    assert ratio("relu", "uniform") < 0.05  # a small fixed scale lets it vanish
    assert ratio("relu", "Gaussian") < 0.1
    assert ratio("sigmoid", "Xavier") > 0.8
    # the sigmoid's slope ≤ 1/4: its gradients shrink toward the input, whatever the start
    for name in ("uniform", "Gaussian", "Xavier", "He"):
        g = r["sigmoid", name]["gradients"]
        assert g[0] < g[-1] / 50
    assert r["relu", "He"]["losses"][-1] < r["relu", "uniform"]["losses"][-1] - 1.0
    assert "initialization.png" in pngs(tmp_path)


def test_backprop_cost(tmp_path):
    r = run_quick("backprop_cost", tmp_path)
    for row in r["rows"]:
        assert row["P"] == row["P_formula"]
        assert row["forward"] > 0 and row["backward"] > 0
    # timing is noisy: only a generous band for the log-log slope
    assert 0.1 < r["slope_total"] < 2.0
    assert "backprop_cost.png" in pngs(tmp_path)


def test_parameter_count_formula():
    cost = load("backprop_cost")
    model = cost.build(width=8, depth=3)
    assert sum(int(p.size) for p in model.parameters()) == cost.parameter_count(8, 3)


def mnist_peer():
    """benchmarks/mnist_peer.py as a module (it compares with PyTorch: skipped without it)."""
    pytest.importorskip("torch")
    benchmarks = EXAMPLES.parent / "benchmarks"
    if str(benchmarks) not in sys.path:
        sys.path.insert(0, str(benchmarks))
    return importlib.import_module("mnist_peer")


def test_mnist_peer_agrees_with_pytorch():
    """benchmarks/mnist_peer.py, small: both engines reach about the same test accuracy."""
    summary = mnist_peer().compare(seeds=2, epochs=5, limit=1000, verbose=False)
    assert summary["autograd-lite"]["mean"] > 0.7
    assert abs(summary["difference_points"]) < 3.0


def test_tanh_derivatives(tmp_path):
    r = run_quick("tanh_derivatives", tmp_path)
    # the recurrence P_{k+1} = (1 − t²)·P_k′ gives the known polynomials
    assert r["polynomials"][3].tolist() == [-2, 0, 8, 0, -6]
    assert r["polynomials"][6].tolist() == [0, -272, 0, 1232, 0, -1680, 0, 720]
    # six repeated elementwise_grads of al.tanh and of HIPS's formula match them to rounding
    assert len(r["op_values"]) == len(r["hips_values"]) == 7
    assert max(r["op_errors"]) < 1e-13
    assert max(r["hips_errors"]) < 1e-12
    # a derivative is not a constant: the 6th of tanh(x/2) swings between about ±0.8
    assert 0.7 < np.abs(r["hips_values"][6]).max() < 0.9
    assert "tanh_derivatives.png" in pngs(tmp_path)


def test_tanh_closed_forms_are_derivatives():
    """P_k(tanh x) is the derivative of P_{k-1}(tanh x), by central differences (independent
    of the engine)."""
    td = load("tanh_derivatives")
    x, h = np.linspace(-3, 3, 61), 1e-5
    for k in range(1, 7):
        slope = (td.closed_form(k - 1, x + h) - td.closed_form(k - 1, x - h)) / (2 * h)
        assert np.abs(slope - td.closed_form(k, x)).max() < 1e-6 * max(
            1.0, np.abs(td.closed_form(k, x)).max()
        )


def test_tanh_closed_forms_match_sympy():
    sympy = pytest.importorskip("sympy")
    td = load("tanh_derivatives")
    x, t = sympy.symbols("x t")
    for k, coefficients in enumerate(td.closed_form_polynomials()):
        derivative = sympy.diff(sympy.tanh(x), x, k).subs(sympy.tanh(x), t)
        assert sympy.Poly(sympy.expand(derivative), t).all_coeffs()[::-1] == [
            int(c) for c in coefficients
        ]


def test_tanh_derivative_formatting():
    td = load("tanh_derivatives")
    assert td.describe(np.array([-2.0, 0, 8, 0, -6])) == "−2 + 8t² − 6t⁴"
    assert td.describe(np.array([1.0, 0, -1])) == "1 − t²"
    assert td.describe(np.array([0.0, 1.0])) == "t"


def test_newton(tmp_path):
    r = run_quick("newton", tmp_path)
    # a handful of steps to the minimum, from where each function's classic start
    assert all(k <= 7 for k in r["steps_to_1e-10"].values()), r["steps_to_1e-10"]
    # quadratic convergence: e_{k+1} / e_k² tends to f‴/(2f″) = 1/2 for eˣ − 2x
    assert r["ratios"]["1-D"] and all(0.45 < q < 0.55 for q in r["ratios"]["1-D"])
    assert r["ratios"]["1-D"][-1] == pytest.approx(0.5, rel=0.01)
    # in 2-D, e_{k+1} ≤ C·e_k² with a modest C, and the digits double near the minimum
    for name in ("Boyd", "Rosenbrock"):
        assert len(r["ratios"][name]) >= 2 and max(r["ratios"][name]) < 2, r["ratios"]
        errs = r["errors"][name]
        doubling = [np.log(b) / np.log(a) for a, b in zip(errs, errs[1:]) if 1e-12 < b and a < 0.05]
        assert doubling and min(doubling) > 1.8, (name, doubling)
    assert max(r["hessian_errors"].values()) < 1e-10
    assert r["cg_difference"] < 1e-9  # hvp + conjugate gradients: the same Newton steps
    assert r["descent_error"] > 1e-2  # gradient descent is still far after 2,000 steps
    assert "newton.png" in pngs(tmp_path)


def test_conjugate_gradients_solves_a_linear_system():
    newton = load("newton")
    rng = np.random.default_rng(0)
    m = rng.normal(size=(5, 5))
    a, b = m @ m.T + 5 * np.eye(5), rng.normal(size=5)
    assert newton.conjugate_gradients(lambda v: a @ v, b) == pytest.approx(
        np.linalg.solve(a, b), rel=1e-10
    )


def test_newton_gradient_descent_step_is_stable_at_the_minimum():
    """η·λ_max < 2 at (1, 1): gradient descent converges there (slowly), not away."""
    newton = load("newton")
    largest = np.linalg.eigvalsh(newton.rosenbrock_hessian(np.array([1.0, 1.0]))).max()
    assert largest == pytest.approx(1001.6, abs=0.1)
    assert newton.DESCENT_LR * largest < 2


def test_chain_rule(tmp_path):
    pytest.importorskip("graphviz")  # viz's drawings
    r = run_quick("chain_rule", tmp_path)
    # y = x³, z = x², f = y·z: df/dx = z·3x² + y·2x = 5x⁴, at every x checked
    assert r["formula_error"] < 1e-12 and r["sum_error"] < 1e-12
    assert r["difference_error"] < 1e-6
    assert len(r["checked"]) >= 5 and any(x < 0 for x, _ in r["checked"])
    d = r["drawn"]  # x = 2
    assert (d["y"], d["z"], d["f"], d["df_dy"], d["df_dz"]) == (8, 4, 32, 4, 8)
    assert (d["via_y"], d["via_z"], d["df_dx"]) == (48, 32, 80)
    assert "chain_rule.png" in pngs(tmp_path)
    if has_dot():
        assert {"chain_rule_forward.png", "chain_rule_backward.png"} <= pngs(tmp_path)


def test_svm_slack_form(tmp_path):
    r = run_quick("svm_slack_form", tmp_path)
    # the three forms agree: the slack QP (SLSQP, SVC) and the hinge form by gradient descent
    assert r["beta_difference"] < 2e-3 and r["angle_degrees"] < 0.1
    for values in r["objectives"].values():
        assert values["C"] == pytest.approx(r["C"] * values["lambda"])
    best = min(v["S"] for v in r["objectives"].values())
    assert all(v["S"] <= best * (1 + 1e-5) for v in r["objectives"].values())
    assert r["sweep_margin_spread"] < 2e-3  # λ = 1/C over C = 0.1, 1, 10
    # the optimal slack is the hinge: ε_i = max(0, 1 − y_i⟨x_i, β⟩), one per point
    assert r["eps_is_the_hinge"] < 1e-8 and len(r["eps"]) == r["n"]
    # misclassified ⇔ ε_i > 1; a point on the boundary has ε = 1 and is on neither side
    assert len(r["misclassified"]) >= 3
    assert r["misclassified"].tolist() == r["eps_above_1"].tolist()
    assert r["boundary_point"]["eps"] == {-1.0: pytest.approx(1.0), 1.0: pytest.approx(1.0)}
    assert abs(r["boundary_point"]["score"]) < 1e-12
    assert len(r["inside_margin"]) >= 3  # 0 < ε ≤ 1: inside the margin, right side
    # a non-zero ε_i makes x_i a support vector
    assert set(r["nonzero_eps"].tolist()) <= set(r["svc_support"].tolist())
    assert "svm_slack_form.png" in pngs(tmp_path)


def test_svm_robustness(tmp_path):
    r = run_quick("svm_robustness", tmp_path)
    clean, a, b = (r["models"][key] for key in ("clean", "A", "B"))
    assert clean["separable"] and a["separable"] and not b["separable"]
    # one outlier swings the hard margin and collapses it; C = 0.1 barely moves
    assert a["hard_angle"] > 20 and a["hard_margin"] < clean["hard_margin"] / 4
    assert a["hard_accuracy"] == 1.0  # separable: the hard margin still separates
    assert a["soft_angle"] < 3 and abs(a["soft_margin"] / clean["soft_margin"] - 1) < 0.02
    assert a["outlier_eps_soft"] > 1  # the soft margin gives up the outlier instead
    # not separable: no hard margin at all, a soft margin all the same
    assert b["hard"] is None and b["soft_angle"] < 5 and b["soft_accuracy"] > 0.95
    # the smaller C, the less outlier A turns the soft margin
    turns = [row["A"] for row in r["sweep"]]
    assert turns == sorted(turns) and turns[0] < 2 and turns[-1] > 20
    assert r["engine_vs_svc"] < 1e-2
    assert "svm_robustness.png" in pngs(tmp_path)


def test_non_convexity(tmp_path):
    r = run_quick("non_convexity", tmp_path)
    runs = r["runs"]
    for run in runs:  # each restart ends at a local minimum
        assert run["grad_norm"] < 1e-4
        eig = run["hessian_eigenvalues"]
        assert eig[0] > -1e-6 * eig[-1]
    # all good: far below the start, within a few percent of each other
    assert max(run["loss"] for run in runs) < 0.5 * r["start_loss"]
    assert r["loss_spread"] < 0.25 and min(run["accuracy"] for run in runs) > 0.9
    n = len(runs)
    upper = np.triu_indices(n, 1)
    assert r["distance"][upper].min() > 0.5  # the weights differ from restart to restart
    # modulo the symmetries, at least two different minima, with different losses
    a, b = r["pair"]
    assert r["symmetric_distance"][a, b] > 0.1
    assert abs(runs[a]["loss"] - runs[b]["loss"]) > 1e-3
    # a convex loss never rises above its chords; this one does, even between θ and its own
    # permuted copy (the same function)
    slices = r["slices"]
    assert slices["between"]["above_chord"] > 0.1
    permuted = slices["permuted"]
    assert permuted["ends"][0] == pytest.approx(permuted["ends"][1], abs=1e-12)
    assert permuted["above_chord"] > 0.1
    assert "non_convexity.png" in pngs(tmp_path)


@pytest.mark.slow
def test_mnist_peer_trains_the_same_cnn_as_pytorch():
    """benchmarks/mnist_peer.py --model cnn, small: the same accuracy within a few points."""
    summary = mnist_peer().compare(seeds=2, epochs=4, limit=1000, verbose=False, model="cnn")
    assert summary["autograd-lite"]["mean"] > 0.75
    assert abs(summary["difference_points"]) < 5.0
