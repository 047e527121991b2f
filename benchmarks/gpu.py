"""``python -m benchmarks gpu``: the one check to run on a machine with an NVIDIA GPU.

In under 5 minutes, from the repository root after ``pip install -e ".[dev,gpu]"`` (or
``[dev,gpu-cuda13]``) and a CUDA build of PyTorch:

1. the GPU tests, ``tests/test_tensor_gpu.py`` and ``tests/test_nn_gpu.py``, on the real CuPy
   (``pytest -m gpu``: the same tests that CI runs on the CuPy stand-in);
2. W6: W1's training step (MLP 784-256-256-10, softmax cross-entropy, SGD, float32) on the GPU
   at batch 128, 512 and 2048, written with autograd_lite on CuPy, by hand in CuPy (the floor)
   and in PyTorch CUDA eager, each in its own process; the three are first checked to compute
   the same loss and gradients, then timed taking turns, as ``python -m benchmarks`` does;
3. the results into the GPU section of ``benchmarks/RESULTS.md`` (between its ``gpu:begin``
   and ``gpu:end`` markers), leaving the rest of the file as it is.

Without CuPy or a GPU it stops at once, saying why, with exit status 2. The exit status is 1
when a GPU test fails or an engine disagrees in the check, 0 otherwise (a missed speed target
is reported, not an error).

``--dry-run-on-standin`` is for this command's own test: CuPy is replaced by the test suite's
stand-in (NumPy on the CPU) so that every step runs on a machine without a GPU, briefly, and
the section it writes says in its first line that its figures are not a GPU's.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import checks, plan, report, standin, targets, timing
from .engines import BY_NAME, get
from .processes import REPO_ROOT

TIME_LIMIT_SECONDS = 300
TESTS = ("tests/test_tensor_gpu.py", "tests/test_nn_gpu.py")
W6_ENGINES = ("lite", "numpy", "torch")  # autograd_lite, the floor (CuPy by hand), PyTorch


@dataclass
class TestRun:
    command: str
    returncode: int | None
    summary: str  # pytest's last line: "130 passed, 4 skipped in 41.2s"
    output_tail: str  # the end of pytest's output, shown when something failed

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and " passed" in self.summary


@dataclass
class GpuRun:
    """What one ``python -m benchmarks gpu`` measured."""

    dry_run: bool
    date: str = ""
    device: str = ""
    tests: TestRun | None = None
    checks: list = field(default_factory=list)
    cases: list = field(default_factory=list)  # [(Case, {engine: Measurement})]
    not_run: dict = field(default_factory=dict)  # engine -> why it was not timed
    engine_versions: dict = field(default_factory=dict)
    wall_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.tests is not None and self.tests.ok and all(c.ok for c in self.checks)


def log(text: str) -> None:
    print(f"[gpu] {text}", file=sys.stderr, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks gpu",
        description="The GPU tests on CuPy and W6 (W1's step on the GPU against PyTorch CUDA); "
        "writes the GPU section of benchmarks/RESULTS.md. Needs a CUDA GPU.",
    )
    parser.add_argument(
        "--out",
        default=None,
        help="the Markdown file whose GPU section is written (default: benchmarks/RESULTS.md)",
    )
    parser.add_argument("--dry-run-on-standin", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started = time.monotonic()
    if args.dry_run_on_standin:
        if args.out is None:
            print(
                "--dry-run-on-standin needs --out: its figures must not replace real ones",
                file=sys.stderr,
            )
            return 2
        os.environ[standin.ENV] = str(REPO_ROOT / "tests")
    standin.install_if_asked()
    problem = missing_requirement()
    if problem:
        print(f"python -m benchmarks gpu cannot run here: {problem}", file=sys.stderr)
        return 2
    run = GpuRun(
        dry_run=args.dry_run_on_standin,
        date=datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        device=device_text(),
    )
    log(f"device: {run.device}")
    run.tests = run_tests(run.dry_run)
    log(f"GPU tests: {run.tests.summary}")
    measure_w6(run)
    run.wall_seconds = time.monotonic() - started
    out = Path(args.out) if args.out else Path(__file__).with_name("RESULTS.md")
    old = out.read_text() if out.exists() else ""
    out.write_text(report.replace_gpu_section(old, section_markdown(run)))
    print(section_markdown(run))
    print(f"Written: the GPU section of {out} ({run.wall_seconds / 60:.1f} minutes)")
    return 0 if run.ok else 1


def missing_requirement() -> str | None:
    """Why this machine cannot run the check (no CuPy, no GPU, no pytest), or None."""
    from .engines import lite

    reason = lite.gpu_available()
    if reason is not None:
        return reason
    try:
        import pytest  # noqa: F401
    except ImportError:
        return 'the GPU tests need pytest: pip install -e ".[dev]"'
    if not all((REPO_ROOT / test).exists() for test in TESTS):
        return f"run it from a clone of the repository: {', '.join(TESTS)} are missing"
    return None


def device_text() -> str:
    """The GPU's name, the CUDA runtime and driver versions, and CuPy's version."""
    import cupy

    runtime = cupy.cuda.runtime
    name = runtime.getDeviceProperties(cupy.cuda.Device().id)["name"]
    name = name.decode() if isinstance(name, bytes) else str(name)
    return (
        f"{name}; CUDA runtime {_cuda_version(runtime.runtimeGetVersion())}, driver "
        f"{_cuda_version(runtime.driverGetVersion())}; CuPy {cupy.__version__}"
    )


def _cuda_version(number: int) -> str:
    return f"{number // 1000}.{number % 1000 // 10}"


def run_tests(dry_run: bool) -> TestRun:
    """The GPU tests in a fresh process: on the real CuPy, or on the stand-in for a dry run."""
    selection = ["-k", "cupy-standin"] if dry_run else ["-m", "gpu"]
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *selection, *TESTS]
    shown = "python -m pytest " + " ".join([*selection, *TESTS])
    log(f"running {shown}")
    try:
        done = subprocess.run(
            command,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT_SECONDS * 0.6,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:  # its output is bytes, whatever text= says
        output = (expired.stdout or b"").decode(errors="replace")
        return TestRun(shown, None, f"stopped after {expired.timeout:.0f} s", output[-3000:])
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    summary = next(
        (
            line.strip("= ")
            for line in reversed(lines)
            if re.search(r"\d+ (passed|failed|error|skipped)", line)
        ),
        f"no summary (exit status {done.returncode})",
    )
    return TestRun(shown, done.returncode, summary, (done.stdout + done.stderr)[-3000:])


def measure_w6(run: GpuRun) -> None:
    """Check, then time, W6 on every engine that can run it, each in its own worker."""
    from .run import close_all, installed, start_workers  # the main benchmark's

    specs, run.not_run = installed([get(name) for name in W6_ENGINES])
    workers = start_workers(specs, 1, {})
    try:
        for name, worker in list(workers.items()):
            reason = worker.request("gpu")["reason"]
            setup = worker.request("info").get("setup", {})
            run.engine_versions[name] = {
                k: v for k, v in setup.items() if k in ("autograd_lite", "torch", "cuda")
            }
            if reason:
                run.not_run[name] = reason
                del workers[name]
        if "numpy" not in workers:
            run.not_run.setdefault("lite", "no floor to compare with")
            return
        log("checking that the engines compute the same loss and gradients")
        run.checks = checks.run_checks(workers, (checks.GPU_CHECK_CASE,))
        skip = {
            r.engine: f"skipped: wrong result in the check ({r.detail})"
            for r in run.checks
            if not r.ok
        }
        reps, block, warmup = (2, 0.01, 0.0) if run.dry_run else (7, 0.2, 1.0)
        for case in plan.gpu_cases(reps, block, warmup):
            log(f"timing {case.title}")
            run.cases.append((case, timing.measure(case, workers, skip, log)))
    finally:
        close_all(workers)


def section_markdown(run: GpuRun) -> str:
    """The GPU section of RESULTS.md."""
    lines = ["## On a GPU: `python -m benchmarks gpu`", ""]
    if run.dry_run:
        lines += [
            "**Dry run on the CuPy stand-in (NumPy on the CPU), for the command's own "
            "test: these figures say nothing about a GPU.**",
            "",
        ]
    over = " (over the 5-minute budget)" if run.wall_seconds > TIME_LIMIT_SECONDS else ""
    lines += [
        f"- Date: {run.date}; the check took {run.wall_seconds / 60:.1f} minutes{over}",
        f"- GPU: {run.device}",
    ]
    for name, versions in run.engine_versions.items():
        if versions:
            lines.append(
                f"- {BY_NAME[name].label_for('gpu_mlp')}: "
                + ", ".join(f"{k} {v}" for k, v in versions.items())
            )
    tests = run.tests
    lines.append(f"- GPU tests (`{tests.command}`): {tests.summary}")
    if not tests.ok:
        lines += ["", "```", tests.output_tail.strip(), "```"]
    lines += [
        "",
        "W6: W1's training step (MLP 784-256-256-10, float32) on the GPU. Median time "
        "per step, and autograd_lite's time over the others' taken pair by pair (the "
        "engines take turns; each ratio is the median over repetitions of the ratio of "
        "their blocks' medians).",
        "",
    ]
    lines += [w6_table(run), ""]
    target = targets.w6_target(run.cases, "no GPU")
    verdict = "" if target.met is None else f": {target.verdict}"
    lines.append(f"Target, {target.what}: {target.measured}{verdict}.")
    for result in run.checks:
        lines.append(
            f"- Check at batch {result.params['batch']}, "
            f"{BY_NAME[result.engine].label_for('gpu_mlp')}: "
            f"{'agrees' if result.ok else '**disagrees**'} ({result.detail})"
        )
    for name, reason in run.not_run.items():
        lines.append(f"- {BY_NAME[name].label_for('gpu_mlp')}: not run ({reason})")
    return "\n".join(lines)


def w6_table(run: GpuRun) -> str:
    names = [name for name in W6_ENGINES if any(name in results for _, results in run.cases)]
    header = [
        "Batch",
        *(BY_NAME[n].label_for("gpu_mlp") for n in names),
        "autograd_lite / by hand",
        "autograd_lite / PyTorch",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + " ---: |" * len(header)]
    for case, results in run.cases:
        cells = [str(case.params["batch"])]
        for name in names:
            m = results.get(name)
            cells.append(
                f"{report.number(m.median(case.scale))} ms"
                if m and m.ok
                else (m.status if m else "").replace("|", "/")
            )
        for other in ("numpy", "torch"):
            cells.append(
                report.ratio_text(results["lite"], results.get(other)) if "lite" in results else ""
            )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
