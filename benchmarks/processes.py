"""Starting worker processes and talking to them (the parent's side of ``worker.py``).

Each engine runs in its own process, so that engines cannot slow each other down (one's
imports, threads or garbage stay in its process), and so that the thread counts can be fixed
before anything is imported: the environment variables below are set in the child's
environment at start, identically for every engine.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# Read by OpenBLAS, MKL, BLIS, Accelerate, OpenMP (PyTorch, libgomp) and numexpr at import.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


def thread_env(threads: int, extra: dict | None = None) -> dict:
    """The environment of a worker limited to ``threads`` threads.

    Everything else (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE, ...) is inherited unchanged, the same
    for every engine. XLA (JAX) takes its thread settings from XLA_FLAGS.
    """
    env = dict(os.environ)
    for name in THREAD_VARIABLES:
        env[name] = str(threads)
    multi = "true" if threads > 1 else "false"
    xla = f"--xla_cpu_multi_thread_eigen={multi} intra_op_parallelism_threads={threads}"
    env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " " + xla).strip()
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env.update(extra or {})
    return env


class WorkerError(RuntimeError):
    """The worker process died, or did not answer in time."""


class WorkerProcess:
    """One running ``python -m benchmarks.worker ENGINE``; ``request`` sends one request."""

    def __init__(self, spec, threads: int, extra_env: dict | None = None):
        self.spec = spec
        self.threads = threads
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.worker", spec.name, "--threads", str(threads)],
            cwd=REPO_ROOT,
            env=thread_env(threads, {**(extra_env or {}), **spec.env}),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        self.ready = None  # the first answer: {"ready": true} or {"error": ...}

    def start(self, timeout: float = 120) -> dict:
        """Wait until the engine is imported; the answer says whether that worked."""
        if self.ready is None:
            self.ready = self._read(timeout)
        return self.ready

    def request(self, op: str, timeout: float = 600, **fields) -> dict:
        """Send one request and wait for its answer (a dict; ``error`` set if the engine failed)."""
        self.start()
        if "error" in self.ready:
            return self.ready
        if self.process.poll() is not None:
            raise WorkerError(f"{self.spec.name}: the worker has exited")
        try:
            self.process.stdin.write(json.dumps({"op": op, **fields}) + "\n")
            self.process.stdin.flush()
        except OSError as error:
            raise WorkerError(f"{self.spec.name}: the worker is gone ({error})") from None
        return self._read(timeout)

    def _read(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        stream = self.process.stdout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close(kill=True)
                raise WorkerError(f"{self.spec.name}: no answer within {timeout:.0f} s")
            readable, _, _ = select.select([stream], [], [], left)
            if readable:
                line = stream.readline()
                if not line:
                    raise WorkerError(
                        f"{self.spec.name}: the worker died "
                        f"(exit code {self.process.wait()}):\n{self.log_tail()}"
                    )
                return json.loads(line)

    def log_tail(self, lines: int = 15) -> str:
        self.log.seek(0)
        return "".join(self.log.readlines()[-lines:])

    def close(self, kill: bool = False) -> None:
        if self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
