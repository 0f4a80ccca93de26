"""`python -X importtime` of a command: which modules it loads and what each costs."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)")


@dataclass(frozen=True)
class Module:
    """One line of -X importtime: self and cumulative microseconds, nesting depth."""

    name: str
    self_us: int
    cumulative_us: int
    depth: int


@dataclass(frozen=True)
class Profile:
    """Every module a command imported, in the order -X importtime reports them (children first)."""

    modules: tuple[Module, ...]

    @property
    def top_level(self) -> list[Module]:
        return [m for m in self.modules if m.depth == 0]

    @property
    def total_us(self) -> int:
        return sum(m.cumulative_us for m in self.top_level)

    def slowest(self, skip: Sequence[str] = ("site", "encodings")) -> Module:
        return max((m for m in self.top_level if m.name not in skip), key=lambda m: m.cumulative_us)

    def children(self, parent: Module) -> list[Module]:
        """Direct children of `parent` (they precede it in the output, one level deeper)."""
        index = self.modules.index(parent)
        found = []
        for module in reversed(self.modules[:index]):
            if module.depth <= parent.depth:
                break
            if module.depth == parent.depth + 1:
                found.append(module)
        return found

    def outermost(self, roots: set[str]) -> list[Module]:
        """Modules under one of `roots` (top-level package names) not imported by another such module."""
        found: list[Module] = []
        stack: list[Module] = []  # reversed, a parent comes before its children
        for module in reversed(self.modules):
            del stack[module.depth :]
            inside = any(m.name.split(".")[0] in roots for m in stack)
            if module.name.split(".")[0] in roots and not inside:
                found.append(module)
            stack.append(module)
        return found

    def names(self, prefix: str) -> list[str]:
        return [m.name for m in self.modules if m.name == prefix or m.name.startswith(prefix + ".")]


def profile(argv: Sequence[str], *, env: Mapping[str, str], cwd: Path) -> Profile:
    """Run `python -X importtime ...argv[1:]` where argv[0] is the interpreter."""
    command = [argv[0], "-X", "importtime", *argv[1:]]
    done = subprocess.run(command, env=dict(env), cwd=cwd, capture_output=True, text=True, check=False, timeout=300)
    modules = []
    for line in done.stderr.splitlines():
        match = LINE.match(line)
        if match:
            own, cumulative, indent, name = match.groups()
            modules.append(Module(name, int(own), int(cumulative), len(indent) // 2))
    return Profile(tuple(modules))


def breakdown(prof: Profile, module: Module, top: int = 4) -> str:
    """`name 150 ms (pydantic 48, pydantic.types 40, ...)`."""
    kids = sorted(prof.children(module), key=lambda m: m.cumulative_us, reverse=True)[:top]
    inner = ", ".join(f"{m.name} {m.cumulative_us / 1000:.0f}" for m in kids)
    return f"{module.name} {module.cumulative_us / 1000:.0f} ms ({inner})" if inner else f"{module.name}"
