"""The shape of the package, read from its source with ``ast`` (nothing is imported): no import cycle, no
module importing from a layer above its own, no private name (``_x``) taken from another module, no module
over 600 lines and no function over 80 (data tables aside).

Layers, low to high (CONTRIBUTING.md, "How data flows"): the base (errors, settings, metrics, regions, the
notebook registry …) → sources → dataset → analysis (calendar, progress, forecast, compare, backtest) →
report and plots → pipeline → runner, kernels, exporters, batch → cli. A module may import from its own
layer or any below.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "jzanalysis"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80

# Each module's layer: the longest dotted prefix listed here decides (``jzanalysis.forecast.api`` is in
# ``forecast``'s layer). A module listed nowhere fails ``test_every_module_has_a_layer``.
LAYERS: dict[str, int] = {
    # 0: the base every layer may use (no analysis; words only read from the catalogue's files)
    "jzanalysis": 0,  # the package's __init__: the version
    "jzanalysis.errors": 0,
    "jzanalysis.settings": 0,
    "jzanalysis.bounds": 0,
    "jzanalysis.metrics": 0,
    "jzanalysis.jsonable": 0,
    "jzanalysis.csvcheck": 0,
    "jzanalysis.analysis_cache": 0,
    "jzanalysis.schema": 0,  # the facts table's columns: the contract the reader writes and the dataset checks
    "jzanalysis.regions": 0,  # the cities' data files, read by the extractor and every layer above
    "jzanalysis.params": 0,  # a run's parameters, checked
    "jzanalysis.notebook_registry": 0,
    "jzanalysis.catalog_files": 0,  # the report catalogue's files read as data: a forecast's method label
    # 1: bulletins to facts
    "jzanalysis.sources": 1,
    # 2: facts to a checked dataset
    "jzanalysis.dataset": 2,
    "jzanalysis.corrections": 2,
    "jzanalysis.plans": 2,
    # 3: pure analysis
    "jzanalysis.calendar": 3,
    "jzanalysis.progress": 3,
    "jzanalysis.forecast": 3,
    "jzanalysis.compare": 3,
    "jzanalysis.backtest": 3,
    # 4: words and charts
    "jzanalysis.report": 4,
    "jzanalysis.plots": 4,
    # 5: one bulletin's analysis end to end
    "jzanalysis.pipeline": 5,
    # 6: running notebooks
    "jzanalysis.runner": 6,
    "jzanalysis.run_folder": 6,
    "jzanalysis.kernels": 6,
    "jzanalysis.exporters": 6,
    "jzanalysis.batch": 6,
    # 7: the command line
    "jzanalysis.cli": 7,
    "jzanalysis.__main__": 7,  # python -m jzanalysis: the command line
}

# Functions allowed past MAX_FUNCTION_LINES: data tables, not logic.
LONG_DATA_TABLES: set[str] = set()

# Known violations being worked off, each listed until it is fixed (all are fixed today: the lists are empty).
# The tests below fail on anything not listed here, and on an entry listed here that no longer occurs (so the
# lists only shrink).
PENDING_LONG_MODULES: set[str] = set()
PENDING_LONG_FUNCTIONS: set[str] = set()
PENDING_UPWARD_IMPORTS: set[tuple[str, str]] = set()
PENDING_PRIVATE_IMPORTS: set[tuple[str, str]] = set()
# an import cycle is listed by the import that would break it (importer, imported)
PENDING_CYCLE_IMPORTS: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding="utf-8"))


def type_checking_nodes(module: ast.Module) -> set[int]:
    """The ids of the nodes under ``if TYPE_CHECKING:`` (imports for annotations only, never run)."""
    inside = set()
    for node in ast.walk(module):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            inside.update(id(child) for statement in node.body for child in ast.walk(statement))
    return inside


def imports(name: str, module: ast.Module | None = None) -> list[tuple[str, str | None]]:
    """``(module, imported name)`` for every import the module runs, at the top or inside a function
    (``from . import settings`` is the module ``jzanalysis.settings``; ``from .x import y`` is ``(x, y)``)."""
    module = module or tree(name)
    skip = type_checking_nodes(module)
    return [
        pair
        for node in ast.walk(module)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skip
        for pair in imports_of(name, node)
    ]


def imports_of(name: str, node: ast.Import | ast.ImportFrom) -> list[tuple[str, str | None]]:
    """What one import statement of module ``name`` takes from the package (see :func:`imports`)."""
    known = modules()
    if isinstance(node, ast.Import):
        return [(alias.name, None) for alias in node.names if alias.name.startswith("jzanalysis")]
    package = name if known[name].name == "__init__.py" else name.rpartition(".")[0]
    if node.level:
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    if not source.startswith("jzanalysis"):
        return []
    found = []
    for alias in node.names:
        submodule = f"{source}.{alias.name}"
        found.append((submodule, None) if submodule in known else (source, alias.name))
    return found


def layer(name: str) -> int | None:
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in LAYERS:
            return LAYERS[".".join(parts[:end])]
    return None


def test_every_module_has_a_layer():
    assert [name for name in modules() if layer(name) is None] == []


def test_the_layers_hold():
    # (importer, imported) for an import from a higher layer
    upward = {
        (name, source)
        for name in modules()
        for source, _ in imports(name)
        if source in modules() and layer(source) > layer(name)
    }
    assert upward - PENDING_UPWARD_IMPORTS == set()
    assert PENDING_UPWARD_IMPORTS - upward == set(), "cleared: remove from PENDING_UPWARD_IMPORTS"


def import_graph() -> dict[str, set[str]]:
    """Module → the modules it imports (a package's ``__init__`` counts as a module of its own)."""
    return {
        name: {source for source, _ in imports(name) if source in modules() and source != name} for name in modules()
    }


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()

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
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycles_finds_a_cycle_and_only_a_cycle():
    # a → b → c → a is one cycle of three; d → a hangs on it without being part of it
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == {frozenset("abc")}


def test_no_import_cycle():
    graph = import_graph()
    assert {(a, b) for a, b in PENDING_CYCLE_IMPORTS if b not in graph[a]} == set(), "cleared: remove it"
    for importer, imported in PENDING_CYCLE_IMPORTS:
        graph[importer].discard(imported)
    assert cycles(graph) == set()


def private_names(name: str, module: ast.Module | None = None) -> set[tuple[str, str]]:
    """``(module, "other._x")`` for a private name of another module the module takes: imported
    (``from .base import _quote_cell``) or read off a module it imported (``regions._profile_paths``)."""
    known = modules()
    found = set()
    module = module or tree(name)
    for source, imported in imports(name, module):
        if imported is not None and imported.startswith("_") and not imported.startswith("__"):
            found.add((name, f"{source}.{imported}"))
    bound = {}  # local name → the module it stands for
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom | ast.Import):
            for alias in node.names:
                target = next((s for s, i in imports_of(name, node) if i is None and s.endswith(alias.name)), None)
                if target in known:
                    bound[alias.asname or alias.name.split(".")[-1]] = target
    for node in ast.walk(module):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and bound[node.value.id] != name
        ):
            found.add((name, f"{bound[node.value.id]}.{node.attr}"))
    return found


def test_private_names_are_found_imported_and_read_off_a_module():
    # as if attribute.py read lexicon.py's private names both ways; its own _helper and a dunder are fine
    source = "from .lexicon import _group_of, __doc__\nfrom . import lexicon\nlexicon._split(1)\n_helper = 2\n"
    name = "jzanalysis.sources.extract.attribute"
    assert private_names(name, ast.parse(source)) == {
        (name, "jzanalysis.sources.extract.lexicon._group_of"),
        (name, "jzanalysis.sources.extract.lexicon._split"),
    }


def test_no_private_name_from_another_module():
    private = {pair for name in modules() for pair in private_names(name)}
    assert private - PENDING_PRIVATE_IMPORTS == set()
    assert PENDING_PRIVATE_IMPORTS - private == set(), "cleared: remove from PENDING_PRIVATE_IMPORTS"


def test_no_module_over_600_lines():
    long = {
        name
        for name, path in modules().items()
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_MODULE_LINES
    }
    assert long - PENDING_LONG_MODULES == set()
    assert PENDING_LONG_MODULES - long == set(), "cleared: remove from PENDING_LONG_MODULES"


def function_lengths(module: ast.Module, prefix: str) -> dict[str, int]:
    """``prefix.function`` (``prefix.Class.method``, ``prefix.outer.inner``) → its lines, from its first
    decorator to its last line, docstring included."""
    lengths = {}
    for child in ast.iter_child_nodes(module):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([child.lineno] + [d.lineno for d in child.decorator_list])
            lengths[f"{prefix}.{child.name}"] = child.end_lineno - start + 1
            lengths |= function_lengths(child, f"{prefix}.{child.name}")
        elif isinstance(child, ast.ClassDef):
            lengths |= function_lengths(child, f"{prefix}.{child.name}")
    return lengths


def test_function_lengths_count_from_the_decorator_to_the_last_line():
    source = (
        "@cache\ndef f():\n    def g():\n        return 1\n    return g\n\n\nclass C:\n    def m(self):\n        pass\n"
    )
    # f: lines 1 (@cache) to 5; g: lines 3–4; C.m: lines 9–10
    assert function_lengths(ast.parse(source), "x") == {"x.f": 5, "x.f.g": 2, "x.C.m": 2}


def test_no_function_over_80_lines():
    long = {
        function
        for name in modules()
        for function, lines in function_lengths(tree(name), name).items()
        if lines > MAX_FUNCTION_LINES and function not in LONG_DATA_TABLES
    }
    assert long - PENDING_LONG_FUNCTIONS == set()
    assert PENDING_LONG_FUNCTIONS - long == set(), "cleared: remove from PENDING_LONG_FUNCTIONS"


def test_imports_resolve_relative_imports():
    # batch/grid/jobs.py: `from ... import settings` is the module; `from ...notebook_registry import entry_of`
    # a name of a module; regions.py (sources/extract): `from .matcher import Mention, RegionMatcher`
    jobs = imports("jzanalysis.batch.grid.jobs")
    assert ("jzanalysis.settings", None) in jobs
    assert ("jzanalysis.notebook_registry", "entry_of") in jobs
    assert ("jzanalysis.sources.extract.matcher", "RegionMatcher") in imports("jzanalysis.sources.extract.regions")
