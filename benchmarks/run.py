"""Run the benchmark: ``python -m benchmarks`` (or ``python benchmarks/run.py``).

    python -m benchmarks              the full run (under 10 minutes on 2 cores): RESULTS.md
    python -m benchmarks --quick      fewer repetitions, 1 thread (under 2 minutes)
    python -m benchmarks --check      only the correctness checks, no timing
    python -m benchmarks gpu          on a machine with a GPU: its tests and W6 (``gpu.py``)
    python -m benchmarks --workloads cnn --merge benchmarks/RESULTS.json
                                      measure one workload again and put its figures into
                                      an earlier run's report (RESULTS.md and .json)

The steps: start one worker process per engine (``processes.py``), check that all engines
compute the same loss and gradients (``checks.py``), time each case with the engines taking
turns (``timing.py``), measure memory in fresh processes (``memory.py``), judge the targets
(``targets.py``), profile autograd_lite where a target is missed, and write the results
(``report.py``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable instead
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks import checks, memory, plan, report, targets, timing  # noqa: E402
from benchmarks.engines import ENGINES, FLOOR, get  # noqa: E402
from benchmarks.machine import load_average, machine_info  # noqa: E402
from benchmarks.processes import WorkerError, WorkerProcess  # noqa: E402

HERE = Path(__file__).resolve().parent
FLOORS = tuple(dict.fromkeys(FLOOR.values()))  # numpy, python


@dataclass
class Run:
    """Everything one run measured; ``report.py`` writes it out."""

    command: str
    quick: bool
    machine: dict
    engine_info: dict = field(default_factory=dict)
    checks: list = field(default_factory=list)
    cases: list = field(default_factory=list)  # [(Case, {engine: Measurement})]
    memory: dict | None = None
    memory_case: plan.MemoryCase | None = None
    gpu_skipped: str | None = None
    targets: list = field(default_factory=list)
    profiles: dict = field(default_factory=dict)
    wall_seconds: float = 0.0
    load_average_at_end: list | None = None
    merges: list = field(default_factory=list)  # later runs whose cases were put into this one
    settled_allocator: bool = True  # whether the workers settled malloc before timing


_STARTED = time.monotonic()


def log(text: str) -> None:
    """Progress on stderr, with the minutes:seconds since the start."""
    elapsed = int(time.monotonic() - _STARTED)
    print(f"[{elapsed // 60:2d}:{elapsed % 60:02d}] {text}", file=sys.stderr, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark autograd_lite against hand-written NumPy/Python and its peers.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions and 1 thread only (under 2 minutes)"
    )
    parser.add_argument(
        "--check",
        "--check-only",
        dest="check",
        action="store_true",
        help="only check that all engines agree on losses and gradients",
    )
    parser.add_argument(
        "--engines",
        default="",
        help="comma-separated engines to run (default: all installed): "
        + ", ".join(s.name for s in ENGINES)
        + "; the floors are always run",
    )
    parser.add_argument(
        "--workloads",
        default="",
        help="comma-separated workloads to check and time (default: all): "
        "mlp, chain, moons, depth, cnn; the memory case W5 and the runs with "
        "more threads need mlp",
    )
    parser.add_argument(
        "--merge",
        metavar="JSON",
        default=None,
        help="put this run's cases, checks and targets into the earlier run "
        "saved in JSON (replacing the cases measured again) and write the "
        "report of the whole, by default beside that JSON",
    )
    parser.add_argument(
        "--threads",
        default=None,
        help="thread counts for W1, e.g. '1,2' (default: 1,2; --quick: 1)",
    )
    parser.add_argument(
        "--lite-api",
        choices=("auto", "nn", "ops"),
        default="auto",
        help="write autograd_lite's workloads with the nn package ('nn'), the "
        "engine's ops ('ops') or nn where it exists ('auto', the default)",
    )
    parser.add_argument(
        "--out",
        default=None,
        help="Markdown file to write (default: benchmarks/RESULTS.md for the "
        "full run, benchmarks/results-quick.md for --quick)",
    )
    parser.add_argument("--json", default=None, help="JSON file to write (default: beside --out)")
    parser.add_argument(
        "--render",
        metavar="JSON",
        default=None,
        help="measure nothing: write the Markdown again from the JSON file of an "
        "earlier run (after editing ANALYSIS.md, say)",
    )
    return parser.parse_args(argv)


def select_engines(text: str) -> tuple[list, dict]:
    """The installed engines asked for (the floors always), and why the others are missing."""
    wanted = _comma_list(text)
    specs = [get(name) for name in wanted] if wanted else list(ENGINES)
    return installed(specs + [get(name) for name in FLOORS if get(name) not in specs])


def installed(specs) -> tuple[list, dict]:
    """The engines of ``specs`` whose packages are installed, and why the others are missing."""
    missing = {s.name: f"not installed ({', '.join(s.missing())})" for s in specs if s.missing()}
    return [s for s in specs if s.name not in missing], missing


def _comma_list(text: str) -> tuple:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def start_workers(specs, threads: int, extra_env: dict) -> dict:
    """{engine: WorkerProcess}, started together and each waited for; ones that cannot import
    their engine are reported and left out."""
    workers = {s.name: WorkerProcess(s, threads, extra_env) for s in specs}
    for name, worker in list(workers.items()):
        try:
            answer = worker.start()
        except WorkerError as error:
            answer = {"error": str(error)}
        if "error" in answer:
            log(f"{name}: cannot start: {answer['error']}")
            worker.close(kill=True)
            del workers[name]
    return workers


def close_all(workers: dict) -> None:
    for worker in workers.values():
        worker.close()


def check(specs, extra_env=None) -> list:
    """The correctness checks alone, for the engines in ``specs`` (each in its worker)."""
    workers = start_workers(specs, 1, extra_env or {})
    try:
        return checks.run_checks(workers, _check_cases(workers))
    finally:
        close_all(workers)


def run_check_only(specs, extra_env) -> int:
    results = check(specs, extra_env)
    print(checks.check_table(results, {s.name: s.label for s in ENGINES}))
    failed = [r for r in results if not r.ok]
    print(f"\n{len(results) - len(failed)} of {len(results)} checks agree with the floor.")
    return 1 if failed else 0


def _check_cases(workers, workloads=()) -> tuple:
    """The checked cases (of ``workloads`` only, if given), with W6's when this machine has a
    GPU for autograd_lite."""
    cases = checks.CHECK_CASES
    if "lite" in workers and workers["lite"].request("gpu")["reason"] is None:
        cases = (*cases, checks.GPU_CHECK_CASE)
    return tuple(c for c in cases if not workloads or c[0] in workloads)


def skips_for(case, workers, failed_checks, done) -> dict:
    """Engines not to time on this case, with the reason."""
    skip = {}
    for name in workers:
        if (name, case.workload) in failed_checks:
            skip[name] = f"skipped: {failed_checks[(name, case.workload)]}"
    if case.estimate_from in done:
        earlier_case, earlier = done[case.estimate_from]
        for name, measurement in earlier.items():
            if case.skip_failed_earlier and not measurement.ok and name not in skip:
                skip[name] = f"skipped: {measurement.status.split(':')[0]} on the shorter chain"
            if not measurement.ok or name in skip:
                continue
            estimate = measurement.median(1.0) / earlier_case.per * case.per
            if estimate > case.max_run_seconds:
                skip[name] = (
                    f"skipped: one run would take about {estimate:.0f} s "
                    f"(from the shorter chain), over this run's budget of "
                    f"{case.max_run_seconds:.0f} s"
                )
    return skip


def time_cases(run, cases, workers, failed_checks, done) -> None:
    for case in cases:
        here = {name: w for name, w in workers.items() if case.workload in w.spec.workloads}
        if FLOOR[case.workload] not in here:
            log(f"{case.key}: no floor to compare with, skipped")
            continue
        log(f"{case.key}: {', '.join(here)}")
        results = timing.measure(case, here, skips_for(case, here, failed_checks, done), log)
        run.cases.append((case, results))
        done[case.key] = (case, results)


def profile_misses(run, extra_env) -> None:
    """cProfile autograd_lite on every case where one of its targets was missed."""
    wanted = []
    for t in run.targets:
        if t.met is False and t.profile and t.profile not in wanted:
            wanted.append(t.profile)
    by_key = {case.key: (case, results) for case, results in run.cases}
    for engine, key in wanted:
        case, results = by_key[key]
        params = dict(case.params)
        if case.workload == "depth":  # a shorter chain: cProfile slows every call down
            params["n_ops"] = min(params["n_ops"], 100_000)
        seconds = results[engine].median(1.0) if results[engine].ok else None
        runs = min(500, max(1, int(2.0 / seconds))) if seconds else 1
        title = f"{get(engine).label_for(case.workload)}, {case.id}: {case.workload} {params}"
        log(f"profiling {title}")
        try:
            with WorkerProcess(get(engine), case.threads, extra_env) as worker:
                answer = worker.request("profile", workload=case.workload, params=params, runs=runs)
        except WorkerError as error:
            answer = {"error": str(error)}
        run.profiles[f"{title}, {runs} runs"] = answer.get("text") or answer.get("error")


def run_benchmark(args, argv, specs, missing, extra_env) -> Run:
    """The steps of a run, in order: check and time at 1 thread, time W1 at the other thread
    counts, measure memory (W5), judge the targets, profile the misses."""
    started = time.monotonic()
    workloads = _comma_list(args.workloads)
    threads = tuple(int(n) for n in (args.threads or ("1" if args.quick else "1,2")).split(","))
    if not _chosen("mlp", workloads):
        threads = (1,)  # only W1 runs with more threads
    run = Run(
        command=("python -m benchmarks " + shlex.join(argv)).strip(),
        quick=args.quick,
        machine=machine_info(),
    )
    done = {}  # case key -> (case, results), for the estimates of later cases

    cases, failed = _check_and_time_at_one_thread(
        run, args.quick, workloads, threads, specs, extra_env, done
    )
    for n in threads:
        if n != 1:
            _time_at_more_threads(
                run, n, [c for c in cases if c.threads == n], specs, failed, extra_env, done
            )
    if _chosen("mlp", workloads):
        _measure_memory(run, args.quick, specs, failed, extra_env)

    run.targets = targets.evaluate(run.cases, run.memory, run.gpu_skipped)
    if not args.quick:
        profile_misses(run, extra_env)
    for name, reason in missing.items():
        run.engine_info[name] = {"setup": {"status": reason}}
    run.load_average_at_end = load_average()
    run.wall_seconds = time.monotonic() - started
    return run


def _chosen(workload: str, workloads: tuple) -> bool:
    """Whether ``--workloads`` (``workloads``; none: all) asks for ``workload``; W6, W1 on the
    GPU, comes with W1."""
    return not workloads or workload in workloads or workload == "gpu_mlp" and "mlp" in workloads


def _check_and_time_at_one_thread(run, quick, workloads, threads, specs, extra_env, done):
    """With one worker per engine at 1 thread: record the engines' facts, run the checks, and
    time the 1-thread cases. Returns every case to time (at all thread counts) and
    {(engine, workload): why it is not timed}."""
    log(f"starting workers (1 thread): {', '.join(s.name for s in specs)}")
    workers = start_workers(specs, 1, extra_env)
    try:
        run.engine_info = {name: w.request("info") for name, w in workers.items()}
        log("checking that every engine computes the same loss and gradients")
        run.checks = checks.run_checks(workers, _check_cases(workers, workloads))
        failed = _failed_checks(run.checks)
        run.gpu_skipped = (
            workers["lite"].request("gpu")["reason"]
            if "lite" in workers
            else "autograd_lite not run"
        )
        cases = [
            c
            for c in plan.timed_cases(quick, threads, gpu=run.gpu_skipped is None)
            if _chosen(c.workload, workloads)
        ]
        if run.gpu_skipped is None:
            failed.update(_engines_without_gpu(workers))
        time_cases(run, [c for c in cases if c.threads == 1], workers, failed, done)
    finally:
        close_all(workers)
    return cases, failed


def _failed_checks(results) -> dict:
    """{(engine, workload): reason} for each check an engine failed; failing W1 also keeps the
    engine out of W6, the same step on the GPU."""
    failed = {
        (r.engine, r.workload): f"wrong result in the check ({r.detail})"
        for r in results
        if not r.ok
    }
    failed.update(
        {
            (r.engine, "gpu_" + r.workload): failed[(r.engine, r.workload)]
            for r in results
            if not r.ok and r.workload == "mlp"
        }
    )
    return failed


def _engines_without_gpu(workers) -> dict:
    """{(engine, "gpu_mlp"): reason} for each engine with a W6 that finds no GPU to run it on."""
    failed = {}
    for name, worker in workers.items():
        if "gpu_mlp" in worker.spec.workloads:
            reason = worker.request("gpu")["reason"]
            if reason:
                failed[(name, "gpu_mlp")] = f"no GPU for it ({reason})"
    return failed


def _time_at_more_threads(run, n, cases, specs, failed, extra_env, done) -> None:
    """Time W1's ``cases`` with new workers at ``n`` threads, and record their thread pools."""
    mlp_specs = [s for s in specs if "mlp" in s.workloads]
    log(f"starting workers ({n} threads): {', '.join(s.name for s in mlp_specs)}")
    workers = start_workers(mlp_specs, n, extra_env)
    try:
        for name, worker in workers.items():
            info = worker.request("info")
            run.engine_info.setdefault(name, {}).setdefault("at_other_thread_counts", {})[
                str(n)
            ] = {"threadpools": info.get("threadpools"), "setup": info.get("setup")}
        time_cases(run, cases, workers, failed, done)
    finally:
        close_all(workers)


def _measure_memory(run, quick, specs, failed, extra_env) -> None:
    """W5: peak memory of W1's training steps, for every engine whose W1 check passed."""
    run.memory_case = plan.memory_case(quick)
    mem_specs = [
        s
        for s in specs
        if "mlp" in s.workloads and (s.name, "mlp") not in failed and s.name != "lite_ops"
    ]
    log(f"W5 memory: {', '.join(s.name for s in mem_specs)}")
    run.memory = memory.measure_memory(mem_specs, run.memory_case, log, extra_env)


def write_results(out: Path, run: Run) -> None:
    """Write ``out`` for ``run``, keeping the GPU section that ``python -m benchmarks gpu``
    wrote there (it is measured on another machine, by another command)."""
    old = out.read_text() if out.exists() else ""
    out.write_text(
        report.replace_gpu_section(report.results_markdown(run), report.gpu_section(old))
    )


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["gpu"]:
        from benchmarks import gpu

        return gpu.main(argv[1:])
    args = parse_args(argv)
    if args.render:
        run = report.from_json(Path(args.render).read_text())
        out = Path(args.out) if args.out else Path(args.render).with_suffix(".md")
        write_results(out, run)
        print(f"Written: {out}")
        return 0
    specs, missing = select_engines(args.engines)
    for name, reason in missing.items():
        log(f"{name}: {reason}; install the 'bench' extra to include it")
    extra_env = {"BENCH_LITE_API": args.lite_api}
    if args.check:
        return run_check_only(specs, extra_env)

    run = run_benchmark(args, argv, specs, missing, extra_env)
    minutes = run.wall_seconds / 60
    default_out = HERE / ("results-quick.md" if args.quick else "RESULTS.md")
    if args.merge:
        run = report.merged(report.from_json(Path(args.merge).read_text()), run)
        default_out = Path(args.merge).with_suffix(".md")
    out = Path(args.out) if args.out else default_out
    json_path = Path(args.json) if args.json else out.with_suffix(".json")
    write_results(out, run)
    json_path.write_text(report.to_json(run))
    print(report.results_table(run))
    print()
    print(report.targets_table(run))
    print(f"\nWritten: {out} and {json_path} ({minutes:.1f} minutes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
