"""The house's rules, read from the code's own imports (module-level and inside functions):

- layers are one-way: collectors -> inventory -> lab / workers -> topology, money, audit -> answers ->
  api -> web -> cli; a lower package never imports a higher one, not even by naming it in a string;
- nothing above the answers layer imports the graph loader or the failure analyses (they ask answers);
- no import circle between the product's modules;
- an import inside a function says why (a comment on the line above or at its end)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What each package may import from the project.
ALLOWED = {
    "collectors": set(),
    "inventory": {"collectors"},
    "lab": {"collectors", "inventory"},
    "workers": {"collectors", "inventory"},
    "topology": {"inventory", "collectors"},
    "money": {"inventory", "collectors", "topology"},
    "audit": {"inventory", "collectors", "topology"},
    "answers": {"inventory", "collectors", "topology", "money", "audit"},
    "api": {"inventory", "collectors", "topology", "money", "audit", "answers", "workers"},
    "web": {"inventory", "collectors", "topology", "money", "audit", "answers", "api", "workers"},
    "cli": {"inventory", "collectors", "lab", "topology", "money", "audit", "answers", "api", "web", "workers"},
}
FRONT_DOORS = ("api", "web", "cli", "workers")
# The graph loader and the failure analyses: above the answers layer they are asked, never called.
ANSWERED = ("topology.graph", "topology.protection", "topology.sweep", "topology.fast", "topology.n2")
MODULE_STRING = re.compile(r"^([a-z_]+(?:\.[a-z_0-9]+)*)(?::[A-Za-z_]+)?$")


def product_files() -> Iterator[tuple[str, Path]]:
    for package in ALLOWED:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield package, path


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imported_modules(path: Path, tree: ast.Module) -> Iterator[tuple[ast.stmt, str]]:
    """(node, absolute module) for every import, relative ones resolved; `from X import Y` gives X.Y when
    Y is a module, else X."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                yield node, sub if is_module(sub) else module


def _parsed() -> list[tuple[str, Path, ast.Module]]:
    return [(pkg, path, ast.parse(path.read_text(encoding="utf-8"))) for pkg, path in product_files()]


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Ids of imports under `if TYPE_CHECKING:` (they never run, so they cannot close a circle)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            out |= {id(n) for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)}
    return out


def test_no_package_imports_a_higher_layer() -> None:
    bad = []
    for package, path, tree in _parsed():
        for _node, module in imported_modules(path, tree):
            top = module.split(".")[0]
            if top in ALLOWED and top != package and top not in ALLOWED[package]:
                bad.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not bad, "\n".join(bad)


def test_no_package_names_a_higher_layer_in_a_string() -> None:
    """`"web.app:create_app"` in a lower layer is an import by another name."""
    bad = []
    for package, path, tree in _parsed():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            m = MODULE_STRING.match(node.value)
            if not m or ("." not in m.group(1) and ":" not in node.value):
                continue
            top = m.group(1).split(".")[0]
            if top in ALLOWED and top != package and top not in ALLOWED[package] and is_module(m.group(1)):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno} names {node.value!r}")
    assert not bad, "\n".join(bad)


def test_front_doors_ask_the_answers_layer() -> None:
    bad = []
    for package, path, tree in _parsed():
        if package not in FRONT_DOORS:
            continue
        for node, module in imported_modules(path, tree):
            if module.startswith(ANSWERED):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module}")
        for node in ast.walk(tree):
            # a bare name is an imported function; `ask(s).full_sweep()` is a question, not a call
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                    "build_graph", "classify", "sweep_single", "full_sweep", "n2_extra", "spof"):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno} calls {node.func.id}()")
    assert not bad, "\n".join(bad)


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for _package, path, tree in _parsed():
        me = module_name(path)
        skip = _type_checking_only(tree)
        edges = graph.setdefault(me, set())
        for node, module in imported_modules(path, tree):
            if id(node) in skip or module.split(".")[0] not in ALLOWED:
                continue
            # importing a.b.c runs a/__init__ and a/b/__init__ too
            parts = module.split(".")
            for i in range(1, len(parts) + 1):
                target = ".".join(parts[:i])
                if target != me and is_module(target) and not me.startswith(target + "."):
                    edges.add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle() -> None:
    found = cycles(import_graph())
    assert not found, "\n".join(" <-> ".join(c) for c in found)


def _module_level(tree: ast.Module) -> set[int]:
    """Imports that run when the module loads: at the top, or in a top-level if/try block."""
    out: set[int] = set()
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.add(id(node))
        elif isinstance(node, ast.If | ast.Try):
            todo += [*node.body, *node.orelse, *getattr(node, "finalbody", [])]
            todo += [n for h in getattr(node, "handlers", []) for n in h.body]
    return out


def test_imports_inside_functions_say_why() -> None:
    """The one reason to import late is a cost (an optional heavy dependency, start-up time): say it."""
    bad = []
    for _package, path, tree in _parsed():
        lines = path.read_text(encoding="utf-8").splitlines()
        at_top = _module_level(tree) | _type_checking_only(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or id(node) in at_top:
                continue
            row = node.lineno - 1
            if "#" in lines[row]:
                continue
            while row > 0 and (lines[row - 1].strip().startswith(("from ", "import ")) or not lines[row - 1].strip()):
                row -= 1  # a group of imports shares one comment
            if not (row > 0 and lines[row - 1].strip().startswith("#")):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno} {lines[node.lineno - 1].strip()}")
    assert not bad, "imports inside functions without a reason:\n" + "\n".join(bad)
