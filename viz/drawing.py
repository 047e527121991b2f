"""``Drawing``: what the drawing functions return.

A thin wrapper around a ``graphviz.Digraph`` that adds what the drawings need:

- ``.source``: the DOT text (deterministic: the same input gives the same bytes);
- ``.save(path)``: SVG, PNG, PDF or DOT, chosen by the file's suffix;
- inline display in Jupyter (SVG by default, see ``Drawing.jupyter_format``);
- ``.digraph``: the ``graphviz.Digraph`` itself, for anything else.
"""

from __future__ import annotations

from pathlib import Path

from . import render


class Drawing:
    """A drawing, ready to show in Jupyter or to save.

    Attributes:
        digraph: the ``graphviz.Digraph`` holding the drawing.
        title: a one-line description in plain text.
    """

    jupyter_format = "svg"  # what notebooks show: 'svg' or 'png'

    def __init__(self, digraph, title: str = ""):
        self.digraph = digraph
        self.title = title

    @property
    def source(self) -> str:
        """The DOT text."""
        return self.digraph.source

    def pipe(self, fmt: str = "svg", *, dpi: float | None = None) -> bytes:
        """The drawing rendered to ``fmt`` ('svg', 'png' (cairo), 'pdf'), as bytes."""
        return render.render(self.source, fmt, dpi=dpi)

    def svg(self) -> str:
        """The drawing as SVG text."""
        return self.pipe("svg").decode("utf-8")

    def save(self, path, *, dpi: float | None = None) -> Path:
        """Write the drawing to ``path``; the suffix picks the format (.svg .png .pdf .dot .gv).

        ``dpi`` sets the resolution of a PNG (Graphviz's default is 96). Returns the path.
        """
        path = Path(path)
        fmt = render.format_for(path)
        if fmt == "dot-source":
            path.write_text(self.source, encoding="utf-8")
        else:
            data = render.render(self.source, fmt, dpi=dpi)
            path.write_bytes(data)
        return path

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Jupyter's hook: the drawing as SVG (or PNG), rendered by ``dot``; without ``dot``,
        text saying how to install it."""
        try:
            if self.jupyter_format == "png":
                return {"image/png": self.pipe("png", dpi=110)}
            return {"image/svg+xml": self.svg()}
        except render.GraphvizNotFoundError as error:
            return {"text/plain": f"{self!r}\n{error}"}

    def __repr__(self) -> str:
        lines = self.source.count("\n")
        return f"<Drawing {self.title!r}: {lines} lines of DOT; .save('x.svg') to render>"
