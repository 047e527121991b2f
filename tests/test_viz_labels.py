"""viz.labels: the formula markup, escaping and number formatting (no Graphviz needed)."""

from __future__ import annotations

import unicodedata

import pytest

from viz import labels
from viz.labels import Piece


def test_markup_reads_bars_and_subscripts():
    assert labels.parse("∂z/∂~h") == (Piece("text", "∂z/∂"), Piece("bar", "h"))
    assert labels.parse("W_{c,h} + β_h") == (
        Piece("text", "W"),
        Piece("sub", "c,h"),
        Piece("text", " + β"),
        Piece("sub", "h"),
    )
    assert labels.parse("~v_{1,2}") == (Piece("bar", "v"), Piece("sub", "1,2"))


def test_plain_text_uses_the_combining_macron_composed():
    assert labels.plain("~c, ~d, ~h, ~z") == unicodedata.normalize("NFC", "c̄, d̄, h̄, z̄")
    assert labels.plain("~e") == "ē"  # one character: U+0113
    assert labels.plain("W_{c,h}·β_h") == "W_{c,h}·β_h"


def test_quote_keeps_user_text_out_of_the_markup():
    text = "binary_crossentropy ~x \\N"
    assert labels.plain(labels.quote(text)) == text
    assert labels.parse(labels.quote(text)) == (Piece("text", text),)


def test_unclosed_subscript_is_an_error():
    with pytest.raises(ValueError, match="unclosed"):
        labels.parse("W_{c,h")


@pytest.mark.parametrize(
    "text, escaped",
    [
        ("a<b", "a&lt;b"),
        ("x & y", "x &amp; y"),
        ("\\N", "\\\\N"),  # Graphviz would replace \N by the node's name
        ('say "hi"', "say &quot;hi&quot;"),
        ("<&>\\", "&lt;&amp;&gt;\\\\"),
    ],
)
def test_escape_for_graphviz_html_labels(text, escaped):
    assert labels.escape(text) == escaped


def test_graphviz_cells_one_per_symbol():
    out = labels.graphviz("∂z/∂~h = 0.5", size=14)
    assert out.count("<TD") == 3  # '∂z/∂', 'h' under its bar, ' = 0.5'
    assert 'SIDES="T"' in out  # the bar: the top border of h's cell
    plain = labels.graphviz("h = 0.5", size=14)
    assert "<TABLE" not in plain  # plain text needs no table


def test_graphviz_pads_a_formula_to_the_width_of_its_cell():
    out = labels.graphviz("~h =", size=14, width=100, align="RIGHT")
    assert out.index('WIDTH="') < out.index('SIDES="T"')  # the spare width comes first
    left = labels.graphviz("~h =", size=14, width=100, align="LEFT")
    assert left.index('WIDTH="') > left.index('SIDES="T"')


def test_html_for_web_pages():
    assert labels.html("∂z/∂~h_{1} <b>") == ('∂z/∂<span class="bar">h</span><sub>1</sub> &lt;b&gt;')


@pytest.mark.parametrize(
    "x, text",
    [
        (0.02891, "0.0289"),
        (-1.5, "-1.5000"),
        (0.0, "0.0000"),
        (3e-07, "3.000e-07"),
        (-2e-9, "-2.000e-09"),
        (1.5e7, "1.500e+07"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
    ],
)
def test_fmt_four_decimals_and_no_misleading_zero(x, text):
    assert labels.fmt(x) == text


def test_fmt_digits_are_configurable():
    assert labels.fmt(0.123456, 2) == "0.12"
    assert labels.fmt_factor(-0.5, 2) == "(-0.50)"
    assert labels.fmt_factor(0.5, 2) == "0.50"


def test_text_width_grows_with_text_and_size():
    assert labels.text_width("∂z/∂~h =", 14) > labels.text_width("h =", 14)
    assert labels.text_width("h =", 20) > labels.text_width("h =", 14)
    assert labels.text_width("h", 14, bold=True) > labels.text_width("h", 14)


@pytest.mark.parametrize(
    "text, escaped",
    [
        ("a\nb", "a<BR/>b"),
        ("a\r\nb\rc", "a<BR/>b<BR/>c"),
        ("a\tb", "a b"),
        ("bell\x07", "bell\\\\x07"),  # shown as \x07 (the backslash doubled for Graphviz)
        ("\x00\x1b\x7f\x85", "\\\\x00\\\\x1b\\\\x7f\\\\x85"),
        ("\ufffe\ud800", "\\\\ufffe\\\\ud800"),
        ("é ∂ h̄", "é ∂ h̄"),  # printable Unicode stays as it is
    ],
)
def test_escape_draws_control_characters_and_line_breaks(text, escaped):
    assert labels.escape(text) == escaped


def test_html_and_width_follow_line_breaks():
    assert labels.html("a\nb<\x07") == "a<br>b&lt;\\x07"
    assert labels.text_width("abc\nd") == labels.text_width("abc")
    assert labels.printable("x\r\ny\tz\x01") == "x\ny z\\x01"
