"""The benchmark's correctness checks, run as tests: every engine computes the same loss and
gradients as the hand-written floors on the benchmark's workloads. Nothing is timed here.

The engines run in their own processes, as in ``python -m benchmarks --check``.
"""

from __future__ import annotations

import pytest

from benchmarks import checks, plan, problems, run
from benchmarks.engines import ENGINES, FLOOR, get
from benchmarks.timing import Measurement, paired_ratio

CORE = ["lite", "lite_value", "numpy", "python"]
PEERS = [s.name for s in ENGINES if s.name not in CORE and not s.missing()]


def _failures(results):
    return [f"{r.engine} on {r.workload}: {r.detail}" for r in results if not r.ok]


def test_autograd_lite_agrees_with_the_hand_written_floors():
    results = run.check([get(name) for name in CORE])
    assert not _failures(results), _failures(results)
    checked = {(r.engine, r.workload) for r in results}
    assert {("lite", "mlp"), ("lite", "chain"), ("lite", "depth"), ("lite_value", "moons"),
            ("lite_value", "depth")} <= checked


@pytest.mark.slow
@pytest.mark.skipif(not PEERS, reason="no peer installed (the 'bench' extra)")
def test_installed_peers_agree_with_the_hand_written_floors():
    results = run.check([get(name) for name in PEERS + ["numpy", "python"]])
    assert not _failures(results), _failures(results)


@pytest.mark.parametrize("name", CORE)
def test_an_engine_defines_the_functions_of_its_workloads(name):
    spec = get(name)
    module = spec.load()
    for function in ("setup", "to_numpy", *spec.workloads):
        assert callable(getattr(module, function, None)), f"{spec.module} lacks {function}"


def test_every_workload_has_a_floor_that_runs_it():
    for workload, floor in FLOOR.items():
        assert workload in get(floor).workloads


def test_the_depth_floor_matches_the_closed_form():
    from benchmarks.engines import python_hand

    problem = problems.depth_problem(1000)
    y, (grad,) = python_hand.depth(problem)()
    assert grad == pytest.approx(problem.expected_grad, rel=1e-12)


def test_compare_flags_a_wrong_gradient():
    import numpy

    reference = {"value": numpy.float64(1.0), "grad0": numpy.ones(3)}
    close = {"value": numpy.float64(1.0), "grad0": numpy.ones(3) * (1 + 1e-7)}
    wrong = {"value": numpy.float64(1.0), "grad0": numpy.array([1.0, 1.0, 1.1])}
    assert checks.compare(close, reference, 1e-4)[0]
    assert not checks.compare(wrong, reference, 1e-4)[0]


def _measured(name, samples):
    m = Measurement(name, samples=list(samples), blocks=list(samples))
    m.finish()
    return m


def test_paired_ratio_takes_the_median_of_per_repetition_ratios():
    a = _measured("a", [2.0, 2.0, 9.0])
    b = _measured("b", [1.0, 1.0, 1.0])
    assert paired_ratio(a, b) == 2.0
    assert paired_ratio(a, Measurement("c", status="fails: x")) is None


def test_the_quick_plan_is_smaller_than_the_full_one():
    quick, full = plan.timed_cases(quick=True, threads=(1,)), plan.timed_cases(quick=False)
    assert sum(c.reps for c in quick) < sum(c.reps for c in full)
    assert {c.id for c in quick} == {"W1", "W2", "W3", "W4"}


def test_the_report_renders_and_survives_a_round_trip_through_json():
    from benchmarks import report, targets
    from benchmarks.memory import MemoryResult
    from benchmarks.plan import Case, MemoryCase

    case = Case("W1", "MLP step, batch 32", "mlp", {"batch": 32}, "ms/step")
    results = {"lite": _measured("lite", [1.05e-3] * 4),
               "numpy": _measured("numpy", [1e-3] * 4),
               "torch": Measurement("torch", status="fails: RuntimeError: boom")}
    memory = {"lite": MemoryResult("lite", peak_rss_kib=[2048], rss_before_kib=[1024]),
              "numpy": MemoryResult("numpy", peak_rss_kib=[2000], rss_before_kib=[1000])}
    machine = {"date": "today", "cpu": "cpu", "logical_cpus": 2, "usable_cpus": 2,
               "memory_gib": 1, "os": "os", "python": "3", "numpy": {"version": "2"},
               "blas_env": {}, "load_average_at_start": [0, 0, 0]}
    run_ = run.Run(command="python -m benchmarks", quick=False, machine=machine,
                   cases=[(case, results)], memory=memory, memory_case=MemoryCase(),
                   gpu_skipped="no GPU")
    run_.targets = targets.evaluate(run_.cases, run_.memory, run_.gpu_skipped)
    assert [t.met for t in run_.targets if "W1" in t.what] == [True]
    text = report.results_markdown(run_)
    assert "| W1 | MLP step, batch 32, 1 thread | autograd_lite | 1.05 ms/step ±0% | 1.05× |" \
        in text
    assert "fails: RuntimeError: boom" in text
    assert report.results_markdown(report.from_json(report.to_json(run_))) == text
