"""The benchmark's correctness checks, run as tests: every engine computes the same loss and
gradients as the hand-written floors on the benchmark's workloads. Nothing is timed here.

The engines run in their own processes, as in ``python -m benchmarks --check``.
"""

from __future__ import annotations

import re

import pytest

from benchmarks import checks, plan, problems, run
from benchmarks.engines import ENGINES, FLOOR, get
from benchmarks.timing import Measurement, paired_ratio

CORE = ["lite", "lite_ops", "lite_value", "lite_value_ops", "numpy", "numpy_prealloc", "python"]
PEERS = [s.name for s in ENGINES if s.name not in CORE and not s.missing()]


def _failures(results):
    return [f"{r.engine} on {r.workload}: {r.detail}" for r in results if not r.ok]


def test_autograd_lite_agrees_with_the_hand_written_floors():
    results = run.check([get(name) for name in CORE])
    assert not _failures(results), _failures(results)
    checked = {(r.engine, r.workload) for r in results}
    assert {
        ("lite", "mlp"),
        ("lite", "chain"),
        ("lite", "depth"),
        ("lite", "cnn"),
        ("lite_ops", "mlp"),
        ("lite_value", "moons"),
        ("lite_value", "depth"),
        ("lite_value_ops", "moons"),
        ("numpy_prealloc", "mlp"),
    } <= checked


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


MACHINE = {
    "date": "today",
    "cpu": "cpu",
    "logical_cpus": 2,
    "usable_cpus": 2,
    "memory_gib": 1,
    "os": "os",
    "python": "3",
    "numpy": {"version": "2"},
    "blas_env": {},
    "load_average_at_start": [0, 0, 0],
}


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
    assert {c.id for c in quick} == {"W1", "W2", "W3", "W4", "W7"}


def test_the_report_renders_and_survives_a_round_trip_through_json():
    from benchmarks import report, targets
    from benchmarks.memory import MemoryResult
    from benchmarks.plan import Case, MemoryCase

    case = Case("W1", "MLP step, batch 32", "mlp", {"batch": 32}, "ms/step")
    results = {
        "lite": _measured("lite", [1.05e-3] * 4),
        "numpy": _measured("numpy", [1e-3] * 4),
        "numpy_prealloc": _measured("numpy_prealloc", [0.7e-3] * 4),
        "torch": Measurement("torch", status="fails: RuntimeError: boom"),
    }
    memory = {
        "lite": MemoryResult("lite", peak_rss_kib=[2048], rss_before_kib=[1024]),
        "numpy": MemoryResult("numpy", peak_rss_kib=[2000], rss_before_kib=[1000]),
        "numpy_prealloc": MemoryResult(
            "numpy_prealloc", peak_rss_kib=[1600], rss_before_kib=[1000]
        ),
    }
    run_ = run.Run(
        command="python -m benchmarks",
        quick=False,
        machine=MACHINE,
        cases=[(case, results)],
        memory=memory,
        memory_case=MemoryCase(),
        gpu_skipped="no GPU",
    )
    run_.targets = targets.evaluate(run_.cases, run_.memory, run_.gpu_skipped)
    w1 = {(t.issue, t.what): t.met for t in run_.targets if "W1" in t.what}
    assert w1[("#7", "W1 batch 32: step time ≤ 1.10× NumPy by hand")] is True
    assert w1[("#13", "W1 batch 32: nn step ≤ 1.10× NumPy by hand, preallocated")] is False
    assert w1[("#13", "W1 batch 32: x @ W + b step ≤ 1.00× PyTorch eager")] is None
    text = report.results_markdown(run_)
    assert (
        "| W1 | MLP step, batch 32, 1 thread | autograd_lite | 1.05 ms/step ±0% | 1.05× | 1.50× |"
    ) in text
    assert (
        "| W5 | 50 W1 steps, batch 512, peak RSS | autograd_lite | 2.00 MiB | 1.02× | 1.28× |"
        in text
    )
    assert "fails: RuntimeError: boom" in text
    assert report.results_markdown(report.from_json(report.to_json(run_))) == text


# ---- the GPU check: python -m benchmarks gpu ----------------------------------------------------


def test_w6_is_the_w1_step_on_the_gpu_at_three_batch_sizes():
    cases = plan.gpu_cases(reps=3, block_seconds=0.1)
    assert [c.params["batch"] for c in cases] == [128, 512, 2048]
    assert {c.workload for c in cases} == {"gpu_mlp"}
    problem = problems.make("gpu_mlp", cases[0].params)
    assert (
        tuple(w.shape[1] for w in problem.weights) + (problem.weights[-1].shape[0],)
        == problems.MLP_SIZES
    )
    assert problem.x.dtype == "float32"


def test_the_w6_target_is_judged_at_batch_2048_against_pytorch():
    from benchmarks import targets

    cases = plan.gpu_cases(reps=3, block_seconds=0.1)
    fast = {
        "lite": _measured("lite", [1.2, 1.2, 1.2]),
        "numpy": _measured("numpy", [1, 1, 1]),
        "torch": _measured("torch", [1.0, 1.0, 1.0]),
    }
    slow = {**fast, "lite": _measured("lite", [2.0, 2.0, 2.0])}
    measured = [(cases[0], slow), (cases[1], slow), (cases[2], fast)]
    target = targets.w6_target(measured, None)
    assert "batch 2048" in target.what and target.met is True and target.measured == "1.200×"
    without_torch = [(case, {k: v for k, v in r.items() if k != "torch"}) for case, r in measured]
    assert targets.w6_target(without_torch, None).met is None
    assert "not judged" in targets.w6_target(without_torch, None).measured
    assert targets.w6_target([], "no CUDA device").measured == "not run: no CUDA device"


def test_the_gpu_section_is_replaced_and_kept_when_the_rest_is_rewritten(tmp_path):
    from benchmarks import report

    text = "# Results\n\nthe CPU run\n"
    once = report.replace_gpu_section(text, "## GPU\n\nfirst")
    twice = report.replace_gpu_section(once, "## GPU\n\nsecond")
    assert twice.count(report.GPU_BEGIN) == 1 and "first" not in twice and "second" in twice
    assert twice.startswith(text)
    assert report.gpu_section(twice) == "## GPU\n\nsecond"
    assert report.gpu_section(text) == report.GPU_NOT_RUN
    out = tmp_path / "RESULTS.md"
    out.write_text(twice)
    run.write_results(out, run.Run(command="python -m benchmarks", quick=False, machine=MACHINE))
    assert report.gpu_section(out.read_text()) == "## GPU\n\nsecond"
    assert "# Benchmark results" in out.read_text()


def test_the_gpu_check_without_a_gpu_stops_at_once_saying_why(without_cupy, capsys, tmp_path):
    from benchmarks import gpu

    out = tmp_path / "RESULTS.md"
    assert gpu.main(["--out", str(out)]) == 2
    message = capsys.readouterr().err
    assert "cannot run here" in message and "CuPy" in message and "pip install" in message
    assert not out.exists()


def test_a_dry_run_needs_its_own_output_file(capsys):
    from benchmarks import gpu

    assert gpu.main(["--dry-run-on-standin"]) == 2
    assert "--out" in capsys.readouterr().err


@pytest.mark.slow
def test_the_gpu_check_runs_end_to_end_on_the_cupy_standin(tmp_path):
    """Every step of ``python -m benchmarks gpu`` (tests, checks, timing, the section in
    RESULTS.md), with CuPy replaced by the test suite's stand-in."""
    import subprocess
    import sys
    from pathlib import Path

    from benchmarks import report

    results = Path(run.__file__).with_name("RESULTS.md").read_text()
    out = tmp_path / "RESULTS.md"
    out.write_text(results)
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "gpu", "--dry-run-on-standin", "--out", str(out)],
        cwd=Path(run.__file__).parent.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = out.read_text()
    assert text.split(report.GPU_BEGIN)[0] == results.split(report.GPU_BEGIN)[0]
    section = report.gpu_section(text)
    assert "Dry run on the CuPy stand-in" in section.splitlines()[2]
    assert re.search(r"GPU tests .*: \d+ passed", section)
    for batch in (128, 512, 2048):
        assert re.search(
            rf"^\| {batch} \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+× \|", section, re.MULTILINE
        ), section
    assert "autograd_lite (CuPy): agrees" in section


def test_a_later_run_merges_into_an_earlier_report():
    from benchmarks import report
    from benchmarks.plan import Case

    machine = MACHINE
    mlp = Case("W1", "MLP step, batch 32", "mlp", {"batch": 32}, "ms/step")
    cnn = Case("W7", "CNN step", "cnn", {"batch": 64}, "ms/step")
    earlier = run.Run(
        command="python -m benchmarks",
        quick=False,
        machine=machine,
        cases=[
            (mlp, {"lite": _measured("lite", [2e-3] * 4), "numpy": _measured("numpy", [1e-3] * 4)})
        ],
    )
    later = run.Run(
        command="python -m benchmarks --workloads cnn",
        quick=False,
        machine={**machine, "date": "tomorrow"},
        cases=[
            (
                cnn,
                {
                    "lite": _measured("lite", [3e-3] * 4),
                    "torch": _measured("torch", [2.5e-3] * 4),
                    "numpy": _measured("numpy", [1e-3] * 4),
                },
            )
        ],
    )
    whole = report.merged(report.from_json(report.to_json(earlier)), later)
    assert [case.id for case, _ in whole.cases] == ["W1", "W7"]
    assert [(t.what.split(":")[0], t.met) for t in whole.targets if t.what.startswith("W7")] == [
        ("W7", True)
    ]  # 1.2× PyTorch
    text = report.results_markdown(report.from_json(report.to_json(whole)))
    assert "Then `python -m benchmarks --workloads cnn` on tomorrow" in text
    assert "| W7 | CNN step, 1 thread | autograd_lite | 3.00 ms/step ±0% | 3.00× |" in text
