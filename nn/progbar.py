"""A plain-text progress bar for ``fit`` and ``evaluate``, in Keras's format:

    Epoch 3/30
    10/10 [==============================] - 0s 1ms/step - loss: 0.4310 - accuracy: 0.8800

In a terminal the line is redrawn in place (with '\\r', at most ten times a second); written to
a file or a log, only the finished line of each epoch is printed, so the log stays readable.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def format_logs(logs: dict[str, float]) -> str:
    return "".join(f" - {name}: {value:.4f}" for name, value in logs.items())


def _format_time(seconds: float, steps: int) -> str:
    per_step = seconds / max(steps, 1)
    unit = f"{per_step * 1e3:.0f}ms/step" if per_step >= 1e-3 else f"{per_step * 1e6:.0f}us/step"
    return f"{seconds:.0f}s {unit}"


class ProgressBar:
    """The bar of one epoch: ``update(step, logs)`` after each batch, ``finish(logs)`` at the end.

    Args:
        total: the number of batches.
        width: the number of characters between the brackets.
        stream: where to write (``sys.stdout`` at the time of the call, by default).
        interactive: redraw in place; by default, whether ``stream`` is a terminal.
    """

    def __init__(
        self,
        total: int,
        width: int = 30,
        stream: TextIO | None = None,
        interactive: bool | None = None,
    ) -> None:
        self.total = max(int(total), 1)
        self.width = width
        self.stream = stream if stream is not None else sys.stdout
        if interactive is None:
            isatty = getattr(self.stream, "isatty", None)
            interactive = bool(isatty and isatty())
        self.interactive = interactive
        self.start = time.perf_counter()
        self.next_draw = self.start
        self.drawn = 0  # the length of the line drawn last, to blank its leftovers

    def _bar(self, step: int) -> str:
        digits = len(str(self.total))
        done = int(self.width * step / self.total)
        if done >= self.width:
            inner = "=" * self.width
        else:
            inner = "=" * done + ">" + "." * (self.width - done - 1)
        return f"{step:>{digits}}/{self.total} [{inner}]"

    def due(self) -> bool:
        """Whether ``update`` would redraw now: in a terminal, at most 10 times a second."""
        return self.interactive and time.perf_counter() >= self.next_draw

    def update(self, step: int, logs: dict[str, float] | None = None) -> None:
        """Redraw after ``step`` batches (only in a terminal, and at most 10 times a second)."""
        if not self.due():
            return
        self.next_draw = time.perf_counter() + 0.1
        self._draw(self._bar(step) + format_logs(logs or {}))
        self.stream.flush()

    def _draw(self, line: str) -> None:
        self.stream.write("\r" + line + " " * max(self.drawn - len(line), 0))
        self.drawn = len(line)

    def finish(self, logs: dict[str, float]) -> None:
        """Write the finished line, with the time taken and the epoch's logs."""
        elapsed = time.perf_counter() - self.start
        line = f"{self._bar(self.total)} - {_format_time(elapsed, self.total)}" + format_logs(logs)
        if self.interactive:
            self._draw(line)
            self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
