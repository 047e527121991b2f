"""The command line: ``python -m viz --help`` and ``python -m viz lecture --out DIR``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from viz.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "viz", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_help_explains_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for words in ("lecture", "check", "draw_graph", "draw_network", "backprop_steps"):
        assert words in result.stdout
    assert main([]) == 0  # no command: the same help


def test_bad_format_is_refused(tmp_path, capsys):
    assert main(["lecture", "--out", str(tmp_path), "--formats", "jpeg"]) == 2
    assert "unknown format" in capsys.readouterr().err


@pytest.mark.render
@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot program")
def test_lecture_writes_the_network_graph_frames_and_page(tmp_path):
    result = run("lecture", "--out", str(tmp_path), "--formats", "svg")
    assert result.returncode == 0, result.stderr
    assert "∂z/∂W_{c,h}" in result.stdout  # the steps are printed
    for name in ("network.svg", "graph.svg", "backprop.html", "steps.txt"):
        assert (tmp_path / name).stat().st_size > 0, name
    frames = sorted((tmp_path / "frames").glob("step_*.svg"))
    assert len(frames) == 55
    assert frames[0].name == "step_001.svg" and frames[-1].name == "step_055.svg"
    assert (tmp_path / "steps.txt").read_text(encoding="utf-8").count("\n") == 55


@pytest.mark.render
@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot program")
def test_network_only_with_a_loss(tmp_path):
    code = main(
        [
            "lecture",
            "--out",
            str(tmp_path),
            "--formats",
            "svg,png",
            "--network-only",
            "--loss",
            "binary_crossentropy",
            "--y",
            "0",
        ]
    )
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network.png", "network.svg"]
    assert "binary_crossentropy" in (tmp_path / "network.svg").read_text(encoding="utf-8")


def test_check_reports_graphviz(capsys):
    code = main(["check"])
    out = capsys.readouterr().out
    assert "Graphviz:" in out and "Chromium:" in out
    assert code == (0 if shutil.which("dot") else 1)
