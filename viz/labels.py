"""Text in the lecture's notation: a small formula markup, escaping, and number formatting.

Formulas are written in a markup of three signs, read by ``parse``:

    ~h          h̄: a bar over the next character (h̄ is node h before the non-linearity)
    β_h         a subscript of one character
    W_{c,h}     a subscript of several characters
    \\_  \\~     a literal underscore or tilde (``quote`` writes any text this way)

so ``'∂z/∂~h = ∂z/∂h · s′(~h)'`` reads ∂z/∂h̄ = ∂z/∂h · s′(h̄). Text that comes from the user (a
``Value``'s label, say) is never read as markup: ``literal`` keeps it as it is, and ``escape``
makes ``<``, ``&``, ``\\`` and the rest appear literally in a Graphviz label. A line break in
such text starts a new line of the label (in Graphviz and on a web page), a tab is a space, and
any other control character, which XML and so Graphviz cannot hold, is shown as Python writes
it (``\\x07``).

A parsed formula is a tuple of ``Piece``s, written out three ways:

- ``plain``: Unicode text (h̄ as h + U+0304, composed where Unicode has the letter, as ē);
- ``html``: HTML for a web page (the bar is CSS ``text-decoration: overline``);
- ``graphviz``: a Graphviz HTML-like label, a one-row table with one cell per symbol.

Why one cell per symbol in Graphviz: SVG viewers place each piece of text themselves, so text
that follows a styled span within a cell drifts when the viewer's font differs from Graphviz's.
A cell holds text of one style only, at a position Graphviz fixes. The bar is the cell's top
border (``SIDES="T"``), a true line over the letter in every output format and every Graphviz
version: Graphviz 2.42's ``<O>`` tag (Debian 12) draws its line at the top of the text line in
PNG and PDF, where it collides with cell borders and the row above, and the combining overline
U+0305 sits on the ascenders of b, d, h, k, l in DejaVu Sans. A subscript is a smaller font in a
cell aligned to the bottom of a slightly taller row, which needs no ``baseline-shift`` support
from the SVG viewer either.
"""

from __future__ import annotations

import html as _html
import math
import re
import unicodedata
from dataclasses import dataclass

import numpy

BAR = "\u0304"  # combining macron: the bar in plain text (h̄)


@dataclass(frozen=True)
class Piece:
    """A run of text of one kind: 'text', 'bar' (one character with a bar) or 'sub'."""

    kind: str
    text: str


Pieces = tuple  # a tuple of Piece


def parse(markup: str) -> tuple:
    """The pieces of a formula written in the markup above (``~x``, ``_x``, ``_{xy}``)."""
    pieces = []
    text = []
    i, n = 0, len(markup)

    def flush():
        if text:
            pieces.append(Piece("text", "".join(text)))
            text.clear()

    while i < n:
        char = markup[i]
        if char == "\\" and i + 1 < n and markup[i + 1] in "~_\\":
            text.append(markup[i + 1])
            i += 2
        elif char == "~" and i + 1 < n:
            flush()
            pieces.append(Piece("bar", markup[i + 1]))
            i += 2
        elif char == "_" and i + 1 < n:
            flush()
            if markup[i + 1] == "{":
                end = markup.find("}", i + 2)
                if end < 0:
                    raise ValueError(f"unclosed subscript _{{ in formula {markup!r}")
                pieces.append(Piece("sub", markup[i + 2 : end]))
                i = end + 1
            else:
                pieces.append(Piece("sub", markup[i + 1]))
                i += 2
        else:
            text.append(char)
            i += 1
    flush()
    return tuple(pieces)


def quote(text) -> str:
    """``text`` written in the markup so that ``parse`` gives it back unchanged
    (``binary_crossentropy`` keeps its underscore)."""
    return re.sub(r"([~_\\])", r"\\\1", str(text))


def literal(text) -> tuple:
    """User text as pieces, never read as markup."""
    text = str(text)
    return (Piece("text", text),) if text else ()


def as_pieces(formula) -> tuple:
    """``formula`` as pieces: a markup string is parsed, pieces are kept."""
    return parse(formula) if isinstance(formula, str) else tuple(formula)


# ---- plain text and web pages ---------------------------------------------------------------


def plain(formula) -> str:
    """Unicode text: h̄ as 'h' + U+0304 (NFC-composed, so ē is one character), W_{c,h}."""
    out = []
    for piece in as_pieces(formula):
        if piece.kind == "bar":
            out.append(piece.text + BAR)
        elif piece.kind == "sub":
            out.append("_" + piece.text if len(piece.text) == 1 else "_{" + piece.text + "}")
        else:
            out.append(piece.text)
    return unicodedata.normalize("NFC", "".join(out))


def printable(text) -> str:
    r"""``text`` with its line breaks made ``\n`` (from ``\r\n`` or ``\r`` too), tabs made
    spaces, and every other control character (a lone surrogate, U+FFFE and U+FFFF too)
    written as Python writes it in a string: the bell character becomes the four characters
    ``\x07``."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _UNPRINTABLE.sub(_escape_sequence, text)


_UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _escape_sequence(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def html(formula) -> str:
    """HTML for a web page: ``<span class="bar">h</span>`` and ``<sub>c,h</sub>``."""
    out = []
    for piece in as_pieces(formula):
        text = _html.escape(printable(piece.text), quote=True).replace("\n", "<br>")
        if piece.kind == "bar":
            out.append(f'<span class="bar">{text}</span>')
        elif piece.kind == "sub":
            out.append(f"<sub>{text}</sub>")
        else:
            out.append(text)
    return "".join(out)


# ---- Graphviz HTML-like labels --------------------------------------------------------------


def escape(text) -> str:
    """``text`` for a Graphviz HTML-like label, shown literally.

    XML's five special characters become entities, and a backslash is doubled: Graphviz reads
    ``\\N``, ``\\G`` and ``\\n`` in HTML-like labels too (even when written as ``&#92;``).
    Control characters go through ``printable``, and a line break becomes ``<BR/>``: Graphviz
    would otherwise refuse the label, or join the lines without even a space.
    """
    text = printable(text)
    text = (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )
    return text.replace("\\", "\\\\").replace("\n", "<BR/>")


def line_height(size: float) -> float:
    """Graphviz's height of a line of DejaVu Sans at ``size`` points (ascent + descent)."""
    return 1.17 * size


def graphviz(
    formula,
    *,
    size: float = 14,
    color: str | None = None,
    bold: bool = False,
    width: float | None = None,
    align: str = "RIGHT",
) -> str:
    """Graphviz HTML-like content for ``formula``, to put inside a ``<TD>``.

    Plain text stays plain text (the ``<TD>``'s ``ALIGN`` places it). A formula with bars or
    subscripts becomes a one-row table with one cell per run of one kind. Graphviz stretches a
    table to fill its cell, spreading the extra width over the table's cells, which would pull
    a formula apart; given the ``width`` of the cell (in points, see ``text_width``), an empty
    cell takes up the extra width on the left (``align='RIGHT'``), on the right ('LEFT') or on
    both sides ('CENTER').

    Args:
        formula: markup (str) or pieces.
        size: the font size in points; subscripts are 0.72 of it.
        color: the colour of the text and of the bars (the background's colour hides both,
            keeping the space they take, so that a frame keeps its layout).
        bold: bold text.
        width: the width of the cell that holds the formula, if wider than the formula.
        align: where the formula goes in that width: 'RIGHT', 'LEFT' or 'CENTER'.
    """
    pieces = as_pieces(formula)

    def font(content, point_size):
        attrs = f' POINT-SIZE="{point_size:g}"'
        if color:
            attrs += f' COLOR="{color}"'
        inner = f"<B>{content}</B>" if bold else content
        return f"<FONT{attrs}>{inner}</FONT>"

    if all(piece.kind == "text" for piece in pieces):
        return font(escape(_keep_spaces("".join(piece.text for piece in pieces))) or " ", size)
    sub_size = round(0.72 * size, 1)
    row_height = math.ceil(line_height(size)) + 2
    cells = []
    for kind, text in _cells(pieces):
        if kind == "text":
            cells.append(f"<TD>{font(escape(_keep_spaces(text)), size)}</TD>")
        elif kind == "bar":
            bar_color = f' COLOR="{color}"' if color else ""
            cells.append(f'<TD BORDER="1" SIDES="T"{bar_color}>{font(escape(text), size)}</TD>')
        else:
            cells.append(
                f'<TD VALIGN="BOTTOM" HEIGHT="{row_height}">{font(escape(text), sub_size)}</TD>'
            )
    if width is not None:
        spare = int(width - text_width(pieces, size, bold=bold))
        if spare > 0:
            if align == "CENTER":
                cells = (
                    [f'<TD WIDTH="{spare // 2}"></TD>']
                    + cells
                    + [f'<TD WIDTH="{spare - spare // 2}"></TD>']
                )
            elif align == "LEFT":
                cells.append(f'<TD WIDTH="{spare}"></TD>')
            else:
                cells.insert(0, f'<TD WIDTH="{spare}"></TD>')
    return (
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
        f"<TR>{''.join(cells)}</TR></TABLE>"
    )


def _keep_spaces(text: str) -> str:
    """``text`` with its leading and trailing spaces made no-break spaces (U+00A0).

    Graphviz writes each cell as one SVG ``<text>`` at the position it computed, spaces
    included; an SVG viewer drops a text's outer spaces (SVG collapses white space), so the
    text after a subscript moved left by a space in browsers ('c·W_{c,f} + d' read
    'c·W c,f+ d' in Chromium). No-break spaces are kept, and are as wide.
    """
    stripped = text.strip(" ")
    if not stripped:
        return "\u00a0" * len(text)
    head = len(text) - len(text.lstrip(" "))
    tail = len(text) - len(text.rstrip(" "))
    return "\u00a0" * head + stripped + "\u00a0" * tail


# ---- numbers --------------------------------------------------------------------------------


def fmt(x, digits: int = 4) -> str:
    """``x`` with ``digits`` decimals; scientific notation where that would show 0 or be long.

    0.0289 -> '0.0289'; 3e-07 -> '3.000e-07' (not a misleading '0.0000'); 0 -> '0.0000'.
    """
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return f"{0.0:.{digits}f}"
    if abs(x) >= 1e6 or abs(x) < 0.5 * 10.0**-digits:
        return f"{x:.{max(digits - 1, 1)}e}"
    return f"{x:.{digits}f}"


def fmt_factor(x, digits: int = 4) -> str:
    """``fmt(x)`` in parentheses when negative, for a factor in a product: 0.5·(-1.0000)."""
    text = fmt(x, digits)
    return f"({text})" if text.startswith("-") else text


def short_values(y, limit: int | None = None) -> str:
    """A target y as it appears in a title or a formula: '1', '0.5', '[0, 1, 0]'; with
    ``limit``, at most that many numbers, then '…'. What is not numbers is shown as it is."""
    try:
        values = numpy.asarray(y, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return str(y)
    if values.size == 1:
        return f"{values[0]:g}"
    shown = values if limit is None else values[:limit]
    more = ", …" if limit is not None and values.size > limit else ""
    return "[" + ", ".join(f"{v:g}" for v in shown) + more + "]"


# ---- width of a line, for frames that must all have the same size ---------------------------

# Advance widths of DejaVu Sans in thousandths of an em, grouped by width.
_WIDTHS = {
    227: "′",
    275: "'",
    278: "ijl",
    295: "IJ",
    318: " ,.·",
    337: "/:;\\|",
    352: "f",
    361: "-",
    385: "ᵀ",
    390: "()[]",
    392: "t",
    401: "!",
    411: "r",
    460: '"',
    500: "*_`",
    517: "∂",
    521: "s",
    525: "z",
    531: "?",
    550: "c",
    557: "L",
    575: "F",
    579: "k",
    592: "vxy",
    603: "P",
    611: "TY",
    612: "oδ",
    613: "a",
    615: "e",
    632: "EΣ",
    634: "hnu",
    635: "Sbdgpq",
    636: "$0123456789{}",
    638: "β",
    656: "K",
    684: "AVΔ",
    685: "XZ",
    686: "B",
    695: "R",
    698: "C",
    732: "U",
    748: "N",
    752: "H",
    770: "D",
    775: "G",
    780: "&",
    787: "OQ",
    818: "w",
    838: "#+<=>^~−→×",
    863: "M",
    950: "%",
    974: "m",
    989: "W",
    1000: "@…",
}
_WIDTH_OF = {char: width / 1000 for width, chars in _WIDTHS.items() for char in chars}


def text_width(formula, size: float = 14, bold: bool = False) -> float:
    """An estimate, in points, of the width Graphviz gives ``formula`` in DejaVu Sans.

    The sum over the cells that ``graphviz`` makes, each rounded up to a whole point as
    Graphviz does, plus the border of each barred cell. Bold is about a tenth wider.
    """
    if bold:
        size *= 1.1
    total = 0.0
    for kind, text in _cells(as_pieces(formula)):
        scale = 0.72 if kind == "sub" else 1.0
        width = (
            max(
                sum(_WIDTH_OF.get(char, 0.75) for char in line if not unicodedata.combining(char))
                for line in printable(text).split("\n")
            )
            * size
            * scale
        )
        total += math.ceil(width) + (2 if kind == "bar" else 0)
    return total


def _cells(pieces) -> list:
    """(kind, text) for each cell of ``graphviz``: runs of plain text merged."""
    cells = []
    for piece in pieces:
        if piece.kind == "text" and cells and cells[-1][0] == "text":
            cells[-1] = ("text", cells[-1][1] + piece.text)
        else:
            cells.append((piece.kind, piece.text))
    return cells
