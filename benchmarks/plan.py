"""What is measured, at which sizes, and how many times: the full run and ``--quick``.

A *case* is one workload at one size and one thread count. Each case is timed in repetitions;
in each repetition every engine runs one *block* (runs until ``block_seconds`` have passed),
the engines taking turns in an order that rotates from one repetition to the next, so that a
slow spell of the machine hits every engine alike.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One timed case (see the module docstring)."""

    id: str  # "W1", "W2", ...
    title: str  # what is shown in the table's "Case" column
    workload: str  # the engine function that runs it
    params: dict
    unit: str  # "ms/step" or "µs/op"
    per: int = 1  # the seconds of one run are divided by this (ops per run)
    threads: int = 1
    reps: int = 5
    block_seconds: float = 0.3
    warmup_seconds: float = 0.2
    max_runs: int = 10_000
    # Skip an engine whose run, estimated from the case named here, would take longer than
    # max_run_seconds (used for the million-op chains).
    estimate_from: str | None = None
    max_run_seconds: float | None = None
    skip_failed_earlier: bool = False  # also skip the engines that failed that earlier case

    @property
    def pause_seconds(self) -> float:
        """Idle time after each block with several threads: OpenBLAS's and OpenMP's threads
        spin for a while after their last call, and must not take the cores of the next engine."""
        return 0.15 if self.threads > 1 else 0.0

    @property
    def key(self) -> str:
        return f"{self.id} {self.title} ({self.threads} thread{'s' if self.threads > 1 else ''})"

    @property
    def scale(self) -> float:
        """Seconds per run to the unit shown."""
        return (1e3 if self.unit.startswith("ms") else 1e6) / self.per


@dataclass(frozen=True)
class MemoryCase:
    """W5: ``steps`` W1 steps at ``batch``, in a fresh process per engine and repetition."""

    batch: int = 512
    steps: int = 50
    reps: int = 3
    tracemalloc: bool = True  # one more process per NumPy-based engine, under tracemalloc


def timed_cases(quick: bool, threads: tuple = (1, 2), gpu: bool = False) -> list[Case]:
    """The timed cases, in the order they run.

    Many short blocks rather than a few long ones: the paired ratios need many repetitions to
    shrug off the moments when another process takes a core.
    """
    reps = 5 if quick else 15
    block = 0.05 if quick else 0.1
    cases = []
    for n in threads:
        for batch in (32, 128, 512):
            cases.append(
                Case(
                    "W1",
                    f"MLP step, batch {batch}",
                    "mlp",
                    {"batch": batch},
                    "ms/step",
                    threads=n,
                    reps=reps if n == 1 else min(reps, 9),
                    block_seconds=block,
                )
            )
    cases += [
        # The same step on a tiny network: no BLAS work to speak of, so what is left is what
        # each framework costs per step in Python (it explains the ratios at batch 32).
        Case(
            "W1",
            "overhead: MLP 4-4-4-3 step, batch 2",
            "mlp",
            {"batch": 2, "sizes": [4, 4, 4, 3]},
            "µs/step",
            reps=reps,
            block_seconds=block,
        ),
        Case(
            "W2",
            "100 ops on 4x4, fwd+bwd",
            "chain",
            {"n_ops": 100},
            "µs/op",
            per=100,
            reps=reps,
            block_seconds=block,
        ),
        Case(
            "W3",
            "micrograd demo step, 100 points",
            "moons",
            {"n_points": 100},
            "ms/step",
            reps=3 if quick else 7,
            block_seconds=0.0 if quick else 0.3,
            warmup_seconds=0.01,
        ),
        Case(
            "W4",
            "10,000-op chain",
            "depth",
            {"n_ops": 10_000},
            "µs/op",
            per=10_000,
            reps=3 if quick else 9,
            block_seconds=block,
        ),
        Case(
            "W4",
            "1,000,000-op chain",
            "depth",
            {"n_ops": 1_000_000},
            "µs/op",
            per=1_000_000,
            reps=1 if quick else 3,
            block_seconds=0.0,
            warmup_seconds=0.0,
            estimate_from="W4 10,000-op chain (1 thread)",
            max_run_seconds=15 if quick else 60,
            skip_failed_earlier=quick,
        ),
    ]
    # W7: one training step of examples/cnn_mnist.py's network, at a usual batch size.
    cases.append(
        Case(
            "W7",
            "CNN step (conv-pool ×2, dense), batch 64",
            "cnn",
            {"batch": 64},
            "ms/step",
            reps=reps,
            block_seconds=block,
        )
    )
    if gpu:
        cases += gpu_cases(reps, block)
    return cases


GPU_BATCHES = (128, 512, 2048)


def gpu_cases(reps: int, block_seconds: float, warmup_seconds: float = 1.0) -> list[Case]:
    """W6: W1's training step (MLP 784-256-256-10, float32) on the GPU, at three batch sizes.
    The first warm-up also compiles CuPy's kernels (cached on disk for later runs)."""
    return [
        Case(
            "W6",
            f"MLP step on the GPU, batch {batch}",
            "gpu_mlp",
            {"batch": batch},
            "ms/step",
            reps=reps,
            block_seconds=block_seconds,
            warmup_seconds=warmup_seconds,
        )
        for batch in GPU_BATCHES
    ]


def memory_case(quick: bool) -> MemoryCase:
    return MemoryCase(reps=1 if quick else 3, tracemalloc=not quick)
