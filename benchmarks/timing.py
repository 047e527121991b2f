"""Timing one case on every engine, engines alternating, and the statistics of the result.

Reported for each engine:
    median   the median of all its runs, in the case's unit;
    ratio    its time over the floor's (the hand-written code), *paired*: in each repetition,
             the median of its block over the median of the floor's block of the same
             repetition, then the median of those ratios. The two blocks ran seconds apart, so
             a slow spell of a noisy machine cancels out of the ratio.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from .processes import WorkerError


@dataclass
class Measurement:
    """One engine on one case."""

    engine: str
    status: str = "ok"  # "ok", "fails: ...", "skipped: ..."
    samples: list = field(default_factory=list)  # seconds of every run (not kept in the JSON)
    blocks: list = field(default_factory=list)  # median seconds of each repetition's block
    written_with: object = None
    median_seconds: float | None = None  # of all runs; set by ``finish``
    runs: int = 0

    def finish(self) -> None:
        """Sum the runs up (median, count), so that the samples need not be kept."""
        if self.samples:
            self.median_seconds = statistics.median(self.samples)
            self.runs = len(self.samples)

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.median_seconds is not None

    def median(self, scale: float) -> float | None:
        return self.median_seconds * scale if self.ok else None

    def spread(self) -> float | None:
        """Half the inter-quartile range of the block medians, over their median: how much
        the repetitions disagree (a few % on a quiet machine)."""
        if not self.ok or len(self.blocks) < 4:
            return None
        q1, _, q3 = statistics.quantiles(self.blocks, n=4)
        return (q3 - q1) / 2 / statistics.median(self.blocks)


def paired_ratio(a: Measurement, b: Measurement) -> float | None:
    """The median over repetitions of a's block median / b's block median (None if either
    did not run)."""
    if not (a.ok and b.ok):
        return None
    ratios = [x / y for x, y in zip(a.blocks, b.blocks) if x is not None and y is not None]
    return statistics.median(ratios) if ratios else None


def measure(case, workers: dict, skip: dict, log) -> dict:
    """Time ``case`` on every worker in ``workers`` ({engine: WorkerProcess}).

    ``skip`` maps engines to the reason they are not run; ``log`` reports progress. Returns
    {engine: Measurement}.
    """
    results = {name: Measurement(name) for name in workers}
    for name, reason in skip.items():
        if name in results:
            results[name].status = reason
    names = [name for name in workers if results[name].status == "ok"]
    for rep in range(case.reps):
        shift = rep % len(names) if names else 0
        for name in names[shift:] + names[:shift]:
            result = results[name]
            if result.status != "ok":
                continue
            try:
                answer = workers[name].request(
                    "time",
                    workload=case.workload,
                    params=case.params,
                    min_seconds=case.block_seconds,
                    max_runs=case.max_runs,
                    warmup_seconds=case.warmup_seconds if rep == 0 else 0.0,
                    timeout=max(600, 20 * case.block_seconds),
                )
            except WorkerError as error:
                answer = {"error": str(error).splitlines()[0]}
            if "error" in answer:
                result.status = "fails: " + answer["error"]
                log(f"  {case.key}: {name} fails: {answer['error']}")
                continue
            time.sleep(case.pause_seconds)
            result.samples += answer["seconds"]
            result.blocks.append(statistics.median(answer["seconds"]))
            result.written_with = answer.get("written_with")
        log(f"  {case.key}: repetition {rep + 1}/{case.reps} done")
    for result in results.values():
        result.finish()
    for name in names:
        try:
            workers[name].request("drop")
        except WorkerError:
            pass  # a worker that died is reported through its status already
    return results
