"""In CI, a missing Graphviz or Chromium fails the drawing tests instead of skipping them
(``pytest_runtest_makereport`` in conftest.py). Checked by running the drawing tests of two
files in a fresh pytest whose PATH lacks the programs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


def _drawing_tests(path: str, ci: str, marker: str):
    """pytest's last line for the tests marked ``marker`` of two files, with PATH = ``path``."""
    env = {"PATH": path, "CI": ci, "HOME": str(TESTS)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            marker,
            "tests/test_viz_render.py",
            "tests/test_viz_html.py",
        ],
        cwd=TESTS.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout.strip().splitlines()[-1], done.stdout


def test_in_ci_the_drawing_tests_fail_without_dot():
    code, summary, output = _drawing_tests("/nonexistent", "true", "render")
    assert code == 1 and re.search(r"\d+ error", summary), summary
    assert "passed" not in summary and "skipped" not in summary, summary
    assert (
        "CI is set, so this drawing test may not skip, but it would: needs Graphviz's dot" in output
    )


def test_in_ci_the_browser_tests_fail_without_chromium(tmp_path):
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("needs Graphviz's dot, to get past the drawing to the browser")
    (tmp_path / "dot").symlink_to(dot)
    code, summary, output = _drawing_tests(str(tmp_path), "1", "browser")
    assert code == 1 and re.search(r"\d+ error", summary), summary
    assert (
        "CI is set, so this drawing test may not skip, but it would: needs a headless "
        "Chromium" in output
    )


@pytest.mark.parametrize("ci", ["", "false"])
def test_outside_ci_they_skip(ci):
    code, summary, _ = _drawing_tests("/nonexistent", ci, "render or browser")
    assert code == 0 and re.search(r"\d+ skipped", summary), summary
    assert "error" not in summary and "failed" not in summary, summary
