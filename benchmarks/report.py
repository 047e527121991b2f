"""Writing the results: the Markdown table printed at the end, RESULTS.md and the JSON file."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from .checks import check_table
from .engines import BEST_FLOOR, BY_NAME, ENGINES, FLOOR, OURS, OURS_OPS
from .timing import paired_ratio

ANALYSIS = Path(__file__).with_name("ANALYSIS.md")
GPU_BEGIN, GPU_END = "<!-- gpu:begin -->", "<!-- gpu:end -->"
GPU_NOT_RUN = (
    "## On a GPU: `python -m benchmarks gpu`\n\n"
    "Not run yet: no machine with a GPU has been available to this project. On one, "
    "`python -m benchmarks gpu` runs the GPU tests on CuPy and W6 (W1's step on the "
    "GPU against PyTorch CUDA) and writes its figures here."
)
_FIRST = (*OURS, *OURS_OPS, "numpy", "numpy_prealloc", "python")
ENGINE_ORDER = [*_FIRST] + [s.name for s in ENGINES if s.name not in _FIRST]


def number(x: float) -> str:
    """Three significant digits, never in scientific notation."""
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def _ordered(names) -> list:
    return sorted(names, key=ENGINE_ORDER.index)


def results_table(run) -> str:
    """One Markdown table: every case, every engine, medians, ratios to the floors, targets."""
    verdicts = {}
    for t in run.targets:
        if t.row:
            verdicts.setdefault(t.row, []).append(
                f"{t.issue} {t.what.split(': ', 1)[-1]}: {t.verdict}"
            )
    lines = [
        "| Workload | Case | Engine | Median | × floor | × preallocated | Targets (1 thread) |",
        "| --- | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for case, results in run.cases:
        floor = results.get(FLOOR[case.workload])
        best = results.get(BEST_FLOOR.get(case.workload))
        case_text = f"{case.title}, {case.threads} thread{'s' if case.threads > 1 else ''}"
        for name in _ordered(results):
            m = results[name]
            label = BY_NAME[name].label_for(case.workload)
            if m.ok:
                spread = m.spread()
                median = f"{number(m.median(case.scale))} {case.unit}" + (
                    "" if spread is None else f" ±{spread:.0%}"
                )
                ratio, to_best = ratio_text(m, floor), ratio_text(m, best)
            else:
                median, ratio, to_best = m.status.replace("|", "/"), "", ""
            target = "; ".join(verdicts.get((case.key, name), []))
            lines.append(
                f"| {case.id} | {case_text} | {label} | {median} | {ratio} | {to_best} | {target} |"
            )
    if run.memory:
        floor, best = run.memory.get("numpy"), run.memory.get("numpy_prealloc")
        case_text = f"{run.memory_case.steps} W1 steps, batch {run.memory_case.batch}, peak RSS"
        for name in _ordered(run.memory):
            r = run.memory[name]
            if r.ok:
                median = f"{number(r.peak_mib)} MiB"
                ratio = f"{r.peak_mib / floor.peak_mib:.2f}×" if floor and floor.ok else ""
                to_best = f"{r.peak_mib / best.peak_mib:.2f}×" if best and best.ok else ""
            else:
                median, ratio, to_best = r.status, "", ""
            target = "; ".join(verdicts.get(("W5", name), []))
            lines.append(
                f"| W5 | {case_text} | {BY_NAME[name].label} | {median} | {ratio} "
                f"| {to_best} | {target} |"
            )
    return "\n".join(lines)


def ratio_text(measurement, floor) -> str:
    """The paired ratio of ``measurement`` to ``floor`` as "1.23×"; empty when there is none."""
    ratio = paired_ratio(measurement, floor) if floor is not None else None
    return "" if ratio is None else f"{ratio:.2f}×"


def targets_table(run) -> str:
    lines = ["| Issue | Target | Measured | Verdict |", "| --- | --- | --- | --- |"]
    for t in run.targets:
        lines.append(f"| {t.issue} | {t.what} | {t.measured} | {t.verdict} |")
    return "\n".join(lines)


def memory_table(run) -> str:
    lines = [
        "| Engine | Peak RSS | RSS before the first step | Added by the steps "
        "| tracemalloc peak during the steps |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name in _ordered(run.memory):
        r = run.memory[name]
        if not r.ok:
            lines.append(f"| {BY_NAME[name].label} | {r.status} | | | |")
            continue
        before = sorted(r.rss_before_kib)[len(r.rss_before_kib) // 2] / 1024
        if not run.memory_case.tracemalloc:
            traced = "not measured (--quick)"
        elif r.tracemalloc_peak_bytes is None:
            traced = "n/a (its allocator is not traced)"
        else:
            traced = f"{r.tracemalloc_peak_bytes / 2**20:.1f} MiB"
        lines.append(
            f"| {BY_NAME[name].label} | {r.peak_mib:.1f} MiB | {before:.1f} MiB "
            f"| {r.steps_mib:.1f} MiB | {traced} |"
        )
    return "\n".join(lines)


def machine_text(run) -> str:
    m = run.machine
    numpy_info = m["numpy"]
    env = ", ".join(f"{k}={v}" for k, v in m["blas_env"].items()) or "none"
    return "\n".join(
        [
            f"- CPU: {m['cpu']}, {m['logical_cpus']} logical CPUs ({m['usable_cpus']} usable), "
            f"{m['memory_gib']} GiB memory",
            f"- OS: {m['os']}; {m['python']}",
            f"- NumPy {numpy_info['version']} with {numpy_info.get('blas')} "
            f"({numpy_info.get('blas_config', '').strip()}); SIMD found: "
            f"{', '.join(numpy_info.get('simd_found', []))}",
            f"- BLAS-related environment, inherited unchanged by every engine: {env}",
            f"- Load average (1, 5, 15 min) at start: {m['load_average_at_start']}, at end: "
            f"{run.load_average_at_end}",
        ]
    )


def engines_text(run) -> str:
    """Each engine's versions, thread settings and the thread pools found in its process."""
    parts = []
    for name in _ordered(run.engine_info):
        info = run.engine_info[name]
        setup = {
            k: v for k, v in info.get("setup", {}).items() if k not in ("config", "parallel_info")
        }
        parts.append(f"- **{BY_NAME[name].label}** ({name}): {_inline(setup) or 'no library'}")
        pools = info.get("threadpools")
        if isinstance(pools, list):
            for pool in pools:
                parts.append(
                    f"  - {pool['user_api']} {pool['internal_api']} "
                    f"{pool.get('version') or ''} ({pool.get('architecture') or '-'}): "
                    f"{pool['num_threads']} thread(s), `{Path(pool['filepath']).name}`"
                )
        elif pools:
            parts.append(f"  - {pools}")
        for n, other in info.get("at_other_thread_counts", {}).items():
            counts = [
                f"{pool['internal_api']} {pool['num_threads']}"
                for pool in other.get("threadpools") or []
                if isinstance(pool, dict)
            ]
            torch_threads = (other.get("setup") or {}).get("num_threads")
            if torch_threads is not None:
                counts.append(f"torch.get_num_threads() {torch_threads}")
            parts.append(f"  - in the {n}-thread run: {', '.join(counts) or 'no thread pool'}")
        config = info.get("setup", {}).get("config")
        if config:
            parts.append(f"  - torch.__config__.show(): {_torch_blas(config)}")
    return "\n".join(parts)


def _torch_blas(config: str) -> str:
    """The BLAS, LAPACK, oneDNN, OpenMP and CPU facts from ``torch.__config__.show()``."""
    facts = [
        line.strip(" -")
        for line in config.splitlines()
        if line.strip().startswith(("- Intel(R)", "- OpenMP", "- CPU capability", "- LAPACK"))
    ]
    for name in ("BLAS_INFO", "LAPACK_INFO"):
        match = re.search(name + r"=([^,\s]+)", config)
        if match:
            facts.append(f"{name}={match.group(1)}")
    return "; ".join(facts)


def _inline(d: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items())


def written_with_text(run) -> str:
    lines = []
    for case, results in run.cases:
        for name in (*OURS, *OURS_OPS):
            m = results.get(name)
            if m is not None and m.written_with:
                text = f"- {case.id} ({BY_NAME[name].label}): {_inline(m.written_with)}"
                if text not in lines:
                    lines.append(text)
    return "\n".join(lines) or "- (nothing recorded)"


def results_markdown(run) -> str:
    """The whole RESULTS.md."""
    labels = {s.name: s.label for s in ENGINES}
    sections = [
        "# Benchmark results",
        "",
        "Written by the benchmark itself; do not edit by hand (edit `benchmarks/ANALYSIS.md`, "
        "which is copied in at the end).",
        "",
        f"- Command: `{run.command}` (from the repository root)",
        f"- Date: {run.machine['date']}; the run took {run.wall_seconds / 60:.1f} minutes",
        *([merges_text(run)] if run.merges else []),
        machine_text(run),
        "",
        "## Targets",
        "",
        targets_table(run),
        "",
        "## Results",
        "",
        results_table(run),
        "",
        "How to read it: *Median* is the median of every run of that engine on that case; "
        "± is half the inter-quartile range of its per-repetition block medians, relative to "
        "their median (large values mean the machine was busy during that case). "
        "*× floor* is the engine's time over the hand-written floor's (NumPy by hand for the "
        "array workloads, Python by hand for the scalar ones), and *× preallocated* its time "
        "over the best hand-written NumPy step (NumPy by hand, preallocated: the same "
        "arithmetic with every buffer allocated once and every result written with `out=`, "
        "the floor for any engine built on NumPy; the plain floor allocates its results as a "
        "lecture writes them), both taken pair by pair: each "
        "repetition gives every engine one block of runs, the engines taking turns in an "
        "order that rotates from one repetition to the next, and the ratio is the median over "
        "repetitions of (its block's median / the floor's block's median). Each engine runs in "
        "its own process, with OMP/OPENBLAS/MKL/BLIS/VECLIB/NUMEXPR_NUM_THREADS set before "
        "import, `torch.set_num_threads`, and XLA_FLAGS for JAX. Python's garbage collector "
        "is left at its defaults everywhere. "
        + (SETTLED if run.settled_allocator else "")
        + "Every engine was first checked to compute the same loss and gradients as the floor "
        "(below).",
        "",
        "## How autograd_lite's workloads were written",
        "",
        written_with_text(run),
        "",
    ]
    if run.memory:
        sections += [
            "## Memory (W5)",
            "",
            memory_table(run),
            "",
            "Peak RSS is Linux's VmHWM of the worker process (interpreter, imports, "
            "data and the steps), the median of fresh processes; tracemalloc counts "
            "what Python's allocator and NumPy allocate during the steps only.",
            "",
        ]
    sections += [
        "## Correctness checks",
        "",
        check_table(run.checks, labels),
        "",
        "## Engines",
        "",
        engines_text(run),
        "",
    ]
    if run.profiles:
        sections += [
            "## Profiles of the missed targets",
            "",
            "cProfile of autograd_lite on the case, sorted by own time (tottime).",
            "",
        ]
        for title, text in run.profiles.items():
            sections += [f"### {title}", "", "```", text.strip(), "```", ""]
    if ANALYSIS.exists():
        sections += [ANALYSIS.read_text().strip(), ""]
    return "\n".join(sections)


def replace_gpu_section(text: str, section: str) -> str:
    """``text`` (a RESULTS.md) with its GPU section, written by ``python -m benchmarks gpu``,
    replaced by ``section``, or with ``section`` appended when it has none."""
    block = f"{GPU_BEGIN}\n{section.strip()}\n{GPU_END}"
    start, end = text.find(GPU_BEGIN), text.find(GPU_END)
    if start >= 0 and end > start:
        return text[:start] + block + text[end + len(GPU_END) :]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def gpu_section(text: str) -> str:
    """The GPU section of ``text`` (a RESULTS.md), or the note that it was never run."""
    start, end = text.find(GPU_BEGIN), text.find(GPU_END)
    if start >= 0 and end > start:
        return text[start + len(GPU_BEGIN) : end].strip()
    return GPU_NOT_RUN


SETTLED = (
    "Before timing, each worker makes and frees one 16 MB block, after which the C "
    "library's malloc keeps freed memory instead of returning it to the system and "
    "faulting it in again at every step. "
)


def merged(earlier, later):
    """``earlier``, with the cases, checks and profiles of ``later`` put in (a case or check
    done again replaces the earlier one), the facts of engines it did not run, the targets
    judged again, and a note of the later run in its header."""
    from .targets import evaluate

    again = {case.key: (case, results) for case, results in later.cases}
    earlier.cases = [again.pop(case.key, (case, results)) for case, results in earlier.cases]
    earlier.cases += list(again.values())
    redone = {(c.engine, c.workload, json.dumps(c.params, sort_keys=True)) for c in later.checks}
    earlier.checks = [
        c
        for c in earlier.checks
        if (c.engine, c.workload, json.dumps(c.params, sort_keys=True)) not in redone
    ] + later.checks
    for name, info in later.engine_info.items():  # the earlier run's facts stay as they were
        earlier.engine_info.setdefault(name, info)
    earlier.profiles.update(later.profiles)
    earlier.targets = evaluate(earlier.cases, earlier.memory, earlier.gpu_skipped)
    earlier.merges.append(
        {
            "command": later.command,
            "date": later.machine["date"],
            "minutes": round(later.wall_seconds / 60, 1),
            "load_average": [later.machine["load_average_at_start"], later.load_average_at_end],
            "cases": [case.key for case, _ in later.cases],
            "settled_allocator": later.settled_allocator,
        }
    )
    return earlier


def merges_text(run) -> str:
    return "\n".join(
        f"- Then `{m['command']}` on {m['date']} ({m['minutes']} minutes; load average at "
        f"start {m['load_average'][0]}, at end {m['load_average'][1]}) measured, on the same "
        f"machine: {'; '.join(m['cases'])}. Its figures replace any earlier ones of those "
        "cases, and the targets were judged again."
        + (
            " Before timing, its workers made and freed one 16 MB block, so that malloc kept "
            "freed memory rather than returning it to the system and faulting it in again at "
            "every step; the first run's workers did not."
            if m.get("settled_allocator") and not run.settled_allocator
            else ""
        )
        for m in run.merges
    )


def from_json(text: str):
    """The run that ``to_json`` wrote, rebuilt (for ``--render``)."""
    from .checks import CheckResult
    from .memory import MemoryResult
    from .plan import Case, MemoryCase
    from .run import Run
    from .targets import Target
    from .timing import Measurement

    data = json.loads(text)
    run = Run(
        command=data["command"],
        quick=data.get("quick", False),
        machine=data["machine"],
        engine_info=data["engines"],
        wall_seconds=data["wall_seconds"],
        load_average_at_end=data["load_average_at_end"],
        gpu_skipped=data["gpu_skipped"],
        profiles=data["profiles"],
        merges=data.get("merges", []),
        settled_allocator=data.get("settled_allocator", False),
    )
    run.checks = [CheckResult(**c) for c in data["checks"]]
    for item in data["cases"]:
        fields = {f.name for f in dataclasses.fields(Measurement)}
        results = {
            name: Measurement(**{k: v for k, v in m.items() if k in fields})
            for name, m in item["results"].items()
        }
        run.cases.append((Case(**item["case"]), results))
    run.memory_case = MemoryCase(**data["memory_case"]) if data["memory_case"] else None
    run.memory = (
        {name: MemoryResult(**m) for name, m in data["memory"].items()} if data["memory"] else None
    )
    run.targets = [
        Target(**{**t, "row": tuple(t["row"]), "profile": tuple(t["profile"])})
        for t in data["targets"]
    ]
    return run


def to_json(run) -> str:
    """Everything measured, as JSON (dataclasses become dicts)."""

    def default(obj):
        if dataclasses.is_dataclass(obj):
            return dataclasses.asdict(obj)
        raise TypeError(f"cannot write {type(obj).__name__} as JSON")

    data = {
        "command": run.command,
        "quick": run.quick,
        "wall_seconds": run.wall_seconds,
        "machine": run.machine,
        "load_average_at_end": run.load_average_at_end,
        "engines": run.engine_info,
        "checks": run.checks,
        "cases": [
            {
                "case": case,
                "key": case.key,
                "results": {
                    name: {
                        **dataclasses.asdict(dataclasses.replace(m, samples=[])),
                        "median": m.median(case.scale),
                        "unit": case.unit,
                    }
                    for name, m in results.items()
                },
            }
            for case, results in run.cases
        ],
        "memory_case": run.memory_case,
        "memory": run.memory,
        "gpu_skipped": run.gpu_skipped,
        "targets": run.targets,
        "profiles": run.profiles,
        "merges": run.merges,
        "settled_allocator": run.settled_allocator,
    }
    return json.dumps(data, indent=1, default=default, ensure_ascii=False)
