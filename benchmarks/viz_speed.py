"""How fast ``viz`` renders: run ``python benchmarks/viz_speed.py`` (needs Graphviz's dot).

Targets (issue 5), timed as the median of a few runs, wall clock, building the DOT text included:

- every frame of the lecture's 2-3-3-1 network (55 frames) to SVG in under 2 s, and to PNG in
  under 10 s: one ``dot`` process renders them all (``BackpropSteps.render``);
- a computation graph of about 1,000 scalar values to SVG in under 2 s: a micrograd-style MLP
  (``nn.scalar.MLP(3, [16, 16, 1])``, 1,028 values), the graph students draw.

Graphviz itself is the limit past that: a graph whose edges span many ranks (a sum over many
samples that share their parameters) takes dot minutes at 1,000 values, which is why
``draw_graph`` warns above 1,000 values and suggests a Tensor expression.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import viz  # noqa: E402
from viz import render  # noqa: E402
from viz.lecture import lecture_network  # noqa: E402


def timed(function, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def frames(fmt: str, dpi=None) -> float:
    model, x = lecture_network()

    def run():
        with tempfile.TemporaryDirectory() as folder:
            steps = viz.backprop_steps(model, x)
            steps.render(folder, fmt, dpi=dpi)

    return timed(run)


def big_graph() -> tuple:
    from autograd_lite import Value
    from autograd_lite.graph import topological_order
    from autograd_lite.random import manual_seed
    from nn.scalar import MLP

    manual_seed(0)
    model = MLP(3, [16, 16, 1])
    out = model([Value(0.5), Value(-1.0), Value(2.0)])
    out.backward()
    count = len(topological_order(out))

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", viz.LargeGraphWarning)
            viz.draw_graph(out).pipe("svg")

    return count, timed(run)


def main() -> int:
    if not render.has_dot():
        print("this benchmark needs Graphviz's dot program:\n" + render.INSTALL_HINT)
        return 1
    print(render.version())
    svg = frames("svg")
    png = frames("png")
    png_110 = frames("png", dpi=110)
    count, graph = big_graph()
    rows = [
        ("55 frames of the 2-3-3-1 network -> SVG", svg, 2.0),
        ("55 frames of the 2-3-3-1 network -> PNG (96 dpi)", png, 10.0),
        ("55 frames of the 2-3-3-1 network -> PNG (110 dpi, the CLI's)", png_110, 10.0),
        (f"computation graph of {count} scalar values -> SVG", graph, 2.0),
    ]
    width = max(len(name) for name, _, _ in rows)
    failed = False
    for name, seconds, target in rows:
        ok = seconds < target
        failed |= not ok
        print(
            f"{name:<{width}}  {seconds:6.2f} s   target < {target:g} s  "
            f"{'ok' if ok else 'TOO SLOW'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
