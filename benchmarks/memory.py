"""W5: the memory that 50 training steps need, each engine in a fresh process.

Two figures per engine:
    peak RSS     the process's peak resident memory (Linux's VmHWM): interpreter, imports,
                 data and the steps, as the operating system sees it; the median over the
                 repetitions, each in a new process.
    tracemalloc  the peak of the memory allocated through Python's allocator during the steps,
                 which includes NumPy's arrays: less noisy, but blind to PyTorch's and XLA's
                 own allocators (reported as n/a for them).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from .processes import WorkerError, WorkerProcess

# The engines whose arrays tracemalloc sees.
NUMPY_BASED = ("lite", "numpy", "numpy_prealloc", "hips")


@dataclass
class MemoryResult:
    engine: str
    status: str = "ok"
    peak_rss_kib: list = field(default_factory=list)
    rss_before_kib: list = field(default_factory=list)
    tracemalloc_peak_bytes: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok" and bool(self.peak_rss_kib)

    @property
    def peak_mib(self) -> float | None:
        return statistics.median(self.peak_rss_kib) / 1024 if self.ok else None

    @property
    def steps_mib(self) -> float | None:
        """Peak minus the resident memory before the first step: what the steps added."""
        if not self.ok:
            return None
        return (
            statistics.median(p - b for p, b in zip(self.peak_rss_kib, self.rss_before_kib)) / 1024
        )


def measure_memory(specs: list, case, log, extra_env: dict) -> dict:
    """{engine: MemoryResult} for the engines in ``specs`` that have the W1 workload; ``log``
    reports progress."""
    params = {"batch": case.batch}
    results = {spec.name: MemoryResult(spec.name) for spec in specs}
    runs = [(rep, False) for rep in range(case.reps)]
    if case.tracemalloc:
        runs.append((case.reps, True))
    for rep, trace in runs:
        shift = rep % len(specs)
        for spec in specs[shift:] + specs[:shift]:
            result = results[spec.name]
            if result.status != "ok" or (trace and spec.name not in NUMPY_BASED):
                continue
            try:
                with WorkerProcess(spec, threads=1, extra_env=extra_env) as worker:
                    answer = worker.request(
                        "memory", workload="mlp", params=params, steps=case.steps, trace=trace
                    )
            except WorkerError as error:
                answer = {"error": str(error).splitlines()[0]}
            if "error" in answer:
                result.status = "fails: " + answer["error"]
            elif trace:
                result.tracemalloc_peak_bytes = answer["tracemalloc_peak_bytes"]
            else:
                result.peak_rss_kib.append(answer["peak_rss_kib"])
                result.rss_before_kib.append(answer["rss_before_kib"])
        log(f"  W5 memory: {'tracemalloc run' if trace else f'repetition {rep + 1}'} done")
    return results
