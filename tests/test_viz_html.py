"""save_html: one offline page of the frames, checked in a headless Chromium.

Chromium runs the page (``--dump-dom`` prints the document once the page has loaded and its
timers have run within ``--virtual-time-budget``); the page records the frame it shows in
``<body data-frame="N">`` and shows exactly one ``.frame`` element. Key presses, clicks and the
slider are scripted by a copy of the page with a small script added at its end.
Marked ``browser`` (skips without Chromium) and ``render`` (the page needs dot to draw its frames).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from viz import backprop_steps, save_html
from viz.lecture import lecture_network


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


CHROMIUM = find_chromium()

pytestmark = [
    pytest.mark.render,
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot program"),
    pytest.mark.skipif(CHROMIUM is None, reason="needs a headless Chromium"),
]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    model, x = lecture_network()
    steps = backprop_steps(model, x)
    path = tmp_path_factory.mktemp("html") / "backprop.html"
    save_html(steps, path)
    return path, len(steps)


def run_page(path, hash_="", budget_ms=3000, tmp_path=None):
    """The page's DOM after Chromium has loaded it and run its timers for ``budget_ms``."""
    args = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        f"--virtual-time-budget={budget_ms}",
        "--dump-dom",
        path.as_uri() + hash_,
    ]
    if tmp_path is not None:
        args.insert(1, f"--user-data-dir={tmp_path / 'chromium-profile'}")
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def shown(dom):
    """(body's data-frame, the ids of the frames not hidden)."""
    frame = re.search(r'<body[^>]*data-frame="(\d+)"', dom).group(1)
    visible = re.findall(r'<div class="frame" id="frame-(\d+)" data-step="\d+">', dom)
    return int(frame), [int(v) for v in visible]


def with_script(path, script, name):
    text = path.read_text(encoding="utf-8")
    copy = path.with_name(name)
    copy.write_text(text.replace("</body>", f"<script>{script}</script></body>"), encoding="utf-8")
    return copy


def test_page_is_self_contained(page):
    path, count = page
    text = path.read_text(encoding="utf-8")
    assert text.count('<div class="frame"') == count
    assert text.count("<svg") == count
    assert not re.search(r'(?:src|href)="(?:https?:)?//', text)  # nothing to fetch
    assert 'id="slider"' in text and 'id="play"' in text
    assert '<span class="bar">h</span>' in text  # h̄ with a CSS overline


def test_opens_on_the_first_frame_and_follows_the_address(page, tmp_path):
    path, count = page
    assert shown(run_page(path, tmp_path=tmp_path)) == (1, [1])
    dom = run_page(path, "#step=12", tmp_path=tmp_path)
    assert shown(dom) == (12, [12])
    assert f"Step 12 of {count}" in dom


def test_keys_buttons_and_slider_step_through_the_frames(page, tmp_path):
    path, count = page
    script = """
      const log = [];
      const key = k => document.dispatchEvent(new KeyboardEvent('keydown', {key: k}));
      const click = id => document.getElementById(id).click();
      key('ArrowRight'); log.push(document.body.dataset.frame);
      key('ArrowRight'); log.push(document.body.dataset.frame);
      key('ArrowLeft'); log.push(document.body.dataset.frame);
      click('next'); log.push(document.body.dataset.frame);
      key('End'); log.push(document.body.dataset.frame);
      key('ArrowRight'); log.push(document.body.dataset.frame);
      click('prev'); log.push(document.body.dataset.frame);
      key('Home'); log.push(document.body.dataset.frame);
      const slider = document.getElementById('slider');
      slider.value = '7'; slider.dispatchEvent(new Event('input'));
      log.push(document.body.dataset.frame);
      document.body.dataset.log = log.join(',');
    """
    dom = run_page(with_script(path, script, "keys.html"), tmp_path=tmp_path)
    log = re.search(r'data-log="([^"]*)"', dom).group(1)
    assert log == f"2,3,2,3,{count},{count},{count - 1},1,7"
    assert shown(dom) == (7, [7])


def test_play_runs_to_the_last_frame_and_stops(page, tmp_path):
    path, count = page
    script = "document.getElementById('play').click();"
    start = count - 3
    dom = run_page(
        with_script(path, script, "play.html"), f"#step={start}", budget_ms=8000, tmp_path=tmp_path
    )
    assert shown(dom) == (count, [count])
    assert 'data-playing="false"' in dom


def screenshot(path, out, tmp_path, height=900):
    """Chromium's picture of the page (1400 CSS pixels wide), as an array of RGB pixels."""
    import numpy as np
    from PIL import Image

    args = [
        CHROMIUM,
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size=1400,{height}",
        "--virtual-time-budget=2000",
        f"--screenshot={out}",
        path.as_uri(),
    ]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0 and out.exists(), result.stderr[-2000:]
    return np.asarray(Image.open(out).convert("RGB")).astype(int)


def test_subscripts_in_the_embedded_svg_sit_where_graphviz_put_them(page, tmp_path):
    """Graphviz writes a formula as one SVG <text> per run ('c·W', then the subscript 'c,f',
    then ' + d·W', ...) at the x it computed with each run's spaces included. A browser drops
    a <text>'s leading and trailing spaces, so the run after each subscript moved left
    ('c̄= a·W  a,c+ b·W  b,c+ β  c' in Chromium, while the PNG frames were right). Two frames
    (step 7: f̄ = c·W_{c,f} + ... + β_f; step 39: ∂z/∂c = ∂z/∂f̄·W_{c,f} + ...), screenshot
    as written and with every SVG text's spaces kept (CSS white-space: pre), must be the same
    picture."""
    pytest.importorskip("PIL")
    path, _ = page
    text = path.read_text(encoding="utf-8")
    both = "#frame-7, #frame-39 { display: block !important; }"  # the two frames, stacked
    pages = []
    for name, extra in (
        ("as_written", both),
        ("spaces_kept", both + " svg text { white-space: pre; }"),
    ):
        copy = path.with_name(f"{name}.html")
        copy.write_text(text.replace("</style>", extra + "</style>", 1), encoding="utf-8")
        pages.append((copy, tmp_path / f"{name}.png"))
    # On a busy machine Chromium may take its picture before the lower frame is painted, which
    # differs in a band at the bottom; moved subscripts differ in every picture. So the pair is
    # taken up to three times, and the test fails only if no pair agrees.
    for _ in range(3):
        as_written, spaces_kept = (
            screenshot(copy, out, tmp_path, height=1700) for copy, out in pages
        )
        assert as_written.shape == spaces_kept.shape
        assert (as_written < 128).any(axis=2).sum() > 10_000  # the frames were drawn
        differing = (as_written != spaces_kept).any(axis=2)
        if not differing.any():
            break
    assert not differing.any(), (
        f"{int(differing.sum())} pixels move when the SVG's spaces are kept, rows "
        f"{differing.any(axis=1).nonzero()[0][[0, -1]].tolist()}"
    )
