"""The command line: ``python -m viz lecture --out DIR`` and ``python -m viz check``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

DESCRIPTION = """\
Drawings of backpropagation in the lecture's notation (j̄ before the non-linearity, j after).

commands:
  lecture   draw the lecture's 2-3-3-1 sigmoid network (seeded weights) into --out DIR:
              network.svg/.png   every j̄, j, β_j, ∂z/∂j, ∂z/∂j̄ and every W_{i,j}, ∂z/∂W_{i,j}
              graph.svg/.png     its computation graph, one node per tensor, every gradient
              frames/step_NNN.svg/.png   one frame per step of backprop, lecture order
              backprop.html      one offline page of the frames (buttons, slider, arrow keys)
              steps.txt          every step's formula with its numbers
  check     say whether Graphviz's dot (needed to render) and Chromium are installed

In Python:
  import viz
  viz.draw_graph(root)                           any Value or Tensor expression
  viz.draw_graph(loss, backward=True)            ... with every gradient (draw before backward)
  viz.draw_network(model, x, y=None, loss=None)  a Sequential of Dense layers on one example
  viz.backprop_steps(model, x).save_html('backprop.html')
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m viz",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="command")
    lecture = commands.add_parser(
        "lecture",
        help="draw the lecture's 2-3-3-1 network, its graph, frames and page",
        description="Draw the lecture's 2-3-3-1 sigmoid network into --out DIR.",
    )
    lecture.add_argument("--out", required=True, type=Path, help="the folder to write into")
    lecture.add_argument(
        "--seed", type=int, default=None, help="the seed of the weights (default 4)"
    )
    lecture.add_argument(
        "--formats", default="svg,png", help="comma-separated: svg, png, pdf (default svg,png)"
    )
    lecture.add_argument("--dpi", type=float, default=110, help="PNG resolution (default 110)")
    lecture.add_argument("--digits", type=int, default=None, help="decimals (default 4)")
    lecture.add_argument(
        "--loss",
        choices=["none", "binary_crossentropy", "mse"],
        default="none",
        help="differentiate the output z (none, default) or a loss of it",
    )
    lecture.add_argument("--y", type=float, default=1.0, help="the target, for --loss")
    lecture.add_argument(
        "--linear-algebra",
        action="store_true",
        help="add the panels of v, v̄, δ, δ̄, W and Δ under each layer",
    )
    lecture.add_argument(
        "--network-only",
        action="store_true",
        help="write only the network drawing (for a README picture)",
    )
    lecture.add_argument("--quiet", action="store_true", help="do not print the steps")
    commands.add_parser(
        "check",
        help="report Graphviz's and Chromium's versions",
        description="Report whether dot and chromium are installed.",
    )
    args = parser.parse_args(argv)
    if args.command == "lecture":
        return _lecture(args)
    if args.command == "check":
        return _check()
    parser.print_help()
    return 0


def _lecture(args) -> int:
    import viz
    from viz.lecture import LECTURE_SEED, lecture_graph, lecture_network

    formats = [f.strip().lower() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in ("svg", "png", "pdf")]
    if unknown:
        print(f"unknown format(s): {', '.join(unknown)} (use svg, png, pdf)", file=sys.stderr)
        return 2
    seed = LECTURE_SEED if args.seed is None else args.seed
    model, x = lecture_network(seed)
    loss = None if args.loss == "none" else args.loss
    y = args.y if loss else None
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    written = []
    started = time.perf_counter()
    network = viz.draw_network(
        model, x, y=y, loss=loss, digits=args.digits, linear_algebra=args.linear_algebra
    )
    for fmt in formats:
        written.append(network.save(out / f"network.{fmt}", dpi=_dpi(fmt, args.dpi)))
    if not args.network_only:
        graph = lecture_graph(
            model,
            x,
            digits=args.digits,
            max_elements=9,
            title="The lecture's network as a graph of tensor operations",
        )
        for fmt in formats:
            written.append(graph.save(out / f"graph.{fmt}", dpi=_dpi(fmt, args.dpi)))
        steps = viz.backprop_steps(
            model, x, y=y, loss=loss, digits=args.digits, linear_algebra=args.linear_algebra
        )
        for fmt in formats:
            written += steps.render(out / "frames", fmt, dpi=_dpi(fmt, args.dpi))
        written.append(steps.save_html(out / "backprop.html"))
        table = steps.table()
        (out / "steps.txt").write_text(table + "\n", encoding="utf-8")
        written.append(out / "steps.txt")
        if not args.quiet:
            print(table)
    elapsed = time.perf_counter() - started
    print(
        f"wrote {len(written)} files to {out} in {elapsed:.1f} s "
        f"(seed {seed}; open {out / 'backprop.html'} in a browser)"
        if not args.network_only
        else f"wrote {', '.join(str(p) for p in written)}"
    )
    return 0


def _dpi(fmt: str, dpi: float):
    return dpi if fmt == "png" else None


def _check() -> int:
    import shutil

    from viz import render

    dot = render.version()
    print(f"Graphviz: {dot or 'not found (rendering needs it)'}")
    if dot is None:
        print(render.INSTALL_HINT)
    browser = next(
        (
            shutil.which(name)
            for name in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(name)
        ),
        None,
    )
    print(f"Chromium: {browser or 'not found (only the browser test needs it)'}")
    return 0 if dot else 1


if __name__ == "__main__":
    sys.exit(main())
