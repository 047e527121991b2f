"""Peak memory of a piece of code, measured in a fresh Python process.

``peak_rss_mib(code)`` runs ``code`` in a new interpreter (with the repository on ``sys.path``)
and returns the peak resident memory of that process in MiB, read by the process itself at its
end, together with what the code printed.

The peak is Linux's VmHWM (/proc/self/status), the high-water mark of the process's own
memory. ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` would be wrong here: Linux carries the
peak of the memory a process had before ``exec`` into its new program, and a child started by
``vfork`` had the parent's, so after a long test session every child would report the test
runner's peak. Elsewhere (macOS) ``ru_maxrss`` is used, in bytes there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = "peak-rss-kib:"

_WRAPPER = f"""
import resource, sys
sys.path.insert(0, {str(ROOT)!r})
exec(compile(sys.stdin.read(), "<measured>", "exec"))
try:
    with open("/proc/self/status") as status:
        peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # macOS: bytes
print("{MARK}", peak_kib, flush=True)
"""


def peak_rss_mib(code: str, timeout: float = 300) -> tuple[float, str]:
    """(peak RSS in MiB, standard output) of ``code`` run in a new Python process."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER],
        input=code,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise AssertionError(f"the measured code failed:\n{done.stderr}")
    lines = done.stdout.splitlines()
    peak = [line for line in lines if line.startswith(MARK)]
    assert peak, done.stdout
    output = "\n".join(line for line in lines if not line.startswith(MARK))
    return int(peak[-1].split()[1]) / 1024, output
