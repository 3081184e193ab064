"""No two modules of the hub import each other, directly or through others.

Read from the source with ``ast`` (nothing is imported, so this is fast). An import
counts when it is at a module's top level, including ``if TYPE_CHECKING:`` blocks: a
type-only import still ties the two modules together (six modules of hub/web once
formed one cycle through such an import). An import inside a function does not
count: it runs at call time, after every module has loaded, and is how a command or a
rarely used path defers a heavy dependency (issue 11, a fast start).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

HUB = Path(__file__).resolve().parents[2] / "hub"


def _modules(root: Path) -> dict[str, Path]:
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _top_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports outside function bodies (module level, ``if``/``try`` blocks, classes)."""
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            pending.extend(ast.iter_child_nodes(node))


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the modules of ``root``'s package it imports."""
    modules = _modules(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, node.module] if node.module else base)
                if not node.level:
                    origin = node.module or ""
                submodules = [f"{origin}.{alias.name}" for alias in node.names]
                # "from . import x" of a submodule x depends on x, not on the package
                targets = [m for m in submodules if m in modules] or [origin]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_inside_the_hub() -> None:
    assert cycles(import_graph(HUB)) == []


def test_a_cycle_is_found_even_through_a_type_only_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "web").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "web" / "__init__.py").write_text("")
    (package / "web" / "app.py").write_text("from .auth import who\n")
    (package / "web" / "auth.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .app import State\n"
    )
    (package / "web" / "lazy.py").write_text("def f():\n    from . import app\n")
    (package / "cli.py").write_text("from .web import lazy\n")
    assert cycles(import_graph(package)) == [["pkg.web.app", "pkg.web.auth"]]
