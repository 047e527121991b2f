"""Random small programs over autograd-lite's ops, and the same programs in PyTorch.

A program takes one to three float64 arrays and applies three to eight random ops to them and to
what they made: elementwise functions, broadcasting arithmetic with other values or constants,
reductions over random axes, matmul, softmax / logsumexp / log_softmax, indexing with repeated
indices, concatenate / stack, where, clip, maximum / minimum, powers, reshapes and transposes.
Its output is the number

    z = Σ_k ⟨w_k, v_k⟩        over the values v_k that no later op uses (w_k fixed and random),

so that every value computed counts. ``run_autograd_lite`` and ``run_torch`` compute z, its
gradient, a Hessian-vector product three ways, a third derivative, and on small inputs the
Hessian and the Jacobian of the last step's value, with each library's own machinery;
``compare`` says where they differ.

Programs are generated on concrete inputs and each op is kept only where it is smooth there:
log, sqrt and fractional powers see values ≥ 0.05, divisors are at least 0.1 from 0, exp sees
at most 3, and every value stays below 50 in size. Ties of max / maximum / clip can occur (a value
used twice); both libraries split or pass the gradient the same way there.

Run ``python tests/random_programs.py --programs 5000`` for a longer search than the test's.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

if __name__ == "__main__":  # run from a clone: make autograd_lite importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import autograd_lite as al

INPUT_SHAPES = [(), (3,), (2,), (2, 3), (1, 3), (2, 1), (3, 2), (2, 2, 3), (1, 2, 1)]
MAX_SIZE = 24
MAX_MAGNITUDE = 50.0


@dataclass
class Step:
    """``op`` applied to ``operands``: each an index into the values so far or ``("const",
    array or number)``; ``params`` are the op's other arguments (axes, shapes, indices)."""

    op: str
    operands: tuple
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        args = ", ".join(f"v{o}" if isinstance(o, int) else _short(o[1]) for o in self.operands)
        extra = ", ".join(f"{k}={_short(v)}" for k, v in self.params.items())
        return f"{self.op}({args}{', ' + extra if extra else ''})"


@dataclass
class Program:
    inputs: list  # float64 arrays
    steps: list
    sinks: list  # indices of the values that no step uses
    weights: list  # one fixed array per sink: z = Σ ⟨w, v_sink⟩
    direction: list  # v of the Hessian-vector product, shaped like the inputs

    def __str__(self) -> str:
        lines = [f"v{i} = input of shape {x.shape}" for i, x in enumerate(self.inputs)]
        first = len(self.inputs)
        lines += [f"v{first + k} = {step}" for k, step in enumerate(self.steps)]
        lines.append("z = " + " + ".join(f"<w, v{s}>" for s in self.sinks))
        return "\n".join(lines)


def _short(value) -> str:
    if isinstance(value, np.ndarray):
        return f"array{value.shape}" if value.size > 4 else np.array2string(value, precision=3)
    if isinstance(value, tuple):
        return "(" + ", ".join(_short(v) for v in value) + ")"
    return repr(value)


# ---- the ops, each in both libraries ------------------------------------------------------


def _axis_tuple(axis, ndim):
    return tuple(range(ndim)) if axis is None else axis


def _torch_reduce(name):
    def reduce(x, axis=None, keepdims=False):
        fn = {"sum": x.sum, "mean": x.mean, "max": x.amax, "min": x.amin}[name]
        if x.ndim == 0:
            return fn()
        return fn(dim=_axis_tuple(axis, x.ndim), keepdim=keepdims)

    return reduce


def _torch_logsumexp(x, axis=-1, keepdims=False):
    import torch

    if x.ndim == 0:
        return torch.logsumexp(x, dim=0)
    return torch.logsumexp(x, dim=_axis_tuple(axis, x.ndim), keepdim=keepdims)


def _torch_index(index):
    import torch

    def convert(part):
        return torch.as_tensor(part) if isinstance(part, np.ndarray) else part

    return tuple(convert(p) for p in index)


def _torch_tensors(*values):
    """Python numbers as 0-d float64 tensors (torch.maximum and torch.where need tensors)."""
    import torch

    return [torch.tensor(v, dtype=torch.float64) if isinstance(v, float) else v for v in values]


def _torch_ops():
    import torch

    return {
        "neg": lambda x: -x,
        "exp": torch.exp,
        "log": torch.log,
        "log1p": torch.log1p,
        "sqrt": torch.sqrt,
        "abs": torch.abs,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "relu": torch.relu,
        "power": lambda a, b: a**b,
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b,
        "maximum": lambda a, b: torch.maximum(*_torch_tensors(a, b)),
        "minimum": lambda a, b: torch.minimum(*_torch_tensors(a, b)),
        "where": lambda a, b, condition: torch.where(
            torch.as_tensor(condition), *_torch_tensors(a, b)
        ),
        "matmul": torch.matmul,
        "clip": lambda x, lo=None, hi=None: torch.clamp(x, lo, hi),
        "sum": _torch_reduce("sum"),
        "mean": _torch_reduce("mean"),
        "max": _torch_reduce("max"),
        "min": _torch_reduce("min"),
        "logsumexp": _torch_logsumexp,
        "softmax": lambda x, axis: torch.softmax(x, dim=axis),
        "log_softmax": lambda x, axis: torch.log_softmax(x, dim=axis),
        "reshape": lambda x, shape: x.reshape(shape),
        "transpose": lambda x, axes: x.permute(axes),
        "expand": lambda x, shape: x.expand(shape),
        "squeeze": lambda x, axis: torch.squeeze(x, dim=axis),
        "getitem": lambda x, index: x[_torch_index(index)],
        "concatenate": lambda *xs, axis: torch.cat(xs, dim=axis),
        "stack": lambda *xs, axis: torch.stack(xs, dim=axis),
    }


def _lite_ops():
    return {
        "neg": lambda x: -x,
        "exp": al.exp,
        "log": al.log,
        "log1p": al.log1p,
        "sqrt": al.sqrt,
        "abs": al.abs,
        "tanh": al.tanh,
        "sigmoid": al.sigmoid,
        "relu": al.relu,
        "power": lambda a, b: a**b,
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b,
        "maximum": al.maximum,
        "minimum": al.minimum,
        "where": lambda a, b, condition: al.where(condition, a, b),
        "matmul": al.matmul,
        "clip": lambda x, lo=None, hi=None: al.clip(x, lo, hi),
        "sum": al.sum,
        "mean": al.mean,
        "max": al.max,
        "min": al.min,
        "logsumexp": al.logsumexp,
        "softmax": al.softmax,
        "log_softmax": al.log_softmax,
        "reshape": lambda x, shape: al.reshape(x, shape),
        "transpose": lambda x, axes: al.transpose(x, axes),
        "expand": lambda x, shape: al.expand(x, shape),
        "squeeze": lambda x, axis: al.squeeze(x, axis),
        "getitem": lambda x, index: x[index],
        "concatenate": lambda *xs, axis: al.concatenate(xs, axis=axis),
        "stack": lambda *xs, axis: al.stack(xs, axis=axis),
    }


LITE = _lite_ops()


# ---- generating a program -------------------------------------------------------------------


def generate(seed: int, longest: int = 8) -> Program:
    """A random program (deterministic in ``seed``) of 3 to ``longest`` steps, with its inputs,
    weights and direction."""
    rng = np.random.default_rng(seed)
    n_inputs = int(rng.integers(1, 4))
    inputs = [
        rng.normal(0, 1, INPUT_SHAPES[rng.integers(len(INPUT_SHAPES))]) for _ in range(n_inputs)
    ]
    values = [x for x in inputs]  # the forward value of each v_i, for the domain checks
    steps, used = [], set()
    target = int(rng.integers(3, longest + 1))
    attempts = 0
    while len(steps) < target and attempts < 200:
        attempts += 1
        step = _propose(rng, values)
        if step is None:
            continue
        out = _evaluate_step(step, values)
        if out is None:
            continue
        steps.append(step)
        values.append(out)
        used.update(o for o in step.operands if isinstance(o, int))
    sinks = [i for i in range(len(values)) if i not in used and i >= n_inputs] or [len(values) - 1]
    weights = [rng.normal(0, 1, np.shape(values[s])) for s in sinks]
    direction = [rng.normal(0, 1, x.shape) for x in inputs]
    return Program(inputs, steps, sinks, weights, direction)


def _evaluate_step(step, values):
    """The step's output on the forward values, or None if it leaves the smooth, small range.
    Steps are made valid for their operands, so an error here is a finding, never skipped."""
    with np.errstate(all="ignore"):
        out = _apply(LITE, step, [al.Tensor(v) for v in values], lambda c: c)
    out = np.asarray(out.data)
    if out.size == 0 or out.size > MAX_SIZE or out.ndim > 3:
        return None
    if not np.all(np.isfinite(out)) or np.abs(out).max() > MAX_MAGNITUDE:
        return None
    return out


def _apply(ops, step, values, constant):
    operands = [values[o] if isinstance(o, int) else constant(o[1]) for o in step.operands]
    return ops[step.op](*operands, **step.params)


def _pick(rng, values, accept=lambda v: True):
    """The index of a value that ``accept`` takes, recent values more often; None if none."""
    candidates = [i for i, v in enumerate(values) if accept(v)]
    if not candidates:
        return None
    weights = np.arange(1, len(candidates) + 1, dtype=float) ** 2
    return int(rng.choice(candidates, p=weights / weights.sum()))


def _broadcasts(a_shape, b_shape) -> bool:
    try:
        shape = np.broadcast_shapes(a_shape, b_shape)
    except ValueError:
        return False
    return len(shape) <= 3 and int(np.prod(shape)) <= MAX_SIZE


def _partner(rng, values, shape, accept=lambda v: True):
    """A second operand for a binary op with a first operand of ``shape``: another value that
    broadcasts with it, or a constant array or number."""
    if rng.random() < 0.7:
        i = _pick(rng, values, lambda v: _broadcasts(shape, np.shape(v)) and accept(v))
        if i is not None:
            return i
    if rng.random() < 0.4:
        return ("const", float(rng.uniform(0.5, 2.0) * rng.choice([-1, 1])))
    const_shape = shape[int(rng.integers(0, len(shape) + 1)) :] if shape else ()
    return ("const", rng.normal(0, 1, const_shape))


UNARY_DOMAINS = {
    "neg": lambda v: True,
    "exp": lambda v: v.max() <= 3,
    "log": lambda v: v.min() >= 0.05,
    "log1p": lambda v: v.min() >= -0.9,
    "sqrt": lambda v: v.min() >= 0.05,
    "abs": lambda v: np.all(v != 0),
    "tanh": lambda v: True,
    "sigmoid": lambda v: True,
    "relu": lambda v: True,
}


def _propose(rng, values):
    kind = rng.choice(
        [
            "unary",
            "binary",
            "power",
            "reduce",
            "softmax",
            "matmul",
            "index",
            "shape",
            "join",
            "where",
            "clip",
        ],
        p=[0.2, 0.2, 0.06, 0.12, 0.08, 0.08, 0.08, 0.08, 0.04, 0.03, 0.03],
    )
    return globals()[f"_propose_{kind}"](rng, values)


def _propose_unary(rng, values):
    op = str(rng.choice(list(UNARY_DOMAINS)))
    i = _pick(rng, values, UNARY_DOMAINS[op])
    return None if i is None else Step(op, (i,))


def _propose_binary(rng, values):
    op = str(rng.choice(["add", "sub", "mul", "div", "maximum", "minimum"]))
    i = _pick(rng, values)
    divisor_ok = (lambda v: np.abs(v).min() >= 0.1) if op == "div" else (lambda v: True)
    j = _partner(rng, values, np.shape(values[i]), divisor_ok)
    if op == "div" and not isinstance(j, int) and np.abs(j[1]).min() < 0.1:
        return None
    operands = (i, j) if rng.random() < 0.7 or op == "div" else (j, i)
    if op == "div" and rng.random() < 0.3:  # a constant divided by a value
        k = _pick(rng, values, divisor_ok)
        return None if k is None else Step(op, (("const", 1.5), k))
    return Step(op, operands)


def _propose_power(rng, values):
    if rng.random() < 0.6:
        p = float(rng.choice([0, 2, 3, -1, 0.5, 1.5]))
        needs = {
            -1: lambda v: np.abs(v).min() >= 0.1,
            0.5: lambda v: v.min() >= 0.05,
            1.5: lambda v: v.min() >= 0.05,
        }.get(p, lambda v: True)
        i = _pick(rng, values, needs)
        return None if i is None else Step("power", (i, ("const", int(p) if p.is_integer() else p)))
    i = _pick(rng, values, lambda v: v.min() >= 0.05)
    if i is None:
        return None
    j = _partner(rng, values, np.shape(values[i]), lambda v: np.abs(v).max() <= 3)
    return Step("power", (i, j))


def _random_axis(rng, ndim, allow_tuple=True):
    if ndim == 0:
        return None
    choice = rng.random()
    if choice < 0.25:
        return None
    if choice < 0.45 and allow_tuple and ndim >= 2:
        return tuple(sorted(int(a) for a in rng.choice(ndim, size=2, replace=False)))
    return int(rng.integers(-ndim, ndim))


def _propose_reduce(rng, values):
    op = str(rng.choice(["sum", "mean", "max", "min", "logsumexp"]))
    i = _pick(rng, values)
    ndim = np.ndim(values[i])
    axis = _random_axis(rng, ndim)
    params = {"keepdims": bool(rng.random() < 0.4)}
    if ndim:
        params["axis"] = axis
    return Step(op, (i,), params)


def _propose_softmax(rng, values):
    op = str(rng.choice(["softmax", "log_softmax"]))
    i = _pick(rng, values, lambda v: np.ndim(v) >= 1)
    if i is None:
        return None
    ndim = np.ndim(values[i])
    return Step(op, (i,), {"axis": int(rng.integers(-ndim, ndim))})


def _propose_matmul(rng, values):
    i = _pick(rng, values, lambda v: np.ndim(v) >= 1)
    if i is None:
        return None
    a_shape = np.shape(values[i])
    inner = a_shape[-1]

    def fits(v):
        shape = np.shape(v)
        if not shape:
            return False
        rows = shape[0] if len(shape) == 1 else shape[-2]
        if rows != inner:
            return False
        if len(shape) > 2 or len(a_shape) > 2:
            return _broadcasts(a_shape[:-2], shape[:-2])
        return True

    j = _pick(rng, values, fits) if rng.random() < 0.6 else None
    if j is not None:
        return Step("matmul", (i, j))
    if rng.random() < 0.3:  # a constant matrix on the left: const @ value
        rows = a_shape[0] if len(a_shape) == 1 else a_shape[-2]
        return Step("matmul", (("const", rng.normal(0, 1, (int(rng.integers(1, 4)), rows))), i))
    b_shape = (inner,) if rng.random() < 0.3 else (inner, int(rng.integers(1, 4)))
    return Step("matmul", (i, ("const", rng.normal(0, 1, b_shape))))


def _propose_index(rng, values):
    i = _pick(rng, values, lambda v: np.ndim(v) >= 1)
    if i is None:
        return None
    shape = np.shape(values[i])
    kind = rng.integers(6)
    if kind == 0:  # repeated integer indices along the first axis
        index = (rng.integers(0, shape[0], size=int(rng.integers(1, 5))),)
    elif kind == 1:
        start = int(rng.integers(0, shape[0]))
        index = (slice(start, int(rng.integers(start + 1, shape[0] + 1))),)
    elif kind == 2:
        index = (int(rng.integers(-shape[0], shape[0])),)
    elif kind == 3 and len(shape) >= 2:  # two index arrays, pairs of positions (repeats too)
        n = int(rng.integers(1, 5))
        index = (rng.integers(0, shape[0], n), rng.integers(0, shape[1], n))
    elif kind == 4:  # the last axis, after an Ellipsis
        index = (Ellipsis, rng.integers(0, shape[-1], size=int(rng.integers(1, 4))))
    else:  # a boolean mask of the whole shape, at least one True
        mask = rng.random(shape) < 0.5
        mask.flat[int(rng.integers(mask.size))] = True
        index = (mask,)
    return Step("getitem", (i,), {"index": index})


def _propose_shape(rng, values):
    i = _pick(rng, values)
    shape = np.shape(values[i])
    size = int(np.prod(shape))
    kind = 2 if 1 in shape and rng.random() < 0.3 else rng.integers(4)
    if kind == 0:
        options = [(size,), (1, size), (size, 1), shape[::-1], (1,) + shape]
        new = options[int(rng.integers(len(options)))]
        return Step("reshape", (i,), {"shape": tuple(int(n) for n in new)})
    if kind == 1 and len(shape) >= 2:
        return Step("transpose", (i,), {"axes": tuple(int(a) for a in rng.permutation(len(shape)))})
    if kind == 2 and 1 in shape:
        axis = tuple(a for a, n in enumerate(shape) if n == 1)
        return Step("squeeze", (i,), {"axis": axis[:1] if rng.random() < 0.5 else axis})
    target = tuple(n if n != 1 else int(rng.integers(1, 4)) for n in shape)
    if rng.random() < 0.5 or target == shape:
        target = (2,) + target
    return Step("expand", (i,), {"shape": target})


def _propose_join(rng, values):
    i = _pick(rng, values, lambda v: np.ndim(v) >= 1)
    if i is None:
        return None
    shape = np.shape(values[i])
    if rng.random() < 0.5:
        axis = int(rng.integers(0, len(shape)))
        others = [
            j
            for j, v in enumerate(values)
            if np.ndim(v) == len(shape)
            and all(a == b for k, (a, b) in enumerate(zip(np.shape(v), shape)) if k != axis)
        ]
        chosen = [i] + [int(rng.choice(others)) for _ in range(int(rng.integers(1, 3)))]
        return Step("concatenate", tuple(chosen), {"axis": axis})
    others = [j for j, v in enumerate(values) if np.shape(v) == shape]
    chosen = [i] + [int(rng.choice(others)) for _ in range(int(rng.integers(1, 3)))]
    return Step(
        "stack", tuple(chosen), {"axis": int(rng.integers(-len(shape) - 1, len(shape) + 1))}
    )


def _propose_where(rng, values):
    i = _pick(rng, values)
    j = _partner(rng, values, np.shape(values[i]))
    b_shape = np.shape(values[j]) if isinstance(j, int) else np.shape(j[1])
    condition = rng.random(np.broadcast_shapes(np.shape(values[i]), b_shape)) < 0.5
    return Step("where", (i, j), {"condition": condition})


def _propose_clip(rng, values):
    i = _pick(rng, values)
    lo, hi = sorted(rng.normal(0, 1, 2))
    choice = rng.integers(3)
    params = {"lo": float(lo) if choice != 2 else None, "hi": float(hi) if choice != 1 else None}
    return Step("clip", (i,), params)


# ---- running a program ----------------------------------------------------------------------


def lite_function(program, last=False):
    """z as a function of the inputs (Tensors or arrays), in autograd-lite; with ``last``, the
    last step's value instead (an array, for Jacobians)."""

    def z(*inputs):
        values = list(inputs)
        for step in program.steps:
            values.append(_apply(LITE, step, values, lambda c: c))
        if last:
            return values[-1]
        return sum((values[s] * w).sum() for s, w in zip(program.sinks, program.weights))

    return z


def torch_function(program, last=False):
    """z (or the last step's value) as a function of the inputs (float64 torch tensors), in
    PyTorch."""
    import torch

    ops = _torch_ops()

    def constant(c):
        return torch.as_tensor(c) if isinstance(c, (np.ndarray, np.generic)) else c

    def z(*inputs):
        values = list(inputs)
        for step in program.steps:
            values.append(_apply(ops, step, values, constant))
        if last:
            return values[-1]
        return sum(
            (values[s] * torch.from_numpy(w)).sum() for s, w in zip(program.sinks, program.weights)
        )

    return z


def run_autograd_lite(program, hessian: bool) -> dict:
    """z, ∇z, H·v (by ``hvp``, by ``backward(create_graph=True)`` then ``backward`` of ⟨∇z, v⟩,
    and the recorded ``.grad`` after both passes), ∇⟨v, H·v⟩, and with ``hessian`` the Hessian
    blocks and the Jacobian of the last step's value."""
    z = lite_function(program)
    xs, vs = program.inputs, program.direction
    argnums = tuple(range(len(xs)))
    result = {
        "value": float(z(*[al.Tensor(x) for x in xs]).data),
        "grad": list(al.grad(z, argnums)(*xs)),
    }

    leaves = [al.Tensor(x, requires_grad=True) for x in xs]
    z(*leaves).backward()
    result["backward"] = [_array(t.grad, x) for t, x in zip(leaves, xs)]

    def of_list(inputs):
        return z(*inputs)

    result["hvp"] = list(al.hvp(of_list, list(xs), list(vs)))

    leaves = [al.Tensor(x, requires_grad=True) for x in xs]
    z(*leaves).backward(create_graph=True)
    first = [t.grad for t in leaves]
    result["create_graph_grad"] = [_array(g, x) for g, x in zip(first, xs)]
    directional = _directional(first, vs)
    if directional is not None and directional.requires_grad:
        directional.backward()
    result["grad_plus_hvp"] = [_array(t.grad, x) for t, x in zip(leaves, xs)]

    def v_hessian_v(*inputs):
        hv = al.hvp(of_list, list(inputs), list(vs))
        return sum((h * v).sum() for h, v in zip(hv, vs))

    result["third"] = list(al.grad(v_hessian_v, argnums)(*xs))
    if hessian:
        result["hessian"] = al.hessian(z, argnums)(*xs)
        result["jacobian"] = al.jacobian(lite_function(program, last=True), argnums)(*xs)
    return result


def run_torch(program, hessian: bool) -> dict:
    """The same quantities as ``run_autograd_lite``, by PyTorch's autograd."""
    import torch

    z = torch_function(program)
    xs = [torch.from_numpy(x) for x in program.inputs]
    vs = [torch.from_numpy(v) for v in program.direction]
    leaves = [x.clone().requires_grad_(True) for x in xs]
    out = z(*leaves)
    grads = torch.autograd.grad(out, leaves, create_graph=True, allow_unused=True)
    grads = [g if g is not None else torch.zeros_like(x) for g, x in zip(grads, xs)]
    result = {"value": float(out.detach()), "grad": [_numpy(g) for g in grads]}
    result["backward"] = result["grad"]
    hv = _torch_grad(_directional(grads, vs), leaves, create_graph=True)
    result["hvp"] = [_numpy(h) for h in hv]
    result["create_graph_grad"] = result["grad"]
    result["grad_plus_hvp"] = [_numpy(g + h) for g, h in zip(grads, hv)]
    third = _torch_grad(_directional(hv, vs), leaves, create_graph=False)
    result["third"] = [_numpy(t) for t in third]
    if hessian:
        blocks = torch.autograd.functional.hessian(z, tuple(xs))
        result["hessian"] = tuple(tuple(_numpy(b) for b in row) for row in blocks)
        jacobian = torch.autograd.functional.jacobian(torch_function(program, last=True), tuple(xs))
        result["jacobian"] = tuple(_numpy(j) for j in jacobian)
    return result


def _numpy(tensor):
    """A torch tensor's values (also of the zero tensors that double backward may return)."""
    return tensor.detach().numpy(force=True)


def _directional(grads, vs):
    """⟨g, v⟩ summed over the inputs; None where no g depends on anything."""
    terms = [(g * v).sum() for g, v in zip(grads, vs) if g is not None]
    return sum(terms) if terms else None


def _torch_grad(out, leaves, create_graph):
    import torch

    if out is None or not out.requires_grad:
        return [torch.zeros_like(x) for x in leaves]
    found = torch.autograd.grad(out, leaves, create_graph=create_graph, allow_unused=True)
    return [g if g is not None else torch.zeros_like(x) for g, x in zip(found, leaves)]


def _array(grad, like):
    if grad is None:
        return np.zeros_like(like)
    return np.asarray(grad.data if isinstance(grad, al.Tensor) else grad)


def compare(ours: dict, theirs: dict, rtol: float = 1e-9) -> list[str]:
    """The quantities on which the two results differ by more than ``rtol`` of their size."""
    problems = []
    for key, expected in theirs.items():
        got, expected = _leaves(ours[key]), _leaves(expected)
        if len(got) != len(expected):
            problems.append(f"{key}: {len(got)} arrays, PyTorch {len(expected)}")
            continue
        for position, (a, b) in enumerate(zip(got, expected)):
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            if a.shape != b.shape:
                problems.append(f"{key}[{position}]: shape {a.shape}, PyTorch {b.shape}")
                continue
            scale = max(float(np.abs(b).max(initial=0.0)), 1.0)
            error = float(np.abs(a - b).max(initial=0.0)) if a.size else 0.0
            if not error <= rtol * scale:  # also catches nan
                problems.append(
                    f"{key}[{position}]: largest difference {error:.3g} "
                    f"(PyTorch's largest entry {scale:.3g})"
                )
    return problems


def _leaves(value):
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def check(seed: int, longest: int = 8) -> tuple[Program, list[str]]:
    """Generate program ``seed``, run it in both libraries, return it and the differences."""
    program = generate(seed, longest)
    small = sum(x.size for x in program.inputs) <= 8  # the Hessian: one pass per entry
    ours = run_autograd_lite(program, hessian=small)
    theirs = run_torch(program, hessian=small)
    return program, compare(ours, theirs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Compare autograd-lite with PyTorch on random "
        "programs (values, 1st, 2nd, 3rd derivatives)"
    )
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0, help="the first program's seed")
    parser.add_argument("--longest", type=int, default=8, help="most steps in a program")
    args = parser.parse_args(argv)
    start, failures, ops = time.perf_counter(), 0, {}
    for seed in range(args.seed, args.seed + args.programs):
        try:
            program, problems = check(seed, args.longest)
        except Exception as error:  # report and go on: one crash must not hide the others
            program, problems = generate(seed, args.longest), [f"{type(error).__name__}: {error}"]
        for step in program.steps:
            ops[step.op] = ops.get(step.op, 0) + 1
        if problems:
            failures += 1
            print(f"--- seed {seed}\n{program}\n  " + "\n  ".join(problems))
    elapsed = time.perf_counter() - start
    print(
        f"{args.programs} programs, {sum(ops.values())} ops ({len(ops)} kinds), "
        f"{failures} with a difference, {elapsed:.1f} s"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
