"""Data flows one way: every import in ``src/reelcast`` points down the floors, never up.

An ``ast`` walk over every module (imports inside functions and ``TYPE_CHECKING`` blocks count:
an import hidden in a function is still a dependency) maps each module to its floor:

0. ground — ``reelcast`` itself and its top-level private modules (``_errors``, ``_io``,
   ``_progress``, ``_cache``, ``_artifact``, ``_estimator``, ``_executor``): tools that know
   nothing about films.
1. corpus — ``reelcast.data``: the source readers, the canonical schema, the corpus, the target
   (``log_revenue``) and the synthetic market.
2. features — ``features``, ``text`` and ``vision`` (feature builders: films in, numeric frames
   out), ``evaluation`` (splits, folds, metrics and baselines that read the corpus and no model)
   and ``fetch`` (the TMDB client; it maps remote records onto the corpus schema).
3. models — ``models`` (every learnable family, the box-office forecaster included) and
   ``copycat`` (an as-of index built from text, poster and metadata features).
4. products — ``forecast``: a forecast of one film or a table, with intervals, explanations,
   rating and genres, saved model directories and the evaluation report; ``anime``: the MAL
   score domain (its input, features, model, training, evaluation and model directories).
5. service — ``serve``, the web service.
6. commands — ``cli`` (its ``serve`` command starts the service) and ``demo``.
7. entry point — ``__main__`` (``python -m reelcast`` runs the CLI).

A module imports its own package and lower floors only: two packages on one floor never import
each other, so no cycle can form on a floor. The ground floor is the exception: its few modules
are tools that may use each other (``_artifact`` writes JSON with ``_io``). Across packages only public names are used: a
``_private`` module or name belongs to the package that holds it and its subpackages.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

FLOORS: tuple[tuple[str, frozenset[str]], ...] = (
    ("ground", frozenset({"reelcast", "reelcast._errors", "reelcast._io", "reelcast._progress",
                          "reelcast._cache", "reelcast._artifact", "reelcast._estimator",
                          "reelcast._executor", "reelcast.resources"})),
    ("corpus", frozenset({"reelcast.data"})),
    ("features", frozenset({"reelcast.features", "reelcast.text", "reelcast.vision",
                            "reelcast.evaluation", "reelcast.fetch"})),
    ("models", frozenset({"reelcast.models", "reelcast.copycat"})),
    ("products", frozenset({"reelcast.forecast", "reelcast.anime"})),
    ("service", frozenset({"reelcast.serve"})),
    ("commands", frozenset({"reelcast.cli", "reelcast.demo"})),
    ("entry point", frozenset({"reelcast.__main__"})),
)



def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _package(name: str) -> list[str]:
    """The package a module's relative imports start from."""
    parts = name.split(".")
    return parts if MODULES[name].name == "__init__.py" else parts[:-1]


def imports(name: str) -> list[tuple[str, int]]:
    """Every ``reelcast`` module ``name`` imports (names that are submodules count as modules),
    with the line of the import."""
    found = []
    for node in ast.walk(ast.parse(MODULES[name].read_text(), filename=str(MODULES[name]))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package(name)[: len(_package(name)) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.append((submodule if submodule in MODULES else
                              f"{target}:{alias.name}", node.lineno))
    return [(t, line) for t, line in found if t.split(".")[0].split(":")[0] == "reelcast"]


def floor_of(module: str) -> tuple[int, str]:
    """(floor number, the package that places it) for a module or ``module:name``."""
    module = module.split(":")[0]
    best = None
    for number, (_, packages) in enumerate(FLOORS):
        for package in packages:
            if (module == package or module.startswith(package + ".")) and (
                    best is None or len(package) > len(best[1])):
                best = (number, package)
    if best is None:
        raise AssertionError(f"{module} is on no floor: add its package to FLOORS in {__file__}")
    return best


def private_owner(target: str) -> str | None:
    """The package a private module or name belongs to, or None for a public one."""
    dotted = target.replace(":", ".").split(".")
    for i, part in enumerate(dotted):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(dotted[:i])
    return None


def import_graph() -> dict[str, list[tuple[str, str]]]:
    """{module: [(imported module or ``module:name``, "file:line"), ...]} for the whole tree."""
    return {name: [(target, f"{MODULES[name].relative_to(SRC)}:{line}")
                   for target, line in imports(name)] for name in MODULES}


def violations(graph: dict[str, list[tuple[str, str]]]) -> list[str]:
    found = []
    for name, edges in graph.items():
        floor, package = floor_of(name)
        for target, where in edges:
            edge = f"{name} -> {target}"
            target_floor, target_package = floor_of(target)
            if target_package != package and target_floor >= floor and target_floor > 0:
                kind = "upward" if target_floor > floor else "sideways"
                found.append(f"{edge} ({kind}: {FLOORS[floor][0]} imports "
                             f"{FLOORS[target_floor][0]}) at {where}")
            owner = private_owner(target)
            if owner is not None and not (name == owner or name.startswith(owner + ".")):
                found.append(f"{edge} (private to {owner}) at {where}")
    return found


def test_every_module_is_on_a_floor():
    assert len(MODULES) > 100
    for name in MODULES:
        floor_of(name)


def test_imports_point_down_and_use_public_names():
    found = violations(import_graph())
    assert not found, f"{len(found)} imports break the layering:\n" + "\n".join(found)


def _package_of(module: str) -> str:
    module = module.split(":")[0]
    if module not in MODULES:  # a name imported from a package: its module is the package
        module = module.rsplit(".", 1)[0]
    return module if MODULES[module].name == "__init__.py" else module.rsplit(".", 1)[0]


@pytest.mark.parametrize("depth", [2, 3, 4])
def test_no_package_cycle(depth):
    # packages cut at a depth (2: reelcast.models, 3: reelcast.models.stack, ...): two packages
    # never import each other, even through others; a package and its own parent or
    # subpackages are one family, not an edge
    edges: dict[str, set[str]] = {}
    for name, imported in import_graph().items():
        for target, _ in imported:
            a, b = (".".join(_package_of(m).split(".")[:depth]) for m in (name, target))
            if not (a == b or a.startswith(b + ".") or b.startswith(a + ".")):
                edges.setdefault(a, set()).add(b)
    done: set[str] = set()

    def visit(package: str, path: list[str]) -> None:
        if package in path:
            raise AssertionError("package cycle: " + " -> ".join([*path, package]))
        if package not in done:
            for other in sorted(edges.get(package, ())):
                visit(other, [*path, package])
            done.add(package)

    for package in sorted(edges):
        visit(package, [])


@pytest.mark.parametrize("importer, target, message", [
    ("reelcast.models.x", "reelcast.forecast", "upward"),
    ("reelcast.text._a", "reelcast.vision", "sideways"),
    ("reelcast.forecast._a", "reelcast.models.stack._folds", "private to reelcast.models.stack"),
    ("reelcast.forecast._a", "reelcast.evaluation:_helper", "private to reelcast.evaluation"),
])
def test_the_check_catches(importer, target, message):
    # the rules themselves, on made-up modules: a check that cannot fail proves nothing
    assert any(message in v for v in violations({importer: [(target, "fake.py:1")]}))


@pytest.mark.parametrize("importer, target", [
    ("reelcast.models.genre._estimator", "reelcast.models._train_loop"),  # inside models
    ("reelcast.forecast._a", "reelcast.models.stack"),
    ("reelcast.cli._a", "reelcast._errors"),
    ("reelcast.forecast._a", "reelcast:__version__"),
])
def test_the_check_allows(importer, target):
    assert violations({importer: [(target, "fake.py:1")]}) == []
