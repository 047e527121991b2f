"""Rendering with Graphviz's dot: SVG, PNG (cairo), PDF, batches of frames of one size, and
the error a machine without dot gets.

Tests marked ``render`` need the dot program and skip without it; CI installs Debian's graphviz.
"""

from __future__ import annotations

import re
import shutil
import struct

import pytest

import viz
from autograd_lite import Value
from viz import GraphvizNotFoundError, backprop_steps, draw_graph, draw_network, render
from viz.lecture import lecture_network

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot program")


@pytest.fixture(scope="module")
def lecture():
    return lecture_network()


def png_size(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def svg_view_box(svg: str) -> str:
    return re.search(r'viewBox="([^"]*)"', svg).group(1)


# ---- without dot --------------------------------------------------------------------------


def test_missing_dot_raises_a_clear_error(monkeypatch, tmp_path, lecture):
    model, x = lecture
    drawing = draw_network(model, x)
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot on this PATH
    assert not render.has_dot()
    assert "digraph network" in drawing.source  # building the DOT text still works
    drawing.save(tmp_path / "net.dot")
    assert (tmp_path / "net.dot").read_text(encoding="utf-8") == drawing.source
    with pytest.raises(GraphvizNotFoundError) as error:
        drawing.save(tmp_path / "net.svg")
    message = str(error.value)
    for words in (
        "`dot`",
        "apt-get install graphviz",
        "brew install graphviz",
        "conda install -c conda-forge graphviz",
    ):
        assert words in message
    with pytest.raises(GraphvizNotFoundError):
        backprop_steps(model, x).render(tmp_path / "frames")
    assert "apt-get install graphviz" in drawing._repr_mimebundle_()["text/plain"]


def test_unknown_suffix_is_refused(tmp_path):
    with pytest.raises(ValueError, match=".svg"):
        draw_graph(Value(1.0)).save(tmp_path / "graph.jpeg")


# ---- with dot -----------------------------------------------------------------------------


@pytest.mark.render
@needs_dot
@pytest.mark.parametrize(
    "suffix, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF")]
)
def test_save_picks_the_format_from_the_suffix(tmp_path, lecture, suffix, magic):
    model, x = lecture
    path = draw_network(model, x).save(tmp_path / f"network{suffix}")
    assert path.read_bytes().startswith(magic)


@pytest.mark.render
@needs_dot
def test_svg_has_true_bars_and_the_font(lecture):
    model, x = lecture
    svg = draw_network(model, x).svg()
    assert 'font-family="DejaVu Sans"' in svg
    # a bar: a short horizontal line (the top border of the letter's cell) over 'h'
    match = re.search(
        r'<polyline fill="none" stroke="black" points="([\d.]+),(-?[\d.]+) '
        r'([\d.]+),(-?[\d.]+) "/>\s*<text[^>]*>h</text>',
        svg,
    )
    assert match and match.group(2) == match.group(4)


@pytest.mark.render
@needs_dot
def test_user_text_appears_literally_in_svg():
    a = Value(1.0, label="<b>&\\N")
    svg = draw_graph(a * 2).svg()
    assert "&lt;b&gt;&amp;\\N" in svg


@pytest.mark.render
@needs_dot
def test_jupyter_shows_svg(lecture):
    model, x = lecture
    bundle = draw_network(model, x)._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"]
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    drawing = draw_graph(Value(2.0))
    drawing.jupyter_format = "png"
    assert png_size(drawing._repr_mimebundle_()["image/png"])[0] > 0


@pytest.mark.render
@needs_dot
def test_all_frames_have_the_same_size_and_layout(tmp_path, lecture):
    model, x = lecture
    steps = backprop_steps(model, x)
    paths = steps.render(tmp_path, "svg")  # one dot process for all 55 frames
    assert [p.name for p in paths[:2]] == ["step_001.svg", "step_002.svg"]
    svgs = [p.read_text(encoding="utf-8") for p in paths]
    assert len({svg_view_box(svg) for svg in svgs}) == 1

    def geometry(svg):  # where each node and edge is drawn
        nodes = re.findall(r'<title>(L\d+n\d+)</title>\s*<polygon[^>]*points="([^"]*)"', svg)
        edges = re.findall(
            r'<title>(L\d+n\d+&#45;&gt;L\d+n\d+)</title>\s*<path[^>]*d="([^"]*)"', svg
        )
        return nodes, edges

    nodes, edges = geometry(svgs[0])
    assert len(nodes) == 9 and len(edges) == 18
    for step, svg in zip(steps, svgs):
        these_nodes, these_edges = geometry(svg)
        assert these_nodes == nodes
        # the current edge is drawn with a halo (three parallel lines): skip its path
        kind, *where = step.target
        current = (
            f"L{where[0]}n{where[1]}&#45;&gt;L{where[0] + 1}n{where[2]}" if kind == "gw" else None
        )
        assert [e for e in these_edges if e[0] != current] == [e for e in edges if e[0] != current]
    chosen = (0, 27, len(steps) - 1)
    pngs = render.render_many(
        [steps.frame(i).source for i in chosen], [tmp_path / f"{i}.png" for i in chosen], "png"
    )
    assert len({png_size(p.read_bytes()) for p in pngs}) == 1


@pytest.mark.render
@needs_dot
def test_linear_algebra_frames_keep_their_size(tmp_path, lecture):
    model, x = lecture
    steps = backprop_steps(model, x, linear_algebra=True)
    sources = [steps.frame(i).source for i in (0, 20, len(steps) - 1)]
    paths = render.render_many(sources, [tmp_path / f"{i}.svg" for i in range(3)], "svg")
    assert len({svg_view_box(p.read_text(encoding="utf-8")) for p in paths}) == 1


@pytest.mark.render
@needs_dot
def test_graphviz_version_is_reported():
    assert "graphviz" in render.version().lower()
    assert viz.options.font == "DejaVu Sans"


@pytest.mark.render
@needs_dot
def test_frames_as_an_animated_gif(tmp_path):
    image = pytest.importorskip("PIL.Image")
    steps = backprop_steps(nn_two_layers(), [0.5, -1.0])
    path = steps.save_gif(tmp_path / "steps.gif", dpi=40)
    with image.open(path) as gif:
        assert gif.n_frames == len(steps)


def nn_two_layers():
    import numpy as np

    import nn

    return nn.Sequential(
        [
            nn.Dense(2, "sigmoid", input_shape=(2,), dtype=np.float64),
            nn.Dense(1, "sigmoid", input_shape=(2,), dtype=np.float64),
        ]
    )


@pytest.mark.render
@needs_dot
def test_control_characters_and_line_breaks_in_labels_are_drawn():
    """A bell or an escape character in a label made dot fail, and a line break vanished
    without even a space (two lines read as one word)."""
    a = Value(1.0, label="bell\x07esc\x1b\x00")
    b = a * 2
    b.label = "first line\nsecond\r\nthird\tcolumn"
    svg = draw_graph(b, title="a\nb").svg()
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "bell\\x07esc\\x1b\\x00" in texts
    assert {"first line", "second", "third column", "a", "b"} <= set(texts)


@pytest.mark.render
@needs_dot
def test_the_lecture_s_tensor_graph_is_readable_at_its_natural_size(lecture):
    """Laid out left to right it was 5,239 × 521 px at 110 dpi: unreadable without zooming.
    Top to bottom, one box per layer, it fits a screen's width with its text at full size."""
    from viz.lecture import lecture_graph

    model, x = lecture
    drawing = lecture_graph(model, x, max_elements=9)
    width, height = png_size(drawing.pipe("png", dpi=110))
    assert width <= 1700 and height <= 2000, (width, height)
    assert height > width  # the layers are stacked, not side by side
    source = drawing.source
    assert source.count("subgraph cluster_") == 4  # the input and three layers
    assert source.count("not kept") == source.count("not yet computed") == 0
