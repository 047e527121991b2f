"""Other libraries' tutorials, run on autograd-lite with only their imports changed.

* HIPS autograd's ``examples/tanh.py``: tanh and six derivatives by repeated ``elementwise_grad``;
* PyTorch's "Tensors and autograd" tutorial (``polynomial_autograd.py``): a cubic fitted to
  sin x by gradient steps written ``with torch.no_grad(): a -= learning_rate * a.grad``;
* HIPS autograd's ``examples/neural_net.py``: a list of (W, b) pairs passed to ``grad``, and
  HIPS's own Adam driving it.

Each body is the original's, line for line; the lines that had to change are listed above it.
autograd-lite has no ``linspace`` or ``sin`` (nothing to differentiate in them): NumPy stands in.
Their numbers are checked against closed forms or a hand-derived NumPy computation, and against
the original library itself where it is installed (the tests skip that part without it).
"""

from __future__ import annotations

import math
import re
import warnings
from types import SimpleNamespace

import numpy
import pytest

import autograd_lite as al


def _pyplot():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")  # draw into files only
    import matplotlib.pyplot as plt

    return plt


# ---- HIPS autograd: examples/tanh.py --------------------------------------------------------

# The k-th derivative of tanh is P_k(tanh x) (coefficients from the constant term up); HIPS's
# tanh(x) = (1 − e^−x) / (1 + e^−x) is tanh(x/2), whose k-th derivative is 2^−k·P_k(tanh(x/2)).
TANH_DERIVATIVES = [
    [0, 1],
    [1, 0, -1],
    [0, -2, 0, 2],
    [-2, 0, 8, 0, -6],
    [0, 16, 0, -40, 0, 24],
    [16, 0, -136, 0, 240, 0, -120],
    [0, -272, 0, 1232, 0, -1680, 0, 720],
]


def hips_tanh_py(np, plt, egrad):
    """HIPS's examples/tanh.py (less its docstring), given its three imports:

    import autograd.numpy as np
    import matplotlib.pyplot as plt
    from autograd import elementwise_grad as egrad
    """

    def tanh(x):
        return (1.0 - np.exp(-x)) / (1.0 + np.exp(-x))

    x = np.linspace(-7, 7, 200)
    plt.plot(
        x,
        tanh(x),
        x,
        egrad(tanh)(x),  # first derivative
        x,
        egrad(egrad(tanh))(x),  # second derivative
        x,
        egrad(egrad(egrad(tanh)))(x),  # third derivative
        x,
        egrad(egrad(egrad(egrad(tanh))))(x),  # fourth derivative
        x,
        egrad(egrad(egrad(egrad(egrad(tanh)))))(x),  # fifth derivative
        x,
        egrad(egrad(egrad(egrad(egrad(egrad(tanh))))))(x),
    )  # sixth derivative

    plt.axis("off")
    plt.savefig("tanh.png")
    plt.show()


def _plotted(script, np, egrad, folder, monkeypatch):
    """Run the script in ``folder`` and return the (x, y) of the lines it drew."""
    plt = _pyplot()
    monkeypatch.chdir(folder)
    plt.figure()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non-interactive.*")  # plt.show() on Agg
        script(np, plt, egrad)
    lines = [
        (numpy.asarray(line.get_xdata()), numpy.asarray(line.get_ydata()))
        for line in plt.gca().lines
    ]
    plt.close("all")
    return lines


# autograd.numpy's part: autograd-lite's exp, and NumPy's linspace (no gradient goes through it).
LITE_NUMPY_FOR_TANH = SimpleNamespace(exp=al.exp, linspace=numpy.linspace)


def test_hips_tanh_example_gives_the_closed_form_derivatives(tmp_path, monkeypatch):
    lines = _plotted(hips_tanh_py, LITE_NUMPY_FOR_TANH, al.elementwise_grad, tmp_path, monkeypatch)
    assert len(lines) == 7
    assert (tmp_path / "tanh.png").stat().st_size > 1000
    for k, (x, y) in enumerate(lines):
        t = numpy.tanh(x / 2)
        expected = numpy.polynomial.polynomial.polyval(t, TANH_DERIVATIVES[k]) / 2**k
        assert numpy.abs(y - expected).max() < 1e-13 * numpy.abs(expected).max(), k
        assert numpy.abs(y).max() > 0.19  # no derivative came back as zeros


def test_hips_tanh_example_matches_hips_autograd(tmp_path, monkeypatch):
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as hips_numpy

    ours = _plotted(hips_tanh_py, LITE_NUMPY_FOR_TANH, al.elementwise_grad, tmp_path, monkeypatch)
    theirs = _plotted(hips_tanh_py, hips_numpy, autograd.elementwise_grad, tmp_path, monkeypatch)
    for (x, y), (x_ref, y_ref) in zip(ours, theirs, strict=True):
        assert numpy.array_equal(x, x_ref)
        # rounding grows with the order: HIPS's 6th derivative is 1.1e-11 from the closed
        # form (autograd-lite's 5e-14, which the test above bounds)
        numpy.testing.assert_allclose(y, y_ref, rtol=0, atol=1e-10 * numpy.abs(y_ref).max())


# ---- PyTorch's tutorial: beginner_source/examples_autograd/polynomial_autograd.py -----------


def polynomial_tutorial(torch, np, dtype):
    """The tutorial's code after its docstring, given its imports. On PyTorch it runs as
    ``polynomial_tutorial(torch, torch, torch.float)``: exactly the tutorial. On autograd-lite,
    ``polynomial_tutorial(autograd_lite, numpy, numpy.float32)``: the changed lines are

        import torch                →  import autograd_lite as torch, import numpy as np
        dtype = torch.float         →  dtype = np.float32
        device = "cuda" if …; torch.set_default_device(device)     →  left out (the CPU)
        x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)   →  np.linspace(…)
        y = torch.sin(x)            →  y = np.sin(x)
    """
    # Create Tensors to hold input and outputs.
    # By default, requires_grad=False, which indicates that we do not need to
    # compute gradients with respect to these Tensors during the backward pass.
    x = np.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = np.sin(x)

    # Create random Tensors for weights. For a third order polynomial, we need
    # 4 weights: y = a + b x + c x^2 + d x^3
    # Setting requires_grad=True indicates that we want to compute gradients with
    # respect to these Tensors during the backward pass.
    a = torch.randn((), dtype=dtype, requires_grad=True)
    b = torch.randn((), dtype=dtype, requires_grad=True)
    c = torch.randn((), dtype=dtype, requires_grad=True)
    d = torch.randn((), dtype=dtype, requires_grad=True)

    learning_rate = 1e-6
    for t in range(2000):
        # Forward pass: compute predicted y using operations on Tensors.
        y_pred = a + b * x + c * x**2 + d * x**3

        # Compute and print loss using operations on Tensors.
        # Now loss is a Tensor of shape (1,)
        # loss.item() gets the scalar value held in the loss.
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99:
            print(t, loss.item())

        # Use autograd to compute the backward pass. This call will compute the
        # gradient of loss with respect to all Tensors with requires_grad=True.
        # After this call a.grad, b.grad. c.grad and d.grad will be Tensors holding
        # the gradient of the loss with respect to a, b, c, d respectively.
        loss.backward()

        # Manually update weights using gradient descent. Wrap in torch.no_grad()
        # because weights have requires_grad=True, but we don't need to track this
        # in autograd.
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad

            # Manually zero the gradients after updating weights
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None

    print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")
    return a, b, c, d


def _printed(text: str):
    """The losses printed every 100 steps and the four coefficients of the 'Result:' line."""
    losses = [float(v) for v in re.findall(r"^\d+ (\S+)$", text, re.MULTILINE)]
    result = re.search(r"Result: y = (\S+) \+ (\S+) x \+ (\S+) x\^2 \+ (\S+) x\^3", text)
    return numpy.array(losses), numpy.array([float(v) for v in result.groups()])


def _tutorial_start(seed: int) -> list[float]:
    """The four starting values the port draws after ``al.manual_seed(seed)``."""
    al.manual_seed(seed)
    return [float(al.randn((), dtype=numpy.float32).data) for _ in range(4)]


def _gradient_descent_by_hand(start, steps=2000, lr=1e-6):
    """The tutorial's fit with the gradient written out, in float64:
    ∂L/∂(a, b, c, d) = Σ 2(ŷ − y)·(1, x, x², x³)."""
    x = numpy.linspace(-math.pi, math.pi, 2000, dtype=numpy.float32).astype(numpy.float64)
    y = numpy.sin(x)
    powers = numpy.stack([x**0, x, x**2, x**3])
    coefficients = numpy.array(start, dtype=numpy.float64)
    losses = []
    for t in range(steps):
        residual = coefficients @ powers - y
        if t % 100 == 99:
            losses.append(float(residual @ residual))
        coefficients = coefficients - lr * (powers @ (2 * residual))
    return numpy.array(losses), coefficients


def test_pytorch_polynomial_tutorial_runs_and_keeps_its_parameters(capsys):
    al.manual_seed(0)
    a, b, c, d = polynomial_tutorial(al, numpy, numpy.float32)
    losses, coefficients = _printed(capsys.readouterr().out)
    # `a -= learning_rate * a.grad` under no_grad changed the leaves in place: still leaves
    # that require grad, with their gradients cleared by `a.grad = None`
    for p in (a, b, c, d):
        assert isinstance(p, al.Tensor) and p.is_leaf and p.requires_grad and p.grad is None
        assert p.dtype == numpy.float32 and p.shape == ()
    assert len(losses) == 20
    reference_losses, reference = _gradient_descent_by_hand(_tutorial_start(0))
    numpy.testing.assert_allclose(losses, reference_losses, rtol=1e-4)
    numpy.testing.assert_allclose(coefficients, reference, rtol=1e-4, atol=1e-6)
    # the fit the tutorial shows: sin x ≈ 0.85x − 0.09x³ on [−π, π], loss in the single digits
    assert coefficients[1] == pytest.approx(0.85, abs=0.02)
    assert coefficients[3] == pytest.approx(-0.092, abs=0.004)
    assert losses[-1] < 15


def test_pytorch_polynomial_tutorial_matches_pytorch(capsys, monkeypatch):
    torch = pytest.importorskip("torch")
    al.manual_seed(0)
    polynomial_tutorial(al, numpy, numpy.float32)
    ours = _printed(capsys.readouterr().out)
    start = iter(_tutorial_start(0))  # torch.randn hands out the same four starting values

    def same_start(*shape, dtype=None, requires_grad=False):
        return torch.tensor(next(start), dtype=dtype, requires_grad=requires_grad)

    monkeypatch.setattr(torch, "randn", same_start)
    polynomial_tutorial(torch, torch, torch.float)
    theirs = _printed(capsys.readouterr().out)
    # float32 sums of 2,000 terms, added in another order: agreement to about 1e-6
    numpy.testing.assert_allclose(ours[0], theirs[0], rtol=1e-5)
    numpy.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5, atol=1e-7)


# ---- HIPS autograd: examples/neural_net.py -----------------------------------------------


def hips_neural_net(np, npr, logsumexp, flatten):
    """The functions of HIPS's examples/neural_net.py, given its imports:

    import autograd.numpy as np
    import autograd.numpy.random as npr
    from autograd.scipy.special import logsumexp
    from autograd.misc.flatten import flatten
    """

    def init_random_params(scale, layer_sizes, rs=npr.RandomState(0)):  # noqa: B008 (HIPS's)
        """Build a list of (weights, biases) tuples,
        one for each layer in the net."""
        return [
            (
                scale * rs.randn(m, n),  # weight matrix
                scale * rs.randn(n),
            )  # bias vector
            for m, n in zip(layer_sizes[:-1], layer_sizes[1:])
        ]

    def neural_net_predict(params, inputs):
        """Implements a deep neural network for classification.
        params is a list of (weights, bias) tuples.
        inputs is an (N x D) matrix.
        returns normalized class log-probabilities."""
        for W, b in params:
            outputs = np.dot(inputs, W) + b
            inputs = np.tanh(outputs)
        return outputs - logsumexp(outputs, axis=1, keepdims=True)

    def l2_norm(params):
        """Computes l2 norm of params by flattening them into a vector."""
        flattened, _ = flatten(params)
        return np.dot(flattened, flattened)

    def log_posterior(params, inputs, targets, L2_reg):
        log_prior = -L2_reg * l2_norm(params)
        log_lik = np.sum(neural_net_predict(params, inputs) * targets)
        return log_prior + log_lik

    def accuracy(params, inputs, targets):
        target_class = np.argmax(targets, axis=1)
        predicted_class = np.argmax(neural_net_predict(params, inputs), axis=1)
        return np.mean(predicted_class == target_class)

    return SimpleNamespace(
        init_random_params=init_random_params,
        neural_net_predict=neural_net_predict,
        l2_norm=l2_norm,
        log_posterior=log_posterior,
        accuracy=accuracy,
    )


def lite_flatten(params):
    """autograd.misc.flatten's part for nested lists/tuples: one vector of every entry (the
    second value, HIPS's unflatten, is not used by neural_net.py)."""
    leaves, stack = [], [params]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(reversed(node))
        else:
            leaves.append(al.reshape(node, -1))
    return al.concatenate(leaves), None


# autograd.numpy's part: autograd-lite's differentiable ops; NumPy where no gradient goes.
LITE_NUMPY_FOR_NET = SimpleNamespace(
    dot=al.dot, tanh=al.tanh, sum=al.sum, argmax=numpy.argmax, mean=numpy.mean
)


def _net_problem(net, grad):
    """A small classification problem in the script's shape, its initial parameters and the
    script's objective and gradient (3 classes, 8 features, layers 8-16-8-3)."""
    rng = numpy.random.default_rng(0)
    images = rng.normal(size=(96, 8))
    labels = numpy.eye(3)[numpy.argmax(images[:, :3] + 0.3 * rng.normal(size=(96, 3)), axis=1)]
    batch_size, L2_reg = 32, 1.0
    num_batches = int(numpy.ceil(len(images) / batch_size))

    def batch_indices(iter):
        idx = iter % num_batches
        return slice(idx * batch_size, (idx + 1) * batch_size)

    def objective(params, iter):
        idx = batch_indices(iter)
        return -net.log_posterior(params, images[idx], labels[idx], L2_reg)

    init_params = net.init_random_params(0.1, [8, 16, 8, 3], rs=numpy.random.RandomState(0))
    return SimpleNamespace(
        images=images,
        labels=labels,
        init_params=init_params,
        objective=objective,
        objective_grad=grad(objective),
    )


def _leaves(params):
    return [p for layer in params for p in layer]


def test_hips_neural_net_gradient_comes_back_as_the_list_of_pairs():
    net = hips_neural_net(LITE_NUMPY_FOR_NET, numpy.random, al.logsumexp, lite_flatten)
    problem = _net_problem(net, al.grad)
    gradient = problem.objective_grad(problem.init_params, 0)
    assert isinstance(gradient, list) and len(gradient) == 3
    for (dW, db), (W, b) in zip(gradient, problem.init_params):
        assert isinstance(dW, numpy.ndarray) and dW.shape == W.shape
        assert isinstance(db, numpy.ndarray) and db.shape == b.shape
    # against central differences, with the parameters as separate arrays
    shapes = [p.shape for p in _leaves(problem.init_params)]

    def objective_of_leaves(*leaves):
        pairs = [(leaves[i], leaves[i + 1]) for i in range(0, len(leaves), 2)]
        return problem.objective(pairs, 0)

    assert al.gradcheck(objective_of_leaves, _leaves(problem.init_params))
    assert [g.shape for g in _leaves(gradient)] == shapes
    # the script's training, as plain gradient steps over the pytree
    params = problem.init_params
    first = net.accuracy(params, problem.images, problem.labels)
    for i in range(60):
        step = problem.objective_grad(params, i)
        params = [(W - 0.01 * dW, b - 0.01 * db) for (W, b), (dW, db) in zip(params, step)]
    assert net.accuracy(params, problem.images, problem.labels) > max(first + 0.2, 0.6)


def test_hips_neural_net_matches_hips_autograd_and_its_adam():
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as hips_numpy
    import autograd.numpy.random as hips_random
    from autograd.misc.flatten import flatten
    from autograd.misc.optimizers import adam
    from autograd.scipy.special import logsumexp

    ours = hips_neural_net(LITE_NUMPY_FOR_NET, numpy.random, al.logsumexp, lite_flatten)
    theirs = hips_neural_net(hips_numpy, hips_random, logsumexp, flatten)
    mine, reference = _net_problem(ours, al.grad), _net_problem(theirs, autograd.grad)
    for a, b in zip(
        _leaves(mine.objective_grad(mine.init_params, 1)),
        _leaves(reference.objective_grad(reference.init_params, 1)),
        strict=True,
    ):
        numpy.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    # HIPS's own Adam (it flattens whatever pytree the gradient function returns) drives both
    trained = adam(mine.objective_grad, mine.init_params, step_size=0.01, num_iters=60)
    expected = adam(reference.objective_grad, reference.init_params, step_size=0.01, num_iters=60)
    for a, b in zip(_leaves(trained), _leaves(expected), strict=True):
        numpy.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert ours.accuracy(trained, mine.images, mine.labels) == pytest.approx(
        theirs.accuracy(expected, reference.images, reference.labels)
    )
