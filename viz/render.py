"""Running Graphviz's ``dot`` program: finding it, and rendering one or many drawings.

Building a drawing needs only Python: its DOT text (``Drawing.source``) is made without Graphviz.
Turning that text into SVG, PNG or PDF needs the ``dot`` program. Without it, rendering raises
``GraphvizNotFoundError``, whose message says how to install it.

PNG and PDF use Graphviz's cairo renderer (``-Tpng:cairo``): the older gd renderer, which a bare
``-Tpng`` may pick, silently drops the styling of HTML-like labels (bars, subscripts, fonts).

Many drawings (the frames of ``backprop_steps``) render in one ``dot`` process: starting ``dot``
costs tens of milliseconds, more than laying out a small graph.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

INSTALL_HINT = (
    "Install Graphviz, which provides it:\n"
    "  Debian/Ubuntu: sudo apt-get install graphviz\n"
    "  macOS:         brew install graphviz\n"
    "  conda:         conda install -c conda-forge graphviz\n"
    "and check that `dot -V` works in a new shell (dot must be on PATH). Building the DOT text "
    "(drawing.source, or saving to .dot) works without it."
)

# file suffix -> the `dot -T` format that writes it
FORMATS = {
    ".svg": "svg",
    ".png": "png:cairo",
    ".pdf": "pdf:cairo",
    ".dot": "dot-source",
    ".gv": "dot-source",
}


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is not installed (or not on PATH)."""


class RenderError(RuntimeError):
    """``dot`` ran but failed; the message holds what it printed."""


def find_dot() -> str:
    """The path of Graphviz's ``dot`` program; raises ``GraphvizNotFoundError`` without it."""
    path = shutil.which("dot")
    if path is None:
        raise GraphvizNotFoundError(
            "Rendering needs Graphviz's `dot` program, which was not found on PATH. " + INSTALL_HINT
        )
    return path


def has_dot() -> bool:
    """Whether ``dot`` can be found (what the render tests check before running)."""
    return shutil.which("dot") is not None


def format_for(path) -> str:
    """The output format for a file name, from its suffix (.svg, .png, .pdf, .dot or .gv)."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"cannot tell the format of {str(path)!r} from its suffix: use one of "
            + ", ".join(FORMATS)
        )
    return FORMATS[suffix]


def _t_format(fmt: str) -> str:
    """'png' -> 'png:cairo', 'pdf' -> 'pdf:cairo'; other formats as given."""
    return {"png": "png:cairo", "pdf": "pdf:cairo"}.get(fmt, fmt)


def _arguments(fmt: str, dpi: float | None) -> list:
    args = [find_dot(), f"-T{_t_format(fmt)}"]
    if dpi is not None:
        args.append(f"-Gdpi={dpi:g}")
    return args


def _check(result: subprocess.CompletedProcess, fmt: str) -> None:
    if result.returncode == 0:
        return
    message = result.stderr.decode("utf-8", "replace").strip()
    if "not recognized" in message:
        message += (
            f"\nThis Graphviz has no renderer for {_t_format(fmt)!r}: PNG and PDF need "
            "its cairo plugin, which Debian's and Homebrew's graphviz packages include."
        )
    raise RenderError(f"dot failed (exit status {result.returncode}): {message}")


def _run(args, timeout, **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(args, capture_output=True, timeout=timeout, check=False, **kwargs)
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"dot took more than {timeout:g} s and was stopped. Graphviz is slow on large "
            "graphs with long edges (a sum over many samples, say): draw a Tensor expression "
            "(one node per array) or fewer values."
        ) from None


def render(
    source: str, fmt: str = "svg", *, dpi: float | None = None, timeout: float | None = 120
) -> bytes:
    """Render DOT text to ``fmt`` ('svg', 'png', 'pdf', ...) and return the bytes."""
    result = _run(_arguments(fmt, dpi), timeout, input=source.encode("utf-8"))
    _check(result, fmt)
    return result.stdout


def render_many(
    sources, paths, fmt: str = "svg", *, dpi: float | None = None, timeout: float | None = 600
) -> list:
    """Render several DOT texts to ``paths`` (one each) in a single ``dot`` process.

    Returns the paths written, as ``Path``s.
    """
    sources = list(sources)
    paths = [Path(p) for p in paths]
    if len(sources) != len(paths):
        raise ValueError(f"{len(sources)} drawings but {len(paths)} paths")
    if not sources:
        return []
    args = _arguments(fmt, dpi)
    with tempfile.TemporaryDirectory(prefix="viz-") as folder:
        inputs = []
        for number, source in enumerate(sources):
            name = os.path.join(folder, f"g{number:05d}.gv")
            with open(name, "w", encoding="utf-8") as file:
                file.write(source)
            inputs.append(name)
        # -O writes g00000.gv.svg (or g00000.gv.cairo.png) beside each input
        result = _run(args + ["-O"] + inputs, timeout)
        _check(result, fmt)
        for name, path in zip(inputs, paths):
            outputs = sorted(p for p in Path(folder).glob(Path(name).name + ".*"))
            if len(outputs) != 1:
                raise RenderError(f"dot wrote {len(outputs)} files for one drawing")
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(outputs[0]), path)
    return paths


def version() -> str | None:
    """Graphviz's version line (``dot -V``), or None without ``dot``."""
    if not has_dot():
        return None
    result = subprocess.run([find_dot(), "-V"], capture_output=True, check=False, timeout=30)
    return result.stderr.decode("utf-8", "replace").strip() or None
