"""The import graph is one-way: no two modules import each other, not even inside a function or
under ``TYPE_CHECKING``, and no layer imports a higher one (DESIGN.md): tools ← knowledge ←
agents ← graphs ← ui, evals; benchmarks and scripts on top."""

from __future__ import annotations

import ast
from graphlib import TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {
    "tools": 0,
    "knowledge": 1,
    "agents": 2,
    "graphs": 3,
    "ui": 4,
    "evals": 4,
    "benchmarks": 5,
    "scripts": 5,
}


def _modules() -> dict[str, Path]:
    found = {}
    for layer in LAYERS:
        for path in (ROOT / layer).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules that ``name`` imports anywhere in its file."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join([*parent, node.module] if node.module else parent)
            # ``from package import name``: name may be a module of the package
            candidates = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in MODULES:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                found.add(candidate)
    return found


IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


def test_the_scan_sees_imports_inside_functions() -> None:
    assert "tools.dicom_render" in IMPORTS["tools.dicom"]  # imported inside two functions
    assert "knowledge.pdf" in IMPORTS["knowledge.documents"]  # only when a PDF is read


def test_no_two_modules_import_each_other() -> None:
    circles = [
        f"{a} <-> {b}"
        for a, targets in IMPORTS.items()
        for b in targets
        if a < b and a in IMPORTS[b]
    ]
    assert sorted(circles) == []


def test_no_longer_import_circle() -> None:
    TopologicalSorter(IMPORTS).prepare()  # CycleError names the modules of a circle


def test_no_layer_imports_a_higher_or_a_neighbouring_one() -> None:
    def layer(module: str) -> str:
        return module.partition(".")[0]

    wrong = [
        f"{a} -> {b}"
        for a, targets in IMPORTS.items()
        for b in targets
        if LAYERS[layer(b)] > LAYERS[layer(a)]
        or (LAYERS[layer(b)] == LAYERS[layer(a)] and layer(b) != layer(a))
    ]
    assert sorted(wrong) == []
