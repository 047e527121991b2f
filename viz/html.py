"""``save_html``: one self-contained web page that steps through the frames of backprop.

The page needs no network and no files beside it: every frame is inlined as SVG. It has
previous / next / play buttons, a slider, the arrow keys (← →, Home, End, space to play), and a
list of every step's formula (click one to jump there). The address remembers the frame
(``page.html#step=12``), so a link can open a given step.
"""

from __future__ import annotations

import html as _html
import json
import re
import tempfile
from pathlib import Path

from . import labels, render

_STYLE = """
:root { --ink: #212529; --muted: #6c757d; --accent: #f59f00; --panel: #f8f9fa; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Sans", Verdana, sans-serif; color: var(--ink); }
header { position: sticky; top: 0; background: white; border-bottom: 1px solid #dee2e6;
         padding: 0.6em 1em; z-index: 1; }
h1 { font-size: 1.15em; margin: 0 0 0.4em 0; }
.controls { display: flex; gap: 0.4em; align-items: center; flex-wrap: wrap; }
button { font: inherit; padding: 0.3em 0.8em; border: 1px solid #adb5bd; border-radius: 4px;
         background: white; cursor: pointer; }
button:hover { background: #f1f3f5; }
#slider { flex: 1; min-width: 10em; }
#counter { min-width: 8em; text-align: right; font-variant-numeric: tabular-nums; }
#formula { margin: 0.5em 0 0 0; font-size: 1.05em; min-height: 1.4em; }
.layout { display: flex; gap: 1em; padding: 1em; align-items: flex-start; }
.frames { flex: 1; min-width: 0; }
.frame svg { max-width: 100%; height: auto; }
.steps { width: 26em; max-height: 80vh; overflow-y: auto; font-size: 0.85em; margin: 0;
         padding-left: 2.5em; background: var(--panel); border-radius: 4px; }
.steps li { padding: 0.15em 0.3em; cursor: pointer; }
.steps li.forward::marker { color: #2166ac; }
.steps li.backward::marker { color: #8c3a06; }
.steps li.current { background: #ffd43b; }
.bar { text-decoration: overline; }
.hint { color: var(--muted); font-size: 0.85em; }
"""

_SCRIPT = """
(function () {
  const frames = Array.from(document.querySelectorAll('.frame'));
  const items = Array.from(document.querySelectorAll('.steps li'));
  const captions = JSON.parse(document.getElementById('captions').textContent);
  const slider = document.getElementById('slider');
  const counter = document.getElementById('counter');
  const formula = document.getElementById('formula');
  const play = document.getElementById('play');
  const n = frames.length;
  let current = 1;
  let timer = null;

  function show(i) {
    i = Math.max(1, Math.min(n, i | 0));
    frames[current - 1].hidden = true;
    items[current - 1].classList.remove('current');
    current = i;
    frames[i - 1].hidden = false;
    items[i - 1].classList.add('current');
    slider.value = String(i);
    counter.textContent = 'Step ' + i + ' of ' + n;
    formula.innerHTML = captions[i - 1];
    document.body.dataset.frame = String(i);
    if (history.replaceState) { history.replaceState(null, '', '#step=' + i); }
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = '\\u25B6 Play';
    document.body.dataset.playing = 'false';
  }
  function start() {
    if (current === n) { show(1); }
    play.textContent = '\\u23F8 Pause';
    document.body.dataset.playing = 'true';
    timer = setInterval(function () {
      if (current >= n) { stop(); } else { show(current + 1); }
    }, DELAY);
  }
  function toggle() { if (timer === null) { start(); } else { stop(); } }
  function fromHash() {
    const m = /step=(\\d+)/.exec(location.hash);
    return m ? parseInt(m[1], 10) : 1;
  }

  function button(id, target) {
    document.getElementById(id).addEventListener('click', function () { stop(); show(target()); });
  }
  button('first', function () { return 1; });
  button('prev', function () { return current - 1; });
  button('next', function () { return current + 1; });
  button('last', function () { return n; });
  play.addEventListener('click', toggle);
  slider.addEventListener('input', function () { stop(); show(parseInt(slider.value, 10)); });
  items.forEach(function (item, k) {
    item.addEventListener('click', function () { stop(); show(k + 1); });
  });
  document.addEventListener('keydown', function (e) {
    if (e.target && e.target.tagName === 'INPUT' && e.key !== ' ') { return; }
    if (e.key === 'ArrowRight' || e.key === 'PageDown') { stop(); show(current + 1); }
    else if (e.key === 'ArrowLeft' || e.key === 'PageUp') { stop(); show(current - 1); }
    else if (e.key === 'Home') { stop(); show(1); }
    else if (e.key === 'End') { stop(); show(n); }
    else if (e.key === ' ') { toggle(); }
    else { return; }
    e.preventDefault();
  });
  window.addEventListener('hashchange', function () { stop(); show(fromHash()); });
  show(fromHash());
})();
"""


def _inline_svg(svg: str) -> str:
    """SVG text ready to sit inside HTML: no XML declaration, DOCTYPE or comments."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    return svg.strip()


def save_html(steps, path, *, title: str | None = None, delay_ms: int = 1200) -> Path:
    """Write one self-contained HTML page of the frames of ``steps`` (a ``BackpropSteps``).

    All frames are rendered to SVG in one ``dot`` run and inlined, so the page works offline
    and on its own. Returns the path.

    Args:
        steps: what ``viz.backprop_steps`` returns.
        path: the file to write (.html).
        title: the page's heading (default: the network and what z is).
        delay_ms: the time each frame stays on screen while playing.
    """
    path = Path(path)
    svgs = _frames_as_svg(steps)
    digits = steps.options.digits
    if title is None:
        from .network import plain_title

        title = "Backpropagation step by step: " + plain_title(steps.trace)
    captions = [labels.html(step.equation(digits)) for step in steps]
    frames = "\n".join(
        f'<div class="frame" id="frame-{i + 1}" data-step="{i + 1}"{" hidden" if i else ""}>'
        f"{svg}</div>"
        for i, svg in enumerate(svgs)
    )
    items = "\n".join(
        f'<li class="{step.phase}" data-step="{step.number}">{labels.html(step.equation(digits))}'
        "</li>"
        for step in steps
    )
    page = _PAGE.format(
        title=_html.escape(title),
        style=_STYLE,
        count=len(steps),
        first_caption=captions[0] if captions else "",
        frames=frames,
        items=items,
        captions=_json_for_html(captions),
        delay=int(delay_ms),
        script=_SCRIPT,
    )
    path.write_text(page, encoding="utf-8")
    return path


def _frames_as_svg(steps) -> list:
    """Every frame of ``steps`` as SVG text to inline, rendered in one ``dot`` run."""
    with tempfile.TemporaryDirectory(prefix="viz-html-") as folder:
        paths = [Path(folder) / f"frame{i:04d}.svg" for i in range(len(steps))]
        render.render_many([steps.frame(i).source for i in range(len(steps))], paths, "svg")
        return [_inline_svg(p.read_text(encoding="utf-8")) for p in paths]


# The page; its parts are filled in by save_html (str.format: no other braces in it).
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body data-frame="1" data-frames="{count}" data-playing="false">
<header>
<h1>{title}</h1>
<div class="controls">
<button id="first" title="first step (Home)">&#x00AB; First</button>
<button id="prev" title="previous step (&#x2190;)">&#x25C0; Previous</button>
<button id="play" title="play or pause (space)">&#x25B6; Play</button>
<button id="next" title="next step (&#x2192;)">Next &#x25B6;</button>
<button id="last" title="last step (End)">Last &#x00BB;</button>
<input id="slider" type="range" min="1" max="{count}" value="1" aria-label="step">
<span id="counter">Step 1 of {count}</span>
</div>
<p id="formula">{first_caption}</p>
<p class="hint">Keys: &#x2190; &#x2192; step, Home / End, space plays. Yellow: the value this
step computes; pale yellow: the values its formula uses.</p>
</header>
<div class="layout">
<div class="frames">
{frames}
</div>
<ol class="steps">
{items}
</ol>
</div>
<script type="application/json" id="captions">{captions}</script>
<script>const DELAY = {delay};{script}</script>
</body>
</html>
"""


def _json_for_html(value) -> str:
    """JSON that is safe inside a <script> element (no '</' can close it)."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
