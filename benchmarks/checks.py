"""Correctness first: every engine must compute the same loss and gradients on the same inputs.

For each workload, every engine runs the exact function that is timed once, on the shared
problem, and its value and gradients are compared with the hand-written floor's (NumPy for the
array workloads, pure Python for the scalar ones). An engine that disagrees, or fails, is not
timed on that workload.

Two arrays agree when their largest difference is small next to their largest entry:

    max|a - b| <= tol · max(max|b|, tiny)

with tol = 1e-4 in float32 (sums of hundreds of float32 products, added in another order by
another BLAS, differ by about 1e-6 of their size) and 1e-9 in float64.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy

from . import problems
from .engines import FLOOR

TOLERANCE = {"float32": 1e-4, "float64": 1e-9}
PRECISION = {
    "mlp": "float32",
    "gpu_mlp": "float32",
    "chain": "float32",
    "moons": "float64",
    "depth": "float64",
    "cnn": "float32",
}

# The cases that are checked: small, so that the checks take seconds. W4 uses a chain short
# enough for micrograd's recursive backward.
CHECK_CASES = (
    ("mlp", {"batch": 32}),
    ("chain", {"n_ops": 100}),
    ("moons", {"n_points": 100}),
    ("depth", {"n_ops": 500}),
    ("cnn", {"batch": 64}),
)
GPU_CHECK_CASE = ("gpu_mlp", {"batch": 128})  # W6: W1 on the GPU


@dataclass
class CheckResult:
    """The outcome of one engine on one workload."""

    engine: str
    workload: str
    params: dict
    ok: bool
    detail: str  # "max rel. error 3e-07", or why it failed
    written_with: object = None


def relative_error(a: numpy.ndarray, b: numpy.ndarray) -> float:
    """max|a - b| / max|b| (shapes (1,) and () count as the same one number)."""
    a, b = numpy.asarray(a, dtype=numpy.float64), numpy.asarray(b, dtype=numpy.float64)
    if a.size == b.size == 1:
        a, b = a.reshape(()), b.reshape(())
    if a.shape != b.shape:
        return numpy.inf
    scale = max(float(numpy.abs(b).max(initial=0.0)), 1e-30)
    return float(numpy.abs(a - b).max(initial=0.0)) / scale


def compare(candidate: dict, reference: dict, tol: float) -> tuple[bool, str]:
    """Compare two {"value": ..., "grad0": ..., ...} results; the detail names the worst entry."""
    if candidate.keys() != reference.keys():
        return False, f"returned {len(candidate) - 1} gradients, expected {len(reference) - 1}"
    errors = {
        name: relative_error(candidate[name], expected) for name, expected in reference.items()
    }
    worst = max(errors, key=lambda name: (not numpy.isfinite(errors[name]), errors[name]))
    ok = all(error <= tol for error in errors.values())
    detail = f"max rel. error {errors[worst]:.1e} ({worst}; tolerance {tol:.0e})"
    return ok, detail if ok else "WRONG: " + detail


def run_checks(workers: dict, cases=CHECK_CASES) -> list[CheckResult]:
    """Check every engine in ``workers`` ({name: WorkerProcess}) on every case it supports.

    The workers run their cases in parallel (nothing is timed here); the floor of each workload
    must be among the workers. The floor of the depth workload is also checked against the
    closed form ∂y/∂x0 = mul ** (number of multiplications).
    """
    folder = tempfile.mkdtemp(prefix="benchmarks-check-")

    def run_engine(name):
        outputs = {}
        for workload, params in cases:
            if workload not in workers[name].spec.workloads:
                continue
            path = os.path.join(folder, f"{name}-{workload}.npz")
            answer = workers[name].request("check", workload=workload, params=params, path=path)
            outputs[workload] = answer
        return name, outputs

    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        answers = dict(pool.map(run_engine, list(workers)))

    results = []
    for workload, params in cases:
        floor = FLOOR[workload]
        reference = _load(answers.get(floor, {}).get(workload))
        if isinstance(reference, dict) and workload == "depth":
            expected = problems.make("depth", params).expected_grad
            error = relative_error(reference["grad0"], numpy.float64(expected))
            if error > 1e-9:
                reference = f"the floor's gradient is off the closed form by {error:.1e}"
        for name in workers:
            if workload not in workers[name].spec.workloads:
                continue
            answer = answers[name][workload]
            candidate = _load(answer)
            if isinstance(candidate, str):
                ok, detail = False, candidate
            elif isinstance(reference, str):
                ok, detail = False, f"no reference ({FLOOR[workload]}: {reference})"
            else:
                ok, detail = compare(candidate, reference, TOLERANCE[PRECISION[workload]])
            results.append(
                CheckResult(name, workload, params, ok, detail, answer.get("written_with"))
            )
    for file in os.listdir(folder):
        os.remove(os.path.join(folder, file))
    os.rmdir(folder)
    return results


def _load(answer):
    """The arrays an engine saved, or the text of its failure."""
    if answer is None:
        return "not run"
    if "error" in answer:
        return "fails: " + answer["error"]
    with numpy.load(answer["file"]) as data:
        return {name: data[name] for name in data.files}


def check_table(results: list[CheckResult], labels: dict) -> str:
    """A Markdown table: one row per workload and engine."""
    lines = ["| Workload | Engine | Same loss and gradients as the floor? |", "| --- | --- | --- |"]
    for r in results:
        mark = "yes" if r.ok else "**no**"
        lines.append(
            f"| {r.workload} {_params(r.params)} | {labels.get(r.engine, r.engine)} "
            f"| {mark}: {r.detail} |"
        )
    return "\n".join(lines)


def _params(params: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items() if k != "sizes")
