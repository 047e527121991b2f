"""The settings every drawing shares: decimals, font, sizes and colours.

``viz.options`` holds the defaults; each drawing function also takes ``digits=`` and ``font=``
for one call. Change a default for the whole session with, for example,
``viz.options.digits = 3`` or ``viz.options.font = 'Helvetica'``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass
class Options:
    """Defaults for drawings.

    Attributes:
        digits: decimals shown for every number (4: 0.0289).
        font: the font family Graphviz uses (DejaVu Sans: Debian's fonts-dejavu-core).
        font_size: points, for the text in nodes; titles and captions are a little larger.
        max_nodes: ``draw_graph`` warns above this many value nodes (rendering slows down).
    """

    digits: int = 4
    font: str = "DejaVu Sans"
    font_size: float = 14
    max_nodes: int = 1000
    # colours (any Graphviz colour; these are colour-blind-safe blue and vermilion)
    positive: str = "#2166ac"
    negative: str = "#d6604d"
    forward_fill: str = "#eef4fb"
    backward_fill: str = "#fdf0e6"
    backward_text: str = "#8c3a06"
    muted: str = "#8a8a8a"
    border: str = "#5b5b5b"
    highlight: str = "#ffd43b"
    operand: str = "#fff3bf"
    input_fill: str = "#f1f3f5"
    output_fill: str = "#ebfbee"

    def with_(self, **changes) -> Options:
        """A copy with the given fields changed; None values are left as they are."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


options = Options()


def current(**overrides) -> Options:
    """The session defaults with this call's overrides (``digits=``, ``font=``...)."""
    return options.with_(**overrides)
