"""The worker: one process that runs one engine, started as

    python -m benchmarks.worker ENGINE --threads N

by ``processes.py``, with the thread-count environment variables already set (they must be in
place before NumPy, PyTorch or JAX is imported). It imports the engine once, then answers
requests, one JSON object per line on stdin, with one JSON line each on stdout. Anything else
that is printed, by Python code or by a C library, goes to stderr, so that it cannot garble the
answers.

Requests (``op``):
    info     versions, thread settings and BLAS libraries of this process
    gpu      why W6 cannot run here (null when it can)
    check    build a case, run it once, save (value, grads) to an .npz file for checks.py
    time     run a case until ``min_seconds`` have passed; answer each run's seconds
    profile  run a case under cProfile; answer the top functions as text
    memory   run a case ``steps`` times; answer the peak resident memory (and tracemalloc's peak)
    drop     forget the cases built so far

A failure of the engine (RecursionError, MemoryError, ...) is answered as
``{"error": "RecursionError: ..."}``; the worker carries on.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import sys
import time
import traceback
import tracemalloc

from . import problems, standin
from .engines import get as get_engine
from .machine import line_starting


class Worker:
    """An engine and the cases built with it, keyed by workload and parameters."""

    def __init__(self, engine_name: str, threads: int):
        self.spec = get_engine(engine_name)
        self.engine = self.spec.load()
        self.setup_info = self.engine.setup(threads)
        self.threads = threads
        self.cases = {}

    def case(self, workload: str, params: dict, fresh: bool = False):
        """The ``run`` function of the engine for this workload (built once, unless fresh)."""
        key = json.dumps([workload, params], sort_keys=True)
        if fresh or key not in self.cases:
            factory = getattr(self.engine, workload)
            self.cases[key] = factory(problems.make(workload, params))
        return self.cases[key]

    # ---- requests -------------------------------------------------------------------------------

    def info(self) -> dict:
        facts = {
            "engine": self.spec.name,
            "label": self.spec.label,
            "threads": self.threads,
            "python": platform.python_version(),
            "setup": self.setup_info,
            "thread_env": {
                k: v
                for k, v in os.environ.items()
                if k.endswith("_NUM_THREADS")
                or k.startswith("OPENBLAS_")
                or k in ("XLA_FLAGS", "JAX_PLATFORMS")
            },
        }
        if hasattr(self.engine, "describe"):
            facts["written_with"] = self.engine.describe()
        try:
            from threadpoolctl import threadpool_info

            facts["threadpools"] = [
                {
                    k: pool.get(k)
                    for k in (
                        "user_api",
                        "internal_api",
                        "prefix",
                        "version",
                        "num_threads",
                        "architecture",
                        "filepath",
                    )
                }
                for pool in threadpool_info()
            ]
        except ImportError:
            facts["threadpools"] = "threadpoolctl is not installed"
        return facts

    def gpu(self) -> dict:
        check = getattr(self.engine, "gpu_available", None)
        return {"reason": "this engine has no GPU workload" if check is None else check()}

    def check(self, workload: str, params: dict, path: str) -> dict:
        import numpy

        value, grads = self.case(workload, params, fresh=True)()
        arrays = {"value": self.engine.to_numpy(value)}
        for i, g in enumerate(grads):
            arrays[f"grad{i}"] = self.engine.to_numpy(g)
        numpy.savez(path, **arrays)
        self.cases.clear()
        return {"file": path, "written_with": self._written_with(workload)}

    def time(
        self,
        workload: str,
        params: dict,
        min_seconds: float,
        max_runs: int = 10_000,
        warmup_seconds: float = 0.0,
    ) -> dict:
        """Seconds of each run, run after run until ``min_seconds`` have passed (once at least).

        The garbage collector is left as Python sets it (enabled, default thresholds): its cost
        is part of what an engine costs. It is only run once before the block, off the clock.
        The C allocator is settled first (see ``_settle_the_allocator``).
        """
        _settle_the_allocator()
        run = self.case(workload, params)
        _run_for(run, warmup_seconds, 1 if warmup_seconds > 0 else 0, max_runs)
        gc.collect()
        seconds = _run_for(run, min_seconds, 1, max_runs)
        return {"seconds": seconds, "written_with": self._written_with(workload)}

    def profile(self, workload: str, params: dict, runs: int, top: int = 25) -> dict:
        run = self.case(workload, params)
        run()  # warm up, outside the profile
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(runs):
            run()
        profiler.disable()
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("tottime").print_stats(top)
        return {"text": _short_paths(text.getvalue())}

    def memory(self, workload: str, params: dict, steps: int, trace: bool) -> dict:
        """Peak resident memory of this process (whole process: interpreter, imports, data)
        after ``steps`` runs; with ``trace``, tracemalloc's peak over the runs instead, which
        counts the memory that Python and NumPy allocate (not PyTorch's or XLA's)."""
        run = self.case(workload, params)
        gc.collect()
        rss_before = _status_kib("VmRSS")
        if trace:
            tracemalloc.start()
        for _ in range(steps):
            run()
        answer = {"rss_before_kib": rss_before, "peak_rss_kib": _status_kib("VmHWM")}
        if trace:
            answer["tracemalloc_peak_bytes"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        return answer

    def drop(self) -> dict:
        self.cases.clear()
        gc.collect()
        return {}

    def _written_with(self, workload):
        if hasattr(self.engine, "describe"):
            return self.engine.describe().get(workload.replace("gpu_", ""))
        return None


def _settle_the_allocator() -> None:
    """Make and free one 16 MB block, once, before anything is timed.

    glibc's malloc gives the freed top of its heap back to the operating system until a large
    block has been freed; after that it keeps it. Until then, an engine whose step frees and
    makes again some megabytes (a CNN's activations) pays a page fault per 4 kB at every step,
    about 1,000 for PyTorch's CNN step, which costs it a third of its time. Any real program
    frees a large block early (loading its data); so does every worker here, for every engine
    alike.
    """
    import numpy

    numpy.empty(2**24, dtype=numpy.uint8)


def _run_for(run, min_seconds: float, min_runs: int, max_runs: int) -> list:
    seconds = []
    clock = time.perf_counter
    started = clock()
    while len(seconds) < max_runs and (len(seconds) < min_runs or clock() - started < min_seconds):
        t0 = clock()
        run()
        seconds.append(clock() - t0)
    return seconds


def _status_kib(field: str):
    """A memory figure of this process from /proc/self/status (Linux), in KiB.

    VmHWM is the peak resident set of this process image (it starts afresh at exec, unlike
    ``getrusage``'s maxrss, which keeps the parent's figure across fork and exec).
    """
    value = line_starting("/proc/self/status", field + ":")
    if value is not None:
        return int(value.split()[0])
    if field == "VmHWM":
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return None


def _short_paths(text: str) -> str:
    """Profile text with the site-packages and repository prefixes cut off the file names."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
    text = text.replace(root, "")
    for path in sys.path:
        if path.endswith("site-packages"):
            text = text.replace(path + os.sep, "")
    return text


def serve(worker: Worker, requests, answers) -> None:
    """Answer each request line with one JSON line, until stdin closes."""
    for line in requests:
        if not line.strip():
            continue
        request = json.loads(line)
        op = request.pop("op")
        try:
            answer = getattr(worker, op)(**request)
        except Exception as error:  # the engine failed on this case: say how, and go on
            traceback.print_exc(file=sys.stderr)
            answer = {"error": f"{type(error).__name__}: {_first_line(error)}"}
            worker.cases.clear()
            gc.collect()
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else ""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    # Keep the real stdout for the answers; send everything else to stderr.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    standin.install_if_asked()
    try:
        worker = Worker(args.engine, args.threads)
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        answers.write(json.dumps({"error": f"{type(error).__name__}: {error}"}) + "\n")
        answers.flush()
        return
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    serve(worker, sys.stdin, answers)


if __name__ == "__main__":
    main()
