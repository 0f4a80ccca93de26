"""The shape of the code, read from its imports (ast, no import runs): each layer reaches only where it may.

core      (spec, rules, plan, live, teardown_plan, result, ...)  ->  core only (+ yaml, the standard library)
render    (text for people)                                      ->  core
azure     (the only package that imports the Azure SDK)          ->  core, azure.*
emulator  (a local ARM)                                          ->  itself and aksnet.clock, nothing else of aksnet
cli       (parses, wires, prints, exits)                         ->  everything
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import aksnet

PACKAGE = Path(aksnet.__file__).parent
FORBIDDEN = {
    "core": ("azure", "aksnet.azure", "aksnet.emulator", "aksnet.cli", "aksnet.render", "rich", "typer"),
    "render": ("azure", "aksnet.azure", "aksnet.emulator", "aksnet.cli", "rich", "typer"),
    "azure": ("aksnet.emulator", "aksnet.cli", "aksnet.render", "rich", "typer"),
    "emulator": ("aksnet.azure", "aksnet.cli", "aksnet.render", "rich", "typer"),
    "cli": (),
}
EMULATOR_MAY_USE = ("aksnet.emulator", "aksnet.clock")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    second = module.split(".")[1] if module.count(".") else ""
    return second if second in ("azure", "emulator", "cli", "render") else "core"


def imports(path: Path) -> Iterator[str]:
    """Every module `path` imports, at any depth (lazy imports inside functions count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__main__.py")


def test_the_package_is_where_the_test_looks() -> None:
    assert len(SOURCES) > 80 and any(p.name == "arm.py" for p in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=module_name)
def test_each_module_imports_only_what_its_layer_may(path: Path) -> None:
    module = module_name(path)
    here = layer(module)
    wrong = sorted({name for name in imports(path) for f in FORBIDDEN[here] if within(name, f)})
    assert not wrong, f"{module} ({here}) must not import {wrong}"
    if here == "emulator":
        own = [n for n in imports(path) if within(n, "aksnet") and not any(within(n, ok) for ok in EMULATOR_MAY_USE)]
        assert not own, f"{module}: the emulator imports nothing of aksnet but the clock, not {own}"
        if not within(module, "aksnet.emulator.serve"):
            serving = [n for n in imports(path) if within(n, "aksnet.emulator.serve")]
            assert not serving, f"{module}: the emulator core never imports its serving layer, not {serving}"


def _prints(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("print", "exit"):
            yield f"{node.func.id}() at line {node.lineno}"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in {("sys", "stdout"), ("sys", "stderr"), ("sys", "exit"), ("os", "_exit")}:
                yield f"{node.value.id}.{node.attr} at line {node.lineno}"
            if node.value.id == "typer" and node.attr in ("Exit", "echo", "confirm"):
                yield f"typer.{node.attr} at line {node.lineno}"


@pytest.mark.parametrize("path", [p for p in SOURCES if layer(module_name(p)) != "cli"], ids=module_name)
def test_only_the_cli_prints_asks_or_exits(path: Path) -> None:
    assert not list(_prints(path)), f"{module_name(path)} writes to a terminal or exits: {list(_prints(path))}"


def test_the_layer_test_catches_a_core_module_reaching_for_the_sdk(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from aksnet.azure.session import Session\n    print(Session)\n")
    assert [n for n in imports(bad) if within(n, "aksnet.azure")] == ["aksnet.azure.session"]
    assert list(_prints(bad)) == ["print() at line 3"]
