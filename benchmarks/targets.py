"""The targets of issues #3, #7, #11 and #13, checked against one run's measurements (1 thread).

Every ratio is the paired ratio of ``timing.py``: both engines measured in the same run,
repetition by repetition.
"""

from __future__ import annotations

from dataclasses import dataclass

from .plan import GPU_BATCHES
from .timing import paired_ratio


@dataclass
class Target:
    issue: str  # "#3", "#7", "#11" or "#13"
    what: str  # the target, in words
    measured: str  # the figure it is judged on
    met: bool | None  # None: not measured in this run
    row: tuple = ()  # (case key, engine) of the table row it belongs to
    profile: tuple = ()  # (engine, case key) to profile when it is missed

    @property
    def verdict(self) -> str:
        return {True: "met", False: "**missed**", None: "not measured"}[self.met]


def _find(cases: list, case_id: str, threads: int = 1, **params):
    """The (case, results) pair of ``case_id`` whose params include ``params``."""
    for case, results in cases:
        if (
            case.id == case_id
            and case.threads == threads
            and all(case.params.get(k) == v for k, v in params.items())
        ):
            return case, results
    return None, {}


def _ratio(results: dict, a: str, b: str):
    if a in results and b in results:
        return paired_ratio(results[a], results[b])
    return None


def _judge(value, limit, at_most=True):
    if value is None:
        return None
    return value <= limit if at_most else value >= limit


def _fmt(value, suffix="×", digits=3):
    return "n/a" if value is None else f"{value:.{digits}f}{suffix}"


def evaluate(cases: list, memory: dict | None, gpu_skipped: str | None) -> list[Target]:
    """All targets, in the order of the issues' lists."""
    return [
        *_w1_targets(cases),
        *_w2_targets(cases),
        *_w3_targets(cases),
        *_w4_targets(cases),
        *_w5_targets(memory),
        *_w7_targets(cases),
        w6_target(cases, gpu_skipped),
        *_targets_13(cases, memory),
    ]


def _w1_profile_key(cases: list, case) -> str:
    """The case to profile when a W1 target is missed: the tiny network (batch 2), where the
    framework's own cost is not hidden under the BLAS calls, when it was run."""
    overhead_case, _ = _find(cases, "W1", batch=2)
    return (overhead_case or case).key


def _w1_targets(cases: list) -> list[Target]:
    """W1: step time over the hand-written NumPy, same run, 1 thread."""
    targets = []
    for batch in (32, 128, 512):
        case, results = _find(cases, "W1", batch=batch)
        if case is None:
            continue
        ratio = _ratio(results, "lite", "numpy")
        row = (case.key, "lite")
        profile = ("lite", _w1_profile_key(cases, case))
        targets.append(
            Target(
                "#7",
                f"W1 batch {batch}: step time ≤ 1.10× NumPy by hand",
                _fmt(ratio),
                _judge(ratio, 1.10),
                row,
                profile,
            )
        )
        if batch in (128, 512):
            targets.append(
                Target(
                    "#3",
                    f"W1 batch {batch}: step time ≤ 1.15× NumPy by hand",
                    _fmt(ratio),
                    _judge(ratio, 1.15),
                    row,
                    profile,
                )
            )
    return targets


def _w2_targets(cases: list) -> list[Target]:
    """W2: framework overhead per op."""
    case, results = _find(cases, "W2")
    if case is None:
        return []
    lite = results.get("lite")
    per_op = lite.median(case.scale) if lite else None
    vs_torch = _ratio(results, "lite", "torch")
    row, profile = (case.key, "lite"), ("lite", case.key)
    return [
        Target(
            "#7",
            "W2: ≤ 3.0 µs/op, forward + backward",
            _fmt(per_op, " µs/op"),
            _judge(per_op, 3.0),
            row,
            profile,
        ),
        Target(
            "#7",
            "W2: no slower than eager PyTorch",
            _fmt(vs_torch, "× PyTorch"),
            _judge(vs_torch, 1.0),
            row,
            profile,
        ),
        Target(
            "#3",
            "W2: ≤ 5 µs/op, forward + backward",
            _fmt(per_op, " µs/op"),
            _judge(per_op, 5.0),
            row,
            profile,
        ),
    ]


def _w3_targets(cases: list) -> list[Target]:
    """W3: the scalar engine against micrograd."""
    case, results = _find(cases, "W3")
    if case is None:
        return []
    speedup = _ratio(results, "micrograd", "lite_value")
    return [
        Target(
            "#7",
            "W3: at least 10× faster than micrograd",
            _fmt(speedup, "× faster", 1),
            _judge(speedup, 10.0, at_most=False),
            (case.key, "lite_value"),
            ("lite_value", case.key),
        )
    ]


def _w4_targets(cases: list) -> list[Target]:
    """W4: the million-op chains complete, at no more µs/op than eager PyTorch."""
    case, results = _find(cases, "W4", n_ops=1_000_000)
    if case is None:
        return []
    targets = []
    for engine, name in (("lite_value", "Value"), ("lite", "Tensor")):
        result = results.get(engine)
        ratio = _ratio(results, engine, "torch")
        if result is not None and not result.ok:
            measured, met = result.status, False
        else:
            measured, met = _fmt(ratio, "× PyTorch"), _judge(ratio, 1.0)
        targets.append(
            Target(
                "#7",
                f"W4: 1,000,000-op chain on {name} completes, ≤ PyTorch's µs/op",
                measured,
                met,
                (case.key, engine),
                (engine, case.key),
            )
        )
    return targets


def _w5_targets(memory: dict | None) -> list[Target]:
    """W5: peak memory over the hand-written NumPy process."""
    if not memory:
        return []
    ratio = _peak_memory_ratio(memory, "numpy")
    return [
        Target(
            issue,
            "W5: peak RSS ≤ 1.25× the NumPy-by-hand process",
            _fmt(ratio),
            _judge(ratio, 1.25),
            ("W5", "lite"),
        )
        for issue in ("#3", "#7")
    ]


def _w7_targets(cases: list) -> list[Target]:
    """W7: the CNN's training step, against eager PyTorch on the CPU."""
    case, results = _find(cases, "W7")
    if case is None:
        return []
    ratio = _ratio(results, "lite", "torch")
    return [
        Target(
            "#11",
            "W7: CNN step ≤ 1.5× PyTorch eager",
            _fmt(ratio, "× PyTorch"),
            _judge(ratio, 1.5),
            (case.key, "lite"),
            ("lite", case.key),
        )
    ]


def _peak_memory_ratio(memory: dict, floor: str):
    """autograd_lite's peak RSS over the ``floor`` engine's; None unless both were measured."""
    lite, base = memory.get("lite"), memory.get(floor)
    if lite and base and lite.ok and base.ok:
        return lite.peak_mib / base.peak_mib
    return None


def _targets_13(cases: list, memory: dict | None) -> list[Target]:
    """The targets of #13: W1 against the preallocated floor (hand-written NumPy with every
    buffer made once) and PyTorch, for the nn model and for the model written with ops
    (``x @ W + b``); W2 against PyTorch; W3 with micrograd's own MLP over ``Value``; W5 against
    the preallocated floor."""
    targets = []
    for batch, limit in ((32, 1.10), (128, 1.05), (512, 1.05)):
        case, results = _find(cases, "W1", batch=batch)
        if case is None:
            continue
        profile_case = _w1_profile_key(cases, case)
        ratio = _ratio(results, "lite", "numpy_prealloc")
        targets.append(
            Target(
                "#13",
                f"W1 batch {batch}: nn step ≤ {limit:.2f}× NumPy by hand, preallocated",
                _fmt(ratio),
                _judge(ratio, limit),
                (case.key, "lite"),
                ("lite", profile_case),
            )
        )
        ops_vs_torch = _ratio(results, "lite_ops", "torch")
        targets.append(
            Target(
                "#13",
                f"W1 batch {batch}: x @ W + b step ≤ 1.00× PyTorch eager",
                _fmt(ops_vs_torch, "× PyTorch"),
                _judge(ops_vs_torch, 1.0),
                (case.key, "lite_ops"),
                ("lite_ops", profile_case),
            )
        )
        if batch == 32:
            ratio = _ratio(results, "lite_ops", "numpy_prealloc")
            targets.append(
                Target(
                    "#13",
                    "W1 batch 32: x @ W + b step ≤ 1.30× NumPy by hand, preallocated",
                    _fmt(ratio),
                    _judge(ratio, 1.30),
                    (case.key, "lite_ops"),
                    ("lite_ops", profile_case),
                )
            )

    case, results = _find(cases, "W2")
    if case is not None:
        vs_torch = _ratio(results, "lite", "torch")
        targets.append(
            Target(
                "#13",
                "W2: ≤ 0.70× eager PyTorch per op",
                _fmt(vs_torch, "× PyTorch"),
                _judge(vs_torch, 0.70),
                (case.key, "lite"),
                ("lite", case.key),
            )
        )

    case, results = _find(cases, "W3")
    if case is not None:
        speedup = _ratio(results, "micrograd", "lite_value_ops")
        targets.append(
            Target(
                "#13",
                "W3 with micrograd's MLP over Value: at least 12× faster than micrograd",
                _fmt(speedup, "× faster", 1),
                _judge(speedup, 12.0, at_most=False),
                (case.key, "lite_value_ops"),
                ("lite_value_ops", case.key),
            )
        )

    if memory:
        ratio = _peak_memory_ratio(memory, "numpy_prealloc")
        targets.append(
            Target(
                "#13",
                "W5: peak RSS ≤ 1.10× NumPy by hand, preallocated",
                _fmt(ratio),
                _judge(ratio, 1.10),
                ("W5", "lite"),
            )
        )
    return targets


def w6_target(cases: list, gpu_skipped: str | None) -> Target:
    """W6, the GPU against PyTorch CUDA, judged at the largest batch, where the GPU is busy."""
    what = f"W6 at batch {GPU_BATCHES[-1]}: ≤ 1.3× PyTorch CUDA eager"
    case, results = _find(cases, "W6", batch=GPU_BATCHES[-1])
    if case is None:
        return Target("#7", what, f"not run: {gpu_skipped or 'no GPU'}", None)
    torch = results.get("torch")
    if torch is None or not torch.ok:
        reason = "not installed" if torch is None else torch.status
        return Target("#7", what, f"not judged: PyTorch CUDA {reason}", None)
    ratio = _ratio(results, "lite", "torch")
    return Target(
        "#7", what, _fmt(ratio), _judge(ratio, 1.3), (case.key, "lite"), ("lite", case.key)
    )
