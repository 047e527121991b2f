"""How the packages depend on each other: autograd_lite ← nn ← viz, and no import cycle in nn.

The imports are read from the sources with ``ast``, not by importing: an import cycle can work
by luck (a module imported as a whole rather than ``from module import name``), and the next
harmless-looking edit makes ``import nn`` fail. Only imports that run when a module is imported
count: those inside a function run later, when everything is loaded (that is how a method can
reach a module that imports its class), and those under ``if TYPE_CHECKING:`` never run.

(The engine has one cycle by design: ``tensor.py`` imports ``ops`` and ``backprop`` on its last
line, once ``Tensor`` exists, because Tensor's methods call the ops and the ops make Tensors.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd_lite", "nn", "viz")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path) for package in PACKAGES for path in (ROOT / package).rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (
        getattr(test, "id", None) == "TYPE_CHECKING"
        or getattr(test, "attr", None) == "TYPE_CHECKING"
    )


def _import_time_statements(body: list[ast.stmt]):
    """The import statements that run when the module is imported (not in functions, classes'
    methods or ``if TYPE_CHECKING:`` blocks)."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node):
                yield from _import_time_statements(node.body)
            yield from _import_time_statements(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (
                node.body,
                node.orelse,
                node.finalbody,
                *(handler.body for handler in node.handlers),
            ):
                yield from _import_time_statements(block)
        elif isinstance(node, ast.ClassDef):
            yield from _import_time_statements(node.body)


def _imports(path: Path, *, lazy: bool) -> set[str]:
    """The modules of our packages that ``path`` imports: at import time only, or (``lazy``)
    anywhere in the file."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    statements = (
        [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
        if lazy
        else list(_import_time_statements(tree.body))
    )
    found = set()
    for node in statements:
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # `from . import activations` needs the module nn.activations; `from .layers import
            # Dense` needs nn.layers; `from . import Dense` would need what nn/__init__ defines
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        found.update(target for target in targets if target.split(".")[0] in PACKAGES)
    return found


def _graph(package: str) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports at import time."""
    paths = {_module_name(path): path for path in (ROOT / package).rglob("*.py")}
    return {
        name: {target for target in _imports(path, lazy=False) if target in paths} - {name}
        for name, path in paths.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (a list of modules, the first repeated last), or None."""
    state: dict[str, str] = {}
    for start in sorted(graph):
        if start in state:
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = "open"
        while stack:
            target = next(stack[-1], None)
            if target is None:
                state[path.pop()] = "done"
                stack.pop()
            elif state.get(target) == "open":
                return path[path.index(target) :] + [target]
            elif target not in state:
                state[target] = "open"
                path.append(target)
                stack.append(iter(sorted(graph[target])))
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


@pytest.mark.parametrize("package", ["nn", "viz"])
def test_no_import_cycle_within_a_package(package):
    graph = _graph(package)
    assert len(graph) > 3
    cycle = _cycle(graph)
    assert cycle is None, f"{package} has an import cycle: {' -> '.join(cycle)}"


def test_nn_package_imports_its_modules_and_they_do_not_import_it():
    """``nn/__init__.py`` gathers every module's names; a module that imported ``nn`` itself
    would close a cycle through it."""
    graph = _graph("nn")
    assert {"nn.module", "nn.layers", "nn.training", "nn.losses"} <= graph["nn"]
    assert not [name for name, targets in graph.items() if "nn" in targets]


@pytest.mark.parametrize(
    ("package", "never"),
    [
        ("autograd_lite", {"nn", "viz"}),
        ("nn", {"viz"}),
    ],
)
def test_packages_depend_one_way(package, never):
    """autograd_lite ← nn ← viz: the engine knows nothing of layers or drawings, and layers
    know nothing of drawings (not even in a function's lazy import)."""
    wrong = sorted(
        f"{_module_name(path)} imports {target}"
        for path in (ROOT / package).rglob("*.py")
        for target in _imports(path, lazy=True)
        if target.split(".")[0] in never
    )
    assert not wrong, wrong


def test_viz_reads_no_private_attribute_of_what_it_draws():
    """viz reads layers through ``Module.record_activations`` and tensors through ``parents``,
    ``op`` and ``retains_grad``; the only private names it reads are a Value's ``_prev`` and
    ``_op`` (micrograd's names, which ``autograd_lite.graph`` walks too), in viz/graph.py."""
    allowed = {("graph.py", "_prev"), ("graph.py", "_op")}
    found = set()
    for path in (ROOT / "viz").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and getattr(node.value, "id", None) not in ("self", "cls")
            ):
                found.add((path.name, node.attr))
    assert found <= allowed, sorted(found - allowed)


def test_the_readmes_layout_names_every_module_and_folder():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    layout = layout[: layout.index("\n## ", 3)] if "\n## " in layout[3:] else layout
    rows = {package: layout[layout.index(f"| `{package}/`") :] for package in PACKAGES}
    for package, following in zip(PACKAGES, (*PACKAGES[1:], "examples")):
        rows[package] = rows[package][: rows[package].index(f"| `{following}/`")]
    missing = [
        f"{package}/{path.relative_to(ROOT / package)}"
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if path.name != "__init__.py" and f"`{path.name}`" not in rows[package]
    ]
    folders = ["autograd_lite", "nn", "viz", "examples", "tests", "benchmarks", "docs", ".ci"]
    missing += [f"{folder}/" for folder in folders if f"| `{folder}/`" not in layout]
    assert not missing, f"README's Layout does not mention {missing}"
