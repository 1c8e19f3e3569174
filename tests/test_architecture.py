"""The package's import graph: no import loop, no private name used across modules.

The graph is read from the source with :mod:`ast`, counting every import (module level, inside
functions, and ``importlib.import_module("analysis....")`` calls), so a loop hidden by a
function-level import is still a loop.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "analysis"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def resolve(current: str, is_package: bool, module: str | None, level: int) -> str:
    if level == 0:
        return module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def imports(path: Path) -> list[tuple[str, str, int]]:
    """(imported module, imported name or '', line) for every import in one file."""
    current = module_name(path)
    is_package = path.name == "__init__.py"
    found: list[tuple[str, str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, "", node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = resolve(current, is_package, node.module, node.level)
            for alias in node.names:
                found.append((target, alias.name, node.lineno))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
        ):
            arg = node.args[0]
            text = arg.value if isinstance(arg, ast.Constant) else "analysis.<dynamic>"
            found.append((str(text), "", node.lineno))
    return found


def package_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def internal_edges() -> dict[str, set[str]]:
    modules = package_modules()
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        if path.name == "__init__.py" and name == "analysis":
            continue  # the package façade re-exports everything; it is no module's dependency
        for target, imported, _ in imports(path):
            if not target.startswith("analysis"):
                continue
            full = f"{target}.{imported}" if imported else target
            dep = full if full in modules else target
            if dep in modules and dep != name and dep != "analysis":
                edges[name].add(dep)
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_cycle_finder_sees_a_loop_hidden_in_a_function() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_loop() -> None:
    cycle = find_cycle(internal_edges())
    assert cycle is None, "import loop: " + " -> ".join(cycle or [])


def test_no_private_name_imported_across_modules() -> None:
    offenders = []
    for name, path in package_modules().items():
        for target, imported, line in imports(path):
            if target.startswith("analysis") and imported.startswith("_") and target != name:
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line} {target}.{imported}")
    assert not offenders, "private names imported across modules:\n" + "\n".join(offenders)


def test_no_dynamic_import_of_package_modules() -> None:
    # The package façade (analysis/__init__.py) imports its public names on first use; no
    # other module may hide a dependency that way.
    dynamic = [
        f"{path.name}:{line}"
        for name, path in package_modules().items() if name != "analysis"
        for target, imported, line in imports(path)
        if target.startswith("analysis") and not imported and "import_module" in
        path.read_text(encoding="utf-8").splitlines()[line - 1]
    ]
    assert not dynamic, f"importlib used to hide a dependency: {dynamic}"


@pytest.mark.parametrize("heavy", ["matplotlib", "sklearn", "nbconvert", "nltk", "vaderSentiment",
                                   "dask", "distributed"])
def test_import_analysis_loads_no_heavy_dependency(heavy: str) -> None:
    code = f"import sys, analysis; print({heavy!r} in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", f"`import analysis` imports {heavy}"


def test_single_process_prepare_does_not_import_dask() -> None:
    # Dask is only for prepare(scheduler=... / workers=...); the one-process path never loads it
    code = ("import sys, tempfile, pandas as pd\n"
            "from analysis.store import prepare\n"
            "c = pd.DataFrame({'doc_id': ['a'], 'event': ['x'], 'text': ['Putin met Xi.']})\n"
            "prepare(c, store=tempfile.mkdtemp() + '/s')\n"
            "print('dask' in sys.modules, 'distributed' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_public_function_keeps_its_name_when_its_module_is_imported() -> None:
    code = ("import analysis.text.quotes, analysis.measures.keyness, analysis\n"
            "from analysis import keyness, quotes\n"
            "print(callable(keyness) and keyness.__module__, callable(quotes) and quotes.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["analysis.measures.keyness", "analysis.text.quotes"]
