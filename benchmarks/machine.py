"""Facts about the machine a benchmark ran on: CPU, cores, memory, OS, Python, NumPy's BLAS,
and the environment variables that change how fast BLAS runs.

(Each engine's own libraries and thread pools are reported by its worker, see ``worker.py``.)
"""

from __future__ import annotations

import datetime
import os
import platform
import sys


def machine_info() -> dict:
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gib": _memory_gib(),
        "os": _os_name(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "numpy": _numpy_info(),
        "blas_env": {
            k: v
            for k, v in sorted(os.environ.items())
            if k.startswith(("OPENBLAS_", "MKL_", "OMP_", "GOTO", "BLIS_")) or k == "XLA_FLAGS"
        },
        "load_average_at_start": load_average(),
    }


def _cpu_model() -> str:
    """'model name (family F, model M; AVX2, AVX-512)' from /proc/cpuinfo where it exists."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if not line.strip():
                    break  # the first CPU is enough
                key, _, value = line.partition(":")
                fields[key.strip()] = value.strip()
    except OSError:
        return platform.processor() or platform.machine()
    flags = fields.get("flags", "").split()
    vector = [name for flag, name in (("avx2", "AVX2"), ("avx512f", "AVX-512")) if flag in flags]
    return (
        f"{fields.get('model name', '?')} (family {fields.get('cpu family', '?')}, "
        f"model {fields.get('model', '?')}; {', '.join(vector) or 'no AVX2'})"
    )


def line_starting(path: str, prefix: str) -> str | None:
    """The rest of the first line of the text file ``path`` that starts with ``prefix``; None
    when there is none, or no such file (as on a system without /proc)."""
    try:
        with open(path) as file:
            for line in file:
                if line.startswith(prefix):
                    return line[len(prefix) :]
    except OSError:
        pass
    return None


def _memory_gib():
    total = line_starting("/proc/meminfo", "MemTotal:")  # in kB
    return None if total is None else round(int(total.split()[0]) / 2**20, 1)


def _os_name() -> str:
    name = line_starting("/etc/os-release", "PRETTY_NAME=")
    if name is None:
        return platform.platform()
    return name.strip().strip('"') + f" ({platform.release()})"


def load_average() -> list | None:
    """The 1, 5 and 15-minute load averages."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _numpy_info() -> dict:
    """NumPy's version and the BLAS it was built with (``numpy.show_config``)."""
    import numpy

    info = {"version": numpy.__version__}
    try:
        config = numpy.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
        info["blas_config"] = blas.get("openblas configuration", "")
        simd = config.get("SIMD Extensions", {})
        info["simd_found"] = simd.get("found", [])
    except Exception as error:  # older NumPy without mode="dicts"
        info["blas"] = f"unknown ({type(error).__name__})"
    return info


if __name__ == "__main__":
    import json

    json.dump(machine_info(), sys.stdout, indent=2)
    print()
